/*
 * Scheduler core: the decision logic of a vCPU scheduler, independent of
 * timers, interrupts and context switching. The caller feeds it events with
 * the current system time and carries out what it decides:
 *
 *   event                      caller calls                 when
 *   --------------------------------------------------------------------------------
 *   vCPU created / destroyed   sched_vcpu_init / _remove    (starts OFFLINE)
 *   vCPU becomes runnable      sched_wake                   unblock, unpause, VCPUOP_up
 *   vCPU stops being runnable  sched_sleep                  HLT, SCHEDOP_block/poll, pause
 *   guest yields               sched_vcpu_yield             SCHEDOP_yield
 *   periodic, per busy pCPU    sched_tick                   every sched->tick_ns (10 ms)
 *   periodic, on one pCPU      sched_account                every sched->tslice_ns (30 ms)
 *   time to choose             sched_schedule -> decision   slice timer expired, or a kick
 *
 * Effects: sched_schedule() returns the vCPU to run on that pCPU (NULL: idle)
 * and for how long (arm a timer for now + slice; slice < 0: no timer). Every
 * other effect is a kick: hooks.kick(cpu) asks pCPU @cpu to call
 * sched_schedule() soon (raise a softirq locally, send an IPI otherwise). A
 * kick must not be lost. Extra sched_schedule() calls are safe but rotate
 * equal-priority vCPUs early, so call it only on a kick or at slice end.
 * Ticks may be stopped while a pCPU idles (a tick on an idle pCPU does nothing).
 *
 * Locking: one lock per struct sched, taken by the caller around every call
 * here (interrupts disabled, since ticks and wakeups come from interrupt
 * context). hooks.kick() is called with that lock held: it must only queue
 * work (softirq/IPI), never call back in. The core has no global variables;
 * all state lives in the caller-provided structures, which the core never
 * allocates or frees. A vCPU belongs to exactly one struct sched.
 *
 * Policies (selected by name, e.g. from the sched= command-line option):
 *   "credit"  Xen credit1-style weighted fair share with caps, BOOST for
 *             vCPUs woken from sleep, per-pCPU run queues, work stealing.
 *   "rr"      Round robin: one global FIFO order over the per-pCPU queues,
 *             fixed time slice, no priorities.
 */
#ifndef LARES_SCHED_CORE_H
#define LARES_SCHED_CORE_H

#include <lares/runstate.h>
#include <lares/types.h>

#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_CAP_KEEP 0xffff /* sched_dom_set_params: leave the cap alone */
#define SCHED_WEIGHT_KEEP 0   /* ... and the weight (Xen's putinfo rules) */

#define SCHED_MS(ms) ((s_time_t)(ms)*1000000)

/* Priorities, higher runs first (credit policy; rr uses UNDER for all). */
enum sched_pri {
    SCHED_PRI_IDLE = -64,
    SCHED_PRI_OVER = -2,  /* has used up its credit */
    SCHED_PRI_UNDER = -1, /* has credit left */
    SCHED_PRI_BOOST = 0,  /* just woke up from sleep; dropped at its next tick */
};

/* Intrusive circular list; an unlinked node points to itself. */
struct sched_link {
    struct sched_link *next, *prev;
};

struct sched_dom {
    u16 domid;
    u16 weight; /* credit: relative share of CPU time, 1..65535 */
    u16 cap;    /* credit: at most cap% of one pCPU in all (0: no cap) */
    /* policy private */
    u16 active_vcpus;              /* vCPUs on active_list */
    struct sched_link active_list; /* this domain's vCPUs that earn credit */
    struct sched_link active_elem; /* in sched.active_doms */
};

