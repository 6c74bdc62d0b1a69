/*
 * evtchn_upcall: delivery of events to a PVH vCPU through the callback
 * vector (HVM_PARAM_CALLBACK_IRQ, type "vector").
 *
 * The hypervisor must inject the vector as an external interrupt whenever
 * the vCPU's evtchn_upcall_pending is set and the guest can take
 * interrupts: not while RFLAGS.IF is clear, at once when the guest sets it
 * (an interrupt window, also right after STI's shadow); again after the
 * handler returns if the handler left upcall_pending set (level-like); with
 * no EOI expected (a thousand deliveries without touching any APIC); for
 * upcalls raised before the vector was chosen; after EVTCHNOP_unmask of a
 * pending port; and HLT with an upcall pending must not sleep (nor, on
 * Lares, SCHEDOP_block with interrupts off: it waits for any event). Also:
 * HVM_PARAM_CALLBACK_IRQ reads back, and the GSI form is accepted.
 */
#include <guest.h>
#include <guest/events.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

const char test_title[] = "evtchn_upcall: callback-vector delivery, interrupt window, no EOI";

#define ROUNDS 1000

static u32 ipi;
static volatile unsigned int upcalls, port_events;
static volatile bool leave_pending_once;

static void count_port(u32 port)
{
    if (port == ipi)
        port_events++;
}

static void upcall_handler(struct cpu_regs *regs)
{
    upcalls++;
    if (leave_pending_once) {
        leave_pending_once = false; /* return with upcall_pending still set */
        return;
    }
    events_scan(0, count_port);
}

/* Let pending interrupts in for a moment: STI, a few instructions, CLI. */
static void open_briefly(void)
{
    __asm__ __volatile__("sti; nop; nop; nop; cli" ::: "memory");
}

static long param(u32 index, u64 *value, bool set)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index, .value = set ? *value : 0};
    long rc = hypercall_hvm_op(set ? HVMOP_set_param : HVMOP_get_param, &p);

    if (!rc && !set)
        *value = p.value;
    return rc;
}

static void raised_before_the_vector_was_set(void)
{
    u64 via = 0;

    evtchn_send(ipi); /* interrupts are off; no callback yet */
    check(vcpu_info_of(0)->evtchn_upcall_pending, "no upcall_pending after send");
    if (!check(events_set_callback(upcall_handler) == 0, "cannot set the callback vector"))
        return;
    check(param(HVM_PARAM_CALLBACK_IRQ, &via, false) == 0, "get CALLBACK_IRQ");
    check(via == HVM_PARAM_CALLBACK_VAL(HVM_PARAM_CALLBACK_TYPE_VECTOR, EVENT_VECTOR),
          "CALLBACK_IRQ reads back %#lx", via);
    check(upcalls == 0, "an upcall arrived with interrupts off");
    open_briefly();
    check(upcalls == 1 && port_events == 1, "upcalls %u, port events %u after STI", upcalls,
          port_events);
}

static void not_while_interrupts_are_off(void)
{
    upcalls = port_events = 0;
    evtchn_send(ipi);
    /* Exits with interrupts off: the hypervisor must hold the upcall back. */
    for (int i = 0; i < 20; i++)
        hypercall_xen_version(0, NULL);
    check(upcalls == 0, "%u upcalls with interrupts off", upcalls);
    open_briefly();
    check(upcalls == 1 && port_events == 1, "upcalls %u, port events %u", upcalls, port_events);
}

static void level_like_redelivery(void)
{
    upcalls = port_events = 0;
    leave_pending_once = true;
    evtchn_send(ipi);
    open_briefly();
    /* The first handler left upcall_pending set: the vector comes again after its IRET. */
    check(upcalls == 2 && port_events == 1, "upcalls %u, port events %u", upcalls, port_events);
}

static void no_eoi_needed(void)
{
    upcalls = port_events = 0;
    for (int i = 0; i < ROUNDS; i++) {
        evtchn_send(ipi);
        open_briefly();
    }
    check(upcalls == ROUNDS && port_events == ROUNDS, "%d sends: %u upcalls, %u port events",
          ROUNDS, upcalls, port_events);
    printk("  %d deliveries without an EOI\n", ROUNDS);
}

static void masked_then_unmasked(void)
{
    upcalls = port_events = 0;
    evtchn_mask(ipi);
    evtchn_send(ipi);
    open_briefly();
    check(upcalls == 0, "a masked port raised %u upcalls", upcalls);
    check(evtchn_pending(ipi), "masked port not pending");
    check(evtchn_unmask(ipi) == 0, "unmask");
    open_briefly();
    check(upcalls == 1 && port_events == 1, "after unmask: upcalls %u, port events %u", upcalls,
          port_events);
}

static void hlt_with_an_upcall_pending(void)
{
    upcalls = port_events = 0;
    evtchn_send(ipi);
    /* STI;HLT: the pending upcall must end the HLT (else this sleeps for good). */
    __asm__ __volatile__("sti; hlt; cli" ::: "memory");
    check(upcalls == 1 && port_events == 1, "upcalls %u, port events %u", upcalls, port_events);
}

static void block_with_an_upcall_pending(void)
{
    if (!running_on_lares()) {
        /* Xen sleeps here until the next new event (it only looks at deliverable ones). */
        printk("  not Lares: SCHEDOP_block with interrupts off not checked\n");
        return;
    }
    upcalls = port_events = 0;
    evtchn_send(ipi);
    check(sched_block() == 0, "SCHEDOP_block");
    check(upcalls == 0, "an upcall arrived with interrupts off");
    open_briefly();
    check(upcalls == 1, "upcalls %u", upcalls);
}

static void gsi_form_accepted(void)
{
    u64 gsi = 1, vector = HVM_PARAM_CALLBACK_VAL(HVM_PARAM_CALLBACK_TYPE_VECTOR, EVENT_VECTOR);

    /* Linux writes GSI 1 to look "enlightened"; Xen accepts it for PVH and ignores it. */
    check(param(HVM_PARAM_CALLBACK_IRQ, &gsi, true) == 0, "CALLBACK_IRQ = GSI 1 refused");
    check(param(HVM_PARAM_CALLBACK_IRQ, &vector, true) == 0, "back to the vector");
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!check(events_init() == 0, "cannot map shared_info"))
        return;
    if (!check(evtchn_bind_ipi(0, &ipi) == 0, "bind_ipi"))
        return;
    events_clear_upcall(0);
    raised_before_the_vector_was_set();
    not_while_interrupts_are_off();
    level_like_redelivery();
    no_eoi_needed();
    masked_then_unmasked();
    hlt_with_an_upcall_pending();
    block_with_an_upcall_pending();
    gsi_form_accepted();
    events_set_callback(NULL);
    test_success();
}
