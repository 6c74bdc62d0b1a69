/*
 * Credit scheduler core, by simulation (sched_sim.h) and step by step:
 * weights, caps, boost, blocking, work stealing, many domains.
 */
#include "sched_sim.h"

#include <stdio.h>
#include <lares/errno.h>

static struct sim m;

#define SECONDS(s) ((s_time_t)(s)*1000000000)

static double share(unsigned int i, s_time_t total)
{
    return (double)sim_ran(&m, i) / (double)total;
}

static void weights_256_512_split_one_cpu_1_to_2(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int a = sim_add(&m, 256, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 512, 0, 0, SIM_HOG);

    sim_run(&m, SECONDS(5));
    double ratio = (double)sim_ran(&m, b) / (double)sim_ran(&m, a);
    printf("# weight 256:512 -> run time %.3f s : %.3f s, ratio %.3f\n", sim_ran(&m, a) / 1e9,
           sim_ran(&m, b) / 1e9, ratio);
    assert_true(ratio >= 1.8 && ratio <= 2.2);
    /* The CPU never idled. */
    assert_int_equal(sim_ran(&m, a) + sim_ran(&m, b), SECONDS(5));
}

static void equal_weights_split_evenly_on_two_cpus(void **state)
{
    sim_init(&m, "credit", 2);
    for (int i = 0; i < 3; i++)
        sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SECONDS(6));
    for (int i = 0; i < 3; i++) {
        double s = share(i, SECONDS(6));
        printf("# vcpu %d: %.3f of one pCPU\n", i, s);
        assert_true(s >= 2.0 / 3 * 0.9 && s <= 2.0 / 3 * 1.1);
    }
}

static void cap_25_gets_at_most_a_quarter(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int c = sim_add(&m, 0, 25, 0, SIM_HOG);

    sim_run(&m, SECONDS(5));
    double s = share(c, SECONDS(5));
    printf("# cap 25 alone on a pCPU: %.3f\n", s);
    assert_true(s >= 0.20 && s <= 0.30);
    /* Time held back by the cap shows as offline (steal time for the guest). */
    assert_true(sim_in_state(&m, c, RUNSTATE_offline) > (u64)SECONDS(3));
}

static void cap_25_with_competition(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int c = sim_add(&m, 1024, 25, 0, SIM_HOG);
    unsigned int h = sim_add(&m, 256, 0, 0, SIM_HOG);

    sim_run(&m, SECONDS(5));
    printf("# cap 25 (weight 1024) vs hog: %.3f / %.3f\n", share(c, SECONDS(5)),
           share(h, SECONDS(5)));
    assert_true(share(c, SECONDS(5)) <= 0.30);
    assert_true(share(h, SECONDS(5)) >= 0.70);
}

static void removing_the_cap_lets_it_run(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int c = sim_add(&m, 0, 25, 0, SIM_HOG);

    sim_run(&m, SECONDS(2));
    assert_int_equal(sched_dom_set_params(&m.s, &m.dom[c], SCHED_WEIGHT_KEEP, 0), 0);
    u64 before = sim_ran(&m, c);
    sim_run(&m, SECONDS(2));
    double s = (double)(sim_ran(&m, c) - before) / SECONDS(2);
    printf("# after removing the cap: %.3f\n", s);
    assert_true(s >= 0.95);
}

static void blocked_vcpu_gets_nothing(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int h = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int z = sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SCHED_MS(1));
    sched_sleep(&m.s, &m.vcpu[z], RUNSTATE_blocked, m.now);
    u64 ran = sim_ran(&m, z);
    sim_run(&m, SECONDS(3));
    assert_int_equal(sim_ran(&m, z), ran);
    assert_true(sim_in_state(&m, z, RUNSTATE_blocked) >= (u64)SECONDS(3) - SCHED_MS(30));
    assert_true(share(h, m.now) >= 0.99);
}

