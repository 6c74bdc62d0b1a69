/* Memory-map sanitising and range lists. */
#include "unit.h"

#include <string.h>
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/memmap.h>
#include <lares/rangelist.h>

#define R(b, s, t)                                                                                 \
    {                                                                                              \
        .base = (b), .size = (s), .type = (t)                                                      \
    }

static void expect_map(const struct boot_memrange *in, unsigned int n,
                       const struct boot_memrange *want, int nwant)
{
    struct boot_memrange out[2 * BOOT_MAX_MEMRANGES];
    int got = memmap_sanitise(in, n, out, 2 * BOOT_MAX_MEMRANGES);

    assert_int_equal(got, nwant);
    for (int i = 0; i < nwant; i++) {
        assert_int_equal(out[i].base, want[i].base);
        assert_int_equal(out[i].size, want[i].size);
        assert_int_equal(out[i].type, want[i].type);
    }
}

static void empty_and_zero_sized(void **state)
{
    const struct boot_memrange in[] = {R(0x1000, 0, E820_RAM)};

    expect_map(in, 0, NULL, 0);
    expect_map(in, 1, NULL, 0);
}

static void sorts_and_merges_same_type_neighbours(void **state)
{
    const struct boot_memrange in[] = {
        R(0x100000, 0x100000, E820_RAM),
        R(0x0, 0x9fc00, E820_RAM),
        R(0x200000, 0x100000, E820_RAM), /* touches the first: merged */
        R(0x9fc00, 0x400, E820_RESERVED),
    };
    const struct boot_memrange want[] = {
        R(0x0, 0x9fc00, E820_RAM),
        R(0x9fc00, 0x400, E820_RESERVED),
        R(0x100000, 0x200000, E820_RAM),
    };

    expect_map(in, 4, want, 3);
}

static void most_restrictive_type_wins_overlaps(void **state)
{
    const struct boot_memrange in[] = {
        R(0x0, 0x10000, E820_RAM), R(0x4000, 0x2000, E820_RESERVED), /* inside RAM */
        R(0xf000, 0x2000, E820_ACPI),                                /* straddles RAM's end */
        R(0x10800, 0x1000, E820_NVS),                                /* overlaps ACPI: NVS wins */
    };
    const struct boot_memrange want[] = {
        R(0x0, 0x4000, E820_RAM),     R(0x4000, 0x2000, E820_RESERVED), R(0x6000, 0x9000, E820_RAM),
        R(0xf000, 0x1800, E820_ACPI), R(0x10800, 0x1000, E820_NVS),
    };

    expect_map(in, 4, want, 5);
}

static void duplicates_and_containment(void **state)
{
    const struct boot_memrange in[] = {
        R(0x1000, 0x1000, E820_RAM),
        R(0x1000, 0x1000, E820_RAM),
        R(0x0, 0x10000, E820_UNUSABLE),
        R(0x2000, 0x1000, E820_RESERVED),
    };
    const struct boot_memrange want[] = {
        R(0x0, 0x2000, E820_UNUSABLE),
        R(0x2000, 0x1000, E820_RESERVED),
        R(0x3000, 0xd000, E820_UNUSABLE),
    };

    expect_map(in, 4, want, 3);
}

static void ranking_of_types(void **state)
{
    assert_true(memmap_type_rank(E820_RAM) < memmap_type_rank(E820_ACPI));
    assert_true(memmap_type_rank(E820_ACPI) < memmap_type_rank(E820_NVS));
    assert_true(memmap_type_rank(E820_NVS) < memmap_type_rank(E820_UNUSABLE));
    assert_true(memmap_type_rank(E820_UNUSABLE) < memmap_type_rank(E820_RESERVED));
    assert_int_equal(memmap_type_rank(12), memmap_type_rank(E820_RESERVED));
    assert_string_equal(memmap_type_name(E820_RAM), "RAM");
    assert_string_equal(memmap_type_name(77), "unknown");

    /* An unknown type ties with reserved: the larger number wins, whatever the order. */
    const struct boot_memrange in1[] = {R(0, 0x1000, E820_RESERVED), R(0, 0x1000, 12)};
    const struct boot_memrange in2[] = {R(0, 0x1000, 12), R(0, 0x1000, E820_RESERVED)};
    const struct boot_memrange want[] = {R(0, 0x1000, 12)};
    expect_map(in1, 2, want, 1);
    expect_map(in2, 2, want, 1);
}

