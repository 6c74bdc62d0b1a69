/*
 * A small discrete-time machine for scheduler-core tests: pCPUs that obey
 * kicks and slice timers, periodic ticks and accounting, and vCPUs with
 * simple workloads (CPU hog, sleeper, run-then-block). Invariants of the
 * core are checked after every step.
 */
#ifndef SCHED_SIM_H
#define SCHED_SIM_H

#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <lares/sched_core.h>

#define SIM_MAX_CPUS 8
#define SIM_MAX_VCPUS 64
#define SIM_STEP_NS 100000 /* 100 us */

enum sim_load {
    SIM_HOG,     /* always runnable */
    SIM_SLEEPER, /* never runnable */
    SIM_BURSTY,  /* runs burst_ns of CPU, then blocks for sleep_ns */
};

struct sim {
    struct sched s;
    struct sched_pcpu pcpu[SIM_MAX_CPUS];
    struct sched_dom dom[SIM_MAX_VCPUS];
    struct sched_vcpu vcpu[SIM_MAX_VCPUS];
    unsigned int nr_cpus, nr_vcpus;
    s_time_t now;
    s_time_t slice_end[SIM_MAX_CPUS];
    bool kick[SIM_MAX_CPUS];
    unsigned int steals;
    /* workloads */
    enum sim_load load[SIM_MAX_VCPUS];
    s_time_t burst_ns[SIM_MAX_VCPUS], sleep_ns[SIM_MAX_VCPUS];
    s_time_t wake_at[SIM_MAX_VCPUS];
    u64 run_at_wake[SIM_MAX_VCPUS];
    u64 wait_ns[SIM_MAX_VCPUS]; /* total wake-to-run latency */
    u64 max_wait_ns[SIM_MAX_VCPUS];
    unsigned int wakeups[SIM_MAX_VCPUS];
    s_time_t woke[SIM_MAX_VCPUS];
    bool waiting[SIM_MAX_VCPUS];
};

static void sim_kick(void *ctx, unsigned int cpu)
{
    struct sim *m = ctx;

    assert_true(cpu < m->nr_cpus);
    m->kick[cpu] = true;
}

static inline void sim_init(struct sim *m, const char *policy, unsigned int nr_cpus)
{
    struct sched_hooks hooks = {.kick = sim_kick, .ctx = m};

    memset(m, 0, sizeof(*m));
    m->nr_cpus = nr_cpus;
    assert_int_equal(sched_init(&m->s, policy, m->pcpu, nr_cpus, &hooks), 0);
}

/* A domain with one vCPU on pCPU @cpu running workload @load; returns its index. */
static inline unsigned int sim_add(struct sim *m, u16 weight, u16 cap, unsigned int cpu,
                                   enum sim_load load)
{
    unsigned int i = m->nr_vcpus++;

    assert_true(i < SIM_MAX_VCPUS);
    sched_dom_init(&m->s, &m->dom[i], i + 1);
    if (weight || cap)
        assert_int_equal(sched_dom_set_params(&m->s, &m->dom[i], weight, cap), 0);
    sched_vcpu_init(&m->s, &m->vcpu[i], &m->dom[i], 0, cpu, m->now);
    m->load[i] = load;
    if (load != SIM_SLEEPER)
        m->wake_at[i] = m->now;
    else
        m->wake_at[i] = -1;
    return i;
}

/* Pin vCPU @i (not yet awake) to the pCPUs in @mask. */
static inline void sim_pin(struct sim *m, unsigned int i, u64 mask)
{
    assert_int_equal(sched_vcpu_pin(&m->s, &m->vcpu[i], mask), 0);
}

static inline u64 sim_ran(const struct sim *m, unsigned int i)
{
    struct vcpu_runstate_info r;

    runstate_snapshot(&m->vcpu[i].runstate, m->now, &r);
    return r.time[RUNSTATE_running];
}

static inline u64 sim_in_state(const struct sim *m, unsigned int i, int state)
{
    struct vcpu_runstate_info r;

    runstate_snapshot(&m->vcpu[i].runstate, m->now, &r);
    return r.time[state];
}

static inline void sim_schedule(struct sim *m, unsigned int cpu)
{
    struct sched_decision d;

    m->kick[cpu] = false;
    d = sched_schedule(&m->s, cpu, m->now);
    m->slice_end[cpu] = d.slice < 0 ? INT64_MAX : m->now + d.slice;
    if (d.migrated)
        m->steals++;
    if (d.next) {
        unsigned int i = d.next - m->vcpu;

        if (m->waiting[i]) {
            m->waiting[i] = false;
            m->wait_ns[i] += m->now - m->woke[i];
            if ((u64)(m->now - m->woke[i]) > m->max_wait_ns[i])
                m->max_wait_ns[i] = m->now - m->woke[i];
        }
    }
}

