/* Runstate accounting: time per state, never negative, snapshots. */
#include "unit.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accumulates_time_per_state),
        cmocka_unit_test(snapshot_includes_open_period),
        cmocka_unit_test(time_never_runs_backwards),
        cmocka_unit_test(bad_state_is_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
