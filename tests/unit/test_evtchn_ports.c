/* The event-channel port table: every operation, its errors and teardown. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/evtchn_ports.h>

#define DOM_A 1
#define DOM_B 2
#define DOM_C 7
#define NR_VCPUS 4

/* Allocator that counts live blocks and can be told to fail. */
static int live_blocks;
static int fail_after = -1; /* allocations left before failing; -1: never */
static bool console_handler_is_b;

static void *counting_zalloc(void *ctx, size_t size)
{
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    live_blocks++;
    return calloc(1, size);
}

static void counting_free(void *ctx, void *p)
{
    live_blocks--;
    free(p);
}

static bool global_virq_allowed(void *ctx, u16 dom, unsigned int virq)
{
    return !console_handler_is_b || virq != VIRQ_CONSOLE || dom == DOM_B;
}

static const struct evtchn_alloc alloc = {
    .zalloc = counting_zalloc,
    .free = counting_free,
    .global_virq_allowed = global_virq_allowed,
};

static struct evtchn_table a, b, c;

static int setup(void **state)
{
    live_blocks = 0;
    fail_after = -1;
    console_handler_is_b = false;
    assert_int_equal(evtchn_table_init(&a, DOM_A, NR_VCPUS, &alloc), 0);
    assert_int_equal(evtchn_table_init(&b, DOM_B, NR_VCPUS, &alloc), 0);
    assert_int_equal(evtchn_table_init(&c, DOM_C, 1, &alloc), 0);
    return 0;
}

static int teardown(void **state)
{
    evtchn_table_free(&a);
    evtchn_table_free(&b);
    evtchn_table_free(&c);
    assert_int_equal(live_blocks, 0);
    return 0;
}

static struct evtchn_table *table_of(u16 dom)
{
    return dom == DOM_A ? &a : dom == DOM_B ? &b : &c;
}

/*
 * The caller's close protocol: try with the local lock, relock both tables
 * in domid order when the port turns out to be interdomain, retry.
 */
static int close_port(struct evtchn_table *t, u32 port, bool guest, struct evtchn_close_result *res)
{
    int rc = evtchn_close(t, NULL, port, guest, res);

    if (rc == EVTCHN_CLOSE_NEED_PEER)
        rc = evtchn_close(t, table_of(res->peer_dom), port, guest, res);
    return rc;
}

/* Connect a port of @from to a new port of @to; returns @to's port. */
static int connect(struct evtchn_table *from, struct evtchn_table *to, int *from_port)
{
    struct evtchn_notify fx;
    int fp = evtchn_alloc_unbound(from, to->domid);

    assert_true(fp > 0);
    *from_port = fp;
    return evtchn_bind_interdomain(to, from, fp, &fx);
}

static void status_is(const struct evtchn_table *t, u32 port, u32 status, u32 vcpu)
{
    struct evtchn_status st;

    assert_int_equal(evtchn_status(t, port, &st), 0);
    assert_int_equal(st.status, status);
    assert_int_equal(st.vcpu, vcpu);
}

static void port_zero_is_reserved(void **state)
{
    struct evtchn_close_result res;
    struct evtchn_notify fx;

    status_is(&a, 0, EVTCHNSTAT_closed, 0);
    assert_int_equal(evtchn_close(&a, NULL, 0, true, &res), -EINVAL);
    assert_int_equal(evtchn_send(&a, 0, &fx), -EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&a, 0, 0), -EINVAL);
    assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), 1);
    assert_int_equal(evtchn_next_open(&a, 0), 1);
}

static void invalid_ports_are_einval(void **state)
{
    struct evtchn_status st;
    struct evtchn_close_result res;
    struct evtchn_notify fx;
    u32 bad[] = {EVTCHN_BUCKET_PORTS, EVTCHN_MAX_PORTS, 0xffffffffu};

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(evtchn_status(&a, bad[i], &st), -EINVAL);
        assert_int_equal(evtchn_close(&a, NULL, bad[i], true, &res), -EINVAL);
        assert_int_equal(evtchn_send(&a, bad[i], &fx), -EINVAL);
        assert_int_equal(evtchn_bind_vcpu(&a, bad[i], 0), -EINVAL);
        assert_int_equal(evtchn_port_vcpu(&a, bad[i]), -EINVAL);
    }
    /* A never-used port inside an allocated bucket exists and is closed. */
    status_is(&a, 5, EVTCHNSTAT_closed, 0);
    assert_int_equal(evtchn_port_vcpu(&a, 5), 0);
    assert_int_equal(evtchn_close(&a, NULL, 5, true, &res), -EINVAL);
    assert_int_equal(evtchn_send(&a, 5, &fx), -EINVAL);
}

