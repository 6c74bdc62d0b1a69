/*
 * evtchn_ops: every EVTCHNOP sub-operation, its successes and its errors,
 * within one domain (channels to other domains: evtchn_pingpong).
 *
 * The hypervisor must implement Xen's 2-level event channels exactly:
 * ports handed out lowest free first (1..4095, then -ENOSPC; some may be
 * bound already, e.g. for a PV console); alloc_unbound,
 * bind_interdomain (only to a port offered to us; raises the new port),
 * bind_virq (per-vCPU and global rules), bind_ipi, bind_vcpu, send
 * (pending, then selector, then upcall_pending, honouring the mask),
 * unmask (re-delivers a pending port), close (the peer end becomes unbound,
 * the pending bit is cleared), status, reset, Xen's error codes, and -ENOSYS
 * for the FIFO ABI. Run it with vcpus=2 (vCPU 1 stays down; ports can
 * still notify it).
 */
#include <guest.h>
#include <guest/events.h>

const char test_title[] = "evtchn_ops: EVTCHNOP success and error paths, port exhaustion";

#define NO_SUCH_DOMAIN 0x7000
#define NOT_US 42   /* a domain id that is not ours (and need not exist) */
#define BEYOND 5000 /* beyond the 2-level ABI's 4096 ports */

static domid_t self;
static bool have_vcpu1; /* vCPU 1 exists (under Lares: vcpus=2); it need not run */

static bool expect_rc(long rc, long want, const char *what)
{
    return check(rc == want, "%s: rc %ld, expected %ld", what, rc, want);
}

static struct evtchn_status status_of(u32 port)
{
    struct evtchn_status st;
    long rc = evtchn_status(DOMID_SELF, port, &st);

    check(rc == 0, "status of port %u: rc %ld", port, rc);
    return st;
}

/* Ports in use (the hypervisor may have bound some for its console or xenstore). */
static bool in_use(u32 port)
{
    struct evtchn_status st;

    return evtchn_status(DOMID_SELF, port, &st) == 0 && st.status != EVTCHNSTAT_closed;
}

static u32 lowest_free(void)
{
    for (u32 p = 1; p < 4096; p++)
        if (!in_use(p))
            return p;
    return 0;
}

static u32 count_in_use(void)
{
    u32 n = 0;

    for (u32 p = 1; p < 4096; p++)
        n += in_use(p);
    return n;
}

static u64 selector(unsigned int vcpu)
{
    return __atomic_load_n(&vcpu_info_of(vcpu)->evtchn_pending_sel, __ATOMIC_SEQ_CST);
}

static u8 upcall(unsigned int vcpu)
{
    return __atomic_load_n(&vcpu_info_of(vcpu)->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

static void quiesce(void)
{
    events_clear_upcall(0);
    if (have_vcpu1)
        events_clear_upcall(1);
}

static void alloc_unbound_and_status(void)
{
    struct evtchn_alloc_unbound raw = {.dom = NO_SUCH_DOMAIN, .remote_dom = DOMID_SELF};
    struct evtchn_status st;
    u32 a, b, expect = lowest_free();

    if (!expect_rc(evtchn_alloc_unbound(DOMID_SELF, &a), 0, "alloc_unbound(self)"))
        return;
    check(a == expect, "alloc_unbound gave port %u, not the lowest free one (%u)", a, expect);
    st = status_of(a);
    check(st.status == EVTCHNSTAT_unbound, "status %u", st.status);
    check(st.vcpu == 0, "a new port notifies vCPU %u", st.vcpu);
    self = st.u.unbound.dom; /* DOMID_SELF was recorded as our own id */
    check(self != DOMID_SELF && self < DOMID_FIRST_RESERVED, "our id is %#x", self);
    printk("  our domain id: %u\n", self);

    expect = lowest_free();
    expect_rc(evtchn_alloc_unbound(NOT_US, &b), 0, "alloc_unbound(42)");
    check(b == expect, "second port %u, lowest free %u", b, expect);
    st = status_of(b);
    check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == NOT_US, "status %u, offered to %u",
          st.status, st.u.unbound.dom);

    expect_rc(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &raw), -ESRCH,
              "alloc_unbound in a domain that does not exist");
    expect_rc(evtchn_close(a), 0, "close");
    expect_rc(evtchn_close(b), 0, "close");
    check(status_of(a).status == EVTCHNSTAT_closed, "closed port is not closed");
}

