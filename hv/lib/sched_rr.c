/*
 * Round-robin policy: every vCPU gets the same fixed slice in turn, no
 * weights, caps or boosts. The per-pCPU queues are kept in arrival order and
 * a pCPU always takes the vCPU that has waited longest among the heads of
 * all queues, so the order is one global FIFO and vCPUs spread over pCPUs by
 * themselves. Useful as a baseline and for debugging (sched=rr).
 */
#include <lares/sched_core.h>

#define RR_TSLICE_MS 30

static void rr_init(struct sched *s)
{
    s->tslice_ns = SCHED_MS(RR_TSLICE_MS);
    s->tick_ns = s->tslice_ns; /* nothing to do on ticks */
}

static void enqueue(struct sched *s, struct sched_vcpu *v, s_time_t now)
{
    v->pri = SCHED_PRI_UNDER;
    v->queued_at = now;
    sched_runq_insert(s, v); /* equal priorities: appended */
}

static void rr_wake(struct sched *s, struct sched_vcpu *v, s_time_t now, bool boost)
{
    int idler;

    enqueue(s, v, now);
    if (!s->pcpu[v->cpu].curr) {
        sched_kick(s, v->cpu);
    } else if ((idler = sched_find_idler(s, s->tickle_bias, v->affinity)) >= 0) {
        s->tickle_bias = idler;
        sched_kick(s, idler);
    }
}

/* The first vCPU of pCPU @from's queue that may run on @cpu, or NULL. */
static struct sched_vcpu *first_allowed(struct sched *s, unsigned int from, unsigned int cpu)
{
    struct sched_link *q = &s->pcpu[from].runq, *pos;

    for (pos = q->next; pos != q; pos = pos->next) {
        struct sched_vcpu *v = sched_link_entry(pos, struct sched_vcpu, runq_elem);

        if (sched_vcpu_allowed(v, cpu))
            return v;
    }
    return NULL;
}

/*
 * Of the queues' first vCPUs that may run here, the one that has waited
 * longest, local queue first on a tie.
 */
static struct sched_vcpu *oldest_head(struct sched *s, unsigned int cpu)
{
    struct sched_vcpu *best = first_allowed(s, cpu, cpu);

    for (unsigned int i = 1; i < s->nr_cpus; i++) {
        struct sched_vcpu *v = first_allowed(s, (cpu + i) % s->nr_cpus, cpu);

        if (v && (!best || v->queued_at < best->queued_at))
            best = v;
    }
    return best;
}

static struct sched_vcpu *rr_pick(struct sched *s, unsigned int cpu, s_time_t now, bool *migrated)
{
    struct sched_vcpu *prev = s->pcpu[cpu].curr;
    struct sched_vcpu *next;

    if (prev && sched_vcpu_eligible(prev))
        enqueue(s, prev, now);
    next = oldest_head(s, cpu);
    if (!next)
        return NULL;
    sched_runq_remove(next);
    if (next->cpu != cpu) {
        next->cpu = cpu;
        *migrated = true;
    }
    return next;
}

const struct sched_policy sched_rr_policy = {
    .name = "rr",
    .init = rr_init,
    .wake = rr_wake,
    .pick = rr_pick,
};
