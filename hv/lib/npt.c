/* Nested page tables as data (see lares/npt.h). */
#include <lares/errno.h>
#include <lares/npt.h>

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2) /* NPT walks are user accesses: needed at every level */
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_TYPE_SHIFT 9
#define PTE_TYPE_MASK (7ull << PTE_TYPE_SHIFT)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PTE_2M_ADDR_MASK 0x000fffffffe00000ull

#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A)
#define ENTRIES 512

static unsigned idx(u64 gfn, int level)
{
    return (unsigned)(gfn >> (9 * (level - 1))) & (ENTRIES - 1);
}

static u64 leaf_flags(enum p2m_type type)
{
    u64 f = PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | ((u64)type << PTE_TYPE_SHIFT);

    if (type == P2M_MMIO_DIRECT)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

static enum p2m_type pte_type(u64 pte)
{
    if (!(pte & PTE_P))
        return P2M_HOLE;
    return (enum p2m_type)((pte & PTE_TYPE_MASK) >> PTE_TYPE_SHIFT);
}

static u64 *table_of(const struct npt *t, u64 pte)
{
    return t->ops->map(t->ops->ctx, pte & PTE_ADDR_MASK);
}

int npt_init(struct npt *t, const struct npt_ops *ops)
{
    t->ops = ops;
    t->nr_tables = 0;
    t->max_tables = 0;
    t->root = ops->alloc_table(ops->ctx, &t->root_pa);
    if (!t->root)
        return -ENOMEM;
    t->nr_tables = 1;
    return 0;
}

u64 npt_table_budget(u64 pages)
{
    return 256 + pages / 128;
}

static u64 *new_table(struct npt *t, u64 *pa)
{
    u64 *tab;

    if (t->max_tables && t->nr_tables >= t->max_tables)
        return NULL;
    tab = t->ops->alloc_table(t->ops->ctx, pa);

    if (tab)
        t->nr_tables++;
    return tab;
}

/* Replace a 2 MiB leaf by a table of 512 4 KiB leaves with the same type and frames. */
static int split_2m(struct npt *t, u64 *pde)
{
    u64 pa, base = *pde & PTE_2M_ADDR_MASK;
    enum p2m_type type = pte_type(*pde);
    u64 *tab = new_table(t, &pa);

    if (!tab)
        return -ENOMEM;
    for (unsigned i = 0; i < ENTRIES; i++)
        tab[i] = (base + ((u64)i << 12)) | leaf_flags(type);
    *pde = pa | TABLE_FLAGS;
    return 0;
}

/* The entry for gfn at 'level' (1 = 4 KiB leaf, 2 = 2 MiB), creating tables on the way. */
static int walk_to(struct npt *t, u64 gfn, int level, u64 **slot)
{
    u64 *tab = t->root;

    for (int l = 4; l > level; l--) {
        u64 *e = &tab[idx(gfn, l)];

        if (!(*e & PTE_P)) {
            u64 pa;

            if (!new_table(t, &pa))
                return -ENOMEM;
            *e = pa | TABLE_FLAGS;
        } else if (*e & PTE_PS) {
            int rc = split_2m(t, e); /* only level 2 has PS leaves */

            if (rc)
                return rc;
        }
        tab = table_of(t, *e);
    }
    *slot = &tab[idx(gfn, level)];
    return 0;
}

static struct npt_entry entry_of(u64 pte, int level, u64 gfn)
{
    struct npt_entry e = {.type = pte_type(pte), .mfn = 0, .order = 0};

    if (e.type == P2M_HOLE)
        return e;
    if (level == 2) {
        e.order = NPT_ORDER_2M;
        e.mfn = ((pte & PTE_2M_ADDR_MASK) >> 12) + (gfn & (ENTRIES - 1));
    } else {
        e.mfn = (pte & PTE_ADDR_MASK) >> 12;
    }
    return e;
}

int npt_set(struct npt *t, u64 gfn, u64 mfn, unsigned order, enum p2m_type type,
            struct npt_entry *old)
{
    u64 *slot;
    int level, rc;

    if ((order != NPT_ORDER_4K && order != NPT_ORDER_2M) || type >= P2M_NR_TYPES)
        return -EINVAL;
    if (gfn >= NPT_MAX_GFN || (gfn & ((1ull << order) - 1)) || (mfn & ((1ull << order) - 1)))
        return -EINVAL;
    if (type != P2M_HOLE && mfn >= (1ull << 40))
        return -EINVAL;

    level = order == NPT_ORDER_2M ? 2 : 1;
    rc = walk_to(t, gfn, level, &slot);
    if (rc)
        return rc;
    if (level == 2 && (*slot & PTE_P) && !(*slot & PTE_PS))
        return -EBUSY; /* already split: callers map 4 KiB pieces instead */
    if (old)
        *old = entry_of(*slot, level, gfn);
    if (type == P2M_HOLE)
        *slot = 0;
    else
        *slot = (mfn << 12) | leaf_flags(type) | (level == 2 ? PTE_PS : 0);
    return 0;
}

struct npt_entry npt_lookup(const struct npt *t, u64 gfn)
{
    const u64 *tab = t->root;
    struct npt_entry none = {P2M_HOLE, 0, 0};

    if (gfn >= NPT_MAX_GFN)
        return none;
    for (int l = 4; l >= 1; l--) {
        u64 e = tab[idx(gfn, l)];

        if (!(e & PTE_P))
            return none;
        if (l == 1 || (l == 2 && (e & PTE_PS)))
            return entry_of(e, l, gfn);
        tab = table_of(t, e);
    }
    return none;
}

static void visit(const struct npt *t, const u64 *tab, int level, u64 base, npt_leaf_fn fn,
                  void *arg)
{
    for (unsigned i = 0; i < ENTRIES; i++) {
        u64 e = tab[i], gfn = base + ((u64)i << (9 * (level - 1)));

        if (!(e & PTE_P))
            continue;
        if (level == 1 || (level == 2 && (e & PTE_PS))) {
            struct npt_entry ent = entry_of(e, level, gfn);

            fn(arg, gfn, &ent);
        } else {
            visit(t, table_of(t, e), level - 1, gfn, fn, arg);
        }
    }
}

void npt_for_each_leaf(const struct npt *t, npt_leaf_fn fn, void *arg)
{
    if (t->root)
        visit(t, t->root, 4, 0, fn, arg);
}

static void free_level(struct npt *t, u64 *tab, int level)
{
    if (level > 1) {
        for (unsigned i = 0; i < ENTRIES; i++) {
            u64 e = tab[i];

            if ((e & PTE_P) && !(level == 2 && (e & PTE_PS)))
                free_level(t, table_of(t, e), level - 1);
        }
    }
    t->ops->free_table(t->ops->ctx, tab);
    t->nr_tables--;
}

void npt_destroy(struct npt *t)
{
    if (!t->root)
        return;
    free_level(t, t->root, 4);
    t->root = NULL;
    t->root_pa = 0;
}
