/* Raw CPUID tables (see lares/cpuid_table.h). */
#include <lares/cpuid_table.h>
#include <lares/errno.h>
#include <lares/string.h>

#define BASIC_LAST 0x20u
#define EXT_FIRST 0x80000000u
#define EXT_LAST 0x80000028u
#define MAX_SUBLEAVES 16

bool cpuid_leaf_has_subleaves(u32 leaf)
{
    switch (leaf) {
    case 0x4:
    case 0x7:
    case 0xb:
    case 0xd:
    case 0xf:
    case 0x10:
    case 0x12:
    case 0x14:
    case 0x17:
    case 0x18:
    case 0x1d:
    case 0x1f:
    case 0x20:
    case 0x23:
    case 0x24:
    case 0x8000001d:
    case 0x80000020:
    case 0x80000026:
        return true;
    default:
        return false;
    }
}

static int add(struct cpuid_table *t, cpuid_insn_fn cpuid, u32 leaf, u32 subleaf,
               const struct cpuid_leaf **out)
{
    struct cpuid_leaf *e;
    u32 r[4];

    if (t->nr == CPUID_TABLE_MAX)
        return -ENOSPC;
    cpuid(leaf, subleaf, r);
    e = &t->l[t->nr++];
    e->leaf = leaf;
    e->subleaf = subleaf;
    e->a = r[0];
    e->b = r[1];
    e->c = r[2];
    e->d = r[3];
    if (out)
        *out = e;
    return 0;
}

/* Is there a sub-leaf sub, judging by sub-leaf 0 (first) and the last one read (prev)? */
static bool want_subleaf(u32 leaf, u32 sub, const struct cpuid_leaf *first,
                         const struct cpuid_leaf *prev, u64 xsave_mask)
{
    switch (leaf) {
    case 0x4: /* deterministic cache parameters: until type 0 */
        return (prev->a & 0x1f) != 0;
    case 0x7:
        return sub <= first->a;
    case 0xb:
    case 0x1f: /* topology: until level type 0 */
        return ((prev->c >> 8) & 0xff) != 0;
    case 0xd: /* XSAVE: 0, 1 and each supported component */
        return sub == 1 || (sub < 64 && ((xsave_mask >> sub) & 1));
    default:
        return false;
    }
}

static int collect_subleaves(struct cpuid_table *t, cpuid_insn_fn cpuid, u32 leaf)
{
    const struct cpuid_leaf *first, *prev, *e;
    u64 xsave_mask = 0;
    int rc;

    rc = add(t, cpuid, leaf, 0, &first);
    if (rc)
        return rc;
    prev = first;
    for (u32 sub = 1; sub < (leaf == 0xd ? 64 : MAX_SUBLEAVES); sub++) {
        if (leaf == 0xd && sub == 2) {
            /* XCR0 components from sub-leaf 0, XSS components from sub-leaf 1. */
            xsave_mask = ((u64)first->d << 32 | first->a) | ((u64)prev->d << 32 | prev->c);
        }
        if (!want_subleaf(leaf, sub, first, prev, xsave_mask)) {
            if (leaf == 0xd)
                continue; /* components are sparse */
            break;
        }
        rc = add(t, cpuid, leaf, sub, &e);
        if (rc)
            return rc;
        prev = e;
    }
    return 0;
}

int cpuid_table_collect(struct cpuid_table *t, cpuid_insn_fn cpuid)
{
    const struct cpuid_leaf *l0, *e0;
    u32 max_basic, max_ext;
    int rc;

    t->nr = 0;
    rc = add(t, cpuid, 0, 0, &l0);
    if (rc)
        return rc;
    max_basic = l0->a < BASIC_LAST ? l0->a : BASIC_LAST;
    for (u32 leaf = 1; leaf <= max_basic; leaf++) {
        if (cpuid_leaf_has_subleaves(leaf))
            rc = collect_subleaves(t, cpuid, leaf);
        else
            rc = add(t, cpuid, leaf, 0, NULL);
        if (rc)
            return rc;
    }

    rc = add(t, cpuid, EXT_FIRST, 0, &e0);
    if (rc)
        return rc;
    max_ext = e0->a;
    if (max_ext < EXT_FIRST || max_ext > EXT_FIRST + 0xff)
        return 0; /* no extended leaves */
    if (max_ext > EXT_LAST)
        max_ext = EXT_LAST;
    for (u32 leaf = EXT_FIRST + 1; leaf <= max_ext; leaf++) {
        rc = add(t, cpuid, leaf, 0, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

const struct cpuid_leaf *cpuid_table_find(const struct cpuid_table *t, u32 leaf, u32 subleaf)
{
    if (!cpuid_leaf_has_subleaves(leaf))
        subleaf = 0;
    for (unsigned int i = 0; i < t->nr && i < CPUID_TABLE_MAX; i++)
        if (t->l[i].leaf == leaf && t->l[i].subleaf == subleaf)
            return &t->l[i];
    return NULL;
}
