/*
 * The scheduler glue (see lares/sched.h): one loop per physical CPU that
 * asks the pure core (lib/sched_core.c with lib/credit.c or lib/sched_rr.c)
 * what to run, runs it (hvm_run) until the core wants the CPU back (a kick
 * or the end of the slice) or the vCPU stops being runnable, and tells the
 * core again. Periodic timers drive the core's ticks (per busy CPU) and
 * its accounting (on the boot CPU).
 *
 * A vCPU's domain may be destroyed as soon as none of its vCPUs is on a
 * CPU. So once a CPU has cleared v->is_running it never touches v or its
 * domain again except through domain_maybe_destroy_id(), which looks the
 * domain up by id.
 */
#include <lares/console.h>
#include <lares/console_input.h>
#include <lares/deferred.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/format.h>
#include <lares/lib.h>
#include <lares/param.h>
#include <lares/sched.h>
#include <lares/shutdown.h>
#include <lares/smp.h>
#include <lares/spinlock.h>
#include <lares/string.h>
#include <lares/timer.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>
#include <asm/percpu.h>
#include "timer.h"

static char opt_sched[16] = "credit";
string_param("sched", opt_sched);

struct sched_cpu {
    bool preempt;      /* leave the current vCPU and ask the core again */
    bool tick_on;      /* the tick timer is armed (this CPU is busy) */
    struct timer tick; /* the core's per-CPU tick */
    unsigned nr_vcpus; /* vCPUs placed here at creation and not removed (placement only) */
};

static DEFINE_SPINLOCK(sched_lock);
static struct sched sched;
static struct sched_pcpu sched_pcpus[MAX_CPUS];
static struct sched_cpu sched_cpus[MAX_CPUS];
static struct timer account_timer;
static u64 online_mask;

static struct vcpu *vcpu_of(struct sched_vcpu *sv)
{
    return sv ? container_of(sv, struct vcpu, sched) : NULL;
}

/* hooks.kick, under the scheduler lock: make @cpu call sched_schedule() soon. */
static void kick_cpu(void *ctx, unsigned int cpu)
{
    WRITE_ONCE(sched_cpus[cpu].preempt, true);
    if (cpu != smp_processor_id())
        schedule_timer_kick_cpu(cpu);
}

static void tick_fn(void *data)
{
    unsigned cpu = (unsigned)(uintptr_t)data;
    struct sched_cpu *sc = &sched_cpus[cpu];
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    sched_tick(&sched, cpu, NOW());
    spin_unlock_irqrestore(&sched_lock, flags);
    if (sc->tick_on)
        set_timer(&sc->tick, NOW() + sched.tick_ns);
}

static void account_fn(void *data)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    sched_account(&sched, NOW());
    spin_unlock_irqrestore(&sched_lock, flags);
    set_timer(&account_timer, NOW() + sched.tslice_ns);
}

static void key_runqueues(void *ctx, unsigned char key)
{
    schedule_dump_runqueues();
}

static void key_domains(void *ctx, unsigned char key)
{
    domain_dump_all();
}

int schedule_init(void)
{
    static const struct sched_hooks hooks = {.kick = kick_cpu};
    unsigned nr = 0;
    int rc;

    for_each_online_cpu(cpu)
    {
        online_mask |= 1ull << cpu;
        nr = cpu + 1;
    }
    rc = sched_init(&sched, opt_sched, sched_pcpus, nr, &hooks);
    if (rc) {
        pr_err("sched=%s: no such scheduler (credit, rr); using credit\n", opt_sched);
        strlcpy(opt_sched, "credit", sizeof(opt_sched));
        rc = sched_init(&sched, opt_sched, sched_pcpus, nr, &hooks);
        if (rc)
            return rc;
    }
    printk("sched: %s policy, %u CPUs, slice %llu ms\n", sched.policy->name, nr,
           (unsigned long long)(sched.tslice_ns / 1000000));
    if (sched.policy->account) {
        init_timer(&account_timer, account_fn, NULL, smp_processor_id());
        set_timer(&account_timer, NOW() + sched.tslice_ns);
    }
    register_debug_key('r', key_runqueues, NULL, "run queues of every CPU");
    register_debug_key('q', key_domains, NULL, "domains and vCPUs: state, runstate, local APIC");
    return 0;
}

