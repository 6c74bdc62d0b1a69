/*
 * __HYPERVISOR_memory_op: the domain's memory map, reservation sizes, and
 * add_to_physmap for the shared_info page.
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

/* The domain a domid argument names: only the caller itself for now. */
static struct domain *target(struct vcpu *v, u16 domid)
{
    if (domid == DOMID_SELF || domid == v->domain->domid)
        return v->domain;
    return NULL;
}

static long map_shared_info(struct domain *d, u64 idx, u64 gpfn)
{
    u64 old = d->shared_info_gfn;
    int rc;

    if (idx != 0)
        return -EINVAL;
    if (gpfn >= NPT_MAX_GFN)
        return -EINVAL;
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
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        return map_shared_info(d, x.idx, x.gpfn);
    default:
        return -ENOSYS; /* grant tables and GFN moves come later */
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

long do_memory_op(struct vcpu *v, const struct hypercall_args *a)
{
    unsigned cmd = a->arg[0] & MEMOP_CMD_MASK;

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
