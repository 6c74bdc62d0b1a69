/*
 * __HYPERVISOR_grant_table_op and the domain's grant table (version 1).
 *
 * The bookkeeping is the pure core in hv/lib/grant_table.c; this file
 * gives it memory (hypervisor pages for the shared frames: they never
 * belong to the guest, so a guest cannot balloon them away), resolves
 * domain arguments and copies operations in and out of the guest.
 *
 * What a PVH guest can do today: ask the table's size (query_size), pick
 * the version (only 1 exists), read the frames' GFNs (setup_table), and map
 * frame i into its physmap with XENMEM_add_to_physmap(XENMAPSPACE_grant_table)
 * (gnttab_physmap_add, called from memory.c). Mapping and copying other
 * domains' grants (map/unmap/copy) comes with the first backend domain and
 * returns -ENOSYS until then.
 *
 * Locking: gd->lock protects the table (the core's "grant-table lock").
 * Physmap changes are additionally serialised by d->physmap_lock, taken by
 * memory.c before it calls in here; the p2m lock is only taken inside the
 * p2m calls, never around these.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/grant_table.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/mm.h>
#include <lares/spinlock.h>
#include <asm/p2m.h>
#include <public/grant_table.h>
#include <public/xen.h>

/* Xen: the low 12 bits of cmd are the operation, the rest an argument (cache_flush only). */
#define GNTTABOP_CMD_MASK 0xfffu

struct gnttab_domain {
    spinlock_t lock;
    struct grant_table gt;
};

/* GNTTABOP_setup_table as a 32-bit guest lays it out (4-byte handle and frame numbers). */
struct compat_gnttab_setup_table {
    u16 dom;
    u16 pad0;
    u32 nr_frames;
    s16 status;
    u16 pad1;
    u32 frame_list;
};
_Static_assert(sizeof(struct compat_gnttab_setup_table) == 16, "compat setup_table");

static void *frame_alloc(void *ctx, mfn_t *mfn)
{
    void *p = alloc_page_zeroed();

    if (p)
        *mfn = virt_to_mfn(p);
    return p;
}

static void frame_free(void *ctx, void *page, mfn_t mfn)
{
    free_page(page);
}

static void *bk_zalloc(void *ctx, size_t size)
{
    return xzalloc(size);
}

static void bk_free(void *ctx, void *p)
{
    xfree(p);
}

static const struct gnttab_ops gnttab_hv_ops = {
    .alloc_frame = frame_alloc,
    .free_frame = frame_free,
    .zalloc = bk_zalloc,
    .free = bk_free,
};

int domain_gnttab_init(struct domain *d, unsigned int max_frames)
{
    struct gnttab_domain *gd = xzalloc_obj(struct gnttab_domain);
    int rc;

    if (!gd)
        return -ENOMEM;
    spin_lock_init(&gd->lock);
    rc = gnttab_init(&gd->gt, d->domid, max_frames, &gnttab_hv_ops);
    if (rc) {
        xfree(gd);
        return rc;
    }
    d->gnttab = gd;
    return 0;
}

void domain_gnttab_destroy(struct domain *d)
{
    unsigned int leaked;

    if (!d->gnttab)
        return;
    /* The p2m is gone already: nothing maps the frames any more. */
    leaked = gnttab_destroy(&d->gnttab->gt);
    if (leaked)
        pr_err("d%u: %u grant entries were still in use by other domains\n", d->domid, leaked);
    xfree(d->gnttab);
    d->gnttab = NULL;
}

unsigned int domain_gnttab_frames(const struct domain *d)
{
    return d->gnttab ? d->gnttab->gt.nr_frames : 0;
}

/*
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table): frame idx appears at
 * gpfn; if it was mapped elsewhere, that GFN becomes a hole (a frame has
 * one place in the physmap, as in Xen). Whatever was at gpfn is replaced
 * (a RAM frame there is freed). Caller holds d->physmap_lock and has
 * already told gnttab_physmap_forget() and the shared_info code that
 * gpfn is being replaced.
 */
int gnttab_physmap_add(struct domain *d, u64 idx, u64 gpfn)
{
    struct gnttab_domain *gd = d->gnttab;
    u64 old_gfn;
    mfn_t mfn;
    int rc;

    spin_lock(&gd->lock);
    rc = gnttab_map_frame(&gd->gt, idx, &mfn, &old_gfn);
    /* A grant frame already at gpfn is replaced -- only once idx is known to be valid. */
    if (!rc)
        gnttab_forget_gfn(&gd->gt, gpfn);
    spin_unlock(&gd->lock);
    if (rc)
        return rc;
    rc = p2m_map_xen_page(d, gpfn, mfn);
    if (rc)
        return rc;
    if (old_gfn != GNTTAB_GFN_NONE && old_gfn != gpfn)
        p2m_remove(d, old_gfn);
    spin_lock(&gd->lock);
    gnttab_frame_set_gfn(&gd->gt, (unsigned int)idx, gpfn);
    spin_unlock(&gd->lock);
    return 0;
}

