/* Runstate accounting: time per state, never negative, snapshots. */
#include "unit.h"
#include <string.h>

#include <lares/runstate.h>

static void accumulates_time_per_state(void **state)
{
    struct vcpu_runstate_info r;

    runstate_init(&r, RUNSTATE_offline, 100);
    runstate_change(&r, RUNSTATE_runnable, 150);
    runstate_change(&r, RUNSTATE_running, 160);
    runstate_change(&r, RUNSTATE_blocked, 400);
    runstate_change(&r, RUNSTATE_running, 1000);
    assert_int_equal(r.state, RUNSTATE_running);
    assert_int_equal(r.state_entry_time, 1000);
    assert_int_equal(r.time[RUNSTATE_offline], 50);
    assert_int_equal(r.time[RUNSTATE_runnable], 10);
    assert_int_equal(r.time[RUNSTATE_running], 240);
    assert_int_equal(r.time[RUNSTATE_blocked], 600);
}

static void snapshot_includes_open_period(void **state)
{
    struct vcpu_runstate_info r, snap;

    runstate_init(&r, RUNSTATE_running, 0);
    runstate_change(&r, RUNSTATE_blocked, 30);
    runstate_snapshot(&r, 100, &snap);
    assert_int_equal(snap.time[RUNSTATE_blocked], 70);
    assert_int_equal(snap.time[RUNSTATE_running], 30);
    assert_int_equal(r.time[RUNSTATE_blocked], 0); /* the original is untouched */
    runstate_snapshot(&r, 10, &snap);              /* before the last change */
    assert_int_equal(snap.time[RUNSTATE_blocked], 0);
}

static void time_never_runs_backwards(void **state)
{
    struct vcpu_runstate_info r;

    runstate_init(&r, RUNSTATE_running, 500);
    runstate_change(&r, RUNSTATE_runnable, 400);
    assert_int_equal(r.time[RUNSTATE_running], 0);
    assert_int_equal(r.state_entry_time, 500);
    runstate_change(&r, RUNSTATE_running, 600);
    assert_int_equal(r.time[RUNSTATE_runnable], 100);
    runstate_init(&r, RUNSTATE_offline, -5);
    assert_int_equal(r.state_entry_time, 0);
}

static void bad_state_is_ignored(void **state)
{
    struct vcpu_runstate_info r;

    runstate_init(&r, RUNSTATE_running, 0);
    runstate_change(&r, 4, 10);
    runstate_change(&r, -1, 20);
    assert_int_equal(r.state, RUNSTATE_running);
    runstate_change(&r, RUNSTATE_blocked, 30);
    assert_int_equal(r.time[RUNSTATE_running], 30);
}

/* The 32-bit layout, byte by byte: a little-endian u64 at each 4-byte-aligned offset. */
static u64 le64_at(const u8 *p, size_t off)
{
    u64 v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[off + (size_t)i];
    return v;
}

static void compat_layout_packs_to_44_bytes(void **state)
{
    struct vcpu_runstate_info r = {
        .state = RUNSTATE_blocked,
        .state_entry_time = 0x8000000123456789ull, /* XEN_RUNSTATE_UPDATE kept */
        .time = {0x1111111122222222ull, 3, 0x4444444455555555ull, 7},
    };
    u8 buf[48];

    memset(buf, 0xee, sizeof(buf));
    runstate_to_compat(&r, (struct compat_runstate_info *)buf);
    assert_int_equal(buf[0] | buf[1] << 8 | buf[2] << 16 | (u32)buf[3] << 24, RUNSTATE_blocked);
    assert_true(le64_at(buf, 4) == r.state_entry_time);
    for (int i = 0; i < RUNSTATE_COUNT; i++)
        assert_true(le64_at(buf, 12 + 8 * (size_t)i) == r.time[i]);
    for (int i = 44; i < 48; i++)
        assert_int_equal(buf[i], 0xee); /* nothing past the 32-bit record */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accumulates_time_per_state),
        cmocka_unit_test(snapshot_includes_open_period),
        cmocka_unit_test(time_never_runs_backwards),
        cmocka_unit_test(bad_state_is_ignored),
        cmocka_unit_test(compat_layout_packs_to_44_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