/*
 * One pCPU: A runs (UNDER), B waits (UNDER); C wakes from blocked and is
 * boosted, so it preempts A and runs before B. The boost ends at C's
 * first tick.
 */
static void woken_vcpu_is_boosted_past_under(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int c = sim_add(&m, 0, 0, 0, SIM_SLEEPER);

    sim_workloads(&m);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[a]);
    assert_true(m.vcpu[b].queued);
    assert_int_equal(m.vcpu[b].pri, SCHED_PRI_BOOST); /* woke, never ran */

    /* Let B run a tick so it is plain UNDER, then back to A. */
    m.now = SCHED_MS(30);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[b]);
    m.now = SCHED_MS(40);
    sched_tick(&m.s, 0, m.now);
    assert_int_equal(m.vcpu[b].pri, SCHED_PRI_UNDER);
    m.now = SCHED_MS(60);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[a]);
    m.now = SCHED_MS(70);
    sched_tick(&m.s, 0, m.now);
    assert_int_equal(m.vcpu[a].pri, SCHED_PRI_UNDER);
    assert_int_equal(m.vcpu[b].pri, SCHED_PRI_UNDER);

    m.now = SCHED_MS(72);
    sched_wake(&m.s, &m.vcpu[c], m.now);
    assert_int_equal(m.vcpu[c].pri, SCHED_PRI_BOOST);
    assert_true(m.kick[0]); /* preemption requested */
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[c]);
    /* A was preempted and queues behind B (FIFO among UNDER). */
    assert_ptr_equal(sched_runq_head(&m.s, 0), &m.vcpu[b]);
    m.now = SCHED_MS(80);
    sched_tick(&m.s, 0, m.now);
    assert_int_equal(m.vcpu[c].pri, SCHED_PRI_UNDER);
    sim_check_invariants(&m);
}

/* An I/O-style vCPU (1 ms of work, 10 ms asleep) next to two hogs runs almost on wakeup. */
static void bursty_vcpu_keeps_low_latency(void **state)
{
    sim_init(&m, "credit", 1);
    sim_add(&m, 0, 0, 0, SIM_HOG);
    sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int io = sim_add(&m, 0, 0, 0, SIM_BURSTY);

    m.burst_ns[io] = SCHED_MS(1);
    m.sleep_ns[io] = SCHED_MS(10);
    sim_run(&m, SECONDS(3));
    /* It wants ~1/11 of the CPU and gets it, waiting at most a step per wakeup. */
    double s = share(io, SECONDS(3));
    u64 runnable = sim_in_state(&m, io, RUNSTATE_runnable);
    printf("# bursty: share %.3f, runnable %.1f ms, %u wakeups, wake-to-run %.1f ms in all, "
           "max %.1f ms\n",
           s, runnable / 1e6, m.wakeups[io], m.wait_ns[io] / 1e6, m.max_wait_ns[io] / 1e6);
    /* Boosted on wakeup: on average it waits far less than a hog's 30 ms slice. */
    assert_true(s >= 0.085);
    assert_true(m.wakeups[io] > 200);
    assert_true(m.wait_ns[io] < m.wakeups[io] * SCHED_MS(2));
}

static void idle_cpu_steals_queued_work(void **state)
{
    sim_init(&m, "credit", 2);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_SLEEPER);

    sim_run(&m, SCHED_MS(5));
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[a]);
    assert_null(m.pcpu[1].curr);

    /* B wakes on pCPU 0's queue; the idle pCPU 1 is kicked and takes it. */
    sched_wake(&m.s, &m.vcpu[b], m.now);
    assert_true(m.vcpu[b].queued);
    assert_int_equal(m.vcpu[b].cpu, 0);
    assert_true(m.kick[1]);
    assert_false(m.kick[0]);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[1].curr, &m.vcpu[b]);
    assert_int_equal(m.vcpu[b].cpu, 1);
    assert_int_equal(m.steals, 1);
    sim_check_invariants(&m);
}

