/*
 * __HYPERVISOR_memory_op: the domain's memory map, reservation sizes,
 * add_to_physmap (shared_info and grant-table frames), and ballooning:
 * decrease_reservation gives RAM frames back to the hypervisor,
 * populate_physmap takes fresh ones, within the domain's limit
 * (max_pages).
 *
 * Every change of the physmap made here holds d->physmap_lock, so that
 * "what is mapped where" (shared_info_gfn, the grant frames' GFNs) stays
 * consistent with the p2m when several vCPUs call at once.
 *
 * 32-bit guests' structures use 4-byte longs and handles; the compat
 * layouts are spelled out here.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <asm/p2m.h>
#include <public/memory.h>
#include <public/xen.h>

/* Xen: cmd bits 6 and up carry a continuation's start extent. */
#define MEMOP_CMD_MASK 0x3f
#define MEMOP_EXTENT_SHIFT 6

/* Largest extent a domU may ask for (Xen's CONFIG_DOMU_MAX_ORDER): 2 MiB. */
#define MEMOP_MAX_ORDER 9
/*
 * Frames handled per exit before the call is continued: bounds the time in
 * the hypervisor whatever the extent size (at least one extent per exit, so
 * 2 MiB extents go one at a time).
 */
#define MEMOP_PAGES_PER_CALL 512

struct compat_add_to_physmap {
    u16 domid;
    u16 size;
    u32 space;
    u32 idx;
    u32 gpfn;
};
_Static_assert(sizeof(struct compat_add_to_physmap) == 16, "compat xatp");

struct compat_memory_map {
    u32 nr_entries;
    u32 buffer;
};

struct compat_memory_reservation {
    u32 extent_start;
    u32 nr_extents;
    u32 extent_order;
    u32 mem_flags;
    u16 domid;
    u16 pad0;
};
_Static_assert(sizeof(struct compat_memory_reservation) == 20, "compat reservation");

/* The domain a domid argument names: only the caller itself for now. */
static struct domain *target(struct vcpu *v, u16 domid)
{
    if (domid == DOMID_SELF || domid == v->domain->domid)
        return v->domain;
    return NULL;
}

/*
 * The p2m entry at gfn is about to be replaced or removed: whatever
 * hypervisor page was mapped there is no longer. Caller holds physmap_lock.
 */
static void physmap_forget(struct domain *d, u64 gfn)
{
    if (d->shared_info_gfn == gfn)
        d->shared_info_gfn = SHARED_INFO_GFN_NONE;
    gnttab_physmap_forget(d, gfn);
}

static long map_shared_info(struct domain *d, u64 idx, u64 gpfn)
{
    u64 old = d->shared_info_gfn;
    int rc;

    if (idx != 0)
        return -EINVAL;
    physmap_forget(d, gpfn);
    rc = p2m_map_xen_page(d, gpfn, virt_to_mfn(d->shared_info));
    if (rc)
        return rc;
    /* The frame lives at one GFN at a time, as in Xen. */
    if (old != SHARED_INFO_GFN_NONE && old != gpfn)
        p2m_remove(d, old);
    d->shared_info_gfn = gpfn;
    shared_info_update_time(d);
    return 0;
}

static long add_to_physmap(struct vcpu *v, u64 arg, bool compat)
{
    struct xen_add_to_physmap x;
    struct domain *d;
    long rc;

    if (compat) {
        struct compat_add_to_physmap c;

        if (copy_from_guest(v, &c, arg, sizeof(c)))
            return -EFAULT;
        x.domid = c.domid;
        x.size = c.size;
        x.space = c.space;
        x.idx = c.idx;
        x.gpfn = c.gpfn;
    } else if (copy_from_guest(v, &x, arg, sizeof(x))) {
        return -EFAULT;
    }
    d = target(v, x.domid);
    if (!d)
        return -ESRCH;
    if (x.gpfn >= NPT_MAX_GFN)
        return -EINVAL;
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        spin_lock(&d->physmap_lock);
        rc = map_shared_info(d, x.idx, x.gpfn);
        spin_unlock(&d->physmap_lock);
        return rc;
    case XENMAPSPACE_grant_table:
        spin_lock(&d->physmap_lock);
        /* It forgets a grant frame it replaces at gpfn, after checking idx. */
        rc = gnttab_physmap_add(d, x.idx, x.gpfn);
        if (!rc && d->shared_info_gfn == x.gpfn)
            d->shared_info_gfn = SHARED_INFO_GFN_NONE;
        spin_unlock(&d->physmap_lock);
        return rc;
    default:
        return -ENOSYS; /* moving RAM (gmfn, gmfn_range) and foreign maps come later */
    }
}

static long memory_map(struct vcpu *v, u64 arg, bool compat)
{
    struct domain *d = v->domain;
    u32 nr;
    u64 buffer;

    if (compat) {
        struct compat_memory_map c;

        if (copy_from_guest(v, &c, arg, sizeof(c)))
            return -EFAULT;
        nr = c.nr_entries;
        buffer = c.buffer;
    } else {
        struct xen_memory_map m;

        if (copy_from_guest(v, &m, arg, sizeof(m)))
            return -EFAULT;
        nr = m.nr_entries;
        buffer = m.buffer;
    }
    if (nr > d->nr_e820)
        nr = d->nr_e820;
    for (u32 i = 0; i < nr; i++) {
        struct xen_e820_entry e = {
            .addr = d->e820[i].addr, .size = d->e820[i].size, .type = d->e820[i].type};

        if (copy_to_guest(v, buffer + i * sizeof(e), &e, sizeof(e)))
            return -EFAULT;
    }
    /* nr_entries is the first field in both layouts. */
    return copy_to_guest(v, arg, &nr, sizeof(nr)) ? -EFAULT : 0;
}

