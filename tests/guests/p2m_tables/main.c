/*
 * p2m_tables: make the hypervisor build nested page tables far from the
 * guest's RAM. Every XENMEM_add_to_physmap of the shared_info page at a
 * guest frame in a new 1 GiB or 512 GiB region needs new tables (the old
 * mapping goes, its tables stay). Those tables are hypervisor memory
 * spent on behalf of the guest, so there must be a limit per domain, as
 * Xen has (its paging pool, since XSA-409): the call must fail with
 * -ENOMEM long before the machine runs out of memory, and the domain
 * must be able to go on (shared_info mapped back at home, where the
 * tables exist).
 *
 * Command line: limit=<calls> (default 4096): FAILURE if that many calls
 * all succeed.
 */
#include <guest.h>
#include <public/memory.h>

const char test_title[] = "p2m_tables: nested page tables per domain are limited";

static u8 shared_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

static long map_shared_info(u64 gfn)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = gfn};

    return hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
}

/* The i-th frame: a new 512 GiB region (L4 slot) each time, then a new 1 GiB one. */
static u64 far_gfn(unsigned long i)
{
    return ((u64)(i % 511 + 1) << 27) | ((u64)(i / 511 % 512) << 18);
}

void test_main(void)
{
    const unsigned long limit = cmdline_number("limit", 4096);
    const struct shared_info *si = (const void *)shared_page;
    const u64 own_gfn = (u64)shared_page >> XEN_PAGE_SHIFT;
    unsigned long i;
    long rc;

    if (!test_needs_xen())
        return;
    /* First at home: the tables for that frame exist from then on. */
    rc = map_shared_info(own_gfn);
    if (!check(rc == 0 && si->vcpu_info[0].time.tsc_to_system_mul, "mapping shared_info: %ld", rc))
        return;
    /* Moving it away leaves a hole at home: shared_page is not touched until it is back. */
    for (i = 0; i < limit; i++) {
        rc = map_shared_info(far_gfn(i));
        if (rc)
            break;
    }
    printk("%lu calls mapped shared_info far away, then: %ld\n", i, rc);
    if (i == limit)
        test_failure("%lu mappings far apart all succeeded: no limit on the domain's tables", i);
    else
        check(rc == -ENOMEM && i > 0, "add_to_physmap #%lu: %ld, expected -ENOMEM", i, rc);
    /* The domain goes on where its tables exist. */
    rc = map_shared_info(own_gfn);
    check(rc == 0, "mapping shared_info back home: %ld", rc);
    check(si->vcpu_info[0].time.tsc_to_system_mul != 0, "shared_info is not mapped back");
    test_success();
}
