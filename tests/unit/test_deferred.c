/* Deferred work (hv/common/deferred.c): queueing, running, and what idle CPUs see meanwhile. */
#include "unit.h"
#include <lares/deferred.h>

static struct deferred_work a, b;
static int ran_a, ran_b, requeue_a;

/* What another CPU would see and do while job a runs. */
static bool pending_seen_by_others;
static bool queue_b_from_a;

static void job_a(void *data)
{
    ran_a++;
    assert_ptr_equal(data, &ran_a);
    pending_seen_by_others = deferred_work_pending();
    deferred_work_run(); /* another CPU passing through its scheduler loop: must not run b */
    if (queue_b_from_a) {
        assert_true(defer_work(&b));
        pending_seen_by_others = pending_seen_by_others || deferred_work_pending();
        deferred_work_run();
        assert_int_equal(ran_b, 0);
    }
    if (requeue_a) {
        requeue_a--;
        assert_true(defer_work(&a)); /* no longer queued while it runs */
    }
}

static void job_b(void *data)
{
    ran_b++;
}

static int setup(void **state)
{
    deferred_work_init(&a, job_a, &ran_a);
    deferred_work_init(&b, job_b, NULL);
    ran_a = ran_b = requeue_a = 0;
    pending_seen_by_others = queue_b_from_a = false;
    return 0;
}

static void runs_once_per_queueing(void **state)
{
    assert_false(deferred_work_pending());
    deferred_work_run(); /* nothing queued: nothing happens */
    assert_true(defer_work(&a));
    assert_false(defer_work(&a)); /* queued already */
    assert_true(deferred_work_pending());
    deferred_work_run();
    assert_int_equal(ran_a, 1);
    assert_false(deferred_work_pending());
    deferred_work_run();
    assert_int_equal(ran_a, 1);
}

static void runs_in_order_and_may_requeue(void **state)
{
    requeue_a = 1;
    assert_true(defer_work(&a));
    assert_true(defer_work(&b));
    deferred_work_run();
    assert_int_equal(ran_a, 2); /* ran, queued itself behind b, ran again */
    assert_int_equal(ran_b, 1);
    assert_false(deferred_work_pending());
}

/*
 * While a job runs, the work is that CPU's: other CPUs see nothing pending
 * (so they halt instead of looping), even for jobs queued meanwhile, which
 * the running CPU takes before it stops.
 */
static void others_see_nothing_while_a_job_runs(void **state)
{
    queue_b_from_a = true;
    assert_true(defer_work(&a));
    deferred_work_run();
    assert_false(pending_seen_by_others);
    assert_int_equal(ran_a, 1);
    assert_int_equal(ran_b, 1);
    assert_false(deferred_work_pending());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(runs_once_per_queueing, setup),
        cmocka_unit_test_setup(runs_in_order_and_may_requeue, setup),
        cmocka_unit_test_setup(others_see_nothing_while_a_job_runs, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