int schedule_cpu_init(unsigned cpu)
{
    struct sched_cpu *sc = &sched_cpus[cpu];

    sc->preempt = true; /* ask the core once at the start */
    init_timer(&sc->tick, tick_fn, (void *)(uintptr_t)cpu, cpu);
    return schedule_timer_cpu_init(cpu);
}

const char *schedule_policy_name(void)
{
    return sched.policy ? sched.policy->name : opt_sched;
}

void schedule_domain_init(struct domain *d)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    sched_dom_init(&sched, &d->sched, d->domid);
    spin_unlock_irqrestore(&sched_lock, flags);
}

int schedule_domain_set_params(struct domain *d, unsigned weight, unsigned cap)
{
    unsigned long flags;
    int rc;

    if (weight > 65535 || cap > 65535)
        return -EINVAL;
    spin_lock_irqsave(&sched_lock, flags);
    rc = sched_dom_set_params(&sched, &d->sched, (u16)weight, (u16)cap);
    spin_unlock_irqrestore(&sched_lock, flags);
    return rc;
}

int schedule_domain_pin(struct domain *d, u64 mask)
{
    unsigned long flags;
    int rc = 0;

    mask &= online_mask;
    if (!mask)
        return -EINVAL;
    spin_lock_irqsave(&sched_lock, flags);
    for (unsigned i = 0; i < d->max_vcpus && !rc; i++) {
        rc = sched_vcpu_pin(&sched, &d->vcpu[i]->sched, mask);
        d->vcpu[i]->processor = d->vcpu[i]->sched.cpu;
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    return rc;
}

int schedule_insert_vcpu(struct vcpu *v)
{
    unsigned long flags;
    unsigned best = 0;
    bool first = true;

    spin_lock_irqsave(&sched_lock, flags);
    for_each_online_cpu(c)
    {
        if (first || sched_cpus[c].nr_vcpus < sched_cpus[best].nr_vcpus)
            best = c;
        first = false;
    }
    sched_cpus[best].nr_vcpus++;
    v->home_cpu = best;
    sched_vcpu_init(&sched, &v->sched, &v->domain->sched, v->vcpu_id, best, NOW());
    if (online_mask != (1ull << sched.nr_cpus) - 1)
        sched_vcpu_pin(&sched, &v->sched, online_mask); /* never onto a CPU that is not up */
    v->processor = v->sched.cpu;
    spin_unlock_irqrestore(&sched_lock, flags);
    return 0;
}

int schedule_remove_vcpu(struct vcpu *v)
{
    unsigned long flags;
    int rc = 0;

    spin_lock_irqsave(&sched_lock, flags);
    if (v->is_running || v->sched.running) {
        rc = -EBUSY;
    } else if (v->sched.dom) {
        sched_vcpu_remove(&sched, &v->sched, NOW());
        v->sched.dom = NULL; /* never woken again */
        sched_cpus[v->home_cpu].nr_vcpus--;
    }
    spin_unlock_irqrestore(&sched_lock, flags);
    return rc;
}

/* Make the core's view of v match vcpu_runnable(v). Scheduler lock held. */
static void sync_vcpu(struct vcpu *v, s_time_t now)
{
    u32 flags;

    if (!v->sched.dom)
        return; /* removed: its domain is being destroyed */
    if (vcpu_runnable(v)) {
        sched_wake(&sched, &v->sched, now);
        return;
    }
    flags = READ_ONCE(v->pause_flags);
    if (flags == VPF_BLOCKED && !v->pause_count && !v->domain->pause_count &&
        !v->domain->is_shutting_down)
        sched_sleep(&sched, &v->sched, RUNSTATE_blocked, now);
    else
        sched_sleep(&sched, &v->sched, RUNSTATE_offline, now);
}

void schedule_vcpu_update(struct vcpu *v)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    sync_vcpu(v, NOW());
    spin_unlock_irqrestore(&sched_lock, flags);
}

void schedule_kick(struct vcpu *v)
{
    unsigned cpu;

    if (!READ_ONCE(v->is_running))
        return; /* it looks at everything when it is next run */
    cpu = READ_ONCE(v->processor);
    if (cpu != smp_processor_id())
        schedule_timer_kick_cpu(cpu); /* any interrupt makes it exit */
}