static void range_at_top_of_address_space_is_clipped(void **state)
{
    const struct boot_memrange in[] = {R(UINT64_MAX - 0xfff, 0x10000, E820_RESERVED)};
    const struct boot_memrange want[] = {R(UINT64_MAX - 0xfff, 0xfff, E820_RESERVED)};

    expect_map(in, 1, want, 1);
}

static void output_space_and_input_size_are_checked(void **state)
{
    struct boot_memrange in[BOOT_MAX_MEMRANGES + 1], out[4];

    for (unsigned int i = 0; i < ARRAY_SIZE(in); i++) {
        in[i].base = i * 0x2000ULL;
        in[i].size = 0x1000;
        in[i].type = E820_RAM;
    }
    assert_int_equal(memmap_sanitise(in, 10, out, 4), -ENOSPC);
    assert_int_equal(memmap_sanitise(in, BOOT_MAX_MEMRANGES + 1, out, 4), -E2BIG);
    assert_int_equal(memmap_sanitise(in, 4, out, 4), 4);
}

static void qemu_4g_map(void **state)
{
    /* What SeaBIOS reports for -m 4G, deliberately shuffled. */
    const struct boot_memrange in[] = {
        R(0x100000000ULL, 0x40000000ULL, E820_RAM),
        R(0xfffc0000ULL, 0x40000ULL, E820_RESERVED),
        R(0x0, 0x9fc00, E820_RAM),
        R(0x100000, 0xbfee0000ULL, E820_RAM),
        R(0x9fc00, 0x400, E820_RESERVED),
        R(0xf0000, 0x10000, E820_RESERVED),
        R(0xbffe0000ULL, 0x20000, E820_RESERVED),
    };
    struct boot_memrange out[16];
    u64 ram = 0;
    int n = memmap_sanitise(in, ARRAY_SIZE(in), out, 16);

    assert_int_equal(n, 7);
    for (int i = 0; i < n; i++) {
        if (i)
            assert_true(out[i].base >= out[i - 1].base + out[i - 1].size);
        if (out[i].type == E820_RAM)
            ram += out[i].size;
    }
    assert_int_equal(ram, 0x9fc00 + 0xbfee0000ULL + 0x40000000ULL);
}

/* ---- range lists ---- */

static struct range storage[8];
static struct rangelist l;

static int rl_setup(void **state)
{
    memset(storage, 0xee, sizeof(storage));
    rangelist_init(&l, storage, 4);
    return 0;
}

static void expect_ranges(const struct range *want, unsigned int n)
{
    assert_int_equal(l.nr, n);
    for (unsigned int i = 0; i < n; i++) {
        assert_int_equal(l.r[i].start, want[i].start);
        assert_int_equal(l.r[i].end, want[i].end);
    }
}

static void add_merges_overlapping_and_touching(void **state)
{
    assert_int_equal(rangelist_add(&l, 100, 200), 0);
    assert_int_equal(rangelist_add(&l, 0, 10), 0);
    assert_int_equal(rangelist_add(&l, 300, 400), 0);
    assert_int_equal(rangelist_add(&l, 200, 250), 0); /* touches */
    assert_int_equal(rangelist_add(&l, 5, 20), 0);    /* overlaps */
    assert_int_equal(rangelist_add(&l, 50, 50), 0);   /* empty: ignored */
    const struct range want[] = {{0, 20}, {100, 250}, {300, 400}};
    expect_ranges(want, 3);
    assert_int_equal(rangelist_add(&l, 15, 350), 0); /* swallows several */
    const struct range want2[] = {{0, 400}};
    expect_ranges(want2, 1);
    assert_int_equal(rangelist_total(&l), 400);
}

static void add_reports_full_list(void **state)
{
    for (u64 i = 0; i < 4; i++)
        assert_int_equal(rangelist_add(&l, i * 10, i * 10 + 5), 0);
    assert_int_equal(rangelist_add(&l, 100, 105), -ENOSPC);
    assert_int_equal(l.nr, 4);
    assert_int_equal(rangelist_add(&l, 5, 10), 0); /* merging needs no slot */
    assert_int_equal(l.nr, 3);
}

