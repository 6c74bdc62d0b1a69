/*
 * Credit scheduler policy in the style of Xen's credit1 (facts from Xen's
 * common/sched/credit.c; the code is our own):
 *
 * - Every accounting period (one time slice, 30 ms) the CPU time of the
 *   period, credits_per_tslice (300) per pCPU that some active vCPU may run
 *   on (pinning: see usable_cpus()), is shared out among the
 *   *active* vCPUs in proportion to their domain's weight; a domain's share
 *   is limited to what its active vCPUs can use in one period and by its cap.
 * - A running vCPU pays 1 credit per 100 us, charged at every tick (10 ms)
 *   and when it is descheduled.
 * - Priority: UNDER while credit >= 0, OVER below; BOOST for a vCPU woken from
 *   sleep while UNDER, until its first tick (so vCPUs that mostly sleep keep
 *   low wake-up latency). Run queues are ordered by priority, FIFO within one.
 * - "Active" means earning credit: a vCPU becomes active when a tick finds it
 *   running and stops when its credit exceeds one full period while it is
 *   not runnable (it is not using what it gets; its credit is halved so it
 *   restarts a little ahead). A runnable vCPU's credit is clamped instead.
 * - Caps: a capped domain's vCPU whose credit falls below minus its share of
 *   the cap is parked (not runnable) until accounting brings it back to >= 0.
 * - A pCPU whose best local choice is OVER or idle steals a better vCPU
 *   from a busy pCPU's queue.
 */
#include <lares/sched_core.h>

#define CREDIT_NS 100000 /* run time worth one credit (Xen: 10 credits per ms) */
#define CREDIT_TSLICE_MS 30
#define CREDIT_TICKS_PER_TSLICE 3

static struct sched_dom *dom_of(struct sched_link *l)
{
    return sched_link_entry(l, struct sched_dom, active_elem);
}

static struct sched_vcpu *vcpu_of(struct sched_link *l)
{
    return sched_link_entry(l, struct sched_vcpu, active_elem);
}

static void credit_init(struct sched *s)
{
    s->tslice_ns = SCHED_MS(CREDIT_TSLICE_MS);
    s->tick_ns = s->tslice_ns / CREDIT_TICKS_PER_TSLICE;
    s->credits_per_tslice = s->tslice_ns / CREDIT_NS;
}

static void acct_start(struct sched *s, struct sched_vcpu *v)
{
    struct sched_dom *d = v->dom;

    if (v->active)
        return;
    v->active = true;
    d->active_vcpus++;
    sched_link_add_before(&v->active_elem, &d->active_list);
    s->weight_total += d->weight;
    if (sched_link_empty(&d->active_elem))
        sched_link_add_before(&d->active_elem, s->active_doms.next);
}

static void acct_stop(struct sched *s, struct sched_vcpu *v)
{
    struct sched_dom *d = v->dom;

    if (!v->active)
        return;
    v->active = false;
    d->active_vcpus--;
    sched_link_del(&v->active_elem);
    s->weight_total -= d->weight;
    if (sched_link_empty(&d->active_list))
        sched_link_del(&d->active_elem);
}

/* Charge @v for the time it ran up to @now. */
static void burn_credits(struct sched_vcpu *v, s_time_t now)
{
    u64 ns;

    if (now <= v->billed_until)
        return;
    ns = (u64)(now - v->billed_until) + v->unbilled_ns;
    v->credit -= (s32)(ns / CREDIT_NS);
    v->unbilled_ns = ns % CREDIT_NS;
    v->billed_until = now;
}

static int credit_dom_set(struct sched *s, struct sched_dom *d, u16 weight, u16 cap)
{
    if (weight != SCHED_WEIGHT_KEEP) {
        s->weight_total -= (u32)d->weight * d->active_vcpus;
        s->weight_total += (u32)weight * d->active_vcpus;
        d->weight = weight;
    }
    if (cap != SCHED_CAP_KEEP)
        d->cap = cap;
    return 0;
}

static void credit_vcpu_remove(struct sched *s, struct sched_vcpu *v)
{
    acct_stop(s, v);
}

/*
 * Make someone run @v (just queued on v->cpu): its own pCPU if idle; an
 * idle pCPU, which will steal it, if there is one; else its pCPU if @v
 * outranks what runs there.
 */
static void tickle(struct sched *s, struct sched_vcpu *v)
{
    const struct sched_vcpu *cur = s->pcpu[v->cpu].curr;
    int idler;

    if (!cur) {
        sched_kick(s, v->cpu);
        return;
    }
    idler = sched_find_idler(s, s->tickle_bias, v->affinity);
    if (idler >= 0) {
        s->tickle_bias = idler;
        sched_kick(s, idler);
    } else if (v->pri > cur->pri) {
        sched_kick(s, v->cpu);
    }
}

static void credit_wake(struct sched *s, struct sched_vcpu *v, s_time_t now, bool boost)
{
    if (boost && v->pri == SCHED_PRI_UNDER)
        v->pri = SCHED_PRI_BOOST;
    sched_runq_insert(s, v);
    tickle(s, v);
}

static void credit_tick(struct sched *s, unsigned int cpu, s_time_t now)
{
    struct sched_vcpu *v = s->pcpu[cpu].curr;

    if (!v)
        return;
    /* Still running a tick after waking: it is using real CPU time. */
    if (v->pri == SCHED_PRI_BOOST)
        v->pri = SCHED_PRI_UNDER;
    burn_credits(v, now);
    acct_start(s, v);
}

/* Round-up division, as Xen does for every share. */
static u32 div_up(u64 n, u64 d)
{
    return (u32)((n + d - 1) / d);
}