static void loopback_channel(void)
{
    struct evtchn_status st;
    u32 a, b, c, x;

    evtchn_alloc_unbound(DOMID_SELF, &a);
    if (!expect_rc(evtchn_bind_interdomain(self, a, &b), 0, "bind_interdomain to our own port"))
        return;
    check(b != a, "both ends are port %u", a);
    st = status_of(a);
    check(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == self &&
              st.u.interdomain.port == b,
          "remote end: status %u dom %u port %u", st.status, st.u.interdomain.dom,
          st.u.interdomain.port);
    st = status_of(b);
    check(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == a, "local end");
    /* Events sent while the channel was half open were dropped: the new end is raised. */
    check(evtchn_test_and_clear(b), "bind_interdomain did not raise the new port");
    check(!evtchn_pending(a), "the offered end was raised too");

    expect_rc(evtchn_send(b), 0, "send");
    check(evtchn_test_and_clear(a) && !evtchn_pending(b), "send on %u did not raise %u", b, a);
    expect_rc(evtchn_send(a), 0, "send back");
    check(evtchn_test_and_clear(b) && !evtchn_pending(a), "send on %u did not raise %u", a, b);

    expect_rc(evtchn_bind_interdomain(self, a, &x), -EINVAL, "bind to a connected port");
    expect_rc(evtchn_bind_interdomain(self, BEYOND, &x), -EINVAL, "bind to a port beyond 4096");
    expect_rc(evtchn_bind_interdomain(self, 0, &x), -EINVAL, "bind to port 0");
    expect_rc(evtchn_bind_interdomain(self, 60, &x), -EINVAL, "bind to a free port");
    expect_rc(evtchn_bind_interdomain(NO_SUCH_DOMAIN, 1, &x), -ESRCH, "bind to no domain");
    evtchn_alloc_unbound(NOT_US, &c);
    expect_rc(evtchn_bind_interdomain(self, c, &x), -EINVAL,
              "bind to a port offered to another domain");
    expect_rc(evtchn_bind_interdomain(DOMID_SELF, c, &x), -EINVAL, "... named DOMID_SELF");

    /* Closing one end offers the other back (to us, the domain of the closed end). */
    expect_rc(evtchn_close(a), 0, "close one end");
    st = status_of(b);
    check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == self,
          "the other end: status %u dom %u", st.status, st.u.unbound.dom);
    expect_rc(evtchn_send(b), 0, "send on an unbound port (dropped)");
    check(!evtchn_pending(a) && !evtchn_pending(b), "an event on an unbound port arrived");
    /* ... and it can be bound again. */
    expect_rc(evtchn_bind_interdomain(self, b, &x), 0, "re-bind the orphaned end");
    evtchn_clear(x);
    expect_rc(evtchn_close(x), 0, "close");
    expect_rc(evtchn_close(b), 0, "close");
    expect_rc(evtchn_close(c), 0, "close");
    quiesce();
}