void schedule_poke(struct vcpu *v)
{
    schedule_kick(v); /* an exit, not a reschedule: the next entry sees the new work */
}

void schedule_yield(void)
{
    struct vcpu *v = current_vcpu();
    unsigned long flags;

    if (!v)
        return;
    spin_lock_irqsave(&sched_lock, flags);
    sched_vcpu_yield(&sched, &v->sched);
    spin_unlock_irqrestore(&sched_lock, flags);
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

/* Run fn(arg) under the scheduler's lock: serialised with every switch and its runstate publish. */
void schedule_locked_call(void (*fn)(void *arg), void *arg)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    fn(arg);
    spin_unlock_irqrestore(&sched_lock, flags);
}

void schedule_get_runstate(struct vcpu *v, struct vcpu_runstate_info *out)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    runstate_snapshot(&v->sched.runstate, NOW(), out);
    spin_unlock_irqrestore(&sched_lock, flags);
}

u64 schedule_domain_cpu_time(struct domain *d)
{
    struct vcpu_runstate_info r;
    u64 ns = 0;

    for (unsigned i = 0; i < d->max_vcpus; i++) {
        schedule_get_runstate(d->vcpu[i], &r);
        ns += r.time[RUNSTATE_running];
    }
    return ns;
}

static void tick_start(unsigned cpu)
{
    struct sched_cpu *sc = &sched_cpus[cpu];

    if (sc->tick_on || !sched.policy->tick)
        return;
    sc->tick_on = true;
    set_timer(&sc->tick, NOW() + sched.tick_ns);
}

static void tick_stop(unsigned cpu)
{
    struct sched_cpu *sc = &sched_cpus[cpu];

    if (!sc->tick_on)
        return;
    sc->tick_on = false;
    stop_timer(&sc->tick);
}

/* The guest's runstate area follows the core's runstate at each switch. Scheduler lock held. */
static void publish_runstate(struct vcpu *v, s_time_t now)
{
    struct vcpu_runstate_info r;

    runstate_snapshot(&v->sched.runstate, now, &r);
    vcpu_runstate_publish(v, &r);
}

/*
 * Ask the core what this CPU runs next, after @prev (the vCPU it ran last,
 * its state saved already; NULL if idle). Marks the change in is_running
 * and returns the next vCPU (NULL: idle) and its slice.
 */
static struct vcpu *pick_next(unsigned cpu, struct vcpu *prev, s_time_t *slice)
{
    struct sched_decision dec;
    struct vcpu *next;
    s_time_t now;
    u16 stopping_domid = 0;
    bool stopping = false;

    spin_lock(&sched_lock);
    now = NOW();
    if (prev)
        sync_vcpu(prev, now);
    sched_cpus[cpu].preempt = false;
    dec = sched_schedule(&sched, cpu, now);
    next = vcpu_of(dec.next);
    if (prev && prev != next) {
        stopping = prev->domain->is_shutting_down;
        stopping_domid = prev->domain->domid;
        publish_runstate(prev, now); /* before it may be destroyed */
        /* Ordered against domain_shutdown(): see domain_maybe_destroy_id(). */
        __atomic_store_n(&prev->is_running, false, __ATOMIC_SEQ_CST);
    }
    if (next) {
        next->processor = cpu;
        __atomic_store_n(&next->is_running, true, __ATOMIC_SEQ_CST);
        if (next != prev)
            publish_runstate(next, now);
    }
    spin_unlock(&sched_lock);
    if (stopping)
        domain_maybe_destroy_id(stopping_domid);
    *slice = dec.slice;
    return next;
}