static void alloc_unbound_and_status(void **state)
{
    struct evtchn_status st;
    struct evtchn_notify fx;
    int p = evtchn_alloc_unbound(&a, DOM_B);

    assert_int_equal(p, 1);
    st.dom = DOMID_SELF; /* the dispatcher's input fields are left alone */
    st.port = p;
    assert_int_equal(evtchn_status(&a, p, &st), 0);
    assert_int_equal(st.dom, DOMID_SELF);
    assert_int_equal(st.port, p);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, DOM_B);
    assert_int_equal(st.vcpu, 0);
    /* Sending on an unbound port is silently dropped. */
    assert_int_equal(evtchn_send(&a, p, &fx), 0);
    assert_int_equal(fx.port, 0);
    assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), 2);
}

static void bind_interdomain_connects_both_ends(void **state)
{
    struct evtchn_status st;
    struct evtchn_notify fx;
    int ap = evtchn_alloc_unbound(&a, DOM_B);
    int bp;

    assert_int_equal(evtchn_bind_ipi(&b, 0), 1); /* so the ports differ */
    bp = evtchn_bind_interdomain(&b, &a, ap, &fx);
    assert_int_equal(bp, 2);
    /* The new local end is raised once: events sent while unbound were lost. */
    assert_true(fx.resolved);
    assert_int_equal(fx.dom, DOM_B);
    assert_int_equal(fx.port, bp);
    assert_int_equal(fx.vcpu, 0);

    assert_int_equal(evtchn_status(&a, ap, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, DOM_B);
    assert_int_equal(st.u.interdomain.port, bp);
    assert_int_equal(evtchn_status(&b, bp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, DOM_A);
    assert_int_equal(st.u.interdomain.port, ap);

    /* A -> B: unresolved until B's table (B's lock) confirms it. */
    assert_int_equal(evtchn_bind_vcpu(&b, bp, 3), 0);
    assert_int_equal(evtchn_send(&a, ap, &fx), 0);
    assert_false(fx.resolved);
    assert_int_equal(fx.dom, DOM_B);
    assert_int_equal(fx.port, bp);
    assert_false(evtchn_resolve(&a, &fx)); /* wrong table */
    assert_true(evtchn_resolve(&b, &fx));
    assert_int_equal(fx.vcpu, 3);
    assert_int_equal(fx.consumer, 0);

    /* B -> A goes to A's notify vCPU. */
    assert_int_equal(evtchn_bind_vcpu(&a, ap, 2), 0);
    assert_int_equal(evtchn_send(&b, bp, &fx), 0);
    assert_true(evtchn_resolve(&a, &fx));
    assert_int_equal(fx.port, ap);
    assert_int_equal(fx.vcpu, 2);
}

static void bind_interdomain_refusals(void **state)
{
    struct evtchn_notify fx;
    int to_c = evtchn_alloc_unbound(&a, DOM_C); /* offered to C, not B */
    int ipi = evtchn_bind_ipi(&a, 0);
    int ap, bp;

    assert_int_equal(evtchn_bind_interdomain(&b, &a, to_c, &fx), -EINVAL);
    assert_int_equal(fx.port, 0);
    assert_int_equal(evtchn_bind_interdomain(&b, &a, ipi, &fx), -EINVAL);
    assert_int_equal(evtchn_bind_interdomain(&b, &a, 30, &fx), -EINVAL);   /* free */
    assert_int_equal(evtchn_bind_interdomain(&b, &a, 0, &fx), -EINVAL);    /* reserved */
    assert_int_equal(evtchn_bind_interdomain(&b, &a, 4000, &fx), -EINVAL); /* no storage */
    assert_int_equal(evtchn_bind_interdomain(&b, &a, ~0u, &fx), -EINVAL);
    /* Already connected: cannot be bound a second time. */
    bp = connect(&a, &b, &ap);
    assert_true(bp > 0);
    assert_int_equal(evtchn_bind_interdomain(&b, &a, ap, &fx), -EINVAL);
    /* C may take its offer; failed attempts consumed no port of B. */
    assert_int_equal(evtchn_bind_interdomain(&c, &a, to_c, &fx), 1);
    assert_int_equal(b.active, 1);
    assert_int_equal(evtchn_alloc_unbound(&b, DOM_A), 2);
}

static void loopback_channel(void **state)
{
    struct evtchn_close_result res;
    struct evtchn_status st;
    struct evtchn_notify fx;
    int p1 = evtchn_alloc_unbound(&a, DOM_A);
    int p2 = evtchn_bind_interdomain(&a, &a, p1, &fx);

    assert_int_equal(p2, p1 + 1);
    assert_int_equal(evtchn_bind_vcpu(&a, p2, 1), 0);
    assert_int_equal(evtchn_send(&a, p1, &fx), 0);
    assert_true(fx.resolved); /* same table, already locked */
    assert_int_equal(fx.dom, DOM_A);
    assert_int_equal(fx.port, p2);
    assert_int_equal(fx.vcpu, 1);

    assert_int_equal(evtchn_close(&a, NULL, p1, true, &res), EVTCHN_CLOSE_NEED_PEER);
    assert_int_equal(res.peer_dom, DOM_A);
    assert_int_equal(evtchn_close(&a, &a, p1, true, &res), 0);
    assert_int_equal(res.peer_port, p2);
    assert_int_equal(evtchn_status(&a, p2, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, DOM_A);
    assert_int_equal(st.vcpu, 1); /* the surviving end keeps its vCPU */
}

static void close_one_end_offers_peer_back(void **state)
{
    struct evtchn_close_result res;
    struct evtchn_status st;
    struct evtchn_notify fx, stale;
    int ap, bp = connect(&a, &b, &ap);

    assert_int_equal(evtchn_send(&a, ap, &stale), 0);

    /* First attempt only names the peer and changes nothing. */
    assert_int_equal(evtchn_close(&b, NULL, bp, true, &res), EVTCHN_CLOSE_NEED_PEER);
    assert_int_equal(res.peer_dom, DOM_A);
    status_is(&b, bp, EVTCHNSTAT_interdomain, 0);
    /* The wrong peer table (port re-bound meanwhile) is refused. */
    assert_int_equal(evtchn_close(&b, &c, bp, true, &res), -EINVAL);
    status_is(&b, bp, EVTCHNSTAT_interdomain, 0);

    assert_int_equal(evtchn_close(&b, &a, bp, true, &res), 0);
    assert_int_equal(res.peer_dom, DOM_A);
    assert_int_equal(res.peer_port, ap);
    status_is(&b, bp, EVTCHNSTAT_closed, 0);
    assert_int_equal(evtchn_status(&a, ap, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, DOM_B); /* offered back to the closer */

    /* An event sent before the close is dropped at delivery. */
    assert_false(evtchn_resolve(&b, &stale));
    /* A's end now drops sends silently; B can connect to it again. */
    assert_int_equal(evtchn_send(&a, ap, &fx), 0);
    assert_int_equal(fx.port, 0);
    assert_int_equal(evtchn_bind_interdomain(&b, &a, ap, &fx), bp);
    assert_int_equal(evtchn_close(&b, NULL, bp, true, &res), EVTCHN_CLOSE_NEED_PEER);
}

static void stale_event_to_rebound_port_is_dropped(void **state)
{
    struct evtchn_notify stale, fx;
    struct evtchn_close_result res;
    int ap, bp = connect(&a, &b, &ap);
    int cp;

    assert_int_equal(evtchn_send(&a, ap, &stale), 0);
    assert_int_equal(close_port(&b, bp, true, &res), 0);
    /* B re-uses the port number for a channel to C. */
    cp = evtchn_alloc_unbound(&c, DOM_B);
    assert_int_equal(evtchn_bind_interdomain(&b, &c, cp, &fx), bp);
    assert_false(evtchn_resolve(&b, &stale));
}

static void stale_event_to_other_channel_of_same_peer_is_dropped(void **state)
{
    struct evtchn_notify stale, fx;
    struct evtchn_close_result res;
    int ap, bp = connect(&a, &b, &ap);
    int ap2 = evtchn_alloc_unbound(&a, DOM_B);

    assert_int_equal(evtchn_send(&a, ap, &stale), 0);
    assert_int_equal(close_port(&b, bp, true, &res), 0);
    /* Same port of B, same peer domain, but another channel. */
    assert_int_equal(evtchn_bind_interdomain(&b, &a, ap2, &fx), bp);
    assert_false(evtchn_resolve(&b, &stale));
    assert_int_equal(evtchn_send(&a, ap2, &fx), 0);
    assert_true(evtchn_resolve(&b, &fx));
}

static void bind_virq_rules(void **state)
{
    struct evtchn_status st;
    int t1 = evtchn_bind_virq(&a, VIRQ_TIMER, 1);

    assert_true(t1 > 0);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_TIMER, 1), -EEXIST);
    assert_true(evtchn_bind_virq(&a, VIRQ_TIMER, 0) > 0); /* per vCPU */
    assert_true(evtchn_bind_virq(&a, VIRQ_XENPMU, 3) > 0);
    assert_int_equal(evtchn_bind_virq(&a, NR_VIRQS, 0), -EINVAL);
    assert_int_equal(evtchn_bind_virq(&a, ~0u, 0), -EINVAL);
    /* Global and per-domain VIRQs only on vCPU 0 (checked before the vCPU exists). */
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_CONSOLE, 1), -EINVAL);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_ARGO, 2), -EINVAL);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_ARCH_0, 99), -EINVAL);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_TIMER, NR_VCPUS), -ENOENT);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_DEBUG, ~0u), -ENOENT);
    assert_true(evtchn_bind_virq(&a, VIRQ_ARGO, 0) > 0);
    assert_true(evtchn_bind_virq(&a, VIRQ_DOM_EXC, 0) > 0);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_DOM_EXC, 0), -EEXIST);

    assert_int_equal(evtchn_status(&a, t1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.u.virq, VIRQ_TIMER);
    assert_int_equal(st.vcpu, 1);
}

