/*
 * Scheduler core: policy selection, the vCPU state machine and runstate
 * accounting shared by all policies, and the run-queue primitives they use.
 * See <lares/sched_core.h> for the interface and the locking rule.
 */
#include <lares/errno.h>
#include <lares/lib.h>
#include <lares/sched_core.h>
#include <lares/string.h>

static const struct sched_policy *const policies[] = {
    &sched_credit_policy,
    &sched_rr_policy,
};

/* ---------------------------------------------------------------- lists */

void sched_link_init(struct sched_link *l)
{
    l->next = l->prev = l;
}

bool sched_link_empty(const struct sched_link *l)
{
    return l->next == l;
}

void sched_link_del(struct sched_link *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
    sched_link_init(l);
}

void sched_link_add_before(struct sched_link *l, struct sched_link *pos)
{
    l->prev = pos->prev;
    l->next = pos;
    pos->prev->next = l;
    pos->prev = l;
}

static struct sched_vcpu *runq_entry(struct sched_link *l)
{
    return sched_link_entry(l, struct sched_vcpu, runq_elem);
}

/* ---------------------------------------------------------------- run queues */

/* First element of @q with a priority below @pri (or the list head). */
static struct sched_link *first_below(struct sched_link *q, int pri)
{
    struct sched_link *pos;

    for (pos = q->next; pos != q; pos = pos->next)
        if (runq_entry(pos)->pri < pri)
            break;
    return pos;
}

void sched_runq_insert(struct sched *s, struct sched_vcpu *v)
{
    struct sched_link *q = &s->pcpu[v->cpu].runq;
    struct sched_link *pos = first_below(q, v->pri);

    BUG_ON(v->queued);
    /* A yielding vCPU also lets one lower-priority vCPU go first, if any. */
    if (v->yielding && pos != q)
        pos = pos->next;
    sched_link_add_before(&v->runq_elem, pos);
    v->queued = true;
}

void sched_runq_remove(struct sched_vcpu *v)
{
    BUG_ON(!v->queued);
    sched_link_del(&v->runq_elem);
    v->queued = false;
    v->yielding = false;
}

struct sched_vcpu *sched_runq_head(const struct sched *s, unsigned int cpu)
{
    const struct sched_link *q = &s->pcpu[cpu].runq;

    return sched_link_empty(q) ? NULL : runq_entry(q->next);
}

void sched_runq_sort(struct sched *s, unsigned int cpu)
{
    struct sched_link *q = &s->pcpu[cpu].runq, old;

    if (sched_link_empty(q))
        return;
    /* Move the queue to @old, then insert back one by one: a stable sort. */
    old = *q;
    old.next->prev = &old;
    old.prev->next = &old;
    sched_link_init(q);
    while (!sched_link_empty(&old)) {
        struct sched_link *pos = old.next;

        sched_link_del(pos);
        sched_link_add_before(pos, first_below(q, runq_entry(pos)->pri));
    }
}

/* ---------------------------------------------------------------- effects */

void sched_kick(struct sched *s, unsigned int cpu)
{
    if (s->pcpu[cpu].kicked)
        return;
    s->pcpu[cpu].kicked = true;
    s->hooks.kick(s->hooks.ctx, cpu);
}

int sched_find_idler(struct sched *s, unsigned int from, u64 mask)
{
    for (unsigned int i = 1; i <= s->nr_cpus; i++) {
        unsigned int cpu = (from + i) % s->nr_cpus;
        const struct sched_pcpu *pc = &s->pcpu[cpu];

        if (cpu != from && (mask >> cpu & 1) && !pc->curr && !pc->kicked)
            return cpu;
    }
    return -1;
}

struct sched_vcpu *sched_steal(struct sched *s, unsigned int cpu, int pri)
{
    for (unsigned int i = 1; i <= s->nr_cpus; i++) {
        unsigned int peer = (s->steal_bias + i) % s->nr_cpus;
        struct sched_link *q = &s->pcpu[peer].runq, *pos;

        /* An idle peer is about to run its own queue. */
        if (peer == cpu || !s->pcpu[peer].curr)
            continue;
        for (pos = q->next; pos != q; pos = pos->next) {
            struct sched_vcpu *v = runq_entry(pos);

            if (v->pri <= pri)
                break;
            if (v->yielding || !sched_vcpu_allowed(v, cpu))
                continue;
            sched_runq_remove(v);
            v->cpu = cpu;
            s->steal_bias = peer; /* start after this peer next time */
            return v;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- vCPU state */

static void update_runstate(struct sched_vcpu *v, s_time_t now)
{
    int state;

    if (v->running)
        state = RUNSTATE_running;
    else if (!v->awake)
        state = v->sleep_state;
    else if (v->parked)
        state = RUNSTATE_offline; /* as Xen: a paused vCPU is offline */
    else
        state = RUNSTATE_runnable;
    if (state != v->runstate.state)
        runstate_change(&v->runstate, state, now);
}

void sched_park(struct sched *s, struct sched_vcpu *v, s_time_t now)
{
    if (v->parked)
        return;
    v->parked = true;
    if (v->queued)
        sched_runq_remove(v);
    if (v->running)
        sched_kick(s, v->cpu);
    update_runstate(v, now);
}

void sched_unpark(struct sched *s, struct sched_vcpu *v, s_time_t now)
{
    if (!v->parked)
        return;
    v->parked = false;
    update_runstate(v, now);
    if (v->awake && !v->running && !v->queued)
        s->policy->wake(s, v, now, false); /* earning credit back is no wakeup */
}

void sched_wake(struct sched *s, struct sched_vcpu *v, s_time_t now)
{
    if (v->awake)
        return;
    v->awake = true;
    update_runstate(v, now);
    /* Still running (woken before its pCPU rescheduled): it simply stays on. */
    if (!v->running && !v->parked)
        s->policy->wake(s, v, now, true);
}

void sched_sleep(struct sched *s, struct sched_vcpu *v, int state, s_time_t now)
{
    u8 sleep_state = state == RUNSTATE_offline ? RUNSTATE_offline : RUNSTATE_blocked;

    if (!v->awake) {
        v->sleep_state = sleep_state;
        update_runstate(v, now);
        return;
    }
    v->awake = false;
    v->sleep_state = sleep_state;
    if (v->queued)
        sched_runq_remove(v);
    if (v->running)
        sched_kick(s, v->cpu);
    update_runstate(v, now);
}

void sched_vcpu_yield(struct sched *s, struct sched_vcpu *v)
{
    v->yielding = true;
    if (v->running)
        sched_kick(s, v->cpu);
}

/* ---------------------------------------------------------------- setup */

const struct sched_policy *sched_policy_find(const char *name)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(policies); i++)
        if (!strcmp(policies[i]->name, name))
            return policies[i];
    return NULL;
}

int sched_init(struct sched *s, const char *policy_name, struct sched_pcpu *pcpu,
               unsigned int nr_cpus, const struct sched_hooks *hooks)
{
    const struct sched_policy *policy = sched_policy_find(policy_name);

    if (!policy || !nr_cpus)
        return -EINVAL;
    *s = (struct sched){.policy = policy, .pcpu = pcpu, .nr_cpus = nr_cpus, .hooks = *hooks};
    for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
        pcpu[cpu] = (struct sched_pcpu){0};
        sched_link_init(&pcpu[cpu].runq);
    }
    sched_link_init(&s->active_doms);
    policy->init(s);
    return 0;
}