static long reservation(struct vcpu *v, u64 arg, unsigned cmd)
{
    u16 domid;
    struct domain *d;

    if (copy_from_guest(v, &domid, arg, sizeof(domid)))
        return -EFAULT;
    d = target(v, domid);
    if (!d)
        return -ESRCH;
    return cmd == XENMEM_current_reservation ? (long)domain_page_count(d) : (long)d->max_pages;
}

struct reservation_args {
    u64 list; /* guest address of the extent list */
    u64 nr;   /* extents */
    unsigned order;
    bool compat;
    struct domain *d;
};

static int read_reservation(struct vcpu *v, u64 arg, bool compat, struct reservation_args *r)
{
    struct xen_memory_reservation x;

    if (compat) {
        struct compat_memory_reservation c;

        if (copy_from_guest(v, &c, arg, sizeof(c)))
            return -EFAULT;
        x.extent_start = c.extent_start;
        x.nr_extents = c.nr_extents;
        x.extent_order = c.extent_order;
        x.domid = c.domid;
    } else if (copy_from_guest(v, &x, arg, sizeof(x))) {
        return -EFAULT;
    }
    r->list = x.extent_start;
    r->nr = x.nr_extents;
    r->order = x.extent_order;
    r->compat = compat;
    r->d = target(v, x.domid);
    return r->d ? 0 : -ESRCH;
}

static int read_extent(struct vcpu *v, const struct reservation_args *r, u64 i, u64 *gfn)
{
    if (r->compat) {
        u32 g;

        if (copy_from_guest(v, &g, r->list + i * 4, 4))
            return -EFAULT;
        *gfn = g;
        return 0;
    }
    return copy_from_guest(v, gfn, r->list + i * 8, 8) ? -EFAULT : 0;
}

/* Give back the RAM behind one extent. Stops at the first frame that is not RAM. */
static int release_extent(struct domain *d, u64 gfn, unsigned order)
{
    for (u64 j = 0; j < (1ull << order); j++) {
        if (gfn + j >= NPT_MAX_GFN || p2m_lookup(d, gfn + j).type != P2M_RAM)
            return -ENOENT; /* Xen: a hole or a non-RAM page ends the call */
        if (p2m_remove(d, gfn + j))
            return -ENOMEM; /* splitting a 2 MiB frame needs memory for a moment */
    }
    return 0;
}

/* Fresh zeroed RAM for one extent (replacing whatever was at those GFNs). */
static int populate_extent(struct domain *d, u64 gfn, unsigned order)
{
    u64 n = 1ull << order;

    if (!IS_ALIGNED(gfn, n) || gfn >= NPT_MAX_GFN || n > NPT_MAX_GFN - gfn)
        return -EINVAL;
    for (u64 j = 0; j < n; j++)
        physmap_forget(d, gfn + j);
    return p2m_populate_ram(d, gfn, n);
}

/*
 * decrease_reservation / populate_physmap: returns the number of extents
 * done (counting from the start extent in cmd's upper bits), which is
 * less than nr_extents if one failed; continues itself for long lists.
 */
static long reservation_op(struct vcpu *v, unsigned op, u64 start, u64 arg, bool compat)
{
    struct reservation_args r;
    u64 i, pages = 0;

    if (read_reservation(v, arg, compat, &r))
        return (long)start; /* Xen reports "nothing done" for bad arguments */
    if (r.nr > (0xffffffffull >> MEMOP_EXTENT_SHIFT) || start >= r.nr || r.order > MEMOP_MAX_ORDER)
        return (long)start;

    spin_lock(&r.d->physmap_lock);
    for (i = start; i < r.nr; i++) {
        u64 gfn;

        if (pages >= MEMOP_PAGES_PER_CALL)
            break;
        if (read_extent(v, &r, i, &gfn))
            break;
        if (op == XENMEM_decrease_reservation ? release_extent(r.d, gfn, r.order)
                                              : populate_extent(r.d, gfn, r.order))
            break;
        pages += 1ull << r.order;
    }
    spin_unlock(&r.d->physmap_lock);
    if (pages >= MEMOP_PAGES_PER_CALL && i < r.nr)
        return hypercall_continue(0, op | (i << MEMOP_EXTENT_SHIFT));
    return (long)i;
}

long do_memory_op(struct vcpu *v, const struct hypercall_args *a)
{
    unsigned cmd = a->arg[0] & MEMOP_CMD_MASK;
    u64 start = a->arg[0] >> MEMOP_EXTENT_SHIFT;

    switch (cmd) {
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(v, cmd, start, a->arg[1], a->compat);
    default:
        break;
    }
    if (start)
        return -EINVAL; /* only the reservation operations take a start extent */
    switch (cmd) {
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, a->arg[1], a->compat);
    case XENMEM_memory_map:
        return memory_map(v, a->arg[1], a->compat);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        return reservation(v, a->arg[1], cmd);
    default:
        return -ENOSYS;
    }
}