static void global_virq_needs_the_handler(void **state)
{
    console_handler_is_b = true;
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_CONSOLE, 0), -EBUSY);
    assert_true(evtchn_bind_virq(&b, VIRQ_CONSOLE, 0) > 0);
    /* Per-vCPU VIRQs are not subject to it. */
    assert_true(evtchn_bind_virq(&a, VIRQ_TIMER, 0) > 0);
}

static void virq_delivery_lookup(void **state)
{
    struct evtchn_close_result res;
    struct evtchn_notify fx;
    int timer2 = evtchn_bind_virq(&a, VIRQ_TIMER, 2);
    int dom_exc = evtchn_bind_virq(&a, VIRQ_DOM_EXC, 0);

    assert_int_equal(evtchn_virq_target(&a, 2, VIRQ_TIMER, &fx), 0);
    assert_true(fx.resolved);
    assert_int_equal(fx.dom, DOM_A);
    assert_int_equal(fx.port, timer2);
    assert_int_equal(fx.vcpu, 2);
    assert_int_equal(evtchn_virq_target(&a, 1, VIRQ_TIMER, &fx), 0);
    assert_int_equal(fx.port, 0); /* not bound on vCPU 1 */

    /* A moved global VIRQ is still found via vCPU 0 and goes to the new vCPU. */
    assert_int_equal(evtchn_bind_vcpu(&a, dom_exc, 3), 0);
    assert_int_equal(evtchn_virq_target(&a, 0, VIRQ_DOM_EXC, &fx), 0);
    assert_int_equal(fx.port, dom_exc);
    assert_int_equal(fx.vcpu, 3);
    assert_int_equal(evtchn_virq_target(&a, 2, VIRQ_DOM_EXC, &fx), 0);
    assert_int_equal(fx.port, dom_exc);

    assert_int_equal(evtchn_virq_target(&a, NR_VCPUS, VIRQ_TIMER, &fx), -EINVAL);
    assert_int_equal(evtchn_virq_target(&a, 0, NR_VIRQS, &fx), -EINVAL);

    /* Closing unbinds; the VIRQ can then be bound again. */
    assert_int_equal(close_port(&a, dom_exc, true, &res), 0);
    assert_int_equal(evtchn_virq_target(&a, 0, VIRQ_DOM_EXC, &fx), 0);
    assert_int_equal(fx.port, 0);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_DOM_EXC, 0), dom_exc);
    assert_int_equal(close_port(&a, timer2, true, &res), 0);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_TIMER, 2), timer2);
}

