/*
 * timers: Xen's per-vCPU timers and sleeping.
 *
 * The hypervisor must raise VIRQ_TIMER on this vCPU when a singleshot
 * deadline (absolute system time, the pvclock's) is reached, never before:
 * 200 timers of 1-20 ms each fire, none early (lateness reported); a
 * deadline in the past fires at once (Linux BUG()s on an error), unless
 * VCPU_SSHOTTMR_future asks for -ETIME (Lares; Xen since 4.17.4 ignores
 * the flag); a stopped timer does not fire;
 * periodic timers tick on their period (none early) until stopped.
 * SCHEDOP_block with nothing pending sleeps until the timer; SCHEDOP_poll
 * returns 0 when a polled port becomes pending (even a masked one) or at
 * its timeout; HLT with interrupts on sleeps until the timer's upcall.
 * Option: count=N singleshot timers (default 200).
 */
#include <guest.h>
#include <guest/events.h>

const char test_title[] = "timers: singleshot and periodic VIRQ_TIMER, block, poll";

#define MS 1000000ull
#define MAX_TIMERS 1000

static u32 tport;
static volatile u64 fired_at;
static volatile unsigned int ticks;
static u64 lateness[MAX_TIMERS];

static void on_port(u32 port)
{
    if (port == tport) {
        if (!fired_at)
            fired_at = xen_now();
        ticks++;
    }
}

static void upcall(struct cpu_regs *regs)
{
    events_scan(0, on_port);
}

/* Pseudo-random durations of 1..20 ms (a fixed sequence: runs are comparable). */
static u64 next_duration(u64 *seed)
{
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    return MS + (*seed >> 33) % (19 * MS + 1);
}

