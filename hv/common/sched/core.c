/*
 * The scheduler core: one loop per physical CPU that picks a vCPU from the
 * policy, runs it (hvm_run) until it blocks, its domain stops or its time
 * slice ends, and puts it back. Idle CPUs halt until an interrupt.
 *
 * A vCPU's domain may be destroyed as soon as none of its vCPUs is on a
 * CPU. So once a CPU has cleared v->is_running it never touches v or its
 * domain again except through domain_maybe_destroy_id(), which looks the
 * domain up by id.
 */
#include <lares/console.h>
#include <lares/deferred.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/lib.h>
#include <lares/sched.h>
#include <lares/shutdown.h>
#include <lares/smp.h>
#include <lares/spinlock.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>
#include <asm/percpu.h>
#include "timer.h"

struct sched_cpu {
    spinlock_t lock; /* run queue and is_running of the vCPUs queued here */
    bool preempt;    /* leave the current vCPU at its next exit */
    bool idle;       /* halted with nothing to run */
};

static struct sched_cpu sched_cpus[MAX_CPUS];
static const struct scheduler_ops *ops = &schedule_rr_ops;

int schedule_init(void)
{
    for (unsigned i = 0; i < MAX_CPUS; i++)
        spin_lock_init(&sched_cpus[i].lock);
    printk("sched: %s policy\n", ops->name);
    return 0;
}

int schedule_cpu_init(unsigned cpu)
{
    int rc = ops->init_cpu(cpu);

    if (!rc)
        rc = schedule_timer_cpu_init(cpu);
    return rc;
}

int schedule_insert_vcpu(struct vcpu *v)
{
    return ops->insert_vcpu(v);
}

int schedule_remove_vcpu(struct vcpu *v)
{
    struct sched_cpu *sc = &sched_cpus[v->processor];
    unsigned long flags;
    int rc = 0;

    spin_lock_irqsave(&sc->lock, flags);
    if (v->is_running)
        rc = -EBUSY;
    else
        ops->remove_vcpu(v);
    spin_unlock_irqrestore(&sc->lock, flags);
    return rc;
}

/* The runstate of a vCPU that is not on a CPU. */
static int runstate_off_cpu(const struct vcpu *v)
{
    if (vcpu_runnable(v))
        return RUNSTATE_runnable;
    return READ_ONCE(v->pause_flags) & VPF_BLOCKED ? RUNSTATE_blocked : RUNSTATE_offline;
}

void schedule_wake(struct vcpu *v)
{
    unsigned cpu = v->processor;
    struct sched_cpu *sc = &sched_cpus[cpu];
    unsigned long flags;
    bool kick = false;

    spin_lock_irqsave(&sc->lock, flags);
    if (!v->is_running && vcpu_runnable(v)) {
        ops->wake(v);
        vcpu_runstate_change(v, RUNSTATE_runnable);
        kick = sc->idle;
    }
    spin_unlock_irqrestore(&sc->lock, flags);
    if (kick && cpu != smp_processor_id())
        schedule_timer_kick_cpu(cpu);
}

void schedule_kick(struct vcpu *v)
{
    unsigned cpu = v->processor;

    if (cpu == smp_processor_id()) {
        sched_cpus[cpu].preempt = true;
        return;
    }
    WRITE_ONCE(sched_cpus[cpu].preempt, true);
    schedule_timer_kick_cpu(cpu);
}

void schedule_poke(struct vcpu *v)
{
    unsigned cpu = READ_ONCE(v->processor);

    /* Not running: whoever runs it next injects at entry. Running here: on the way out. */
    if (__atomic_load_n(&v->is_running, __ATOMIC_SEQ_CST) && cpu != smp_processor_id())
        schedule_timer_kick_cpu(cpu);
}

void schedule_yield(void)
{
    sched_cpus[smp_processor_id()].preempt = true;
}

bool schedule_preempt_pending(void)
{
    return READ_ONCE(sched_cpus[smp_processor_id()].preempt);
}

/* Called from the slice timer's interrupt handler. */
void schedule_slice_expired(void)
{
    sched_cpus[smp_processor_id()].preempt = true;
}

