/*
 * smp: a guest with several vCPUs (4 in the integration tests, on fewer
 * physical CPUs) brings them all up as Linux 6.1 PVH does -- INIT, SIPI,
 * SIPI through the x2APIC ICR into a real-mode trampoline below 1 MiB --
 * and exchanges IPIs with them. The hypervisor must:
 *  - start each AP in real mode at the SIPI vector (CS = vector << 8, IP 0)
 *    and ignore the second SIPI; report it up (VCPUOP_is_up);
 *  - give each vCPU its own x2APIC ID, 2 x vCPU id, as in the MADT;
 *  - deliver fixed IPIs (to one vCPU, to all but self, to self), waking
 *    vCPUs halted with interrupts on, and NMIs; keep ISR/EOI per vCPU;
 *  - deliver event-channel IPIs (EVTCHNOP_bind_ipi + send) to the vCPU each
 *    port was bound for, through the callback vector, waking it too;
 *  - put a vCPU that gets INIT back into wait-for-SIPI, and restart it on
 *    the next SIPI;
 *  - take a vCPU halted with interrupts off down (VCPUOP_is_up 0).
 */
#include <guest.h>
#include <guest/events.h>
#include <public/vcpu.h>

const char test_title[] = "smp: INIT/SIPI bring-up of every vCPU, IPIs between them";

#define SPURIOUS_VECTOR 0xff
#define PING_VECTOR 0xe0
#define PONG_VECTOR 0xe1
#define BCAST_VECTOR 0xe2
#define SELF_VECTOR 0xe3
#define TIMEOUT_VECTOR 0xe4
#define ROUNDS 100

static unsigned int nr_cpus;
static unsigned int pings[SMP_MAX_CPUS], bcasts[SMP_MAX_CPUS], nmis[SMP_MAX_CPUS];
static unsigned int selfs[SMP_MAX_CPUS], boots[SMP_MAX_CPUS];
static unsigned int pongs;
static u32 apic_ids[SMP_MAX_CPUS];
static bool stop_aps;
/* Event-channel IPIs: one port per AP (bound to it) and one back to vCPU 0. */
static u32 evt_ping_port[SMP_MAX_CPUS], evt_pong_port;
static unsigned int evt_pings[SMP_MAX_CPUS], evt_pongs, evt_strays;
static unsigned int timeouts;
static unsigned int masked_takes;

static void inc(unsigned int *p)
{
    __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST);
}

static unsigned int get(const unsigned int *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

/*
 * A maskable interrupt is only delivered while RFLAGS.IF is set (SDM vol. 3A,
 * "Masking Maskable Hardware Interrupts"), so the frame it leaves says IF=1.
 * One with IF clear was not a delivery the guest allowed (e.g. one event
 * delivered twice, the second time at the first instruction of its handler).
 */
static void note_masked_take(const struct cpu_regs *r)
{
    if (!(r->rflags & X86_EFLAGS_IF))
        inc(&masked_takes);
}

static void on_ping(struct cpu_regs *r)
{
    note_masked_take(r);
    inc(&pings[smp_processor_id()]);
    lapic_eoi();
    lapic_send_ipi(0, PONG_VECTOR); /* answer the boot vCPU */
}

static void on_pong(struct cpu_regs *r)
{
    note_masked_take(r);
    inc(&pongs);
    lapic_eoi();
}

static void on_bcast(struct cpu_regs *r)
{
    note_masked_take(r);
    inc(&bcasts[smp_processor_id()]);
    lapic_eoi();
}

static void on_self(struct cpu_regs *r)
{
    note_masked_take(r);
    inc(&selfs[smp_processor_id()]);
    lapic_eoi();
}

static void on_timeout(struct cpu_regs *r)
{
    note_masked_take(r);
    inc(&timeouts);
    lapic_eoi();
}

static void on_nmi(struct cpu_regs *r)
{
    inc(&nmis[smp_processor_id()]); /* NMIs need no EOI */
}

static void on_port(u32 port)
{
    unsigned int cpu = smp_processor_id();

    if (cpu == 0 && port == evt_pong_port) {
        inc(&evt_pongs);
    } else if (cpu > 0 && port == evt_ping_port[cpu]) {
        inc(&evt_pings[cpu]);
        evtchn_send(evt_pong_port);
    } else {
        inc(&evt_strays); /* a port delivered to the wrong vCPU */
    }
}

static void on_upcall(struct cpu_regs *r)
{
    note_masked_take(r);
    events_scan(smp_processor_id(), on_port); /* no EOI: the callback vector bypasses the LAPIC */
}

/* APs: enable the LAPIC, say who they are, then serve IPIs until told to stop. */
static void ap_main(unsigned int cpu)
{
    lapic_enable(SPURIOUS_VECTOR);
    apic_ids[cpu] = lapic_id();
    inc(&boots[cpu]);
    while (!__atomic_load_n(&stop_aps, __ATOMIC_SEQ_CST))
        wait_for_interrupt();
}

/* Spin, letting interrupts in, until *p reaches want; false after 5 s. */
static bool wait_until(const unsigned int *p, unsigned int want)
{
    u64 start = rdtsc(), limit = 5000 * tsc_per_ms();

    while (get(p) < want && rdtsc() - start < limit)
        __asm__ __volatile__("sti; pause; cli" ::: "memory");
    return get(p) >= want;
}

/* Wait for a vCPU to be up (1) or down (0) for 5 s. */
static bool wait_is_up(unsigned int cpu, long want)
{
    u64 start = rdtsc(), limit = 5000 * tsc_per_ms();
    long up;

    while ((up = hypercall_vcpu_op(VCPUOP_is_up, cpu, NULL)) != want && rdtsc() - start < limit)
        cpu_relax();
    return up == want;
}

static void bring_up(void)
{
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++) {
        long up = hypercall_vcpu_op(VCPUOP_is_up, cpu, NULL);

        check(up == 0, "vCPU %u is up before its SIPI (%ld)", cpu, up);
        if (!check(smp_start_ap(cpu, ap_main), "vCPU %u did not start", cpu))
            continue;
        if (!check(wait_until(&boots[cpu], 1), "vCPU %u did not reach its loop", cpu))
            continue;
        check(hypercall_vcpu_op(VCPUOP_is_up, cpu, NULL) == 1, "vCPU %u not up", cpu);
        check(apic_ids[cpu] == 2 * cpu, "vCPU %u has APIC ID %u", cpu, apic_ids[cpu]);
    }
    printk("%u vCPUs up\n", nr_cpus);
}