static void remove_trims_and_splits(void **state)
{
    rangelist_add(&l, 0, 100);
    rangelist_add(&l, 200, 300);
    assert_int_equal(rangelist_remove(&l, 50, 60), 0);  /* split */
    assert_int_equal(rangelist_remove(&l, 90, 210), 0); /* trims two */
    assert_int_equal(rangelist_remove(&l, 0, 10), 0);   /* front */
    const struct range want[] = {{10, 50}, {60, 90}, {210, 300}};
    expect_ranges(want, 3);
    assert_int_equal(rangelist_remove(&l, 0, 1000), 0);
    assert_int_equal(l.nr, 0);
}

static void failed_split_changes_nothing(void **state)
{
    for (u64 i = 0; i < 4; i++)
        rangelist_add(&l, i * 100, i * 100 + 50);
    assert_int_equal(rangelist_remove(&l, 110, 120), -ENOSPC);
    const struct range want[] = {{0, 50}, {100, 150}, {200, 250}, {300, 350}};
    expect_ranges(want, 4);
}

static void queries(void **state)
{
    rangelist_add(&l, 100, 200);
    rangelist_add(&l, 300, 400);
    assert_true(rangelist_contains(&l, 100, 200));
    assert_true(rangelist_contains(&l, 150, 160));
    assert_false(rangelist_contains(&l, 150, 350));
    assert_false(rangelist_contains(&l, 99, 101));
    assert_true(rangelist_overlaps(&l, 199, 250));
    assert_false(rangelist_overlaps(&l, 200, 300));
    assert_false(rangelist_overlaps(&l, 0, 100));
}

static void take_honours_alignment_and_limit(void **state)
{
    u64 got;

    rangelist_add(&l, 0x1100, 0x3000);
    rangelist_add(&l, 0x10000, 0x20000);
    assert_true(rangelist_take(&l, 0x1000, 0x1000, UINT64_MAX, &got));
    assert_int_equal(got, 0x2000);
    /* Too big for what is left below the limit. */
    assert_false(rangelist_take(&l, 0x2000, 0x1000, 0x11000, &got));
    assert_true(rangelist_take(&l, 0x2000, 0x1000, 0x12000, &got));
    assert_int_equal(got, 0x10000);
    const struct range want[] = {{0x1100, 0x2000}, {0x12000, 0x20000}};
    expect_ranges(want, 2);
    assert_false(rangelist_take(&l, 0x100, 3, UINT64_MAX, &got)); /* not a power of two */
    assert_false(rangelist_take(&l, 0, 16, UINT64_MAX, &got));
    assert_false(rangelist_take(&l, 0x100000, 16, UINT64_MAX, &got));
}

static void take_from_the_middle_needs_a_slot(void **state)
{
    u64 got;

    for (u64 i = 0; i < 4; i++)
        rangelist_add(&l, i * 0x10000 + 0x100, i * 0x10000 + 0x8000);
    /* Aligned pieces lie inside every range, but splitting needs a slot: none. */
    assert_false(rangelist_take(&l, 0x1000, 0x1000, UINT64_MAX, &got));
    assert_int_equal(l.nr, 4);
    assert_int_equal(rangelist_total(&l), 4 * 0x7f00);
    /* Unaligned takes come from a range's start and always work. */
    assert_true(rangelist_take(&l, 0x100, 0x100, UINT64_MAX, &got));
    assert_int_equal(got, 0x100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_and_zero_sized),
        cmocka_unit_test(sorts_and_merges_same_type_neighbours),
        cmocka_unit_test(most_restrictive_type_wins_overlaps),
        cmocka_unit_test(duplicates_and_containment),
        cmocka_unit_test(ranking_of_types),
        cmocka_unit_test(range_at_top_of_address_space_is_clipped),
        cmocka_unit_test(output_space_and_input_size_are_checked),
        cmocka_unit_test(qemu_4g_map),
        cmocka_unit_test_setup(add_merges_overlapping_and_touching, rl_setup),
        cmocka_unit_test_setup(add_reports_full_list, rl_setup),
        cmocka_unit_test_setup(remove_trims_and_splits, rl_setup),
        cmocka_unit_test_setup(failed_split_changes_nothing, rl_setup),
        cmocka_unit_test_setup(queries, rl_setup),
        cmocka_unit_test_setup(take_honours_alignment_and_limit, rl_setup),
        cmocka_unit_test_setup(take_from_the_middle_needs_a_slot, rl_setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