static void bind_ipi_and_send(void **state)
{
    struct evtchn_notify fx;
    int p = evtchn_bind_ipi(&a, 3);

    assert_true(p > 0);
    status_is(&a, p, EVTCHNSTAT_ipi, 3);
    assert_int_equal(evtchn_send(&a, p, &fx), 0);
    assert_true(fx.resolved);
    assert_int_equal(fx.dom, DOM_A);
    assert_int_equal(fx.port, p);
    assert_int_equal(fx.vcpu, 3);
    assert_int_equal(evtchn_bind_ipi(&a, NR_VCPUS), -ENOENT);
    assert_int_equal(evtchn_bind_ipi(&a, ~0u), -ENOENT);
}

static void send_on_virq_is_einval(void **state)
{
    struct evtchn_notify fx;
    int p = evtchn_bind_virq(&a, VIRQ_TIMER, 0);

    assert_int_equal(evtchn_send(&a, p, &fx), -EINVAL);
    assert_int_equal(fx.port, 0);
}

static void bind_vcpu_rules(void **state)
{
    int unbound = evtchn_alloc_unbound(&a, DOM_B);
    int timer = evtchn_bind_virq(&a, VIRQ_TIMER, 1);
    int global = evtchn_bind_virq(&a, VIRQ_CONSOLE, 0);
    int ipi = evtchn_bind_ipi(&a, 2);
    int ap, bp = connect(&a, &b, &ap);

    assert_int_equal(evtchn_bind_vcpu(&a, unbound, 3), 0);
    status_is(&a, unbound, EVTCHNSTAT_unbound, 3);
    assert_int_equal(evtchn_bind_vcpu(&b, bp, 1), 0);
    status_is(&b, bp, EVTCHNSTAT_interdomain, 1);
    assert_int_equal(evtchn_bind_vcpu(&a, global, 2), 0);
    status_is(&a, global, EVTCHNSTAT_virq, 2);
    assert_int_equal(evtchn_bind_vcpu(&a, timer, 2), -EINVAL);
    status_is(&a, timer, EVTCHNSTAT_virq, 1);
    assert_int_equal(evtchn_bind_vcpu(&a, ipi, 0), -EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&a, 40, 0), -EINVAL); /* free */
    /* The vCPU is checked first, as Xen does. */
    assert_int_equal(evtchn_bind_vcpu(&a, unbound, NR_VCPUS), -ENOENT);
    assert_int_equal(evtchn_bind_vcpu(&a, 9999, NR_VCPUS), -ENOENT);
}

