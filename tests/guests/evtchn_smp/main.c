/*
 * evtchn_smp: event-channel IPIs between the vCPUs of one domain, as
 * Linux uses them (reschedule/call-function IPIs, the PV spinlock kicker).
 *
 * vCPU 0 binds one IPI port per vCPU and registers every vCPU's vcpu_info
 * before starting the others with INIT-SIPI-SIPI (Linux's order). Then:
 *   1. a token goes round the vCPUs ROUNDS times, each vCPU waiting for
 *      its port's upcall in STI;HLT and passing the token on with
 *      EVTCHNOP_send: every event arrives once, on the right vCPU;
 *   2. vCPU 1 waits for its port without halting (interrupts on, spinning):
 *      the event must interrupt it where it runs;
 *   3. the PV spinlock pattern: vCPU 1 blocks in SCHEDOP_poll on its masked
 *      port, vCPU 0 sends to it, and the poll ends (no upcall: masked).
 * The hypervisor must route each port to its notify vCPU's vcpu_info, wake
 * a halted or polling vCPU on any physical CPU, and make a running one
 * exit (IPI) to take the upcall. Run with vcpus=4 (any -smp).
 */
#include <guest.h>
#include <guest/events.h>
#include <guest/lapic.h>
#include <guest/smp.h>

const char test_title[] = "evtchn_smp: event-channel IPIs between vCPUs, polls";

#define ROUNDS 200

static struct vcpu_info areas[SMP_MAX_CPUS] __aligned(XEN_PAGE_SIZE);
static u32 ipi[SMP_MAX_CPUS];
static volatile u64 got[SMP_MAX_CPUS], wrong_vcpu;
static volatile unsigned int phase, done;
static unsigned int n;

static void on_port(u32 port)
{
    unsigned int me = smp_processor_id();

    if (port == ipi[me])
        got[me]++;
    else
        wrong_vcpu++;
}

static void upcall(struct cpu_regs *regs)
{
    events_scan(smp_processor_id(), on_port);
}

static void wait_halted(unsigned int me, u64 count)
{
    while (got[me] < count)
        safe_halt();
    irq_disable();
}

static void token_ring(unsigned int me)
{
    for (u64 r = 1; r <= ROUNDS; r++) {
        if (me == 0)
            evtchn_send(ipi[1 % n]);
        wait_halted(me, r);
        if (me != 0)
            evtchn_send(ipi[(me + 1) % n]);
    }
}

static void ap_main(unsigned int me)
{
    token_ring(me);
    if (me == 1) {
        /* 2: spin with interrupts on until the event arrives. */
        while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) < 2)
            cpu_relax();
        irq_enable();
        while (got[1] < ROUNDS + 1)
            cpu_relax();
        irq_disable();
        /* 3: poll the masked port. */
        evtchn_mask(ipi[1]);
        __atomic_store_n(&phase, 3, __ATOMIC_RELEASE);
        check(sched_poll(&ipi[1], 1, 0) == 0, "SCHEDOP_poll");
        check(evtchn_test_and_clear(ipi[1]), "the poll ended without the port pending");
        evtchn_unmask_bit(ipi[1]);
    }
    __atomic_fetch_add(&done, 1, __ATOMIC_ACQ_REL);
}

void test_main(void)
{
    unsigned int started = 1;

    if (!test_needs_xen())
        return;
    n = smp_nr_vcpus();
    if (n < 2) {
        test_skip("needs at least 2 vCPUs");
        return;
    }
    if (!lapic_x2apic_mode()) {
        test_error("no x2APIC: secondary vCPUs cannot be started");
        return;
    }
    if (!check(events_init() == 0, "cannot map shared_info"))
        return;
    for (unsigned int i = 0; i < n; i++) {
        check(events_register_vcpu_info(i, &areas[i]) == 0, "register_vcpu_info(%u)", i);
        check(evtchn_bind_ipi(i, &ipi[i]) == 0, "bind_ipi(%u)", i);
        events_clear_upcall(i);
    }
    check(events_set_callback(upcall) == 0, "set the callback vector");
    lapic_enable(0xff);
    for (unsigned int i = 1; i < n; i++)
        started += check(smp_start_ap(i, ap_main), "vCPU %u did not start", i);
    if (started != n)
        return;

    token_ring(0);
    for (unsigned int i = 0; i < n; i++)
        check(got[i] == ROUNDS, "vCPU %u got %lu events, expected %u", i, got[i], ROUNDS);
    printk("  token passed %u times round %u vCPUs\n", ROUNDS, n);

    __atomic_store_n(&phase, 2, __ATOMIC_RELEASE);
    evtchn_send(ipi[1]);
    while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) < 3)
        cpu_relax();
    /* vCPU 1 is polling now, or about to: either way the send must end its poll. */
    evtchn_send(ipi[1]);
    while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < n - 1)
        cpu_relax();
    check(got[1] == ROUNDS + 1, "vCPU 1 got %lu events, expected %u", got[1], ROUNDS + 1);
    check(!wrong_vcpu, "%lu events reached a vCPU whose port it was not", wrong_vcpu);
    printk("  a running vCPU took its event; a polling vCPU was woken by its masked port\n");
    test_success();
}
