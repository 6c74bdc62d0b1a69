/*
 * timer_selftest: software timers on every CPU fire exactly once, on the
 * right CPU, in interrupt context, in deadline order, and never before
 * their deadline; stopped timers do not fire; re-keyed, migrated and
 * remotely armed timers follow their new settings; and several hundred
 * timers on one CPU (beyond the heap's initial size) come out in order.
 *
 * Deadlines are spaced by milliseconds so that their order is well
 * defined; no test depends on how late a timer fires (that is only
 * reported).
 */
#include <lares/console.h>
#include <lares/mm.h>
#include <lares/param.h>
#include <lares/selftest.h>
#include <lares/smp.h>
#include <lares/timer.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

static bool opt_timer_selftest;
boolean_param("timer_selftest", opt_timer_selftest);

#define PER_CPU 6
#define MANY 300

struct probe {
    struct timer t;
    unsigned int expect_cpu;
    bool expect_fire;
    u32 fires;
    u32 seq; /* global firing order */
    unsigned int fired_cpu;
    s_time_t armed_at; /* after its last set/migrate: queued by then */
    s_time_t fired_at;
    bool irqs_were_on;
};

static struct probe probes[MAX_CPUS][PER_CPU];
static u32 seq_counter;
static s_time_t base;
static s_time_t worst_late;

static void fired(void *data)
{
    struct probe *p = data;

    p->fired_at = NOW();
    p->fired_cpu = smp_processor_id();
    p->irqs_were_on = local_irq_is_enabled();
    p->seq = __atomic_add_fetch(&seq_counter, 1, __ATOMIC_RELAXED);
    p->fires++;
}

static unsigned int next_online(unsigned int cpu)
{
    do
        cpu = (cpu + 1) % nr_cpus;
    while (!cpu_info[cpu] || !cpu_info[cpu]->online);
    return cpu;
}

/* Runs on each CPU: arm its timers, exercising re-keying, stopping and migration. */
static void arm_local(void *arg)
{
    unsigned int me = smp_processor_id();
    struct probe *p = probes[me];

    for (int i = 0; i < PER_CPU; i++) {
        init_timer(&p[i].t, fired, &p[i], me);
        p[i].expect_cpu = me;
        p[i].expect_fire = true;
    }
    set_timer(&p[0].t, base + MILLISECS(6));
    set_timer(&p[1].t, base + MILLISECS(2));
    set_timer(&p[2].t, base + MILLISECS(30));
    set_timer(&p[2].t, base + MILLISECS(10)); /* moved earlier while queued */
    set_timer(&p[3].t, base + MILLISECS(4));
    stop_timer(&p[3].t);
    p[3].expect_fire = false;
    set_timer(&p[4].t, base + MILLISECS(8));
    p[4].expect_cpu = next_online(me);
    migrate_timer(&p[4].t, p[4].expect_cpu);
    for (int i = 0; i < 5; i++)
        p[i].armed_at = NOW();
    /* p[5] is armed from the boot CPU, on this CPU's queue (the remote path). */
}

static bool fail(const char *what, unsigned int cpu, int i)
{
    pr_err("timer self-test: FAILED: %s (CPU%u timer %d)\n", what, cpu, i);
    return false;
}

static bool check_probe(const struct probe *p, unsigned int cpu, int i)
{
    if (!p->expect_fire)
        return p->fires ? fail("a stopped timer fired", cpu, i) : true;
    if (p->fires != 1)
        return fail(p->fires ? "fired more than once" : "never fired", cpu, i);
    if (p->fired_cpu != p->expect_cpu)
        return fail("fired on the wrong CPU", cpu, i);
    if (p->fired_at < timer_expires(&p->t))
        return fail("fired before its deadline", cpu, i);
    if (p->irqs_were_on)
        return fail("callback ran with interrupts enabled", cpu, i);
    if (p->fired_at - timer_expires(&p->t) > worst_late)
        worst_late = p->fired_at - timer_expires(&p->t);
    return true;
}

