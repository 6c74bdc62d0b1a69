/*
 * __HYPERVISOR_event_channel_op: the EVTCHNOP family on the pure port table
 * (lares/evtchn_ports.h), with Xen's argument checks and error codes.
 * Delivery and the locking rules: lares/event.h, event_delivery.c.
 *
 * The FIFO ABI is not offered (init_control, expand_array and
 * set_priority return -ENOSYS and guests use the 2-level ABI), and a PVH
 * domain has no physical IRQs to bind (bind_pirq: -EINVAL, as Xen says for
 * a pirq beyond the domain's zero pirqs).
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <public/event_channel.h>
#include "event_internal.h"

/* DOMID_SELF or the caller's own id. */
static bool is_self(const struct vcpu *v, domid_t dom)
{
    return dom == DOMID_SELF || dom == v->domain->domid;
}

/* Another domain named by a domain-id argument: -ESRCH if none, -EPERM if it exists. */
static int other_domain_error(domid_t dom)
{
    unsigned long flags = domains_lock();
    int rc = domain_by_id_locked(dom) ? -EPERM : -ESRCH;

    domains_unlock(flags);
    return rc;
}

static long alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *a)
{
    struct domain *d = v->domain;
    unsigned long flags;
    int port;

    if (!is_self(v, a->dom))
        return other_domain_error(a->dom); /* only a control domain allocates for others */
    spin_lock_irqsave(&d->events.lock, flags);
    port = evtchn_alloc_unbound(&d->events.ports,
                                a->remote_dom == DOMID_SELF ? d->domid : a->remote_dom);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (port < 0)
        return port;
    a->port = port;
    return 0;
}

static long bind_interdomain(struct vcpu *v, struct evtchn_bind_interdomain *b)
{
    struct domain *ld = v->domain, *rd;
    struct evtchn_notify fx;
    unsigned long flags;
    int port;

    flags = domains_lock();
    rd = b->remote_dom == DOMID_SELF ? ld : domain_by_id_locked(b->remote_dom);
    if (!rd) {
        domains_unlock(flags);
        return -ESRCH;
    }
    evtchn_lock_pair(ld, rd);
    port = evtchn_bind_interdomain(&ld->events.ports, &rd->events.ports, b->remote_port, &fx);
    if (port > 0)
        evtchn_raise(ld, &fx); /* events sent before the bind were dropped: look now */
    evtchn_unlock_pair(ld, rd);
    domains_unlock(flags);
    if (port < 0)
        return port;
    b->local_port = port;
    return 0;
}

static long bind_virq(struct vcpu *v, struct evtchn_bind_virq *b)
{
    struct domain *d = v->domain;
    unsigned long flags;
    int port;

    spin_lock_irqsave(&d->events.lock, flags);
    port = evtchn_bind_virq(&d->events.ports, b->virq, b->vcpu);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (port < 0)
        return port;
    b->port = port;
    return 0;
}

static long bind_ipi(struct vcpu *v, struct evtchn_bind_ipi *b)
{
    struct domain *d = v->domain;
    unsigned long flags;
    int port;

    spin_lock_irqsave(&d->events.lock, flags);
    port = evtchn_bind_ipi(&d->events.ports, b->vcpu);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (port < 0)
        return port;
    b->port = port;
    return 0;
}

/* EVTCHNOP_close and EVTCHNOP_reset: close @port of d as the guest asked. */
static long close_port(struct domain *d, u32 port)
{
    struct evtchn_close_result res;
    struct domain *peer;
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&d->events.lock, flags);
    rc = evtchn_close(&d->events.ports, NULL, port, true, &res);
    if (rc == 0)
        d->events.abi->clear_pending(d, port);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (rc != EVTCHN_CLOSE_NEED_PEER)
        return rc;

    /* Interdomain: both ends change, under both locks. The port may change meanwhile. */
    flags = domains_lock();
    peer = res.peer_dom == d->domid ? d : domain_by_id_locked(res.peer_dom);
    if (!peer) {
        /* The peer died after we looked: its teardown made our end unbound. */
        spin_lock(&d->events.lock);
        rc = evtchn_close(&d->events.ports, NULL, port, true, &res);
        if (rc == 0)
            d->events.abi->clear_pending(d, port);
        spin_unlock(&d->events.lock);
        domains_unlock(flags);
        return rc == EVTCHN_CLOSE_NEED_PEER ? -EINVAL : rc;
    }
    evtchn_lock_pair(d, peer);
    rc = evtchn_close(&d->events.ports, &peer->events.ports, port, true, &res);
    if (rc == 0)
        d->events.abi->clear_pending(d, port);
    evtchn_unlock_pair(d, peer);
    domains_unlock(flags);
    return rc;
}

static long send(struct vcpu *v, u32 port)
{
    struct domain *d = v->domain, *rd;
    struct evtchn_notify fx;
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&d->events.lock, flags);
    rc = evtchn_send(&d->events.ports, port, &fx);
    if (!rc && fx.resolved)
        evtchn_raise(d, &fx); /* IPI or a channel to ourselves */
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (rc || fx.resolved || !fx.port)
        return rc;

    /* To another domain: re-checked under its lock, dropped if the channel closed meanwhile. */
    flags = domains_lock();
    rd = domain_by_id_locked(fx.dom);
    if (rd) {
        spin_lock(&rd->events.lock);
        if (evtchn_resolve(&rd->events.ports, &fx))
            evtchn_raise(rd, &fx);
        spin_unlock(&rd->events.lock);
    }
    domains_unlock(flags);
    return 0;
}