static void virqs(void)
{
    struct evtchn_status st;
    u32 t0, t1, dbg, x;

    if (!expect_rc(evtchn_bind_virq(VIRQ_TIMER, 0, &t0), 0, "bind VIRQ_TIMER on vCPU 0"))
        return;
    st = status_of(t0);
    check(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER && st.vcpu == 0,
          "status %u virq %u vcpu %u", st.status, st.u.virq, st.vcpu);
    expect_rc(evtchn_bind_virq(VIRQ_TIMER, 0, &x), -EEXIST, "VIRQ_TIMER twice");
    if (have_vcpu1) {
        expect_rc(evtchn_bind_virq(VIRQ_TIMER, 1, &t1), 0, "VIRQ_TIMER on (down) vCPU 1");
        check(status_of(t1).vcpu == 1, "VIRQ_TIMER of vCPU 1 notifies vCPU %u", status_of(t1).vcpu);
        expect_rc(evtchn_close(t1), 0, "close");
    }
    expect_rc(evtchn_bind_virq(VIRQ_DEBUG, 0, &dbg), 0, "bind VIRQ_DEBUG");
    expect_rc(evtchn_bind_virq(NR_VIRQS, 0, &x), -EINVAL, "virq NR_VIRQS");
    expect_rc(evtchn_bind_virq(VIRQ_TIMER, 7, &x), -ENOENT, "a vCPU that does not exist");
    expect_rc(evtchn_bind_virq(VIRQ_CONSOLE, 1, &x), -EINVAL, "a global VIRQ on vCPU 1");
    if (self == 0) {
        /* Xen's dom0 handles the global VIRQs. */
        expect_rc(evtchn_bind_virq(VIRQ_CONSOLE, 0, &x), 0, "VIRQ_CONSOLE in dom0");
        evtchn_close(x);
    } else {
        expect_rc(evtchn_bind_virq(VIRQ_CONSOLE, 0, &x), -EBUSY, "a global VIRQ we do not handle");
    }
    expect_rc(evtchn_send(t0), -EINVAL, "send on a VIRQ port");
    expect_rc(evtchn_bind_vcpu(t0, 0), -EINVAL, "bind_vcpu of a per-vCPU VIRQ");
    expect_rc(evtchn_close(t0), 0, "close");
    expect_rc(evtchn_bind_virq(VIRQ_TIMER, 0, &x), 0, "VIRQ_TIMER again after close");
    expect_rc(evtchn_close(x), 0, "close");
    expect_rc(evtchn_close(dbg), 0, "close");
}

static void ipis_masks_and_unmask(void)
{
    struct evtchn_status st;
    u32 ipi, x;

    if (!expect_rc(evtchn_bind_ipi(0, &ipi), 0, "bind_ipi"))
        return;
    st = status_of(ipi);
    check(st.status == EVTCHNSTAT_ipi && st.vcpu == 0, "status %u vcpu %u", st.status, st.vcpu);
    expect_rc(evtchn_bind_ipi(9, &x), -ENOENT, "bind_ipi to no vCPU");
    expect_rc(evtchn_bind_vcpu(ipi, 0), -EINVAL, "bind_vcpu of an IPI port");

    /* Unmasked: pending, then the selector bit, then upcall_pending. */
    quiesce();
    expect_rc(evtchn_send(ipi), 0, "send IPI");
    check(evtchn_pending(ipi), "not pending");
    check(selector(0) == 1ull << (ipi / 64), "selector %#lx", selector(0));
    check(upcall(0) == 1, "upcall_pending %u", upcall(0));
    /* Already pending: nothing new (edge semantics). */
    events_clear_upcall(0);
    expect_rc(evtchn_send(ipi), 0, "send again");
    check(!selector(0) && !upcall(0), "a second send of a pending port raised an upcall");

    /* Masked: only the pending bit. */
    evtchn_clear(ipi);
    evtchn_mask(ipi);
    expect_rc(evtchn_send(ipi), 0, "send masked");
    check(evtchn_pending(ipi), "masked port not pending");
    check(!selector(0) && !upcall(0), "a masked port raised an upcall");
    /* EVTCHNOP_unmask re-delivers it. */
    expect_rc(evtchn_unmask(ipi), 0, "unmask");
    check(!evtchn_masked(ipi), "still masked");
    check(selector(0) == 1ull << (ipi / 64) && upcall(0) == 1,
          "unmask of a pending port: selector %#lx upcall %u", selector(0), upcall(0));
    /* Unmasking a port that is not pending raises nothing. */
    quiesce();
    evtchn_clear(ipi);
    evtchn_mask(ipi);
    expect_rc(evtchn_unmask(ipi), 0, "unmask, nothing pending");
    check(!selector(0) && !upcall(0), "unmask raised an upcall for nothing");

    /* Closing clears the pending bit. */
    evtchn_send(ipi);
    expect_rc(evtchn_close(ipi), 0, "close");
    check(!evtchn_pending(ipi), "a closed port stays pending");
    quiesce();
}

