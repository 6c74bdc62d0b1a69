/*
 * pvclock: Xen system time read from each vCPU's vcpu_time_info never goes
 * backwards, neither on one vCPU across being scheduled out nor between
 * vCPUs; and the wall clock is plausible.
 *
 * Every vCPU of the domain (the secondaries started with INIT-SIPI-SIPI,
 * their vcpu_info registered first, as Linux does) reads its own pvclock
 * in a loop for a while, yielding now and then, and compares it with the
 * latest time any vCPU has published: a value read after another vCPU's
 * must not be smaller. Run with more vCPUs than physical CPUs (e.g.
 * vcpus=4 on -smp 2) so vCPUs are also preempted and moved.
 * The hypervisor must keep every vCPU's time fields consistent (odd
 * version while changing them, the same scale, a tsc_timestamp in the
 * guest's TSC) and the TSC in step between vCPUs.
 * Options: ms=<per-vCPU duration> (300).
 */
#include <guest.h>
#include <guest/events.h>
#include <guest/lapic.h>
#include <guest/pvclock.h>
#include <guest/smp.h>

const char test_title[] = "pvclock: monotonic across vCPUs and schedule-outs; wall clock";

#define YEAR_2024 1704067200ull
#define YEAR_2100 4102444800ull

static struct vcpu_info areas[SMP_MAX_CPUS] __aligned(XEN_PAGE_SIZE);
static u64 latest; /* the latest time any vCPU read */
static u64 reads[SMP_MAX_CPUS], cross[SMP_MAX_CPUS], yields[SMP_MAX_CPUS];
static u64 back_own[SMP_MAX_CPUS], back_cross[SMP_MAX_CPUS], worst[SMP_MAX_CPUS];
static unsigned int finished;
static u64 duration_ns;

static void worker(unsigned int cpu)
{
    u64 start = xen_now_on(cpu), own = 0;

    for (u64 i = 0;; i++) {
        u64 seen = __atomic_load_n(&latest, __ATOMIC_ACQUIRE);
        u64 t = xen_now_on(cpu);

        reads[cpu]++;
        if (t < own) {
            back_own[cpu]++;
            worst[cpu] = own - t > worst[cpu] ? own - t : worst[cpu];
        }
        if (seen) {
            cross[cpu]++;
            if (t < seen) {
                back_cross[cpu]++;
                worst[cpu] = seen - t > worst[cpu] ? seen - t : worst[cpu];
            }
        }
        own = t;
        while (seen < t && !__atomic_compare_exchange_n(&latest, &seen, t, false, __ATOMIC_ACQ_REL,
                                                        __ATOMIC_ACQUIRE))
            ;
        if (t - start >= duration_ns)
            break;
        if (i % 256 == 255) {
            sched_yield(); /* scheduled out (if anybody else wants the CPU) and back */
            yields[cpu]++;
        }
    }
    __atomic_fetch_add(&finished, 1, __ATOMIC_ACQ_REL);
}

static void check_time_fields(unsigned int n)
{
    struct vcpu_time_info t0, t;

    if (!check(pvclock_snapshot(&vcpu_info_of(0)->time, &t0, 1000000), "vCPU 0's time"))
        return;
    printk("  time: mul %#x shift %d flags %#x (%lu kHz)\n", t0.tsc_to_system_mul, t0.tsc_shift,
           t0.flags, pvclock_tsc_khz(t0.tsc_to_system_mul, t0.tsc_shift));
    check(t0.tsc_to_system_mul != 0, "tsc_to_system_mul is 0");
    for (unsigned int i = 1; i < n; i++) {
        if (!check(pvclock_snapshot(&vcpu_info_of(i)->time, &t, 1000000), "vCPU %u's time", i))
            continue;
        check(t.tsc_to_system_mul == t0.tsc_to_system_mul && t.tsc_shift == t0.tsc_shift,
              "vCPU %u has scale %#x/%d, vCPU 0 %#x/%d", i, t.tsc_to_system_mul, t.tsc_shift,
              t0.tsc_to_system_mul, t0.tsc_shift);
    }
}

static void check_wallclock(void)
{
    volatile struct shared_info *s = shared;
    u32 version, sec_lo, sec_hi, nsec;
    u64 sec;

    do {
        version = s->wc_version;
        __asm__ __volatile__("lfence" ::: "memory");
        sec_lo = s->wc_sec;
        sec_hi = s->wc_sec_hi;
        nsec = s->wc_nsec;
        __asm__ __volatile__("lfence" ::: "memory");
    } while ((version & 1) || version != s->wc_version);
    sec = ((u64)sec_hi << 32 | sec_lo) + (nsec + xen_now()) / 1000000000ull;
    printk("  wall clock: %lu s since 1970\n", sec);
    check(nsec < 1000000000u, "wc_nsec %u", nsec);
    check(sec >= YEAR_2024 && sec < YEAR_2100, "wall clock %lu is not in 2024..2099", sec);
}

void test_main(void)
{
    unsigned int n, started = 1;
    u64 total_cross = 0, total_reads = 0, total_yields = 0;

    if (!test_needs_xen())
        return;
    duration_ns = cmdline_u64("ms", 300) * 1000000ull;
    if (!check(events_init() == 0, "cannot map shared_info"))
        return;
    n = smp_nr_vcpus();
    /* As Linux: every vCPU's vcpu_info moves into guest memory, APs' before they start. */
    for (unsigned int i = 0; i < n; i++)
        check(events_register_vcpu_info(i, &areas[i]) == 0, "register_vcpu_info(%u)", i);
    check_time_fields(n);
    if (n > 1 && !lapic_x2apic_mode()) {
        test_error("no x2APIC: secondary vCPUs not started");
    } else if (n > 1) {
        lapic_enable(0xff);
        for (unsigned int i = 1; i < n; i++)
            started += check(smp_start_ap(i, worker), "vCPU %u did not start", i);
    }
    worker(0);
    while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < started)
        cpu_relax();

    for (unsigned int i = 0; i < started; i++) {
        check(!back_own[i], "vCPU %u: its own clock went back %lu times", i, back_own[i]);
        check(!back_cross[i], "vCPU %u: %lu times behind another vCPU's earlier read", i,
              back_cross[i]);
        if (worst[i])
            printk("  vCPU %u: worst step back %lu ns\n", i, worst[i]);
        total_cross += cross[i];
        total_reads += reads[i];
        total_yields += yields[i];
    }
    printk("  %u vCPUs: %lu reads, %lu compared with another vCPU's, %lu yields: never backwards\n",
           started, total_reads, total_cross, total_yields);
    check_wallclock();
    test_success();
}