/* Pick and claim the next vCPU for this CPU, or NULL if there is none it may run. */
static struct vcpu *claim_next(unsigned cpu, s_time_t *slice)
{
    struct sched_cpu *sc = &sched_cpus[cpu];
    struct vcpu *v;

    spin_lock(&sc->lock);
    for (;;) {
        v = ops->pick_next(cpu, schedule_timer_now(), slice);
        if (!v)
            break;
        /* Ordered against domain_shutdown(): see domain_maybe_destroy_id(). */
        __atomic_store_n(&v->is_running, true, __ATOMIC_SEQ_CST);
        if (vcpu_runnable(v)) {
            vcpu_runstate_change(v, RUNSTATE_running);
            break;
        }
        /* Blocked, paused or its domain is stopping: it is re-queued when woken. */
        __atomic_store_n(&v->is_running, false, __ATOMIC_SEQ_CST);
        vcpu_runstate_change(v, runstate_off_cpu(v));
        if (v->domain->is_shutting_down) {
            u16 domid = v->domain->domid;

            spin_unlock(&sc->lock);
            domain_maybe_destroy_id(domid);
            spin_lock(&sc->lock);
        }
    }
    sc->idle = !v;
    spin_unlock(&sc->lock);
    return v;
}

/* v left the CPU: queue it again if it may still run. Last touch of v. */
static void release(unsigned cpu, struct vcpu *v)
{
    struct sched_cpu *sc = &sched_cpus[cpu];
    bool stopping = v->domain->is_shutting_down;
    u16 domid = v->domain->domid;

    spin_lock(&sc->lock);
    __atomic_store_n(&v->is_running, false, __ATOMIC_SEQ_CST);
    if (vcpu_runnable(v))
        ops->wake(v);
    vcpu_runstate_change(v, runstate_off_cpu(v));
    spin_unlock(&sc->lock);
    if (stopping)
        domain_maybe_destroy_id(domid);
}

static void idle(unsigned cpu)
{
    /* STI;HLT is atomic: an interrupt arriving after the check still wakes us. */
    __asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

__noreturn void schedule_run_cpu(void)
{
    unsigned cpu = smp_processor_id();
    struct cpu_info *ci = this_cpu();

    for (;;) {
        s_time_t slice = 0;
        struct vcpu *v;

        local_irq_enable();
        deferred_work_run(); /* between vCPUs: interrupts on, nothing held */
        local_irq_disable();
        v = claim_next(cpu, &slice);
        if (!v) {
            idle(cpu);
            continue;
        }
        sched_cpus[cpu].preempt = false;
        ci->current = v;
        vcpu_time_refresh(v);
        schedule_timer_start_slice(cpu, slice);
        hvm_ctxt_switch_to(v);
        local_irq_enable();

        hvm_run(v);

        local_irq_disable();
        hvm_ctxt_switch_from(v);
        schedule_timer_stop_slice(cpu);
        ci->current = NULL;
        release(cpu, v);
    }
}

/* Set once the boot CPU has started scheduling: secondary CPUs may join. */
static bool scheduling;

static void enable_virtualisation(void *arg)
{
    int *rc = arg;

    *rc = hvm_cpu_up();
}

int schedule_start_secondaries(void)
{
    /*
     * Enable virtualisation on each of them now, synchronously, so that
     * everything they allocate for it exists before any domain is built.
     */
    for_each_online_cpu(cpu)
    {
        int rc = 0;

        if (cpu == smp_processor_id())
            continue;
        if (on_cpu(cpu, enable_virtualisation, &rc, true) || rc) {
            pr_err("CPU%u: cannot enable virtualisation (error %d)\n", cpu, rc);
            return rc ? rc : -ENODEV;
        }
    }
    __atomic_store_n(&scheduling, true, __ATOMIC_RELEASE);
    for_each_online_cpu(cpu) if (cpu != smp_processor_id()) schedule_timer_kick_cpu(cpu);
    return 0;
}

__noreturn void schedule_secondary_idle(void)
{
    /* Sleep, serving interrupts (timers, IPIs), until there are guests to run. */
    while (!__atomic_load_n(&scheduling, __ATOMIC_ACQUIRE))
        __asm__ __volatile__("sti; hlt; cli" ::: "memory");
    schedule_run_cpu();
}

struct vcpu *current_vcpu(void)
{
    return this_cpu()->current;
}
