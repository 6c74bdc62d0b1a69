/*
 * evtchn_pingpong: an interdomain event channel between two domains,
 * ROUNDS round trips, no event lost and none spurious; then the server
 * ends and the client must see its end of the channel become unbound.
 *
 * Run as two boot-time domains (one ELF, two command lines):
 *     role=server peer=<client's domid> [rounds=N]
 *     role=client peer=<server's domid> [rounds=N]
 *
 * Rendezvous (nothing else is shared between the domains):
 *   1. The server offers two ports with EVTCHNOP_alloc_unbound: a decoy
 *      offered to a domain that does not exist, then the client's.
 *   2. The client tries EVTCHNOP_bind_interdomain on the server's ports
 *      1..63 in turn, again and again, until one succeeds: only the port
 *      offered to it can. Every other port of the server must then refuse
 *      it (-EINVAL): the decoy is a port offered to someone else.
 *   3. The client sends the first ping. Each side waits with interrupts on
 *      (STI;HLT), events arriving through the callback vector.
 *
 * The hypervisor must deliver each send exactly once to the peer's port,
 * waking the halted peer (on the same or another physical CPU), refuse
 * binds to ports not offered to the caller, and on the server's
 * destruction close its end so the client's end is unbound (and raised, so
 * a waiting client notices). The client prints the mean round trip next
 * to the cost of a null hypercall measured in the same run. Option
 * end=crash: the server ends with SHUTDOWN_crash instead of powering off.
 */
#include <guest.h>
#include <guest/events.h>
#include <public/version.h>

const char test_title[] = "evtchn_pingpong: interdomain round trips, teardown notifies the peer";

#define NOBODY 0x7000 /* no such domain */
#define NULL_CALLS 2000
#define MAX_SCAN_PORT 63
#define MAX_BIND_TRIES 200000

static u32 port;
static volatile u64 received, other_ports, empty_upcalls;

static void on_port(u32 p)
{
    if (p == port)
        received++;
    else
        other_ports++;
}

static void upcall(struct cpu_regs *regs)
{
    if (!events_scan(0, on_port))
        empty_upcalls++;
}

/* Sleep until more than @seen events came on our port. */
static u64 wait_beyond(u64 seen)
{
    /*
     * Check with interrupts off: STI only shields the HLT after it when
     * interrupts were off, and an upcall taken between a check made with
     * them on and the HLT would leave the HLT waiting for nothing.
     */
    irq_disable();
    while (received <= seen) {
        safe_halt();
        irq_disable();
    }
    return received;
}

static bool setup(void)
{
    if (!check(events_init() == 0, "cannot map shared_info"))
        return false;
    events_clear_upcall(0);
    return check(events_set_callback(upcall) == 0, "cannot set the callback vector");
}

static void server(domid_t client, u64 rounds)
{
    struct evtchn_status st;
    char end[8];
    u32 decoy;

    if (!check(evtchn_alloc_unbound(NOBODY, &decoy) == 0, "alloc_unbound (decoy)") ||
        !check(evtchn_alloc_unbound(client, &port) == 0, "alloc_unbound for the client"))
        return;
    printk("  server: port %u offered to d%u, decoy %u to nobody\n", port, client, decoy);

    for (u64 i = 1; i <= rounds; i++) {
        u64 got = wait_beyond(i - 1);

        if (!check(got == i, "round %lu: %lu pings arrived", i, got))
            return;
        if (!check(evtchn_send(port) == 0, "send pong %lu", i))
            return;
    }
    check(evtchn_status(DOMID_SELF, decoy, &st) == 0 && st.status == EVTCHNSTAT_unbound &&
              st.u.unbound.dom == NOBODY,
          "the decoy is no longer unbound and offered to nobody: status %u dom %u", st.status,
          st.u.unbound.dom);
    printk("  server: %lu pings answered; %lu upcalls found nothing, %lu events on other ports\n",
           rounds, empty_upcalls, other_ports);
    if (cmdline_option("end", end, sizeof(end)) && !strcmp(end, "crash")) {
        /* The other way to end: the hypervisor destroys a crashed domain just the same. */
        printk("  server: ending with SHUTDOWN_crash\n");
        hypercall_shutdown(SHUTDOWN_crash);
    }
}