static void freed_port_comes_back_clean(void **state)
{
    struct evtchn_close_result res;
    int p = evtchn_alloc_unbound(&a, DOM_B);

    assert_int_equal(evtchn_bind_vcpu(&a, p, 3), 0);
    assert_int_equal(close_port(&a, p, true, &res), 0);
    assert_int_equal(res.peer_port, 0);
    status_is(&a, p, EVTCHNSTAT_closed, 0);
    assert_int_equal(evtchn_close(&a, NULL, p, true, &res), -EINVAL); /* twice */
    assert_int_equal(evtchn_bind_ipi(&a, 1), p);
    status_is(&a, p, EVTCHNSTAT_ipi, 1);
}

static void exhaustion_at_4095_ports(void **state)
{
    struct evtchn_close_result res;
    struct evtchn_notify fx;
    int p;

    for (u32 i = 1; i < EVTCHN_MAX_PORTS; i++)
        assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), i);
    assert_int_equal(a.active, EVTCHN_MAX_PORTS - 1);
    assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), -ENOSPC);
    assert_int_equal(evtchn_bind_ipi(&a, 0), -ENOSPC);
    assert_int_equal(evtchn_bind_virq(&a, VIRQ_TIMER, 0), -ENOSPC);
    assert_int_equal(evtchn_virq_target(&a, 0, VIRQ_TIMER, &fx), 0);
    assert_int_equal(fx.port, 0); /* the failed bind left nothing behind */
    /* A full table fails with -ENOSPC even when the remote port is bad. */
    p = evtchn_alloc_unbound(&b, DOM_A);
    assert_int_equal(evtchn_bind_interdomain(&a, &b, 9, &fx), -ENOSPC);
    assert_int_equal(evtchn_bind_interdomain(&a, &b, p, &fx), -ENOSPC);
    status_is(&b, p, EVTCHNSTAT_unbound, 0);

    assert_int_equal(close_port(&a, 2000, true, &res), 0);
    assert_int_equal(evtchn_bind_interdomain(&a, &b, p, &fx), 2000);
    assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), -ENOSPC);
}