static void bind_vcpu(void)
{
    u32 u, l;

    if (!have_vcpu1) {
        printk("  only one vCPU: moving ports between vCPUs not checked\n");
        return;
    }
    evtchn_alloc_unbound(DOMID_SELF, &u);
    expect_rc(evtchn_bind_vcpu(u, 1), 0, "bind_vcpu to vCPU 1");
    check(status_of(u).vcpu == 1, "status says vCPU %u", status_of(u).vcpu);
    expect_rc(evtchn_bind_vcpu(u, 9), -ENOENT, "bind_vcpu to no vCPU");
    expect_rc(evtchn_bind_vcpu(BEYOND, 0), -EINVAL, "bind_vcpu of no port");
    expect_rc(evtchn_bind_vcpu(60, 0), -EINVAL, "bind_vcpu of a free port");

    /* Events on u now go to vCPU 1's vcpu_info, not vCPU 0's. */
    evtchn_bind_interdomain(self, u, &l);
    evtchn_clear(l);
    quiesce();
    expect_rc(evtchn_send(l), 0, "send to the moved port");
    check(evtchn_test_and_clear(u), "not pending");
    check(selector(1) == 1ull << (u / 64) && upcall(1) == 1, "vCPU 1: selector %#lx upcall %u",
          selector(1), upcall(1));
    check(!selector(0) && !upcall(0), "vCPU 0 was notified for vCPU 1's port");
    evtchn_close(l);
    evtchn_close(u);
    quiesce();
}

static void bad_arguments(void)
{
    struct evtchn_status st;
    u32 u;

    expect_rc(evtchn_send(0), -EINVAL, "send on port 0");
    expect_rc(evtchn_send(BEYOND), -EINVAL, "send on port 5000");
    expect_rc(evtchn_send(60), -EINVAL, "send on a free port");
    evtchn_alloc_unbound(NOT_US, &u);
    expect_rc(evtchn_send(u), 0, "send on an unbound port");
    check(!evtchn_pending(u), "an unbound port got the event");

    expect_rc(evtchn_close(0), -EINVAL, "close port 0");
    expect_rc(evtchn_close(BEYOND), -EINVAL, "close port 5000");
    expect_rc(evtchn_close(60), -EINVAL, "close a free port");
    expect_rc(evtchn_close(u), 0, "close");
    expect_rc(evtchn_close(u), -EINVAL, "close twice");

    expect_rc(evtchn_status(DOMID_SELF, BEYOND, &st), -EINVAL, "status of port 5000");
    expect_rc(evtchn_status(DOMID_SELF, 0, &st), 0, "status of port 0");
    check(st.status == EVTCHNSTAT_closed, "port 0: status %u", st.status);
    expect_rc(evtchn_status(self, 60, &st), 0, "status of a free port, by our id");
    check(st.status == EVTCHNSTAT_closed, "free port: status %u", st.status);
    expect_rc(evtchn_status(NO_SUCH_DOMAIN, 1, &st), -ESRCH, "status in no domain");

    expect_rc(evtchn_unmask(BEYOND), -EINVAL, "unmask port 5000");
    expect_rc(evtchn_unmask(60), 0, "unmask a free port (ignored)");

    if (running_on_lares()) {
        /* Lares offers the 2-level ABI only (Xen also has FIFO). */
        expect_rc(hypercall_event_channel_op(EVTCHNOP_init_control, &st), -ENOSYS, "init_control");
        expect_rc(hypercall_event_channel_op(EVTCHNOP_expand_array, &st), -ENOSYS, "expand_array");
        expect_rc(hypercall_event_channel_op(EVTCHNOP_set_priority, &st), -ENOSYS, "set_priority");
    }
    expect_rc(hypercall_event_channel_op(99, &st), -ENOSYS, "unknown sub-op");
    /* Xen's handler takes the sub-op as an int: a 64-bit caller's upper bits do not count. */
    st = (struct evtchn_status){.dom = DOMID_SELF, .port = 0};
    expect_rc(hypercall6(__HYPERVISOR_event_channel_op, 0xabcd000100000000ull | EVTCHNOP_status,
                         (u64)&st, 0, 0, 0),
              0, "status with garbage in the sub-op's upper 32 bits");
    if (self != 0) {
        struct evtchn_bind_pirq p = {.pirq = 1};

        /* A PVH domU has no physical IRQs (Xen's dom0 has). */
        expect_rc(hypercall_event_channel_op(EVTCHNOP_bind_pirq, &p), -EINVAL, "bind_pirq");
    }
    expect_rc(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, (void *)0x10), -EFAULT,
              "argument at an unmapped address");
    expect_rc(hypercall_event_channel_op(EVTCHNOP_send, (void *)0x10), -EFAULT,
              "send with an unmapped argument");
}

