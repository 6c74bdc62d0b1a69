/*
 * Guest page-table walker (see lares/guest_walk.h). Facts from the Intel
 * SDM vol. 3 ch. 4 and the AMD APM vol. 2 ch. 5; reserved-bit sets as Xen's
 * guest_pt.h applies them.
 */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/guest_walk.h>
#include <lares/string.h>

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)

#define ADDR_MASK_52 0x000ffffffffff000ull
#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1))

#define MAX_LEVELS 4
#define MAX_RETRIES 8

enum paging_mode { MODE_2LEVEL, MODE_PAE, MODE_LONG };

struct walker {
    const struct guest_mem_ops *ops;
    const struct guest_paging *pg;
    enum paging_mode mode;
    u64 gva;
    u32 access;
    u64 rsvd_phys; /* address bits at and above MAXPHYADDR */
    bool nxe;
    /* The entries used, top level first. */
    unsigned int nr;
    u64 entry_gpa[MAX_LEVELS];
    u64 entry[MAX_LEVELS];
    unsigned int entry_level[MAX_LEVELS];
};

static unsigned int entry_size(const struct walker *wk)
{
    return wk->mode == MODE_2LEVEL ? 4 : 8;
}

static unsigned int top_level(const struct walker *wk)
{
    return wk->mode == MODE_LONG ? 4 : wk->mode == MODE_PAE ? 3 : 2;
}

/* Bits of the linear address that index the table at this level. */
static unsigned int index_of(const struct walker *wk, unsigned int level)
{
    if (wk->mode == MODE_2LEVEL)
        return (wk->gva >> (12 + 10 * (level - 1))) & 0x3ff;
    if (wk->mode == MODE_PAE && level == 3)
        return (wk->gva >> 30) & 0x3;
    return (wk->gva >> (12 + 9 * (level - 1))) & 0x1ff;
}

static u64 table_base_from_cr3(const struct walker *wk)
{
    u64 cr3 = wk->pg->cr3;

    if (wk->mode == MODE_2LEVEL)
        return cr3 & 0xfffff000ull;
    if (wk->mode == MODE_PAE)
        return cr3 & 0xffffffe0ull;
    return cr3 & ADDR_MASK_52;
}

/* PSE-36: PDE bits 20:13 hold address bits 39:32. */
static u64 pse36_base(u64 pde)
{
    return (pde & 0xffc00000ull) | (((pde >> 13) & 0xff) << 32);
}

/* Does this present entry map a page (rather than point to a table)? */
static bool is_leaf(const struct walker *wk, unsigned int level, u64 e)
{
    if (level == 1)
        return true;
    if (!(e & PTE_PS))
        return false;
    if (level == 2)
        return wk->mode != MODE_2LEVEL || (wk->pg->cr4 & GW_CR4_PSE);
    return level == 3 && wk->mode == MODE_LONG; /* else PS is a reserved bit */
}

static u64 rsvd_bits(const struct walker *wk, unsigned int level, u64 e)
{
    const u64 nx = wk->nxe ? 0 : PTE_NX;
    u64 r;

    switch (wk->mode) {
    case MODE_2LEVEL:
        if (level == 2 && is_leaf(wk, level, e)) {
            r = 1ull << 21;
            /* PDE bit 13 + k is address bit 32 + k. */
            for (unsigned int k = 0; k < 8; k++)
                if (32 + k >= wk->pg->maxphyaddr)
                    r |= 1ull << (13 + k);
            return r;
        }
        return 0;
    case MODE_PAE:
        /*
         * Not PTE_A: the CPU accepted these PDPTEs at the CR3 load, and QEMU
         * sets A in them while walking, so A must not make our walk fail.
         */
        if (level == 3)
            return wk->rsvd_phys | BITS(63, 52) | PTE_G | PTE_PS | PTE_D | PTE_US | PTE_RW;
        r = wk->rsvd_phys | BITS(62, 52) | nx;
        if (level == 2 && (e & PTE_PS))
            r |= BITS(20, 13);
        return r;
    case MODE_LONG:
    default:
        r = wk->rsvd_phys | nx;
        if (level == 4)
            return r | PTE_PS | (wk->pg->amd ? PTE_G : 0);
        if (level == 3 && (e & PTE_PS))
            return r | (wk->pg->gbpages ? BITS(29, 13) : PTE_PS);
        if (level == 2 && (e & PTE_PS))
            r |= BITS(20, 13);
        return r;
    }
}

