/* Nested page tables: mapping, lookup, 2 MiB leaves, splitting, teardown. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/npt.h>

static int live_tables;

static void *host_alloc(void *ctx, u64 *pa)
{
    void *p = aligned_alloc(4096, 4096);

    if (!p || (ctx && live_tables >= *(int *)ctx)) {
        free(p);
        return NULL;
    }
    memset(p, 0, 4096);
    live_tables++;
    *pa = (u64)(uintptr_t)p;
    return p;
}

static void host_free(void *ctx, void *va)
{
    live_tables--;
    free(va);
}

static void *host_map(void *ctx, u64 pa)
{
    return (void *)(uintptr_t)pa;
}

static const struct npt_ops ops = {host_alloc, host_free, host_map, NULL};

static int setup(void **state)
{
    static struct npt t;

    live_tables = 0;
    assert_int_equal(npt_init(&t, &ops), 0);
    *state = &t;
    return 0;
}

static int teardown(void **state)
{
    npt_destroy(*state);
    assert_int_equal(live_tables, 0);
    return 0;
}

static void maps_and_looks_up_4k(void **state)
{
    struct npt *t = *state;
    struct npt_entry old, e;

    assert_int_equal(npt_set(t, 0x1234, 0x5678, 0, P2M_RAM, &old), 0);
    assert_int_equal(old.type, P2M_HOLE);
    e = npt_lookup(t, 0x1234);
    assert_int_equal(e.type, P2M_RAM);
    assert_int_equal(e.mfn, 0x5678);
    assert_int_equal(e.order, 0);
    assert_int_equal(npt_lookup(t, 0x1235).type, P2M_HOLE);
    assert_int_equal(t->nr_tables, 4);

    /* Re-mapping reports the previous entry; P2M_HOLE unmaps. */
    assert_int_equal(npt_set(t, 0x1234, 0x9999, 0, P2M_XEN_PAGE, &old), 0);
    assert_int_equal(old.type, P2M_RAM);
    assert_int_equal(old.mfn, 0x5678);
    assert_int_equal(npt_lookup(t, 0x1234).type, P2M_XEN_PAGE);
    assert_int_equal(npt_set(t, 0x1234, 0, 0, P2M_HOLE, &old), 0);
    assert_int_equal(old.mfn, 0x9999);
    assert_int_equal(npt_lookup(t, 0x1234).type, P2M_HOLE);
}

static void maps_2m_and_splits_on_4k_update(void **state)
{
    struct npt *t = *state;
    struct npt_entry e, old;

    assert_int_equal(npt_set(t, 0x200, 0x40000, 9, P2M_RAM, NULL), 0);
    e = npt_lookup(t, 0x200 + 0x37);
    assert_int_equal(e.type, P2M_RAM);
    assert_int_equal(e.mfn, 0x40037);
    assert_int_equal(e.order, 9);
    assert_int_equal(t->nr_tables, 3);

    /* Punching a 4 KiB hole splits the 2 MiB leaf; the rest keeps its frames. */
    assert_int_equal(npt_set(t, 0x210, 0, 0, P2M_HOLE, &old), 0);
    assert_int_equal(old.type, P2M_RAM);
    assert_int_equal(old.mfn, 0x40010);
    assert_int_equal(t->nr_tables, 4);
    assert_int_equal(npt_lookup(t, 0x210).type, P2M_HOLE);
    e = npt_lookup(t, 0x211);
    assert_int_equal(e.mfn, 0x40011);
    assert_int_equal(e.order, 0);
    assert_int_equal(npt_lookup(t, 0x3ff).mfn, 0x401ff);

    /* A split range cannot take a 2 MiB leaf again. */
    assert_int_equal(npt_set(t, 0x200, 0x40000, 9, P2M_RAM, NULL), -EBUSY);
}

static void rejects_bad_arguments(void **state)
{
    struct npt *t = *state;

    assert_int_equal(npt_set(t, 0x201, 0x40000, 9, P2M_RAM, NULL), -EINVAL);
    assert_int_equal(npt_set(t, 0x200, 0x40001, 9, P2M_RAM, NULL), -EINVAL);
    assert_int_equal(npt_set(t, 0, 0, 3, P2M_RAM, NULL), -EINVAL);
    assert_int_equal(npt_set(t, NPT_MAX_GFN, 0, 0, P2M_RAM, NULL), -EINVAL);
    assert_int_equal(npt_set(t, 0, 0, 0, P2M_NR_TYPES, NULL), -EINVAL);
    assert_int_equal(npt_lookup(t, NPT_MAX_GFN).type, P2M_HOLE);
}