static long status(struct vcpu *v, struct evtchn_status *st)
{
    struct domain *d = v->domain;
    unsigned long flags;
    int rc;

    if (!is_self(v, st->dom)) {
        struct domain *other;

        /* Xen's order: no such domain, then no such port, then not allowed. */
        flags = domains_lock();
        other = domain_by_id_locked(st->dom);
        rc = !other ? -ESRCH : st->port < other->events.ports.valid ? -EPERM : -EINVAL;
        domains_unlock(flags);
        return rc;
    }
    spin_lock_irqsave(&d->events.lock, flags);
    rc = evtchn_status(&d->events.ports, st->port, st);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

static long unmask(struct vcpu *v, u32 port)
{
    struct domain *d = v->domain;
    unsigned long flags;
    int vcpu;

    spin_lock_irqsave(&d->events.lock, flags);
    vcpu = evtchn_port_vcpu(&d->events.ports, port);
    /* A port not in use (or a hypervisor end) is accepted and left alone, as in Xen. */
    if (vcpu >= 0 && evtchn_usable(&d->events.ports, port) &&
        d->events.abi->unmask(d, d->vcpu[vcpu], port))
        vcpu_mark_events_pending(d->vcpu[vcpu]);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return vcpu < 0 ? vcpu : 0;
}

static long bind_vcpu(struct vcpu *v, const struct evtchn_bind_vcpu *b)
{
    struct domain *d = v->domain;
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&d->events.lock, flags);
    rc = evtchn_bind_vcpu(&d->events.ports, b->port, b->vcpu);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

static u32 next_open_port(struct domain *d, u32 from)
{
    unsigned long flags;
    u32 p;

    spin_lock_irqsave(&d->events.lock, flags);
    p = evtchn_next_open(&d->events.ports, from);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return p;
}

static long reset(struct vcpu *v, domid_t dom)
{
    struct domain *d = v->domain;

    if (!is_self(v, dom))
        return other_domain_error(dom);
    /*
     * Hypervisor ends survive a reset (close refuses them): skip over them.
     * The scan holds the table's lock: other vCPUs may be growing it.
     */
    for (u32 p = next_open_port(d, 1); p; p = next_open_port(d, p + 1))
        close_port(d, p);
    return 0;
}

/* Copy the argument in, run the operation, copy the result back if it succeeded. */
#define WITH_ARG(type, call, copy_back)                                                            \
    do {                                                                                           \
        type x;                                                                                    \
        long rc;                                                                                   \
                                                                                                   \
        if (copy_from_guest(v, &x, arg, sizeof(x)))                                                \
            return -EFAULT;                                                                        \
        rc = (call);                                                                               \
        if (!rc && (copy_back) && copy_to_guest(v, arg, &x, sizeof(x)))                            \
            rc = -EFAULT;                                                                          \
        return rc;                                                                                 \
    } while (0)

long do_event_channel_op(struct vcpu *v, const struct hypercall_args *a)
{
    u64 arg = a->arg[1];

    /* Every argument structure has the same layout for 32- and 64-bit callers. */
    switch ((int)a->arg[0]) { /* Xen's handler takes an int: upper bits are ignored */
    case EVTCHNOP_alloc_unbound:
        WITH_ARG(struct evtchn_alloc_unbound, alloc_unbound(v, &x), true);
    case EVTCHNOP_bind_interdomain:
        WITH_ARG(struct evtchn_bind_interdomain, bind_interdomain(v, &x), true);
    case EVTCHNOP_bind_virq:
        WITH_ARG(struct evtchn_bind_virq, bind_virq(v, &x), true);
    case EVTCHNOP_bind_ipi:
        WITH_ARG(struct evtchn_bind_ipi, bind_ipi(v, &x), true);
    case EVTCHNOP_bind_pirq:
        WITH_ARG(struct evtchn_bind_pirq, -EINVAL, false);
    case EVTCHNOP_close:
        WITH_ARG(struct evtchn_close, close_port(v->domain, x.port), false);
    case EVTCHNOP_send:
        WITH_ARG(struct evtchn_send, send(v, x.port), false);
    case EVTCHNOP_status:
        WITH_ARG(struct evtchn_status, status(v, &x), true);
    case EVTCHNOP_bind_vcpu:
        WITH_ARG(struct evtchn_bind_vcpu, bind_vcpu(v, &x), false);
    case EVTCHNOP_unmask:
        WITH_ARG(struct evtchn_unmask, unmask(v, x.port), false);
    case EVTCHNOP_reset:
        WITH_ARG(struct evtchn_reset, reset(v, x.dom), false);
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array:
    case EVTCHNOP_set_priority:
        return -ENOSYS; /* FIFO ABI: Linux falls back to 2-level */
    default:
        return -ENOSYS;
    }
}