static void idle(unsigned cpu)
{
    tick_stop(cpu);
    /* STI;HLT is atomic: a kick arriving after the check still wakes us. */
    while (!READ_ONCE(sched_cpus[cpu].preempt) && !deferred_work_pending())
        __asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

__noreturn void schedule_run_cpu(void)
{
    unsigned cpu = smp_processor_id();
    struct cpu_info *ci = this_cpu();
    struct vcpu *v = NULL;

    for (;;) {
        s_time_t slice = -1;

        local_irq_enable();
        deferred_work_run(); /* between vCPUs: interrupts on, nothing held */
        local_irq_disable();
        v = pick_next(cpu, v, &slice);
        if (!v) {
            idle(cpu);
            continue;
        }
        tick_start(cpu);
        ci->current = v;
        vcpu_time_refresh(v); /* the pvclock's periodic rewrite */
        schedule_timer_start_slice(cpu, slice);
        hvm_ctxt_switch_to(v);
        local_irq_enable();

        hvm_run(v);

        local_irq_disable();
        hvm_ctxt_switch_from(v);
        schedule_timer_stop_slice(cpu);
        ci->current = NULL;
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
    for_each_online_cpu(cpu)
    {
        if (cpu != smp_processor_id())
            schedule_timer_kick_cpu(cpu);
    }
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

/* ---------------------------------------------------------------- debug dumps */

static void vcpu_name(const struct sched_vcpu *sv, char *buf, size_t size)
{
    format(buf, size, "d%uv%u", sv->dom ? sv->dom->domid : 0, sv->vcpu_id);
}

/*
 * Written into a buffer under the lock and printed after it, so the serial
 * line's speed does not hold up scheduling. Debug keys run one at a time.
 */
void schedule_dump_runqueues(void)
{
    static char buf[4096];
    unsigned long flags;
    size_t n = 0;
    char name[16];

#define OUT(...)                                                                                   \
    do {                                                                                           \
        if (n < sizeof(buf))                                                                       \
            n += format(buf + n, sizeof(buf) - n, __VA_ARGS__);                                    \
    } while (0)

    spin_lock_irqsave(&sched_lock, flags);
    OUT("sched: %s policy, slice %llu ms, weight total %u\n", sched.policy->name,
        (unsigned long long)(sched.tslice_ns / 1000000), sched.weight_total);
    for (unsigned cpu = 0; cpu < sched.nr_cpus; cpu++) {
        const struct sched_pcpu *pc = &sched_pcpus[cpu];
        const struct sched_link *q = &pc->runq, *l;

        if (!(online_mask >> cpu & 1))
            continue;
        if (pc->curr) {
            vcpu_name(pc->curr, name, sizeof(name));
            OUT("CPU%u: running %s (pri %d, credit %d)\n", cpu, name, pc->curr->pri,
                pc->curr->credit);
        } else {
            OUT("CPU%u: idle\n", cpu);
        }
        for (l = q->next; l != q; l = l->next) {
            const struct sched_vcpu *sv = sched_link_entry(l, struct sched_vcpu, runq_elem);

            vcpu_name(sv, name, sizeof(name));
            OUT("  queued %s (pri %d, credit %d%s)\n", name, sv->pri, sv->credit,
                sv->yielding ? ", yielding" : "");
        }
    }
    spin_unlock_irqrestore(&sched_lock, flags);
#undef OUT
    for (char *line = buf, *end; line < buf + MIN(n, sizeof(buf) - 1) && *line; line = end + 1) {
        end = strchr(line, '\n');
        if (!end)
            break;
        *end = '\0';
        printk("%s\n", line);
    }
}

void schedule_dump_vcpu(struct vcpu *v)
{
    static const char *const states[] = {"running", "runnable", "blocked", "offline"};
    struct vcpu_runstate_info r;
    struct sched_vcpu sv;
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);
    sv = v->sched; /* printed outside the lock */
    runstate_snapshot(&sv.runstate, NOW(), &r);
    spin_unlock_irqrestore(&sched_lock, flags);
    printk("  v%u: %s on CPU%u, pri %d, credit %d%s; ran %llu ms, runnable %llu ms, "
           "blocked %llu ms, offline %llu ms; pause flags %#x\n",
           v->vcpu_id, states[r.state & 3], sv.cpu, sv.pri, sv.credit,
           sv.parked ? ", held back by its cap" : "",
           (unsigned long long)(r.time[RUNSTATE_running] / 1000000),
           (unsigned long long)(r.time[RUNSTATE_runnable] / 1000000),
           (unsigned long long)(r.time[RUNSTATE_blocked] / 1000000),
           (unsigned long long)(r.time[RUNSTATE_offline] / 1000000), READ_ONCE(v->pause_flags));
}