static void allocation_failure_is_enomem(void **state)
{
    struct evtchn_table t;

    for (u32 i = 1; i < EVTCHN_BUCKET_PORTS; i++)
        assert_true(evtchn_alloc_unbound(&a, DOM_B) > 0);
    fail_after = 0;
    assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), -ENOMEM);
    assert_int_equal(evtchn_bind_ipi(&a, 0), -ENOMEM);
    fail_after = -1;
    assert_int_equal(evtchn_bind_ipi(&a, 0), EVTCHN_BUCKET_PORTS);

    /* init cleans up after itself: no leak when the second block fails. */
    fail_after = 1;
    assert_int_equal(evtchn_table_init(&t, 9, 2, &alloc), -ENOMEM);
    fail_after = 0;
    assert_int_equal(evtchn_table_init(&t, 9, 2, &alloc), -ENOMEM);
    fail_after = -1;
}

static void hypervisor_consumer_ports(void **state)
{
    struct evtchn_close_result res;
    struct evtchn_notify fx;
    int hv = evtchn_alloc_unbound_hv(&a, DOM_B, 1, 5);
    int bp;

    assert_true(hv > 0);
    assert_int_equal(evtchn_alloc_unbound_hv(&a, DOM_B, NR_VCPUS, 5), -ENOENT);
    assert_int_equal(evtchn_alloc_unbound_hv(&a, DOM_B, 0, 0), -EINVAL);
    bp = evtchn_bind_interdomain(&b, &a, hv, &fx);
    assert_true(bp > 0);

    /* The guest's sends reach the consumer... */
    assert_int_equal(evtchn_send(&b, bp, &fx), 0);
    assert_true(evtchn_resolve(&a, &fx));
    assert_int_equal(fx.consumer, 5);
    assert_int_equal(fx.port, hv);
    assert_int_equal(fx.vcpu, 1);
    /* ...the hypervisor notifies the guest through its end... */
    assert_int_equal(evtchn_send_hv(&a, hv, &fx), 0);
    assert_true(evtchn_resolve(&b, &fx));
    assert_int_equal(fx.port, bp);
    assert_int_equal(fx.consumer, 0);
    assert_int_equal(evtchn_send_hv(&b, bp, &fx), -EINVAL); /* not a consumer end */
    /* ...but the guest owning it can neither use nor close that end. */
    assert_int_equal(evtchn_send(&a, hv, &fx), -EINVAL);
    assert_int_equal(evtchn_bind_vcpu(&a, hv, 0), -EINVAL);
    assert_int_equal(close_port(&a, hv, true, &res), -EINVAL);
    assert_int_equal(close_port(&a, hv, false, &res), 0);
    status_is(&b, bp, EVTCHNSTAT_unbound, 0);
}

/* Close every port of a dying domain; return the peer ends that became unbound. */
static int destroy_all(struct evtchn_table *t, bool guest)
{
    struct evtchn_close_result res;
    int peers = 0;

    for (u32 p = evtchn_next_open(t, 1); p; p = evtchn_next_open(t, p + 1)) {
        int rc = close_port(t, p, guest, &res);

        if (rc == -EINVAL && guest)
            continue; /* hypervisor-consumer ports survive a guest reset */
        assert_int_equal(rc, 0);
        if (res.peer_port) {
            status_is(table_of(res.peer_dom), res.peer_port, EVTCHNSTAT_unbound, 0);
            peers++;
        }
    }
    return peers;
}

