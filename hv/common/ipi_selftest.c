/*
 * smp_selftest: cross-CPU calls reach every CPU exactly once, run in
 * interrupt context on the right CPU, both waiting and not waiting, and a
 * call made from inside a call (back to the caller) does not deadlock.
 */
#include <lares/console.h>
#include <lares/param.h>
#include <lares/selftest.h>
#include <lares/smp.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <asm/percpu.h>

static bool opt_smp_selftest;
boolean_param("smp_selftest", opt_smp_selftest);

static u32 hits[MAX_CPUS];
static u32 wrong_context;
static u32 nested_hits;
static u32 calls;

static void record(void *arg)
{
    unsigned int me = smp_processor_id();

    if (local_irq_is_enabled() || (arg && *(unsigned int *)arg != me))
        __atomic_fetch_add(&wrong_context, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&hits[me], 1, __ATOMIC_RELAXED);
}

static void ping_back(void *arg)
{
    __atomic_fetch_add(&nested_hits, 1, __ATOMIC_RELAXED);
}

/* Runs on another CPU, in its call interrupt: calls back into CPU 0 and waits. */
static void call_cpu0(void *arg)
{
    on_cpu(0, ping_back, NULL, true);
}

static bool expect_hits(u32 others, u32 self, const char *step)
{
    unsigned int me = smp_processor_id();

    for_each_online_cpu(c)
    {
        u32 want = c == me ? self : others, got = __atomic_load_n(&hits[c], __ATOMIC_ACQUIRE);

        if (got != want) {
            pr_err("IPI self-test: FAILED: %s: CPU%u ran the call %u times, expected %u\n", step, c,
                   got, want);
            return false;
        }
    }
    return true;
}

/* Non-waiting calls: give the targets a bounded time to finish. */
static void wait_hits(u32 others)
{
    s_time_t deadline = NOW() + SECONDS(2);
    unsigned int me = smp_processor_id();

    for_each_online_cpu(c) while (c != me && __atomic_load_n(&hits[c], __ATOMIC_ACQUIRE) < others &&
                                  NOW() < deadline) cpu_relax();
}

bool ipi_selftest_run(void)
{
    unsigned int n = num_online_cpus(), me = smp_processor_id();

    if (!opt_smp_selftest)
        return true;

    on_other_cpus(record, NULL, true);
    calls++;
    if (!expect_hits(1, 0, "call all others, waiting"))
        return false;

    for_each_online_cpu(c)
    {
        unsigned int target = c;

        on_cpu(c, record, &target, true);
        calls++;
    }
    if (!expect_hits(2, 1, "call each CPU in turn, waiting"))
        return false;

    on_other_cpus(record, NULL, false);
    calls++;
    wait_hits(3);
    if (!expect_hits(3, 1, "call all others, not waiting"))
        return false;

    on_other_cpus(call_cpu0, NULL, true);
    calls++;
    if (nested_hits != n - 1) {
        pr_err("IPI self-test: FAILED: nested calls back to CPU%u: %u of %u arrived\n", me,
               nested_hits, n - 1);
        return false;
    }
    if (wrong_context) {
        pr_err("IPI self-test: FAILED: %u calls ran with interrupts on or on the wrong CPU\n",
               wrong_context);
        return false;
    }
    printk("IPI self-test: passed (%u CPUs, %u calls, %u nested)\n", n, calls, nested_hits);
    return true;
}