static void ping_pong(void)
{
    unsigned int want = 0;

    for (unsigned int round = 0; round < ROUNDS; round++) {
        for (unsigned int cpu = 1; cpu < nr_cpus; cpu++) {
            lapic_send_ipi(2 * cpu, PING_VECTOR);
            /* Halted until the pong comes, or the LAPIC timer says it is lost (2 s). */
            unsigned int t = get(&timeouts);

            want++;
            lapic_timer_start(TIMEOUT_VECTOR, 2000000000u, false);
            while (get(&pongs) < want && get(&timeouts) == t)
                wait_for_interrupt();
            lapic_timer_stop();
            if (!check(get(&pongs) == want, "round %u: no pong from vCPU %u (pings %u %u %u)",
                       round, cpu, get(&pings[1]), get(&pings[2]), get(&pings[3])))
                return;
        }
    }
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
        check(get(&pings[cpu]) == ROUNDS, "vCPU %u: %u pings", cpu, get(&pings[cpu]));
    check(get(&pongs) == ROUNDS * (nr_cpus - 1), "%u pongs", get(&pongs));
    printk("%u IPI round trips\n", get(&pongs));
}

static void broadcast_self_and_nmi(void)
{
    /* All but self: every AP once, the boot vCPU not at all. */
    lapic_icr(0, APIC_DM_FIXED | APIC_DEST_ALL_BUT_SELF | BCAST_VECTOR);
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
        check(wait_until(&bcasts[cpu], 1), "vCPU %u missed the broadcast", cpu);
    /*
     * Self IPIs, through the ICR shorthand and the SELF_IPI register (one
     * at a time: a second one while the first waits in the IRR merges).
     */
    lapic_icr(0, APIC_DM_FIXED | APIC_DEST_SELF | SELF_VECTOR);
    check(wait_until(&selfs[0], 1), "self IPI through the ICR not taken");
    wrmsr(X2APIC_SELF_IPI, SELF_VECTOR);
    check(wait_until(&selfs[0], 2), "self IPIs: %u of 2", get(&selfs[0]));
    check(get(&bcasts[0]) == 0, "the sender got its own all-but-self IPI");
    /* NMIs, one per AP. */
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++) {
        lapic_icr(2 * cpu, APIC_DM_NMI);
        check(wait_until(&nmis[cpu], 1), "vCPU %u took no NMI", cpu);
    }
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
        check(get(&bcasts[cpu]) == 1 && get(&nmis[cpu]) == 1, "vCPU %u: %u broadcasts, %u NMIs",
              cpu, get(&bcasts[cpu]), get(&nmis[cpu]));
}