static void reset(void)
{
    struct evtchn_reset r = {.dom = DOMID_SELF};
    u32 p[4];

    evtchn_alloc_unbound(DOMID_SELF, &p[0]);
    evtchn_bind_interdomain(self, p[0], &p[1]);
    evtchn_bind_ipi(0, &p[2]);
    evtchn_bind_virq(VIRQ_TIMER, 0, &p[3]);
    expect_rc(hypercall_event_channel_op(EVTCHNOP_reset, &r), 0, "reset");
    for (unsigned int i = 0; i < 4; i++) {
        check(status_of(p[i]).status == EVTCHNSTAT_closed, "port %u survived the reset", p[i]);
        check(!evtchn_pending(p[i]), "port %u still pending", p[i]);
    }
    r.dom = NO_SUCH_DOMAIN;
    expect_rc(hypercall_event_channel_op(EVTCHNOP_reset, &r), -ESRCH, "reset of no domain");
    quiesce();
}

static void exhaustion(void)
{
    struct evtchn_reset r = {.dom = DOMID_SELF};
    u32 port, last = 0, n = 0, before = count_in_use(), expect;
    long rc;

    while ((rc = evtchn_alloc_unbound(NOT_US, &port)) == 0) {
        if (!check(port > last, "port %u after %u", port, last))
            break;
        last = port;
        n++;
    }
    check(rc == -ENOSPC, "after %u ports: rc %ld, expected -ENOSPC", n, rc);
    check(n + before == 4095 && last == 4095,
          "%u new ports (last %u) + %u in use before: expected 4095 (ports 1..4095)", n, last,
          before);
    printk("  %u ports (%u more in use already), then -ENOSPC\n", n, before);
    expect_rc(evtchn_bind_ipi(0, &port), -ENOSPC, "bind_ipi in a full table");
    expect_rc(evtchn_close(1000), 0, "close port 1000");
    expect_rc(evtchn_alloc_unbound(NOT_US, &port), 0, "alloc after a close");
    check(port == 1000, "got port %u, expected the freed 1000", port);
    expect_rc(hypercall_event_channel_op(EVTCHNOP_reset, &r), 0, "reset");
    expect = lowest_free();
    check(count_in_use() <= before, "%u ports in use after reset, %u before", count_in_use(),
          before);
    expect_rc(evtchn_alloc_unbound(NOT_US, &port), 0, "alloc after reset");
    check(port == expect, "first port after reset %u, lowest free %u", port, expect);
    evtchn_close(port);
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!check(events_init() == 0, "cannot map shared_info"))
        return;
    {
        u32 p;

        have_vcpu1 = evtchn_bind_ipi(1, &p) == 0;
        if (have_vcpu1)
            evtchn_close(p);
    }
    alloc_unbound_and_status();
    loopback_channel();
    virqs();
    ipis_masks_and_unmask();
    bind_vcpu();
    bad_arguments();
    reset();
    exhaustion();
    test_success();
}