static void sort(u64 *a, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j && a[j - 1] > a[j]; j--) {
            u64 t = a[j];

            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

static void singleshots(unsigned int n)
{
    u64 seed = 1, sum = 0;
    unsigned int early = 0;

    for (unsigned int i = 0; i < n; i++) {
        u64 deadline = xen_now() + next_duration(&seed);
        long rc;

        fired_at = 0;
        rc = vcpu_singleshot(0, deadline, 0);
        if (!check(rc == 0, "timer %u: rc %ld", i, rc))
            return;
        irq_disable(); /* check with interrupts off, so STI shields the HLT */
        while (!fired_at) {
            safe_halt(); /* the upcall ends the HLT */
            irq_disable();
        }
        if (fired_at < deadline) {
            early++;
            printk("  timer %u fired %lu ns early\n", i, deadline - fired_at);
            lateness[i] = 0;
        } else {
            lateness[i] = fired_at - deadline;
        }
        sum += lateness[i];
    }
    check(early == 0, "%u of %u timers fired early", early, n);
    sort(lateness, n);
    printk("  timer lateness over %u singleshot timers of 1-20 ms (us): min %lu p50 %lu p90 %lu "
           "p99 %lu max %lu mean %lu\n",
           n, lateness[0] / 1000, lateness[n / 2] / 1000, lateness[n * 9 / 10] / 1000,
           lateness[n * 99 / 100] / 1000, lateness[n - 1] / 1000, sum / n / 1000);
}

static void past_deadline(void)
{
    u64 now = xen_now();
    long rc;

    evtchn_clear(tport);
    rc = vcpu_singleshot(0, now - MS, VCPU_SSHOTTMR_future);
    if (running_on_lares()) {
        check(rc == -ETIME, "past deadline with VCPU_SSHOTTMR_future: rc %ld", rc);
        check(!evtchn_pending(tport), "... and the timer fired anyway");
    } else {
        /* Xen since 4.17.4 ignores the flag and fires (Linux never sets it). */
        check(rc == -ETIME || (rc == 0 && evtchn_pending(tport)), "VCPU_SSHOTTMR_future: rc %ld",
              rc);
    }
    evtchn_clear(tport);
    rc = vcpu_singleshot(0, now - MS, 0);
    check(rc == 0, "past deadline: rc %ld", rc);
    check(evtchn_pending(tport), "a past deadline did not fire at once");
    evtchn_clear(tport);
    rc = vcpu_singleshot(0, 1, 0);
    check(rc == 0 && evtchn_pending(tport), "deadline 1: rc %ld, pending %d", rc,
          evtchn_pending(tport));
    evtchn_clear(tport);
    events_clear_upcall(0);
}

static void block_until_the_timer(void)
{
    u64 deadline = xen_now() + 10 * MS, woke;
    long rc;

    evtchn_clear(tport);
    events_clear_upcall(0);
    rc = vcpu_singleshot(0, deadline, VCPU_SSHOTTMR_future);
    check(rc == 0, "future deadline with VCPU_SSHOTTMR_future: rc %ld", rc);
    rc = sched_block(); /* interrupts off: only the timer's event can end this */
    woke = xen_now();
    check(rc == 0, "SCHEDOP_block: rc %ld", rc);
    check(woke >= deadline, "SCHEDOP_block returned %lu ns before the timer", deadline - woke);
    check(evtchn_pending(tport), "woke without the timer's event");
    evtchn_clear(tport);
    events_clear_upcall(0);
}

static void stop_and_poll(void)
{
    u64 now = xen_now(), timeout = now + 20 * MS, woke;
    long rc;

    evtchn_clear(tport);
    vcpu_singleshot(0, now + 5 * MS, 0);
    check(vcpu_stop_singleshot(0) == 0, "stop_singleshot");
    rc = sched_poll(&tport, 1, timeout);
    woke = xen_now();
    check(rc == 0, "SCHEDOP_poll: rc %ld", rc);
    check(woke >= timeout, "SCHEDOP_poll returned %lu ns before its timeout", timeout - woke);
    check(!evtchn_pending(tport), "a stopped timer fired");

    /* A pending (masked) port ends the poll; no timeout: only the port can. */
    evtchn_mask(tport);
    now = xen_now();
    vcpu_singleshot(0, now + 5 * MS, 0);
    rc = sched_poll(&tport, 1, 0);
    woke = xen_now();
    check(rc == 0, "SCHEDOP_poll: rc %ld", rc);
    check(evtchn_pending(tport) && woke >= now + 5 * MS, "poll returned before the timer");
    evtchn_clear(tport);
    evtchn_unmask_bit(tport);
    /* Already pending (a past deadline fires at once): returns at once. */
    vcpu_singleshot(0, 1, 0);
    check(sched_poll(&tport, 1, 0) == 0 && evtchn_pending(tport), "poll of a pending port");
    evtchn_clear(tport);
    events_clear_upcall(0);

    {
        u32 many[129] = {0}, bad = 5000;

        check(sched_poll(many, 129, 0) == -EINVAL, "poll of 129 ports");
        check(sched_poll(&bad, 1, 0) == -EINVAL, "poll of port 5000");
        check(sched_poll((u32 *)0x10, 1, 0) == -EFAULT, "poll with an unmapped port list");
    }
}

static void periodic(void)
{
    u64 period = 10 * MS, start, t[6];
    long rc;

    check(vcpu_periodic(0, MS / 2) == -EINVAL, "a 0.5 ms period was accepted");
    ticks = 0;
    start = xen_now();
    rc = vcpu_periodic(0, period);
    if (!check(rc == 0, "set_periodic_timer: rc %ld", rc))
        return;
    /*
     * Xen ticks at once the first time, then each tick is sent at least a
     * period after the one before: tick k (from 0) comes k periods after
     * the start at the earliest.
     */
    for (unsigned int k = 0; k < 6; k++) {
        unsigned int seen = ticks;

        /* Running, not halted: Xen sends periodic ticks only to a running vCPU. */
        irq_enable();
        while (ticks == seen)
            cpu_relax();
        irq_disable();
        t[k] = xen_now();
        check(t[k] >= start + k * period, "tick %u came %lu ns early", k,
              start + k * period - t[k]);
    }
    check(vcpu_stop_periodic(0) == 0, "stop_periodic_timer");
    ticks = 0;
    evtchn_clear(tport);
    check(sched_poll(&tport, 1, xen_now() + 3 * period) == 0, "poll");
    check(!evtchn_pending(tport) && !ticks, "a stopped periodic timer ticked");
    printk("  periodic 10 ms: ticks at +%lu +%lu +%lu +%lu +%lu +%lu us\n", (t[0] - start) / 1000,
           (t[1] - start) / 1000, (t[2] - start) / 1000, (t[3] - start) / 1000,
           (t[4] - start) / 1000, (t[5] - start) / 1000);
}

static void wrong_vcpu(void)
{
    struct vcpu_set_singleshot_timer s = {.timeout_abs_ns = 1};
    u32 p;

    check(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 99, &s) == -ENOENT, "vCPU 99");
    /* Xen's handler takes (int cmd, unsigned int vcpuid): upper bits do not count. */
    check(hypercall6(__HYPERVISOR_vcpu_op, 0xabcd000100000000ull | VCPUOP_stop_periodic_timer,
                     0xabcd000100000000ull, 0, 0, 0) == 0,
          "vcpu_op with garbage in the upper bits of cmd and vcpuid");
    if (evtchn_bind_ipi(1, &p) == 0) { /* vCPU 1 exists */
        evtchn_close(p);
        check(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 1, &s) == -EINVAL,
              "another vCPU's singleshot timer");
        check(hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL) == -EINVAL,
              "stop another vCPU's singleshot timer");
    }
}

void test_main(void)
{
    unsigned int n = (unsigned int)cmdline_u64("count", 200);

    if (!test_needs_xen())
        return;
    if (n < 1 || n > MAX_TIMERS)
        n = 200;
    if (!check(events_init() == 0, "cannot map shared_info") ||
        !check(evtchn_bind_virq(VIRQ_TIMER, 0, &tport) == 0, "bind VIRQ_TIMER"))
        return;
    events_clear_upcall(0);
    /* Xen wakes a blocked HVM vCPU for events only once it has a callback vector. */
    if (!check(events_set_callback(upcall) == 0, "set the callback vector"))
        return;
    /* Interrupts stay off until singleshots(): these look at the bits themselves. */
    past_deadline();
    block_until_the_timer();
    stop_and_poll();
    wrong_vcpu();
    singleshots(n);
    periodic();
    vcpu_stop_singleshot(0);
    events_set_callback(NULL);
    test_success();
}