/* Steps 2 of the rendezvous: find and bind the port the server offered us. */
static u32 bind_to(domid_t srv, u32 *remote)
{
    u32 local;

    for (unsigned int tries = 0; tries < MAX_BIND_TRIES; tries++) {
        for (u32 p = 1; p <= MAX_SCAN_PORT; p++) {
            long rc = evtchn_bind_interdomain(srv, p, &local);

            if (rc == 0) {
                *remote = p;
                return local;
            }
            if (rc != -EINVAL) {
                check(rc == -EINVAL, "bind to d%u port %u: rc %ld", srv, p, rc);
                return 0;
            }
        }
        sched_yield(); /* let the server get there */
    }
    test_error("the server never offered a port");
    return 0;
}

static u64 null_hypercall_ns(void)
{
    u64 t0 = xen_now();

    for (int i = 0; i < NULL_CALLS; i++)
        hypercall_xen_version(XENVER_version, NULL);
    return (xen_now() - t0) / NULL_CALLS;
}

static void client(domid_t srv, u64 rounds)
{
    struct evtchn_status st;
    u64 t0, total, null_ns;
    u32 remote, x;
    long rc;

    port = bind_to(srv, &remote);
    if (!port)
        return;
    printk("  client: bound local port %u to d%u port %u\n", port, srv, remote);
    /* Binding raises our new port (events sent before were dropped): not a pong. */
    __asm__ __volatile__("sti; nop; nop; cli" ::: "memory");
    received = 0;
    for (u32 p = 1; p <= MAX_SCAN_PORT; p++) {
        if (p == remote)
            continue;
        rc = evtchn_bind_interdomain(srv, p, &x);
        if (!check(rc == -EINVAL, "bind to the server's port %u (not offered to us): rc %ld", p,
                   rc))
            return;
    }

    null_ns = null_hypercall_ns();
    t0 = xen_now();
    for (u64 i = 1; i <= rounds; i++) {
        u64 got;

        if (!check(evtchn_send(port) == 0, "send ping %lu", i))
            return;
        got = wait_beyond(i - 1);
        /* After the last pong the server may be gone already: its teardown raises our port. */
        if (got == i + 1 && i == rounds && evtchn_status(DOMID_SELF, port, &st) == 0 &&
            st.status == EVTCHNSTAT_unbound)
            got = i;
        if (!check(got == i, "round %lu: %lu pongs arrived", i, got))
            return;
    }
    total = xen_now() - t0;
    printk("  client: %lu round trips, mean %lu ns; null hypercall %lu ns; ratio %lu.%02lu\n",
           rounds, total / rounds, null_ns, total / rounds / null_ns,
           total / rounds * 100 / null_ns % 100);

    /* The server ends now: its end closes, ours must become unbound (and be raised). */
    for (;;) {
        u64 seen = received;

        rc = evtchn_status(DOMID_SELF, port, &st);
        if (!check(rc == 0, "status: rc %ld", rc))
            return;
        if (st.status == EVTCHNSTAT_unbound) {
            check(st.u.unbound.dom == srv, "unbound, offered to d%u", st.u.unbound.dom);
            break;
        }
        if (!check(st.status == EVTCHNSTAT_interdomain, "status %u", st.status))
            return;
        wait_beyond(seen);
        /* An event while the channel is still connected is an extra pong. */
        rc = evtchn_status(DOMID_SELF, port, &st);
        if (!check(rc == 0 && st.status == EVTCHNSTAT_unbound,
                   "an event on the channel after the last pong (status %u)", st.status))
            return;
    }
    printk("  client: the server's end closed; ours is unbound (%lu upcalls found nothing)\n",
           empty_upcalls);
    evtchn_close(port);
}

void test_main(void)
{
    char role[16];
    u64 peer = cmdline_u64("peer", 0), rounds = cmdline_u64("rounds", 10000);

    if (!test_needs_xen())
        return;
    if (!cmdline_option("role", role, sizeof(role)) || !peer || peer >= DOMID_FIRST_RESERVED ||
        !rounds) {
        test_error("needs role=server|client peer=<domid> [rounds=N]");
        return;
    }
    if (!setup())
        return;
    if (!strcmp(role, "server"))
        server((domid_t)peer, rounds);
    else if (!strcmp(role, "client"))
        client((domid_t)peer, rounds);
    else
        test_error("role=%s: not server or client", role);
    events_set_callback(NULL);
    test_success();
}