static void teardown_closes_everything(void **state)
{
    struct evtchn_status st;
    int ab, bp = connect(&a, &b, &ab);
    int ac, cp = connect(&a, &c, &ac);
    int loop = evtchn_alloc_unbound(&a, DOM_A);
    struct evtchn_notify fx;

    assert_true(evtchn_bind_interdomain(&a, &a, loop, &fx) > 0);
    assert_true(evtchn_bind_virq(&a, VIRQ_TIMER, 0) > 0);
    assert_true(evtchn_bind_virq(&a, VIRQ_DOM_EXC, 0) > 0);
    assert_true(evtchn_bind_ipi(&a, 1) > 0);
    assert_true(evtchn_alloc_unbound(&a, DOM_B) > 0);
    for (int i = 0; i < 100; i++) /* spill into a second bucket */
        assert_true(evtchn_bind_ipi(&a, i % NR_VCPUS) > 0);

    a.dying = true;
    assert_int_equal(evtchn_alloc_unbound(&a, DOM_B), -EINVAL);
    assert_int_equal(evtchn_bind_ipi(&a, 0), -EINVAL);
    assert_int_equal(destroy_all(&a, false), 3); /* B's, C's and its own loopback end */
    assert_int_equal(a.active, 0);
    assert_int_equal(evtchn_next_open(&a, 1), 0);
    assert_int_equal(evtchn_virq_target(&a, 0, VIRQ_TIMER, &fx), 0);
    assert_int_equal(fx.port, 0);

    assert_int_equal(evtchn_status(&b, bp, &st), 0);
    assert_int_equal(st.u.unbound.dom, DOM_A);
    assert_int_equal(evtchn_status(&c, cp, &st), 0);
    assert_int_equal(st.u.unbound.dom, DOM_A);
    assert_int_equal(b.active, 1);
    assert_int_equal(c.active, 1);
}

static void reset_keeps_hypervisor_ports(void **state)
{
    int hv = evtchn_alloc_unbound_hv(&a, DOM_B, 0, 1);
    int ab;

    connect(&a, &b, &ab);
    evtchn_bind_ipi(&a, 0);
    assert_int_equal(destroy_all(&a, true), 1);
    assert_int_equal(a.active, 1);
    assert_int_equal(evtchn_next_open(&a, 1), hv);
    /* Not dying: the domain can bind again. */
    assert_true(evtchn_bind_ipi(&a, 0) > 0);
}

static void usable_ports(void **state)
{
    int ipi = evtchn_bind_ipi(&a, 0);
    int hv = evtchn_alloc_unbound_hv(&a, DOM_B, 0, 1);
    int unbound = evtchn_alloc_unbound(&a, DOM_B);
    struct evtchn_close_result res;

    assert_true(evtchn_usable(&a, ipi));
    assert_true(evtchn_usable(&a, unbound));
    assert_false(evtchn_usable(&a, hv));   /* a hypervisor end */
    assert_false(evtchn_usable(&a, 0));    /* reserved */
    assert_false(evtchn_usable(&a, 60));   /* valid but free */
    assert_false(evtchn_usable(&a, 5000)); /* beyond the table */
    assert_int_equal(evtchn_close(&a, NULL, ipi, true, &res), 0);
    assert_false(evtchn_usable(&a, ipi));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(port_zero_is_reserved),
        T(invalid_ports_are_einval),
        T(alloc_unbound_and_status),
        T(bind_interdomain_connects_both_ends),
        T(bind_interdomain_refusals),
        T(loopback_channel),
        T(close_one_end_offers_peer_back),
        T(stale_event_to_rebound_port_is_dropped),
        T(stale_event_to_other_channel_of_same_peer_is_dropped),
        T(bind_virq_rules),
        T(global_virq_needs_the_handler),
        T(virq_delivery_lookup),
        T(bind_ipi_and_send),
        T(send_on_virq_is_einval),
        T(bind_vcpu_rules),
        T(freed_port_comes_back_clean),
        T(exhaustion_at_4095_ports),
        T(allocation_failure_is_enomem),
        T(hypervisor_consumer_ports),
        T(teardown_closes_everything),
        T(reset_keeps_hypervisor_ports),
        T(usable_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
