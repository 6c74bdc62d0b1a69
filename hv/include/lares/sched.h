/*
 * Scheduling: the core (hv/common/sched/core.c) runs one loop per physical
 * CPU and asks a policy (an ops table, one file each in hv/common/sched/)
 * which vCPU to run next and for how long. Issue 3 ships a round-robin
 * policy; the credit scheduler plugs into the same table later.
 *
 * Locking: each CPU has a run-queue lock. The core holds the lock of
 * v->processor around every policy call that concerns v, and changes
 * v->is_running only under it, so "is it running / is it queued / may it
 * run" are decided atomically.
 */
#ifndef LARES_SCHED_H
#define LARES_SCHED_H

#include <lares/types.h>

struct vcpu;

struct scheduler_ops {
    const char *name;
    int (*init_cpu)(unsigned cpu);
    /* A new vCPU: choose v->processor, allocate v->sched_priv. */
    int (*insert_vcpu)(struct vcpu *v);
    /* The vCPU goes away: take it off its queue, free sched_priv. */
    void (*remove_vcpu)(struct vcpu *v);
    /* v may run (and is not running): queue it unless queued already. */
    void (*wake)(struct vcpu *v);
    /* The next vCPU for this CPU (dequeued), or NULL to idle; *slice_ns = how long. */
    struct vcpu *(*pick_next)(unsigned cpu, s_time_t now, s_time_t *slice_ns);
};

/* Called once on the boot CPU, then schedule_cpu_init() on every CPU. */
int schedule_init(void);
int schedule_cpu_init(unsigned cpu);

int schedule_insert_vcpu(struct vcpu *v);
/* Take v out of scheduling for good: 0, or -EBUSY if it is on a CPU right now. */
int schedule_remove_vcpu(struct vcpu *v);

/* v may have become runnable: queue it (and wake its CPU if idle). */
void schedule_wake(struct vcpu *v);

/* Ask v's CPU to stop running it soon (it re-checks whether v may run). */
void schedule_kick(struct vcpu *v);

/*
 * If v is in guest mode on another CPU, make it exit once (an IPI) so that
 * its next entry sees new work (a pending upcall); it keeps its CPU.
 */
void schedule_poke(struct vcpu *v);

/* The running vCPU gives up the rest of its slice. */
void schedule_yield(void);

/* True when this CPU should leave the current vCPU (slice over, yield, kick). */
bool schedule_preempt_pending(void);

/* Each CPU ends its boot here: run vCPUs forever, halting when there is nothing to run. */
__attribute__((noreturn)) void schedule_run_cpu(void);

/* Secondary CPUs end their start-up here: they idle until scheduling starts, then join. */
__attribute__((noreturn)) void schedule_secondary_idle(void);
/*
 * The boot CPU enables virtualisation on the secondaries and lets them join
 * (after schedule_cpu_init() for all of them). 0, or an error if one cannot.
 */
int schedule_start_secondaries(void);

extern const struct scheduler_ops schedule_rr_ops;

#endif