struct sched_vcpu {
    struct sched_dom *dom;
    unsigned int vcpu_id;
    unsigned int cpu; /* pCPU it runs on or is queued on */
    u64 affinity;     /* pCPUs it may run on (bit n: pCPU n); all by default */
    bool awake;       /* neither blocked nor offline */
    bool parked;      /* awake, but held back by its domain's cap */
    bool running;     /* it is some pCPU's current vCPU */
    u8 sleep_state;   /* RUNSTATE_blocked or RUNSTATE_offline while !awake */
    struct vcpu_runstate_info runstate;
    /* policy private */
    bool queued;
    bool yielding;
    bool active;           /* credit: earning credit */
    int pri;               /* enum sched_pri */
    s32 credit;            /* credit: 1 credit = 100 us of one pCPU */
    u32 unbilled_ns;       /* credit: run time not yet turned into credit */
    s_time_t billed_until; /* credit: run time is debited up to here */
    s_time_t queued_at;    /* rr: when it joined its run queue */
    struct sched_link runq_elem;
    struct sched_link active_elem;
};

struct sched_pcpu {
    struct sched_link runq;  /* highest priority first, FIFO within one */
    struct sched_vcpu *curr; /* NULL: idle */
    bool kicked;             /* a kick is outstanding; cleared by sched_schedule */
};

struct sched_hooks {
    void (*kick)(void *ctx, unsigned int cpu);
    void *ctx;
};

struct sched_decision {
    struct sched_vcpu *next; /* NULL: run the idle loop */
    s_time_t slice;          /* call sched_schedule() again after this long; < 0: never */
    bool migrated;           /* next was taken from another pCPU's queue */
};

struct sched_policy;

struct sched {
    const struct sched_policy *policy;
    struct sched_pcpu *pcpu;
    unsigned int nr_cpus;
    struct sched_hooks hooks;
    s_time_t tslice_ns; /* time slice; also the accounting period (30 ms) */
    s_time_t tick_ns;   /* debit period (10 ms) */
    unsigned int steal_bias;
    unsigned int tickle_bias;
    /* credit policy */
    struct sched_link active_doms;
    u32 weight_total;   /* sum of weight over active vCPUs */
    s32 credit_balance; /* sum of active vCPUs' credit after accounting */
    u32 credits_per_tslice;
};

struct sched_policy {
    const char *name;
    void (*init)(struct sched *s);
    int (*dom_set)(struct sched *s, struct sched_dom *d, u16 weight, u16 cap);
    void (*vcpu_remove)(struct sched *s, struct sched_vcpu *v);
    /* v became eligible (awake, not parked), is neither running nor queued. */
    void (*wake)(struct sched *s, struct sched_vcpu *v, s_time_t now, bool boost);
    void (*tick)(struct sched *s, unsigned int cpu, s_time_t now);
    void (*account)(struct sched *s, s_time_t now);
    /* Charge the outgoing vCPU and choose the next one (see sched_schedule). */
    struct sched_vcpu *(*pick)(struct sched *s, unsigned int cpu, s_time_t now, bool *migrated);
};

/*
 * Set up @s over @nr_cpus pCPUs (@pcpu is caller storage for nr_cpus
 * entries) with the policy called @policy_name. -EINVAL: unknown policy or
 * no CPUs.
 */
int sched_init(struct sched *s, const char *policy_name, struct sched_pcpu *pcpu,
               unsigned int nr_cpus, const struct sched_hooks *hooks);
const struct sched_policy *sched_policy_find(const char *name);

void sched_dom_init(struct sched *s, struct sched_dom *d, u16 domid);
/*
 * XEN_DOMCTL_SCHEDOP_putinfo for credit: weight 0 and cap 0xffff mean "keep".
 * -EINVAL if the policy has no such parameters.
 */
int sched_dom_set_params(struct sched *s, struct sched_dom *d, u16 weight, u16 cap);

/* A new vCPU of @d, OFFLINE, placed on pCPU @cpu. */
void sched_vcpu_init(struct sched *s, struct sched_vcpu *v, struct sched_dom *d,
                     unsigned int vcpu_id, unsigned int cpu, s_time_t now);
