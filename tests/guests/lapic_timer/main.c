/*
 * lapic_timer: the LVT timer of the virtual local APIC (x2APIC MSRs), and
 * what a vCPU halted on it costs. The hypervisor must:
 *  - count the timer at 1 GHz with divide-by-1 (Xen's rate) and fire
 *    one-shot timers never early (every lateness is reported);
 *  - show the count going down in the current-count register;
 *  - repeat periodic timers, and deliver nothing while the LVT is masked;
 *  - wake a vCPU halted with interrupts on when its timer fires, and
 *    account the wait as blocked time, not running time (runstate).
 */
#include <guest.h>
#include <public/vcpu.h>

const char test_title[] = "lapic_timer: one-shot and periodic LVT timer, HLT wake-up, runstate";

#define TIMER_VECTOR 0xe8
#define SPURIOUS_VECTOR 0xff
#define ONESHOTS 40

static unsigned int fired;

static void on_timer(struct cpu_regs *r)
{
    __atomic_fetch_add(&fired, 1, __ATOMIC_SEQ_CST);
    lapic_eoi();
}

static unsigned int nfired(void)
{
    return __atomic_load_n(&fired, __ATOMIC_SEQ_CST);
}

static u64 ns_since(u64 tsc0)
{
    return (rdtsc() - tsc0) * 1000000 / tsc_per_ms();
}

static void runstate(struct vcpu_runstate_info *r)
{
    check(hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, r) == 0, "get_runstate_info");
}

/* One-shot timers of 1..20 ms: none early; lateness reported. */
static void oneshots(void)
{
    u64 late_sum = 0, late_max = 0;

    for (unsigned int i = 0; i < ONESHOTS; i++) {
        u32 ns = (1 + (i * 7) % 20) * 1000000;
        unsigned int before = nfired();
        u64 t0 = rdtsc(), took;

        lapic_timer_start(TIMER_VECTOR, ns, false);
        while (nfired() == before)
            wait_for_interrupt();
        took = ns_since(t0);
        if (!check(took >= ns, "timer %u of %u ns fired after %lu ns", i, ns, (unsigned long)took))
            return;
        late_sum += took - ns;
        if (took - ns > late_max)
            late_max = took - ns;
    }
    check(nfired() == ONESHOTS, "%u interrupts for %u one-shot timers", nfired(), ONESHOTS);
    printk("%u one-shot timers: lateness avg %lu us, max %lu us\n", ONESHOTS,
           (unsigned long)(late_sum / ONESHOTS / 1000), (unsigned long)(late_max / 1000));
}

static void current_count(void)
{
    u32 c1, c2;

    lapic_timer_start(TIMER_VECTOR, 100000000, false); /* 100 ms, interrupts off */
    c1 = (u32)rdmsr(X2APIC_TMCCT);
    for (volatile int i = 0; i < 100000; i++)
        ;
    c2 = (u32)rdmsr(X2APIC_TMCCT);
    check(c1 <= 100000000 && c2 < c1, "current count %u then %u", c1, c2);
    lapic_timer_stop();
    check(rdmsr(X2APIC_TMCCT) == 0, "current count not 0 after stopping");
}

static void periodic_and_masked(void)
{
    unsigned int start = nfired();
    u64 t0 = rdtsc(), took;

    lapic_timer_start(TIMER_VECTOR, 5000000, true); /* every 5 ms */
    while (nfired() - start < 10)
        wait_for_interrupt();
    took = ns_since(t0);
    lapic_timer_stop();
    check(took >= 50000000, "10 periods of 5 ms in %lu ns", (unsigned long)took);

    /* Masked: the count runs out, nothing is delivered. */
    start = nfired();
    wrmsr(X2APIC_TDCR, APIC_TDCR_DIV_1);
    wrmsr(X2APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
    wrmsr(X2APIC_TMICT, 1000000);
    t0 = rdtsc();
    while (ns_since(t0) < 20000000)
        __asm__ __volatile__("sti; pause; cli" ::: "memory");
    check(nfired() == start, "a masked timer interrupted");
    lapic_timer_stop();
}

/*
 * Halted on a 1 s timer: blocked for (nearly) all of it. Running time is
 * only the few exits around the wait; the bound is loose because a loaded
 * host can stall an exit for milliseconds, which the runstate counts as
 * running.
 */
static void halted_vcpu_is_blocked(void)
{
    struct vcpu_runstate_info a, b;
    unsigned int start = nfired();
    u64 ran, blocked, all;

    runstate(&a);
    lapic_timer_start(TIMER_VECTOR, 1000000000, false);
    while (nfired() == start)
        wait_for_interrupt();
    runstate(&b);
    ran = b.time[RUNSTATE_running] - a.time[RUNSTATE_running];
    blocked = b.time[RUNSTATE_blocked] - a.time[RUNSTATE_blocked];
    all = ran + blocked + b.time[RUNSTATE_runnable] - a.time[RUNSTATE_runnable] +
          b.time[RUNSTATE_offline] - a.time[RUNSTATE_offline];
    printk("halted 1 s: running %lu us, blocked %lu us of %lu us\n", (unsigned long)(ran / 1000),
           (unsigned long)(blocked / 1000), (unsigned long)(all / 1000));
    check(blocked >= 900000000ull, "blocked only %lu ns", (unsigned long)blocked);
    check(ran * 10 < all, "running %lu ns of %lu ns while halted", (unsigned long)ran,
          (unsigned long)all);
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!lapic_x2apic_mode()) {
        test_skip("the LAPIC is not in x2APIC mode");
        return;
    }
    irq_set_handler(TIMER_VECTOR, on_timer);
    lapic_enable(SPURIOUS_VECTOR);
    oneshots();
    current_count();
    periodic_and_masked();
    halted_vcpu_is_blocked();
    test_success();
}
