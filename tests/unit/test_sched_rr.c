/* Round-robin scheduler core, by simulation (sched_sim.h). */
#include "sched_sim.h"

#include <lares/errno.h>

static struct sim m;

#define SECONDS(s) ((s_time_t)(s)*1000000000)

static void hogs_share_one_cpu_equally(void **state)
{
    sim_init(&m, "rr", 1);
    for (int i = 0; i < 3; i++)
        sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SECONDS(3));
    for (int i = 0; i < 3; i++) {
        double s = (double)sim_ran(&m, i) / SECONDS(3);
        assert_true(s >= 0.95 / 3 && s <= 1.05 / 3);
    }
}

static void slices_rotate_in_fifo_order(void **state)
{
    sim_init(&m, "rr", 1);
    for (int i = 0; i < 3; i++)
        sim_add(&m, 0, 0, 0, SIM_HOG);

    for (int slice = 0; slice < 9; slice++) {
        sim_run(&m, SCHED_MS(30));
        sim_settle(&m);
        /* Slice k (ending now) belonged to vCPU k % 3; the next one runs now. */
        assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[(slice + 1) % 3]);
    }
}

static void weights_are_not_supported(void **state)
{
    sim_init(&m, "rr", 1);
    sim_add(&m, 0, 0, 0, SIM_HOG);
    assert_int_equal(sched_dom_set_params(&m.s, &m.dom[0], 512, 0), -EINVAL);
    assert_int_equal(m.s.tslice_ns, SCHED_MS(30));
}

static void wakeup_does_not_preempt(void **state)
{
    sim_init(&m, "rr", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_SLEEPER);

    sim_run(&m, SCHED_MS(5));
    sched_wake(&m.s, &m.vcpu[b], m.now);
    assert_false(m.kick[0]);
    sim_run(&m, SCHED_MS(10));
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[a]);
    sim_run(&m, SCHED_MS(20));
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[b]);
}

static void idle_cpu_takes_queued_vcpu(void **state)
{
    sim_init(&m, "rr", 2);
    for (int i = 0; i < 4; i++)
        sim_add(&m, 0, 0, 0, SIM_HOG); /* all start on pCPU 0 */

    sim_run(&m, SECONDS(2));
    assert_true(m.steals >= 1);
    assert_non_null(m.pcpu[0].curr);
    assert_non_null(m.pcpu[1].curr);
    for (int i = 0; i < 4; i++) {
        double s = (double)sim_ran(&m, i) / SECONDS(2);
        assert_true(s >= 0.4 && s <= 0.6);
    }
}

static void blocked_vcpu_leaves_and_returns(void **state)
{
    sim_init(&m, "rr", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SCHED_MS(1));
    sched_sleep(&m.s, &m.vcpu[b], RUNSTATE_blocked, m.now);
    sim_run(&m, SECONDS(1));
    assert_int_equal(sim_ran(&m, b), 0);
    sched_wake(&m.s, &m.vcpu[b], m.now);
    sim_run(&m, SECONDS(1));
    assert_true(sim_ran(&m, b) >= SCHED_MS(450));
    assert_true(sim_ran(&m, a) >= SECONDS(1) + SCHED_MS(450));
}

/* Pinned to pCPU 0 of two: the idle pCPU 1 takes neither; the other hog goes there. */
static void pinned_vcpus_are_not_taken_elsewhere(void **state)
{
    sim_init(&m, "rr", 2);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_SLEEPER);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_SLEEPER);
    unsigned int c = sim_add(&m, 0, 0, 0, SIM_HOG);

    sched_vcpu_pin(&m.s, &m.vcpu[a], 1u << 0);
    sched_vcpu_pin(&m.s, &m.vcpu[b], 1u << 0);
    m.load[a] = m.load[b] = SIM_HOG;
    m.wake_at[a] = m.wake_at[b] = m.now;
    sim_run(&m, SECONDS(2));
    assert_int_equal(m.vcpu[a].cpu, 0);
    assert_int_equal(m.vcpu[b].cpu, 0);
    /* Some mixing at the start; then the free hog settles on pCPU 1 alone. */
    assert_true((double)sim_ran(&m, c) / SECONDS(2) >= 0.9);
    assert_true((double)sim_ran(&m, a) / SECONDS(2) >= 0.45);
    assert_true((double)sim_ran(&m, b) / SECONDS(2) >= 0.45);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hogs_share_one_cpu_equally),
        cmocka_unit_test(slices_rotate_in_fifo_order),
        cmocka_unit_test(weights_are_not_supported),
        cmocka_unit_test(wakeup_does_not_preempt),
        cmocka_unit_test(idle_cpu_takes_queued_vcpu),
        cmocka_unit_test(blocked_vcpu_leaves_and_returns),
        cmocka_unit_test(pinned_vcpus_are_not_taken_elsewhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
