/*
 * balloon: giving RAM back to the hypervisor and taking it again, as
 * Linux's balloon driver does (XENMEM_decrease_reservation and
 * XENMEM_populate_physmap on its own GFNs).
 *
 * The hypervisor must: unmap and free each extent named, counting the
 * frames off the domain (current_reservation drops), stop at the first
 * extent that is not RAM, and finish long lists (more than it does in one
 * go) without the guest noticing; populate extents with fresh zeroed
 * frames (the old contents are gone), 4 KiB or 2 MiB (aligned) ones,
 * never beyond the domain's limit (maximum_reservation), and refuse
 * extents larger than 2 MiB and other domains.
 */
#include <guest.h>
#include <public/memory.h>

const char test_title[] = "balloon: decrease_reservation and populate_physmap";

#define NR_SMALL 600         /* order-0 extents: more than one call's worth */
#define SMALL_BASE 0x800ull  /* GFN of 8 MiB: RAM the framework does not use */
#define BIG_GFN 0xc00ull     /* 12 MiB: one 2 MiB extent */
#define ABOVE_RAM 0x10000ull /* 256 MiB: not RAM for a 16 MiB guest */
#define PATTERN 0x5a5a5a5a5a5a5a5aull

static xen_pfn_t list[1024];

static long reservation(unsigned int op, u64 n, unsigned int order, u16 domid)
{
    struct xen_memory_reservation r = {
        .extent_start = (u64)list,
        .nr_extents = n,
        .extent_order = order,
        .domid = domid,
    };

    return hypercall_memory_op(op, &r);
}

static long pages(unsigned int op)
{
    domid_t self = DOMID_SELF;

    return hypercall_memory_op(op, &self);
}

static u64 *page_at(u64 gfn)
{
    return (u64 *)(gfn << XEN_PAGE_SHIFT);
}

static void check_small(long cur)
{
    long rc;

    for (u64 i = 0; i < NR_SMALL; i++) {
        list[i] = SMALL_BASE + i;
        page_at(list[i])[0] = PATTERN;
        page_at(list[i])[511] = PATTERN;
    }
    rc = reservation(XENMEM_decrease_reservation, NR_SMALL, 0, DOMID_SELF);
    check(rc == NR_SMALL, "decrease_reservation of %u pages: %ld done", NR_SMALL, rc);
    check(pages(XENMEM_current_reservation) == cur - NR_SMALL,
          "current_reservation %ld after giving %u of %ld back", pages(XENMEM_current_reservation),
          NR_SMALL, cur);

    rc = reservation(XENMEM_decrease_reservation, 1, 0, DOMID_SELF);
    check(rc == 0, "decrease_reservation of a page given back already: %ld done", rc);

    rc = reservation(XENMEM_populate_physmap, NR_SMALL, 0, DOMID_SELF);
    check(rc == NR_SMALL, "populate_physmap of %u pages: %ld done", NR_SMALL, rc);
    check(pages(XENMEM_current_reservation) == cur, "current_reservation %ld, %ld before",
          pages(XENMEM_current_reservation), cur);
    for (u64 i = 0; i < NR_SMALL; i++) {
        if (!check(page_at(list[i])[0] == 0 && page_at(list[i])[511] == 0,
                   "page %#lx is not zero after populate_physmap", list[i]))
            break;
    }
}

static void check_big(long cur)
{
    long rc;

    /* Two 2 MiB extents: more than Lares does in one go, so the call is continued. */
    list[0] = BIG_GFN;
    list[1] = SMALL_BASE;
    page_at(BIG_GFN + 100)[3] = PATTERN;
    page_at(SMALL_BASE + 511)[7] = PATTERN;
    rc = reservation(XENMEM_decrease_reservation, 2, 9, DOMID_SELF);
    check(rc == 2, "decrease_reservation of two 2 MiB extents: %ld done", rc);
    check(pages(XENMEM_current_reservation) == cur - 1024, "current_reservation %ld",
          pages(XENMEM_current_reservation));
    rc = reservation(XENMEM_populate_physmap, 2, 9, DOMID_SELF);
    check(rc == 2, "populate_physmap of two 2 MiB extents: %ld done", rc);
    check(page_at(BIG_GFN + 100)[3] == 0 && page_at(SMALL_BASE + 511)[7] == 0,
          "2 MiB extents not zero after populate");

    list[0] = BIG_GFN + 1;
    rc = reservation(XENMEM_populate_physmap, 1, 9, DOMID_SELF);
    check(rc == 0, "populate_physmap of a misaligned 2 MiB extent: %ld done", rc);
    list[0] = 0;
    rc = reservation(XENMEM_decrease_reservation, 1, 10, DOMID_SELF);
    check(rc == 0, "decrease_reservation of a 4 MiB extent: %ld done", rc);
    rc = reservation(XENMEM_decrease_reservation, 1, 0, 0x7fe0);
    check(rc == 0, "decrease_reservation for another domain: %ld done", rc);
    check(pages(XENMEM_current_reservation) == cur, "current_reservation %ld, %ld before",
          pages(XENMEM_current_reservation), cur);
}

/*
 * Asking for more than the limit gets exactly up to the limit: give 10
 * pages back, then ask for 11 above RAM.
 */
static void check_limit(long cur, long max)
{
    const long n = 10;
    long room, rc;

    for (long i = 0; i < n; i++)
        list[i] = SMALL_BASE + (u64)i;
    rc = reservation(XENMEM_decrease_reservation, n, 0, DOMID_SELF);
    check(rc == n, "decrease_reservation of %ld pages: %ld done", n, rc);
    room = max - pages(XENMEM_current_reservation);
    check(room == max - cur + n, "%ld pages below the limit", room);
    for (long i = 0; i <= room; i++)
        list[i] = ABOVE_RAM + (u64)i;
    rc = reservation(XENMEM_populate_physmap, (u64)room + 1, 0, DOMID_SELF);
    check(rc == room, "populate_physmap of %ld pages with %ld left below the limit: %ld done",
          room + 1, room, rc);
    check(pages(XENMEM_current_reservation) == max, "current_reservation %ld at the limit %ld",
          pages(XENMEM_current_reservation), max);
    page_at(ABOVE_RAM)[0] = PATTERN; /* the new page above RAM is memory */
    check(page_at(ABOVE_RAM)[0] == PATTERN, "page above RAM does not hold data");
    rc = reservation(XENMEM_decrease_reservation, (u64)room, 0, DOMID_SELF);
    check(rc == room, "giving the %ld pages above RAM back: %ld done", room, rc);
    for (long i = 0; i < n; i++)
        list[i] = SMALL_BASE + (u64)i;
    rc = reservation(XENMEM_populate_physmap, n, 0, DOMID_SELF);
    check(rc == n && pages(XENMEM_current_reservation) == cur,
          "populating the %ld pages again: %ld done, %ld pages", n, rc,
          pages(XENMEM_current_reservation));
}

void test_main(void)
{
    long cur, max;

    if (!test_needs_xen())
        return;
    cur = pages(XENMEM_current_reservation);
    max = pages(XENMEM_maximum_reservation);
    printk("  %ld pages, limit %ld\n", cur, max);
    if (!check(cur > 0 && max >= cur, "current %ld, maximum %ld", cur, max))
        return;
    check_small(cur);
    check_big(cur);
    check_limit(cur, max);
    test_success();
}