/* Error code for an access that faulted; present = protection/reserved. */
static u32 fault_code(const struct walker *wk, bool present, bool rsvd)
{
    u32 pfec = 0;

    if (present)
        pfec |= GW_PFEC_PRESENT;
    if (rsvd)
        pfec |= GW_PFEC_RSVD;
    if (wk->access & GW_WRITE)
        pfec |= GW_PFEC_WRITE;
    if ((wk->access & GW_USER) && !(wk->access & GW_IMPLICIT))
        pfec |= GW_PFEC_USER;
    /* The I/D bit is only reported where execute protection exists. */
    if ((wk->access & GW_FETCH) &&
        ((wk->pg->cr4 & GW_CR4_SMEP) || (wk->mode != MODE_2LEVEL && wk->nxe)))
        pfec |= GW_PFEC_FETCH;
    return pfec;
}

/* Permission check over the combined rights of all levels. */
static bool allowed(const struct walker *wk, bool user_page, bool writable, bool nx)
{
    const struct guest_paging *pg = wk->pg;
    const bool write = wk->access & GW_WRITE, fetch = wk->access & GW_FETCH;
    const bool implicit = wk->access & GW_IMPLICIT;
    const bool user = (wk->access & GW_USER) && !implicit;

    if (fetch && nx)
        return false;
    if (user)
        return user_page && (!write || writable);
    if (write && !writable && (pg->cr0 & GW_CR0_WP))
        return false;
    if (fetch && user_page && (pg->cr4 & GW_CR4_SMEP))
        return false;
    if (!fetch && user_page && (pg->cr4 & GW_CR4_SMAP) &&
        (implicit || !(pg->rflags & GW_RFLAGS_AC)))
        return false;
    return true;
}

/* Set A on every entry used (PAE PDPTEs have none) and D on a written leaf. */
static int set_accessed_dirty(struct walker *wk, struct guest_walk *w)
{
    for (unsigned int i = 0; i < wk->nr; i++) {
        const bool leaf = i == wk->nr - 1;
        u64 old = wk->entry[i], new = old | PTE_A;
        int rc;

        if (wk->mode == MODE_PAE && wk->entry_level[i] == 3)
            continue;
        if (leaf && (wk->access & GW_WRITE))
            new |= PTE_D;
        if (new == old)
            continue;
        rc = wk->ops->cmpxchg(wk->ops->ctx, wk->entry_gpa[i], old, new, entry_size(wk));
        if (rc == -EAGAIN)
            return rc;
        if (rc) {
            w->entry_gpa = wk->entry_gpa[i];
            w->level = wk->entry_level[i];
            return -ENXIO;
        }
        wk->entry[i] = new;
    }
    return 0;
}