/* The p2m entry at gfn is about to be replaced or removed: a grant frame there is unmapped. */
void gnttab_physmap_forget(struct domain *d, u64 gfn)
{
    struct gnttab_domain *gd = d->gnttab;

    if (!gd)
        return;
    spin_lock(&gd->lock);
    gnttab_forget_gfn(&gd->gt, gfn);
    spin_unlock(&gd->lock);
}

/*
 * The domain an operation names. Only the caller itself for now: another
 * existing domain is "permission denied" (there is no control domain
 * yet), an unknown id is "bad domain", as Xen answers a domU.
 */
static struct domain *op_domain(struct vcpu *v, u16 dom, s16 *status)
{
    struct domain *d = v->domain;

    if (dom == DOMID_SELF || dom == d->domid)
        return d;
    *status = domain_by_id(dom) ? GNTST_permission_denied : GNTST_bad_domain;
    return NULL;
}

static long query_size(struct vcpu *v, u64 uop, u32 count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    d = op_domain(v, op.dom, &op.status);
    if (d) {
        spin_lock(&d->gnttab->lock);
        gnttab_query_size(&d->gnttab->gt, &op);
        spin_unlock(&d->gnttab->lock);
    }
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long set_version(struct vcpu *v, u64 uop)
{
    struct gnttab_set_version op;
    struct gnttab_domain *gd = v->domain->gnttab;
    long rc;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    spin_lock(&gd->lock);
    rc = gnttab_set_version(&gd->gt, &op.version);
    spin_unlock(&gd->lock);
    if (copy_to_guest(v, uop, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}

static long get_version(struct vcpu *v, u64 uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    s16 status = GNTST_okay;

    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -EFAULT;
    d = op_domain(v, op.dom, &status);
    if (!d)
        return status == GNTST_bad_domain ? -ESRCH : -EPERM;
    spin_lock(&d->gnttab->lock);
    op.version = gnttab_get_version(&d->gnttab->gt);
    spin_unlock(&d->gnttab->lock);
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* How many frame numbers setup_table writes per lock hold (the rest is copied unlocked). */
#define SETUP_CHUNK 64

static long setup_table(struct vcpu *v, u64 uop, u32 count, bool compat)
{
    struct gnttab_setup_table op;
    struct domain *d;
    u64 gfns[SETUP_CHUNK];

    if (count != 1)
        return -EINVAL;
    if (compat) {
        struct compat_gnttab_setup_table c;

        if (copy_from_guest(v, &c, uop, sizeof(c)))
            return -EFAULT;
        op.dom = c.dom;
        op.nr_frames = c.nr_frames;
        op.frame_list = c.frame_list;
    } else if (copy_from_guest(v, &op, uop, sizeof(op))) {
        return -EFAULT;
    }

    d = op_domain(v, op.dom, &op.status);
    if (d) {
        spin_lock(&d->gnttab->lock);
        op.status = gnttab_setup_table(&d->gnttab->gt, op.nr_frames);
        spin_unlock(&d->gnttab->lock);
    }
    for (u32 i = 0; d && op.status == GNTST_okay && i < op.nr_frames; i += SETUP_CHUNK) {
        u32 n = op.nr_frames - i < SETUP_CHUNK ? op.nr_frames - i : SETUP_CHUNK;
        size_t size = compat ? 4 : 8;

        spin_lock(&d->gnttab->lock);
        for (u32 j = 0; j < n; j++)
            gfns[j] = gnttab_frame_gfn(&d->gnttab->gt, i + j);
        spin_unlock(&d->gnttab->lock);
        for (u32 j = 0; j < n; j++) {
            u32 gfn32 = (u32)gfns[j];
            const void *src = compat ? (const void *)&gfn32 : (const void *)&gfns[j];

            if (copy_to_guest(v, op.frame_list + (u64)(i + j) * size, src, size)) {
                op.status = GNTST_bad_virt_addr;
                break;
            }
        }
    }
    /* Only the status goes back (offset 8 in both layouts). */
    return copy_to_guest(v, uop + 8, &op.status, sizeof(op.status)) ? -EFAULT : 0;
}

long do_grant_table_op(struct vcpu *v, const struct hypercall_args *a)
{
    u32 cmd = (u32)a->arg[0];
    u64 uop = a->arg[1];
    u32 count = (u32)a->arg[2];

    if ((s32)count < 0)
        return -EINVAL;
    /* Bits above the command are only meaningful for cache_flush (not on x86). */
    if (cmd & ~GNTTABOP_CMD_MASK)
        return -EINVAL;
    switch (cmd) {
    case GNTTABOP_query_size:
        return query_size(v, uop, count);
    case GNTTABOP_set_version:
        return set_version(v, uop);
    case GNTTABOP_get_version:
        return get_version(v, uop);
    case GNTTABOP_setup_table:
        return setup_table(v, uop, count, a->compat);
    default:
        return -ENOSYS; /* map/unmap/copy/transfer: with the first backend domain */
    }
}