static void over_cpu_steals_under_vcpu(void **state)
{
    sim_init(&m, "credit", 2);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_SLEEPER);
    unsigned int b = sim_add(&m, 0, 0, 1, SIM_SLEEPER);
    unsigned int c = sim_add(&m, 0, 0, 1, SIM_SLEEPER);

    /* A runs on pCPU 0 and has overspent; B runs on pCPU 1 with C queued. */
    sched_wake(&m.s, &m.vcpu[a], m.now);
    sched_wake(&m.s, &m.vcpu[b], m.now);
    sim_settle(&m);
    sched_wake(&m.s, &m.vcpu[c], m.now);
    assert_int_equal(m.vcpu[c].cpu, 1);
    assert_true(m.vcpu[c].queued);
    m.vcpu[a].pri = SCHED_PRI_OVER;
    m.vcpu[a].credit = -100;

    /* At the end of A's slice pCPU 0 prefers C (BOOST) from pCPU 1's queue. */
    m.now = SCHED_MS(30);
    sim_schedule(&m, 0);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[c]);
    assert_int_equal(m.vcpu[c].cpu, 0);
    assert_ptr_equal(sched_runq_head(&m.s, 0), &m.vcpu[a]);
    assert_int_equal(m.steals, 1);
}

/*
 * 30 single-vCPU domains with weights 64..1024 on 4 pCPUs. Credit1-style
 * accounting is coarse with this much overcommit (30 ms slices, 300 credits
 * per period), so the check is: nobody gets less than half its fair share,
 * more weight means more CPU, and no pCPU time is wasted.
 */
static void many_domains_nobody_starves(void **state)
{
    static const u16 weights[] = {64, 128, 256, 512, 1024};
    double weight_sum = 0, by_weight[5] = {0};
    const unsigned int n = 30, cpus = 4;
    u64 total = 0;

    sim_init(&m, "credit", cpus);
    for (unsigned int i = 0; i < n; i++) {
        sim_add(&m, weights[i % 5], 0, i % cpus, SIM_HOG);
        weight_sum += weights[i % 5];
    }
    sim_run(&m, SECONDS(10));
    for (unsigned int i = 0; i < n; i++) {
        double fair = cpus * weights[i % 5] / weight_sum;
        double got = share(i, SECONDS(10));

        if (i < 5)
            printf("# weight %4u: fair %.3f got %.3f\n", weights[i % 5], fair, got);
        assert_true(got > 0.5 * fair);
        by_weight[i % 5] += got;
        total += sim_ran(&m, i);
    }
    for (unsigned int w = 1; w < 5; w++)
        assert_true(by_weight[w] > by_weight[w - 1]);
    assert_int_equal(total, cpus * SECONDS(10));
}

static void yield_lets_the_queue_go_first(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_workloads(&m);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[a]);
    sched_vcpu_yield(&m.s, &m.vcpu[a]);
    assert_true(m.kick[0]);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[b]);
    assert_ptr_equal(sched_runq_head(&m.s, 0), &m.vcpu[a]);
    /* Yielding with nobody waiting just continues. */
    sched_vcpu_yield(&m.s, &m.vcpu[b]);
    sched_sleep(&m.s, &m.vcpu[a], RUNSTATE_blocked, m.now);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[b]);
}

static void sleep_while_running_then_wake(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SCHED_MS(15));
    assert_true(m.vcpu[a].active);
    sched_sleep(&m.s, &m.vcpu[a], RUNSTATE_blocked, m.now);
    /* Still on the pCPU until it reschedules. */
    assert_int_equal(m.vcpu[a].runstate.state, RUNSTATE_running);
    assert_true(m.kick[0]);
    /* Woken again before that: it simply stays. */
    sched_wake(&m.s, &m.vcpu[a], m.now);
    sim_settle(&m);
    assert_ptr_equal(m.pcpu[0].curr, &m.vcpu[a]);
    sched_sleep(&m.s, &m.vcpu[a], RUNSTATE_offline, m.now);
    sim_settle(&m);
    assert_null(m.pcpu[0].curr);
    assert_int_equal(m.vcpu[a].runstate.state, RUNSTATE_offline);
    sched_vcpu_remove(&m.s, &m.vcpu[a], m.now);
    assert_false(m.vcpu[a].active);
    assert_int_equal(m.s.weight_total, 0);
    assert_int_equal(m.dom[a].active_vcpus, 0);
}