/* Give @credit to each active vCPU of @d; re-derive priority, parking, bounds. */
static s32 pay_vcpus(struct sched *s, struct sched_dom *d, u32 credit, u32 cap_per_vcpu,
                     s_time_t now)
{
    const s32 period = s->credits_per_tslice;
    struct sched_link *l, *next;
    s32 balance = 0;

    for (l = d->active_list.next; l != &d->active_list; l = next) {
        struct sched_vcpu *v = vcpu_of(l);

        next = l->next;
        v->credit += credit;
        if (v->credit < 0) {
            v->pri = SCHED_PRI_OVER;
            if (d->cap && v->credit < -(s32)cap_per_vcpu)
                sched_park(s, v, now);
            if (v->credit < -period)
                v->credit = -period;
        } else {
            v->pri = SCHED_PRI_UNDER;
            sched_unpark(s, v, now);
            if (v->credit > period && sched_vcpu_eligible(v)) {
                /*
                 * Runnable but kept waiting by others: it does want the CPU,
                 * so it keeps earning, up to one period's worth. (Xen stops
                 * and halves here too, which costs heavy vCPUs their share
                 * when many vCPUs share a pCPU.)
                 */
                v->credit = period;
            } else if (v->credit > period) {
                /* Sleeping on its credit: stop earning, keep half as a head start. */
                acct_stop(s, v);
                v->credit /= 2;
            }
        }
        balance += v->credit;
    }
    return balance;
}

/*
 * How many pCPUs the active vCPUs may use between them. Credit is only
 * handed out for those: two vCPUs pinned to one pCPU of two share that
 * pCPU's credit by weight, instead of each getting more than it can burn
 * (and the weights not mattering). Mixed sets of pinned and free vCPUs
 * are still shared as one pool, as in Xen's credit1 without cpupools.
 */
static unsigned int usable_cpus(const struct sched *s)
{
    const struct sched_link *dl, *vl;
    u64 mask = 0, all = s->nr_cpus < 64 ? (1ull << s->nr_cpus) - 1 : ~0ull;
    unsigned int n = 0;

    for (dl = s->active_doms.next; dl != &s->active_doms && mask != all; dl = dl->next) {
        const struct sched_dom *d = sched_link_entry(dl, struct sched_dom, active_elem);

        for (vl = d->active_list.next; vl != &d->active_list; vl = vl->next)
            mask |= sched_link_entry(vl, struct sched_vcpu, active_elem)->affinity;
    }
    for (mask &= all; mask; mask &= mask - 1) /* no libgcc for __builtin_popcountll */
        n++;
    return n;
}

static void credit_account(struct sched *s, s_time_t now)
{
    const u32 period = s->credits_per_tslice;
    u64 weight_total = s->weight_total, weight_left = weight_total;
    u64 credit_total = (u64)period * usable_cpus(s);
    struct sched_link *l, *next;
    bool someone_wants_more = false;
    s32 balance = 0;

    /* Credit went unused overall last time: hand out more to pull it back to 0. */
    if (s->credit_balance < 0)
        credit_total += -(s64)s->credit_balance;
    if (!weight_total) {
        s->credit_balance = 0;
        return;
    }

    for (l = s->active_doms.next; l != &s->active_doms; l = next) {
        struct sched_dom *d = dom_of(l);
        u64 share = (u64)d->weight * d->active_vcpus;
        u64 fair, peak = (u64)d->active_vcpus * period;
        u32 cap_per_vcpu = 0;

        next = l->next;
        weight_left -= share;
        if (s->credit_balance < 0)
            peak += div_up(-(s64)s->credit_balance * share, weight_total);
        if (d->cap) {
            u32 cap = div_up((u64)d->cap * period, 100);

            if (cap < peak)
                peak = cap;
            cap_per_vcpu = div_up(cap, d->active_vcpus);
        }
        fair = div_up(credit_total * share, weight_total);
        if (fair < peak) {
            someone_wants_more = true;
        } else {
            /* The surplus goes to the domains after this one... */
            if (weight_left)
                credit_total += div_up((fair - peak) * weight_total, weight_left);
            /* ...and this one moves to the front so others get it next time too. */
            if (someone_wants_more) {
                sched_link_del(&d->active_elem);
                sched_link_add_before(&d->active_elem, s->active_doms.next);
            }
            fair = peak;
        }
        balance += pay_vcpus(s, d, div_up(fair, d->active_vcpus), cap_per_vcpu, now);
    }
    s->credit_balance = balance;

    for (unsigned int cpu = 0; cpu < s->nr_cpus; cpu++)
        sched_runq_sort(s, cpu);
}

static struct sched_vcpu *credit_pick(struct sched *s, unsigned int cpu, s_time_t now,
                                      bool *migrated)
{
    struct sched_vcpu *prev = s->pcpu[cpu].curr, *next, *stolen;

    if (prev) {
        burn_credits(prev, now);
        if (sched_vcpu_eligible(prev))
            sched_runq_insert(s, prev); /* competes with the queue like everyone else */
    }
    next = sched_runq_head(s, cpu);
    if (!next || next->pri <= SCHED_PRI_OVER) {
        stolen = sched_steal(s, cpu, next ? next->pri : SCHED_PRI_IDLE);
        if (stolen) {
            *migrated = true;
            next = stolen;
        }
    }
    if (next && next->queued)
        sched_runq_remove(next);
    if (next)
        next->billed_until = now;
    return next;
}

const struct sched_policy sched_credit_policy = {
    .name = "credit",
    .init = credit_init,
    .dom_set = credit_dom_set,
    .vcpu_remove = credit_vcpu_remove,
    .wake = credit_wake,
    .tick = credit_tick,
    .account = credit_account,
    .pick = credit_pick,
};