static int walk_once(struct walker *wk, struct guest_walk *w)
{
    const unsigned int esize = entry_size(wk);
    bool user_page = true, writable = true, nx = false;
    u64 table = table_base_from_cr3(wk), e = 0, page_size;
    unsigned int level = top_level(wk);

    wk->nr = 0;
    for (;; level--) {
        u64 egpa = table + (u64)index_of(wk, level) * esize;
        int rc;

        w->level = level;
        rc = wk->ops->read(wk->ops->ctx, egpa, &e, esize);
        if (rc) {
            w->entry_gpa = egpa;
            return -ENXIO;
        }
        if (esize == 4)
            e &= 0xffffffffull;
        if (!(e & PTE_P)) {
            w->pfec = fault_code(wk, false, false);
            return -EFAULT;
        }
        if (e & rsvd_bits(wk, level, e)) {
            w->pfec = fault_code(wk, true, true);
            return -EFAULT;
        }
        wk->entry_gpa[wk->nr] = egpa;
        wk->entry[wk->nr] = e;
        wk->entry_level[wk->nr++] = level;

        if (!(wk->mode == MODE_PAE && level == 3)) { /* PDPTEs carry no rights */
            user_page = user_page && (e & PTE_US);
            writable = writable && (e & PTE_RW);
            nx = nx || (wk->nxe && (e & PTE_NX));
        }
        if (is_leaf(wk, level, e))
            break;
        table = wk->mode == MODE_2LEVEL ? e & 0xfffff000ull : e & ADDR_MASK_52;
    }

    if (!allowed(wk, user_page, writable, nx)) {
        w->pfec = fault_code(wk, true, false);
        return -EFAULT;
    }

    if (level == 1)
        page_size = 1ull << 12;
    else if (wk->mode == MODE_2LEVEL)
        page_size = 1ull << 22;
    else
        page_size = level == 2 ? 1ull << 21 : 1ull << 30;
    if (wk->mode == MODE_2LEVEL && level == 2)
        w->gpa = pse36_base(e);
    else
        w->gpa = e & (wk->mode == MODE_2LEVEL ? 0xfffff000ull : ADDR_MASK_52);
    w->gpa = (w->gpa & ~(page_size - 1)) | (wk->gva & (page_size - 1));
    w->page_size = page_size;
    return 0;
}

static int setup(struct walker *wk, const struct guest_paging *pg, u64 *gva)
{
    if (pg->maxphyaddr < 32 || pg->maxphyaddr > 52)
        return -EOPNOTSUPP;
    if (!(pg->cr0 & GW_CR0_PE))
        return -EOPNOTSUPP; /* CR0.PG requires PE */
    wk->rsvd_phys = BITS(51, 0) & ~((1ull << pg->maxphyaddr) - 1);
    wk->nxe = pg->efer & GW_EFER_NXE;

    if (pg->efer & GW_EFER_LMA) {
        if (pg->cr4 & GW_CR4_LA57)
            return -EOPNOTSUPP;
        if (!(pg->cr4 & GW_CR4_PAE))
            return -EOPNOTSUPP;
        /* Bits 63:47 must all equal bit 47. */
        if ((u64)((s64)(*gva << 16) >> 16) != *gva)
            return -EINVAL;
        wk->mode = MODE_LONG;
    } else {
        *gva &= 0xffffffffull; /* linear addresses are 32 bits wide */
        wk->mode = (pg->cr4 & GW_CR4_PAE) ? MODE_PAE : MODE_2LEVEL;
    }
    return 0;
}

int guest_walk(const struct guest_mem_ops *ops, const struct guest_paging *pg, u64 gva, u32 access,
               struct guest_walk *w)
{
    struct walker wk = {.ops = ops, .pg = pg, .access = access};
    int rc;

    memset(w, 0, sizeof(*w));
    if (!(pg->cr0 & GW_CR0_PG)) {
        /* Without paging, linear = physical (32 bits: long mode needs paging). */
        w->gpa = gva & 0xffffffffull;
        w->page_size = 1ull << 12;
        return 0;
    }
    rc = setup(&wk, pg, &gva);
    if (rc)
        return rc;
    wk.gva = gva;

    for (unsigned int tries = 0; tries < MAX_RETRIES; tries++) {
        rc = walk_once(&wk, w);
        if (rc == 0)
            rc = set_accessed_dirty(&wk, w);
        if (rc != -EAGAIN)
            break;
        /* The guest changed an entry under us: walk again, as hardware would. */
    }
    if (rc == 0) {
        w->leaf = wk.entry[wk.nr - 1];
    } else {
        u64 keep_entry = w->entry_gpa;
        u32 pfec = w->pfec;
        unsigned int level = w->level;

        memset(w, 0, sizeof(*w));
        w->pfec = rc == -EFAULT ? pfec : 0;
        w->entry_gpa = rc == -ENXIO ? keep_entry : 0;
        w->level = level;
    }
    return rc;
}