/* Let every pCPU act on its kicks and expired slices until all is quiet. */
static inline void sim_settle(struct sim *m)
{
    bool again = true;

    for (int rounds = 0; again; rounds++) {
        assert_true(rounds < 100); /* kicks must not ping-pong forever */
        again = false;
        for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
            if (m->kick[cpu] || m->now >= m->slice_end[cpu]) {
                sim_schedule(m, cpu);
                again = true;
            }
        }
    }
}

static inline void sim_dump(const struct sim *m)
{
    printf("# t=%.1f ms\n", m->now / 1e6);
    for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
        const struct sched_link *q = &m->pcpu[cpu].runq;

        printf("#  cpu%u: curr %d kicked %d queue:", cpu,
               m->pcpu[cpu].curr ? (int)(m->pcpu[cpu].curr - m->vcpu) : -1, m->pcpu[cpu].kicked);
        for (const struct sched_link *l = q->next; l != q; l = l->next) {
            const struct sched_vcpu *v = sched_link_entry(l, struct sched_vcpu, runq_elem);
            printf(" %d(pri %d cr %d%s)", (int)(v - m->vcpu), v->pri, v->credit,
                   v->yielding ? " y" : "");
        }
        printf("\n");
    }
}

static inline void sim_check_invariants(const struct sim *m)
{
    u64 idle = 0; /* bit n: pCPU n is idle */

    for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
        const struct sched_vcpu *c = m->pcpu[cpu].curr;

        if (!c) {
            idle |= 1ull << cpu;
            continue;
        }
        assert_true(c->running);
        assert_int_equal(c->cpu, cpu);
        assert_int_equal(c->runstate.state, RUNSTATE_running);
    }
    for (unsigned int i = 0; i < m->nr_vcpus; i++) {
        const struct sched_vcpu *v = &m->vcpu[i];
        bool eligible = sched_vcpu_eligible(v);

        assert_true(v->cpu < m->nr_cpus);
        if (v->running)
            assert_ptr_equal(m->pcpu[v->cpu].curr, v);
        assert_false(v->running && v->queued);
        if (v->queued)
            assert_true(eligible);
        /* Nothing runnable is lost: it runs, or it waits in a queue. */
        if (eligible)
            assert_true(v->running || v->queued);
        /* Work conserving: no pCPU idles while work it may take waits. */
        if (v->queued && !v->yielding && (idle & v->affinity))
            sim_dump(m);
        if (v->queued && !v->yielding)
            assert_false(idle & v->affinity);
        if (!v->running)
            assert_int_equal(v->runstate.state, !v->awake   ? v->sleep_state
                                                : v->parked ? RUNSTATE_offline
                                                            : RUNSTATE_runnable);
    }
}

/* Workload transitions due at m->now. */
static inline void sim_workloads(struct sim *m)
{
    for (unsigned int i = 0; i < m->nr_vcpus; i++) {
        struct sched_vcpu *v = &m->vcpu[i];

        if (m->wake_at[i] >= 0 && m->now >= m->wake_at[i]) {
            m->wake_at[i] = -1;
            m->run_at_wake[i] = sim_ran(m, i);
            m->woke[i] = m->now;
            m->wakeups[i]++;
            m->waiting[i] = !v->running;
            sched_wake(&m->s, v, m->now);
        }
        if (m->load[i] == SIM_BURSTY && v->awake &&
            sim_ran(m, i) - m->run_at_wake[i] >= (u64)m->burst_ns[i]) {
            sched_sleep(&m->s, v, RUNSTATE_blocked, m->now);
            m->wake_at[i] = m->now + m->sleep_ns[i];
        }
    }
}

/* Run the machine for @ns of simulated time. */
static inline void sim_run(struct sim *m, s_time_t ns)
{
    s_time_t end = m->now + ns;

    for (; m->now < end; m->now += SIM_STEP_NS) {
        sim_workloads(m);
        if (m->now % m->s.tick_ns == 0)
            for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
                sched_tick(&m->s, cpu, m->now);
        if (m->now % m->s.tslice_ns == 0)
            sched_account(&m->s, m->now);
        sim_settle(m);
        sim_check_invariants(m);
    }
}

#endif