static void weight_change_applies_to_active_vcpus(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SECONDS(1));
    assert_int_equal(m.s.weight_total, 512);
    assert_int_equal(sched_dom_set_params(&m.s, &m.dom[b], 768, SCHED_CAP_KEEP), 0);
    assert_int_equal(m.s.weight_total, 256 + 768);
    assert_int_equal(m.dom[b].cap, 0);
    u64 ra = sim_ran(&m, a), rb = sim_ran(&m, b);
    sim_run(&m, SECONDS(4));
    double ratio = (double)(sim_ran(&m, b) - rb) / (double)(sim_ran(&m, a) - ra);
    printf("# after weight change 256:768: ratio %.3f\n", ratio);
    assert_true(ratio >= 2.7 && ratio <= 3.3);
}

/* The fairness test of the integration suite: two hogs pinned to pCPU 0 of two. */
static void pinned_hogs_split_their_cpu_by_weight(void **state)
{
    sim_init(&m, "credit", 2);
    unsigned int a = sim_add(&m, 256, 0, 1, SIM_SLEEPER);
    unsigned int b = sim_add(&m, 512, 0, 1, SIM_SLEEPER);

    sim_pin(&m, a, 1u << 0);
    sim_pin(&m, b, 1u << 0);
    assert_int_equal(m.vcpu[a].cpu, 0);
    m.load[a] = m.load[b] = SIM_HOG;
    m.wake_at[a] = m.wake_at[b] = m.now;
    sim_run(&m, SECONDS(5));
    double ratio = (double)sim_ran(&m, b) / (double)sim_ran(&m, a);
    printf("# pinned 256:512 -> ratio %.3f, %u steals\n", ratio, m.steals);
    assert_true(ratio >= 1.8 && ratio <= 2.2);
    assert_int_equal(sim_ran(&m, a) + sim_ran(&m, b), SECONDS(5));
    /* pCPU 1 stayed idle: nobody took them there. */
    assert_int_equal(m.steals, 0);
    assert_int_equal(m.vcpu[a].cpu, 0);
    assert_int_equal(m.vcpu[b].cpu, 0);
}

/* A hog pinned to pCPU 1 is not stolen by an idle pCPU 0 and vice versa. */
static void pinned_vcpus_stay_on_their_cpus(void **state)
{
    sim_init(&m, "credit", 3);
    unsigned int x[4];

    for (int i = 0; i < 4; i++) {
        x[i] = sim_add(&m, 0, 0, 0, SIM_SLEEPER);
        sim_pin(&m, x[i], i < 2 ? 1u << 1 : 1u << 2);
        m.load[x[i]] = SIM_HOG;
        m.wake_at[x[i]] = m.now;
    }
    sim_run(&m, SECONDS(2));
    assert_null(m.pcpu[0].curr);
    for (int i = 0; i < 4; i++) {
        double s = share(x[i], SECONDS(2));
        assert_int_equal(m.vcpu[x[i]].cpu, i < 2 ? 1 : 2);
        assert_true(s >= 0.45 && s <= 0.55);
    }
}