void sched_dom_init(struct sched *s, struct sched_dom *d, u16 domid)
{
    *d = (struct sched_dom){.domid = domid, .weight = SCHED_DEFAULT_WEIGHT};
    sched_link_init(&d->active_list);
    sched_link_init(&d->active_elem);
}

int sched_dom_set_params(struct sched *s, struct sched_dom *d, u16 weight, u16 cap)
{
    return s->policy->dom_set ? s->policy->dom_set(s, d, weight, cap) : -EINVAL;
}

void sched_vcpu_init(struct sched *s, struct sched_vcpu *v, struct sched_dom *d,
                     unsigned int vcpu_id, unsigned int cpu, s_time_t now)
{
    *v = (struct sched_vcpu){
        .dom = d,
        .vcpu_id = vcpu_id,
        .cpu = cpu < s->nr_cpus ? cpu : 0,
        .affinity = ~0ull,
        .sleep_state = RUNSTATE_offline,
        .pri = SCHED_PRI_UNDER,
    };
    runstate_init(&v->runstate, RUNSTATE_offline, now);
    sched_link_init(&v->runq_elem);
    sched_link_init(&v->active_elem);
}

int sched_vcpu_pin(struct sched *s, struct sched_vcpu *v, u64 mask)
{
    if (s->nr_cpus < 64)
        mask &= (1ull << s->nr_cpus) - 1;
    if (!mask)
        return -EINVAL;
    if (v->awake || v->running || v->queued)
        return -EBUSY;
    v->affinity = mask;
    if (!sched_vcpu_allowed(v, v->cpu))
        v->cpu = (unsigned int)__builtin_ctzll(mask);
    return 0;
}

void sched_vcpu_remove(struct sched *s, struct sched_vcpu *v, s_time_t now)
{
    BUG_ON(v->running);
    if (v->queued)
        sched_runq_remove(v);
    if (s->policy->vcpu_remove)
        s->policy->vcpu_remove(s, v);
    v->awake = false;
    v->parked = false;
    v->sleep_state = RUNSTATE_offline;
    update_runstate(v, now);
}

/* ---------------------------------------------------------------- events */

void sched_tick(struct sched *s, unsigned int cpu, s_time_t now)
{
    if (s->policy->tick)
        s->policy->tick(s, cpu, now);
}

void sched_account(struct sched *s, s_time_t now)
{
    if (s->policy->account)
        s->policy->account(s, now);
}

/* The pCPUs that could take some non-yielding vCPU queued on @cpu. */
static u64 runq_mask(const struct sched *s, unsigned int cpu)
{
    const struct sched_link *q = &s->pcpu[cpu].runq, *pos;
    u64 mask = 0;

    for (pos = q->next; pos != q; pos = pos->next) {
        const struct sched_vcpu *v = sched_link_entry(pos, struct sched_vcpu, runq_elem);

        if (!v->yielding)
            mask |= v->affinity;
    }
    return mask;
}

struct sched_decision sched_schedule(struct sched *s, unsigned int cpu, s_time_t now)
{
    struct sched_pcpu *pc = &s->pcpu[cpu];
    struct sched_vcpu *prev = pc->curr, *next;
    bool migrated = false;
    int idler;

    pc->kicked = false;
    next = s->policy->pick(s, cpu, now, &migrated);
    BUG_ON(next && (next->queued || !sched_vcpu_eligible(next) || next->cpu != cpu ||
                    (next->running && next != prev)));
    if (next != prev) {
        pc->curr = next;
        if (prev) {
            prev->running = false;
            update_runstate(prev, now);
        }
        if (next) {
            next->running = true;
            update_runstate(next, now);
        }
    }
    /* Work left waiting here while a pCPU idles: that one can steal it. */
    if (next && sched_runq_head(s, cpu) &&
        (idler = sched_find_idler(s, cpu, runq_mask(s, cpu))) >= 0)
        sched_kick(s, idler);
    return (struct sched_decision){
        .next = next,
        .slice = next ? s->tslice_ns : -1,
        .migrated = migrated,
    };
}
