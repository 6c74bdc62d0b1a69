/* VM exit counters: totals and the top reasons. */
#include "unit.h"

#include <string.h>
#include <lares/exit_stats.h>

static struct exit_stats s;

static void counts_and_totals(void **state)
{
    memset(&s, 0, sizeof(s));
    assert_int_equal(exit_stats_total(&s), 0);
    for (int i = 0; i < 3; i++)
        exit_stats_add(&s, 0x7b);
    exit_stats_add(&s, 0x81);
    exit_stats_add(&s, EXIT_STATS_SLOTS); /* out of range: ignored */
    assert_int_equal(s.count[0x7b], 3);
    assert_int_equal(exit_stats_total(&s), 4);
}

static void top_is_ordered_and_skips_empty_slots(void **state)
{
    unsigned top[EXIT_STATS_TOP];

    memset(&s, 0, sizeof(s));
    assert_int_equal(exit_stats_top(&s, EXIT_STATS_TOP, top), 0);
    s.count[0x7b] = 100786;
    s.count[0x81] = 2913;
    s.count[0x60] = 2117;
    s.count[0x7c] = 1538;
    s.count[0x72] = 1168;
    s.count[0x64] = 487;
    s.count[0x101] = 2913; /* a tie with 0x81: the lower slot first */
    assert_int_equal(exit_stats_top(&s, EXIT_STATS_TOP, top), 5);
    assert_int_equal(top[0], 0x7b);
    assert_int_equal(top[1], 0x81);
    assert_int_equal(top[2], 0x101);
    assert_int_equal(top[3], 0x60);
    assert_int_equal(top[4], 0x7c);

    memset(&s, 0, sizeof(s));
    s.count[5] = 1;
    s.count[0] = 2;
    assert_int_equal(exit_stats_top(&s, EXIT_STATS_TOP, top), 2);
    assert_int_equal(top[0], 0);
    assert_int_equal(top[1], 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_totals),
        cmocka_unit_test(top_is_ordered_and_skips_empty_slots),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