/*
 * a and b fired on the same CPU in the wrong order: a has the earlier
 * deadline but fired later, although it was already queued when b fired.
 * (Under a loaded host, arming can take long enough that some timers
 * fire before others are set at all; those pairs prove nothing.)
 */
static bool misordered(const struct probe *a, const struct probe *b)
{
    return timer_expires(&a->t) < timer_expires(&b->t) && a->seq > b->seq &&
           a->armed_at < b->fired_at;
}

/* On each CPU, the timers that fired there did so in deadline order. */
static bool check_order(void)
{
    for_each_online_cpu(cpu)
    {
        for_each_online_cpu(a_cpu)
        {
            for (int a = 0; a < PER_CPU; a++) {
                const struct probe *pa = &probes[a_cpu][a];

                if (!pa->expect_fire || pa->fired_cpu != cpu)
                    continue;
                for_each_online_cpu(b_cpu)
                {
                    for (int b = 0; b < PER_CPU; b++) {
                        const struct probe *pb = &probes[b_cpu][b];

                        if (pb->expect_fire && pb->fired_cpu == cpu && misordered(pa, pb))
                            return fail("fired out of deadline order", cpu, a);
                    }
                }
            }
        }
    }
    return true;
}

/*
 * Wait until `count` callbacks have run in total, or a generous timeout
 * (which only bounds a failing test). Interrupts on: the boot CPU's own
 * timers must be able to fire.
 */
static void wait_for_fires(u32 count)
{
    s_time_t give_up = NOW() + SECONDS(10);

    local_irq_enable();
    while (__atomic_load_n(&seq_counter, __ATOMIC_ACQUIRE) < count && NOW() < give_up)
        cpu_relax();
}

static bool many_timers_on_this_cpu(void)
{
    struct probe *many = xzalloc_array(struct probe, MANY);
    unsigned int me = smp_processor_id();
    s_time_t start = NOW() + MILLISECS(5);
    u32 target = __atomic_load_n(&seq_counter, __ATOMIC_ACQUIRE) + MANY;
    bool ok = true;

    if (!many)
        return fail("out of memory for the test", me, -1);
    for (int i = 0; i < MANY; i++) {
        many[i].expect_cpu = me;
        many[i].expect_fire = true;
        init_timer(&many[i].t, fired, &many[i], me);
        /* A scrambled order of distinct deadlines, 20 us apart. */
        set_timer(&many[i].t, start + MICROSECS(20) * ((i * 7919) % MANY));
        many[i].armed_at = NOW();
    }
    wait_for_fires(target);
    for (int i = 0; i < MANY && ok; i++) {
        ok = check_probe(&many[i], me, 100 + i);
        for (int j = 0; j < MANY && ok; j++)
            if (misordered(&many[i], &many[j]))
                ok = fail("fired out of deadline order", me, 100 + i);
    }
    for (int i = 0; i < MANY; i++)
        kill_timer(&many[i].t);
    xfree(many);
    return ok;
}

bool timer_selftest_run(void)
{
    unsigned int n = 0;
    u32 expected = 0;

    if (!opt_timer_selftest)
        return true;

    base = NOW() + MILLISECS(20);
    for_each_online_cpu(c)
    {
        on_cpu(c, arm_local, NULL, true);
        init_timer(&probes[c][5].t, fired, &probes[c][5], c);
        probes[c][5].expect_cpu = c;
        probes[c][5].expect_fire = true;
        set_timer(&probes[c][5].t, base + MILLISECS(12));
        probes[c][5].armed_at = NOW();
        n++;
    }
    for_each_online_cpu(c) for (int i = 0; i < PER_CPU; i++) expected += probes[c][i].expect_fire;
    wait_for_fires(expected);

    for_each_online_cpu(c) for (int i = 0; i < PER_CPU;
                                i++) if (!check_probe(&probes[c][i], c, i)) return false;
    if (!check_order() || !many_timers_on_this_cpu())
        return false;
    printk("timer self-test: passed (%u timers on %u CPUs, %u on CPU%u; latest firing %lld us "
           "after its deadline)\n",
           n * PER_CPU, n, MANY, smp_processor_id(), (long long)(worst_late / 1000));
    return true;
}