struct visit_log {
    int n;
    u64 gfn[8], mfn[8];
    unsigned order[8];
};

static void log_leaf(void *arg, u64 gfn, const struct npt_entry *e)
{
    struct visit_log *l = arg;

    if (l->n < 8) {
        l->gfn[l->n] = gfn;
        l->mfn[l->n] = e->mfn;
        l->order[l->n] = e->order;
    }
    l->n++;
}

static void visits_leaves_in_order(void **state)
{
    struct npt *t = *state;
    struct visit_log l = {0};

    assert_int_equal(npt_set(t, 0xfeff0, 0x77, 0, P2M_XEN_PAGE, NULL), 0);
    assert_int_equal(npt_set(t, 0x400, 0x800, 9, P2M_RAM, NULL), 0);
    assert_int_equal(npt_set(t, 0x3, 0x33, 0, P2M_MMIO_DIRECT, NULL), 0);
    npt_for_each_leaf(t, log_leaf, &l);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.gfn[0], 0x3);
    assert_int_equal(l.gfn[1], 0x400);
    assert_int_equal(l.order[1], 9);
    assert_int_equal(l.mfn[1], 0x800);
    assert_int_equal(l.gfn[2], 0xfeff0);
    assert_int_equal(npt_lookup(t, 0x3).type, P2M_MMIO_DIRECT);
}

static void out_of_memory_is_reported(void **state)
{
    struct npt t;
    int limit = 2;
    struct npt_ops limited = ops;

    live_tables = 0;
    limited.ctx = &limit;
    assert_int_equal(npt_init(&t, &limited), 0);
    assert_int_equal(npt_set(&t, 0x12345, 1, 0, P2M_RAM, NULL), -ENOMEM);
    npt_destroy(&t);
    assert_int_equal(live_tables, 0);
}

/* A table budget: far-apart mappings fail with -ENOMEM once it is spent; the rest still works. */
static void table_budget_is_enforced(void **state)
{
    struct npt *t = *state;
    struct npt_entry old;

    t->max_tables = 5;
    assert_int_equal(npt_set(t, 0x10, 0x100, 0, P2M_RAM, NULL), 0); /* root + 3 */
    assert_int_equal(t->nr_tables, 4);
    /* Another 1 GiB region needs an L2 and an L1: only one is left. */
    assert_int_equal(npt_set(t, 1ull << 18, 0x200, 0, P2M_XEN_PAGE, NULL), -ENOMEM);
    assert_int_equal(t->nr_tables, 5);
    assert_int_equal(npt_lookup(t, 1ull << 18).type, P2M_HOLE);
    assert_int_equal(npt_set(t, 1ull << 27, 0x300, 0, P2M_XEN_PAGE, NULL), -ENOMEM);
    assert_int_equal(t->nr_tables, 5);
    /* Within the tables that exist, mappings still change. */
    assert_int_equal(npt_set(t, 0x11, 0x101, 0, P2M_RAM, NULL), 0);
    assert_int_equal(npt_set(t, 0x10, 0, 0, P2M_HOLE, &old), 0);
    assert_int_equal(old.mfn, 0x100);
    assert_int_equal(npt_lookup(t, 0x11).mfn, 0x101);
    /* Splitting a 2 MiB leaf needs a table too (the budget is spent: 5 tables exist). */
    assert_int_equal(npt_set(t, 0x200, 0x400, NPT_ORDER_2M, P2M_RAM, NULL), 0);
    assert_int_equal(npt_set(t, 0x201, 0x999, 0, P2M_XEN_PAGE, NULL), -ENOMEM);
    assert_int_equal(npt_lookup(t, 0x201).mfn, 0x401);
}

static void budget_grows_with_memory(void **state)
{
    assert_true(npt_table_budget(2048) >= 256);
    assert_true(npt_table_budget(1ull << 20) > npt_table_budget(1ull << 18));
    /* Enough for every 4 KiB frame of the domain mapped singly, with its upper levels. */
    assert_true(npt_table_budget(1ull << 20) > (1ull << 20) / 512 + (1ull << 20) / (512 * 512) + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(maps_and_looks_up_4k, setup, teardown),
        cmocka_unit_test_setup_teardown(maps_2m_and_splits_on_4k_update, setup, teardown),
        cmocka_unit_test_setup_teardown(rejects_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(visits_leaves_in_order, setup, teardown),
        cmocka_unit_test(out_of_memory_is_reported),
        cmocka_unit_test_setup_teardown(table_budget_is_enforced, setup, teardown),
        cmocka_unit_test(budget_grows_with_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
