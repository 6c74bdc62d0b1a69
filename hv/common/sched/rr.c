/*
 * Round-robin: one FIFO run queue per physical CPU, a fixed time slice,
 * vCPUs spread over the CPUs when they are created (the CPU with the
 * fewest vCPUs gets the next one) and never migrated.
 * Called with the run-queue lock of the CPU concerned held (see sched.h).
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/list.h>
#include <lares/mm.h>
#include <lares/sched.h>
#include <asm/percpu.h>

#define RR_SLICE_NS (10 * 1000 * 1000)

struct rr_vcpu {
    struct list_head elem;
    struct vcpu *vcpu;
};

struct rr_cpu {
    struct list_head runq;
    unsigned nr_vcpus;
};

static struct rr_cpu rr_cpus[MAX_CPUS];

static int rr_init_cpu(unsigned cpu)
{
    INIT_LIST_HEAD(&rr_cpus[cpu].runq);
    rr_cpus[cpu].nr_vcpus = 0;
    return 0;
}

static int rr_insert_vcpu(struct vcpu *v)
{
    struct rr_vcpu *rv = xzalloc_obj(struct rr_vcpu);
    unsigned best = 0;

    if (!rv)
        return -ENOMEM;
    INIT_LIST_HEAD(&rv->elem);
    rv->vcpu = v;
    for_each_online_cpu(c) if (rr_cpus[c].nr_vcpus < rr_cpus[best].nr_vcpus) best = c;
    __atomic_fetch_add(&rr_cpus[best].nr_vcpus, 1, __ATOMIC_RELAXED);
    v->processor = best;
    v->sched_priv = rv;
    return 0;
}

static void rr_remove_vcpu(struct vcpu *v)
{
    struct rr_vcpu *rv = v->sched_priv;

    if (!rv)
        return;
    list_del_init(&rv->elem);
    __atomic_fetch_sub(&rr_cpus[v->processor].nr_vcpus, 1, __ATOMIC_RELAXED);
    xfree(rv);
    v->sched_priv = NULL;
}

static void rr_wake(struct vcpu *v)
{
    struct rr_vcpu *rv = v->sched_priv;

    if (rv && list_empty(&rv->elem))
        list_add_tail(&rv->elem, &rr_cpus[v->processor].runq);
}

static struct vcpu *rr_pick_next(unsigned cpu, s_time_t now, s_time_t *slice_ns)
{
    struct list_head *q = &rr_cpus[cpu].runq;
    struct rr_vcpu *rv;

    if (list_empty(q))
        return NULL;
    rv = list_first_entry(q, struct rr_vcpu, elem);
    list_del_init(&rv->elem);
    *slice_ns = RR_SLICE_NS;
    return rv->vcpu;
}

const struct scheduler_ops schedule_rr_ops = {
    .name = "round-robin",
    .init_cpu = rr_init_cpu,
    .insert_vcpu = rr_insert_vcpu,
    .remove_vcpu = rr_remove_vcpu,
    .wake = rr_wake,
    .pick_next = rr_pick_next,
};