static void pin_rules(void **state)
{
    sim_init(&m, "credit", 2);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_SLEEPER);
    unsigned int b = sim_add(&m, 0, 0, 0, SIM_HOG);

    /* Only pCPUs that exist count. */
    assert_int_equal(sched_vcpu_pin(&m.s, &m.vcpu[a], 1u << 5), -EINVAL);
    assert_int_equal(sched_vcpu_pin(&m.s, &m.vcpu[a], 0), -EINVAL);
    assert_int_equal(sched_vcpu_pin(&m.s, &m.vcpu[a], (1u << 5) | (1u << 1)), 0);
    assert_int_equal(m.vcpu[a].affinity, 1u << 1);
    assert_int_equal(m.vcpu[a].cpu, 1);
    /* Not once it is awake. */
    sim_run(&m, SCHED_MS(1));
    assert_true(m.vcpu[b].awake);
    assert_int_equal(sched_vcpu_pin(&m.s, &m.vcpu[b], 1u << 1), -EBUSY);
    assert_int_equal(m.vcpu[b].affinity, ~0ull);
}

/* Asleep, a vCPU moves between blocked and offline (its domain was paused). */
static void sleeping_vcpu_changes_sleep_state(void **state)
{
    sim_init(&m, "credit", 1);
    unsigned int a = sim_add(&m, 0, 0, 0, SIM_HOG);

    sim_run(&m, SCHED_MS(10));
    sched_sleep(&m.s, &m.vcpu[a], RUNSTATE_blocked, m.now);
    sim_run(&m, SCHED_MS(10));
    sched_sleep(&m.s, &m.vcpu[a], RUNSTATE_offline, m.now);
    assert_int_equal(m.vcpu[a].runstate.state, RUNSTATE_offline);
    sim_run(&m, SCHED_MS(20));
    assert_int_equal(sim_in_state(&m, a, RUNSTATE_blocked), SCHED_MS(10));
    assert_int_equal(sim_in_state(&m, a, RUNSTATE_offline), SCHED_MS(20));
    sched_sleep(&m.s, &m.vcpu[a], RUNSTATE_blocked, m.now);
    assert_int_equal(m.vcpu[a].runstate.state, RUNSTATE_blocked);
    sim_check_invariants(&m);
}

static void policy_selection(void **state)
{
    struct sched s;
    struct sched_pcpu pcpu[1];
    struct sched_hooks hooks = {.kick = sim_kick, .ctx = &m};

    assert_int_equal(sched_init(&s, "credit2", pcpu, 1, &hooks), -EINVAL);
    assert_int_equal(sched_init(&s, "credit", pcpu, 0, &hooks), -EINVAL);
    assert_non_null(sched_policy_find("rr"));
    assert_ptr_equal(sched_policy_find("credit"), &sched_credit_policy);
    assert_int_equal(sched_init(&s, "credit", pcpu, 1, &hooks), 0);
    assert_int_equal(s.tslice_ns, SCHED_MS(30));
    assert_int_equal(s.tick_ns, SCHED_MS(10));
    assert_int_equal(s.credits_per_tslice, 300);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]); /* run only matching tests */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weights_256_512_split_one_cpu_1_to_2),
        cmocka_unit_test(equal_weights_split_evenly_on_two_cpus),
        cmocka_unit_test(cap_25_gets_at_most_a_quarter),
        cmocka_unit_test(cap_25_with_competition),
        cmocka_unit_test(removing_the_cap_lets_it_run),
        cmocka_unit_test(blocked_vcpu_gets_nothing),
        cmocka_unit_test(woken_vcpu_is_boosted_past_under),
        cmocka_unit_test(bursty_vcpu_keeps_low_latency),
        cmocka_unit_test(idle_cpu_steals_queued_work),
        cmocka_unit_test(over_cpu_steals_under_vcpu),
        cmocka_unit_test(many_domains_nobody_starves),
        cmocka_unit_test(yield_lets_the_queue_go_first),
        cmocka_unit_test(sleep_while_running_then_wake),
        cmocka_unit_test(weight_change_applies_to_active_vcpus),
        cmocka_unit_test(pinned_hogs_split_their_cpu_by_weight),
        cmocka_unit_test(pinned_vcpus_stay_on_their_cpus),
        cmocka_unit_test(pin_rules),
        cmocka_unit_test(sleeping_vcpu_changes_sleep_state),
        cmocka_unit_test(policy_selection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