/*
 * Restrict @v to the pCPUs in @mask (bit n: pCPU n), e.g. for pinning from a
 * domain's configuration. Only while @v is asleep and off every pCPU (before
 * its first wakeup): -EBUSY otherwise, -EINVAL if @mask has no existing pCPU.
 * @v moves to the first allowed pCPU if its own is not allowed.
 */
int sched_vcpu_pin(struct sched *s, struct sched_vcpu *v, u64 mask);
static inline bool sched_vcpu_allowed(const struct sched_vcpu *v, unsigned int cpu)
{
    return cpu < 64 && (v->affinity >> cpu) & 1;
}
/* Forget @v. It must not be running (sched_sleep it and let its pCPU schedule). */
void sched_vcpu_remove(struct sched *s, struct sched_vcpu *v, s_time_t now);

/* Blocked/offline -> runnable. No effect on an awake vCPU. */
void sched_wake(struct sched *s, struct sched_vcpu *v, s_time_t now);
/*
 * Awake -> @state (RUNSTATE_blocked or RUNSTATE_offline). A running vCPU
 * keeps its pCPU until that pCPU calls sched_schedule() (it is kicked).
 * A vCPU asleep already just changes between blocked and offline (e.g. a
 * blocked vCPU whose domain is paused), for its runstate accounting.
 */
void sched_sleep(struct sched *s, struct sched_vcpu *v, int state, s_time_t now);
/* Let others run first; takes effect at the next sched_schedule() of its pCPU (kicked). */
void sched_vcpu_yield(struct sched *s, struct sched_vcpu *v);

void sched_tick(struct sched *s, unsigned int cpu, s_time_t now);
void sched_account(struct sched *s, s_time_t now);
struct sched_decision sched_schedule(struct sched *s, unsigned int cpu, s_time_t now);

/* Whether @v may be chosen to run. */
static inline bool sched_vcpu_eligible(const struct sched_vcpu *v)
{
    return v->awake && !v->parked;
}

/* ---- for policy implementations (hv/lib/credit.c, hv/lib/sched_rr.c) ---- */
void sched_link_init(struct sched_link *l);
bool sched_link_empty(const struct sched_link *l);
void sched_link_del(struct sched_link *l);
void sched_link_add_before(struct sched_link *l, struct sched_link *pos);

#define sched_link_entry(l, type, member) ((type *)((char *)(l) - __builtin_offsetof(type, member)))

/*
 * Queue @v on its pCPU after every vCPU of equal or higher priority (a
 * yielding vCPU also after the first lower one). The outgoing vCPU may be
 * queued while still marked running, from within a policy's pick().
 */
void sched_runq_insert(struct sched *s, struct sched_vcpu *v);
void sched_runq_remove(struct sched_vcpu *v);
struct sched_vcpu *sched_runq_head(const struct sched *s, unsigned int cpu);
/* Re-establish the order after priorities changed (stable). */
void sched_runq_sort(struct sched *s, unsigned int cpu);

void sched_kick(struct sched *s, unsigned int cpu);
/*
 * An idle pCPU in @mask (bit n: pCPU n) nobody has kicked yet, starting
 * after @from; -1 if none.
 */
int sched_find_idler(struct sched *s, unsigned int from, u64 mask);
/*
 * Work stealing for @cpu: the first queued vCPU on another, busy pCPU whose
 * priority is above @pri (skipping ones that yielded or may not run on
 * @cpu), moved to @cpu and dequeued. NULL if none.
 */
struct sched_vcpu *sched_steal(struct sched *s, unsigned int cpu, int pri);
/* Hold @v back / let it go again (cap enforcement); updates runstate and queues. */
void sched_park(struct sched *s, struct sched_vcpu *v, s_time_t now);
void sched_unpark(struct sched *s, struct sched_vcpu *v, s_time_t now);

extern const struct sched_policy sched_credit_policy;
extern const struct sched_policy sched_rr_policy;

#endif
