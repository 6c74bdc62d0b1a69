/*
 * Scheduling: hv/common/sched/core.c runs one loop per physical CPU around
 * the pure scheduler core (lares/sched_core.h: policies "credit", the
 * default, and "rr", chosen with sched= on the command line). The core
 * decides; this layer feeds it events (vCPUs becoming runnable or not,
 * periodic ticks and accounting, slice ends, yields) with the system time,
 * and carries out its decisions (run a vCPU, idle, kick a CPU).
 *
 * A vCPU is "awake" for the core exactly when vcpu_runnable() holds; every
 * change to what vcpu_runnable() reads (pause flags, pause counts, the
 * domain's shutdown) must be followed by schedule_vcpu_update(). Asleep it
 * is blocked (only VPF_BLOCKED stops it) or offline (anything else), which
 * is what its runstate accounting shows.
 *
 * Locking: one scheduler lock (the core's rule: one lock per struct sched),
 * taken with interrupts off, around every core call; v->is_running and
 * v->processor change only under it. Nothing else is taken inside it
 * except the timer queues and the APIC (kicks).
 */
#ifndef LARES_SCHED_H
#define LARES_SCHED_H

#include <lares/types.h>
#include <public/xen.h> /* struct vcpu_runstate_info */

struct vcpu;
struct domain;

/* Called once on the boot CPU (after the CPUs are up), then schedule_cpu_init() on every CPU. */
int schedule_init(void);
int schedule_cpu_init(unsigned cpu);

/* The policy in use: "credit" or "rr". */
const char *schedule_policy_name(void);

/* A new domain (before its vCPUs): default weight and cap. */
void schedule_domain_init(struct domain *d);
/*
 * Weight (1..65535; 0 keeps it) and cap (percent of one CPU, 0 = none;
 * 0xffff keeps it). -EINVAL if the policy has no such parameters.
 */
int schedule_domain_set_params(struct domain *d, unsigned weight, unsigned cap);
/*
 * Restrict every vCPU of a domain that has not run yet to the CPUs in
 * @mask (bit n: logical CPU n); 0, -EINVAL if no such CPU is online, -EBUSY
 * if a vCPU has been woken already.
 */
int schedule_domain_pin(struct domain *d, u64 mask);

/* A new vCPU (asleep, offline) on the least loaded CPU. */
int schedule_insert_vcpu(struct vcpu *v);
/* Take v out of scheduling for good: 0, or -EBUSY if it is on a CPU right now. */
int schedule_remove_vcpu(struct vcpu *v);

/* Whether v may run changed (or may have): tell the core (wake it, or put it to sleep). */
void schedule_vcpu_update(struct vcpu *v);
/* The name issue 3's callers use for the same. */
static inline void schedule_wake(struct vcpu *v)
{
    schedule_vcpu_update(v);
}

/*
 * Make v leave guest mode soon to look at new work (an interrupt to
 * inject, a state to re-check): an IPI to its CPU if it runs on another
 * one. Not a reschedule.
 */
void schedule_kick(struct vcpu *v);

/*
 * If v is in guest mode on another CPU, make it exit once (an IPI) so that
 * its next entry sees new work (a pending upcall); it keeps its CPU.
 */
void schedule_poke(struct vcpu *v);

/* The running vCPU lets the others run first. */
void schedule_yield(void);

/* True when this CPU should leave the current vCPU (slice over, kicked). */
bool schedule_preempt_pending(void);

/* v's runstate (the one source of truth, also for the guest's runstate area) as of now. */
void schedule_get_runstate(struct vcpu *v, struct vcpu_runstate_info *out);
void schedule_locked_call(void (*fn)(void *arg), void *arg);
/* Nanoseconds the domain's vCPUs have run, in all. */
u64 schedule_domain_cpu_time(struct domain *d);

/* Debug-key dumps: every CPU's run queue; one vCPU's scheduling state (one line). */
void schedule_dump_runqueues(void);
void schedule_dump_vcpu(struct vcpu *v);

/* Each CPU ends its boot here: run vCPUs forever, halting when there is nothing to run. */
__attribute__((noreturn)) void schedule_run_cpu(void);

/* Secondary CPUs end their start-up here: they idle until scheduling starts, then join. */
__attribute__((noreturn)) void schedule_secondary_idle(void);
/*
 * The boot CPU enables virtualisation on the secondaries and lets them join
 * (after schedule_cpu_init() for all of them). 0, or an error if one cannot.
 */
int schedule_start_secondaries(void);

#endif