/* The same ping-pong over event channels, as Linux's reschedule/call-function IPIs. */
static void evtchn_ping_pong(void)
{
    unsigned int want = 0;
    long rc;

    rc = events_init();
    if (!check(rc == 0, "mapping shared_info: %ld", rc))
        return;
    rc = evtchn_bind_ipi(0, &evt_pong_port);
    if (!check(rc == 0, "bind_ipi(0): %ld", rc))
        return;
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++) {
        rc = evtchn_bind_ipi(cpu, &evt_ping_port[cpu]);
        if (!check(rc == 0, "bind_ipi(%u): %ld", cpu, rc))
            return;
    }
    rc = events_set_callback(on_upcall);
    if (!check(rc == 0, "callback vector: %ld", rc))
        return;
    for (unsigned int round = 0; round < ROUNDS; round++) {
        for (unsigned int cpu = 1; cpu < nr_cpus; cpu++) {
            unsigned int t = get(&timeouts);

            want++;
            rc = evtchn_send(evt_ping_port[cpu]);
            if (!check(rc == 0, "send to vCPU %u: %ld", cpu, rc))
                return;
            lapic_timer_start(TIMEOUT_VECTOR, 2000000000u, false);
            while (get(&evt_pongs) < want && get(&timeouts) == t)
                wait_for_interrupt();
            lapic_timer_stop();
            if (!check(get(&evt_pongs) == want, "round %u: no event-channel pong from vCPU %u",
                       round, cpu))
                return;
        }
    }
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
        check(get(&evt_pings[cpu]) == ROUNDS, "vCPU %u: %u event-channel pings", cpu,
              get(&evt_pings[cpu]));
    check(get(&evt_strays) == 0, "%u events on the wrong vCPU", get(&evt_strays));
    printk("%u event-channel IPI round trips\n", get(&evt_pongs));
    events_set_callback(NULL);
}

/* INIT stops vCPU 1 in wait-for-SIPI; the next SIPI starts it again from the trampoline. */
static void init_restarts(void)
{
    unsigned int pinged = get(&pings[1]);

    smp_send_init(1);
    check(wait_is_up(1, 0), "vCPU 1 still up after INIT");
    /*
     * A fixed IPI to a vCPU waiting for SIPI is dropped. INIT leaves the
     * local APIC as at power-up: software-disabled, IRR clear, and the SDM
     * (vol. 3A, "Local APIC State After Power-Up or Reset", "... After an
     * INIT Reset") lists INIT, NMI and SIPI as the messages an AP's APIC
     * then responds to. Xen's vlapic_accept_irq() likewise drops fixed and
     * lowest-priority interrupts to a vLAPIC that is not enabled.
     */
    lapic_send_ipi(2, PING_VECTOR);
    check(smp_start_ap(1, ap_main), "vCPU 1 did not restart");
    check(wait_until(&boots[1], 2), "vCPU 1 booted %u times", get(&boots[1]));
    check(get(&pings[1]) == pinged,
          "vCPU 1 took a ping while waiting for SIPI (%u before, %u after)", pinged,
          get(&pings[1]));
}

/* Stop the APs: they leave their loop and halt with interrupts off, which takes them down. */
static void stop_all(void)
{
    __atomic_store_n(&stop_aps, true, __ATOMIC_SEQ_CST);
    lapic_icr(0, APIC_DM_FIXED | APIC_DEST_ALL_BUT_SELF | BCAST_VECTOR);
    for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
        check(wait_is_up(cpu, 0), "vCPU %u still up after cli; hlt", cpu);
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!lapic_x2apic_mode()) {
        test_skip("the LAPIC is not in x2APIC mode");
        return;
    }
    nr_cpus = smp_nr_vcpus();
    if (nr_cpus < 2) {
        test_skip("only one vCPU");
        return;
    }
    irq_set_handler(PING_VECTOR, on_ping);
    irq_set_handler(PONG_VECTOR, on_pong);
    irq_set_handler(BCAST_VECTOR, on_bcast);
    irq_set_handler(SELF_VECTOR, on_self);
    irq_set_handler(TIMEOUT_VECTOR, on_timeout);
    irq_set_handler(X86_EXC_NMI, on_nmi);
    lapic_enable(SPURIOUS_VECTOR);
    check(lapic_id() == 0, "boot vCPU APIC ID %u", lapic_id());
    check(rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP, "boot vCPU is not the BSP");

    bring_up();
    if (test_result() > RESULT_SUCCESS)
        return;
    ping_pong();
    evtchn_ping_pong();
    broadcast_self_and_nmi();
    init_restarts();
    stop_all();
    check(get(&masked_takes) == 0, "%u interrupts taken with IF clear", get(&masked_takes));
    test_success();
}
