/*
 * Delivering events (see lares/event.h): the per-domain event state,
 * raising a port in a domain, waking or kicking the vCPU it notifies,
 * VIRQs, SCHEDOP_poll's wake-ups, and closing everything when a domain
 * is destroyed.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/evtchn_2l.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/sched.h>
#include "event_internal.h"

#define MAX_CONSUMERS 8

static evtchn_consumer_fn consumers[MAX_CONSUMERS];

static void *table_zalloc(void *ctx, size_t size)
{
    return xzalloc(size);
}

static void table_free(void *ctx, void *p)
{
    xfree(p);
}

/* Global VIRQs belong to the hardware domain; there is none yet. */
static bool global_virq_allowed(void *ctx, u16 dom, unsigned int virq)
{
    return false;
}

static const struct evtchn_alloc table_alloc = {
    .zalloc = table_zalloc,
    .free = table_free,
    .global_virq_allowed = global_virq_allowed,
};

int events_domain_init(struct domain *d)
{
    spin_lock_init(&d->events.lock);
    d->events.poll_mask = 0;
    d->events.abi = &evtchn_abi_2l;
    shared_info_update_time(d); /* the wall clock; each vCPU's time comes with the vCPU */
    return evtchn_table_init(&d->events.ports, d->domid, d->max_vcpus, &table_alloc);
}

int events_vcpu_init(struct vcpu *v)
{
    struct shared_info *sh = v->domain->shared_info;

    v->events.vcpu_info = &sh->vcpu_info[v->vcpu_id];
    vcpu_timers_init(v);
    /* Valid time from the start: it is there as soon as the guest maps shared_info. */
    vcpu_time_publish(v);
    return 0;
}

void events_vcpu_free(struct vcpu *v)
{
    vcpu_timers_kill(v);
}

void events_domain_free(struct domain *d)
{
    if (d->events.ports.alloc) /* the domain may have failed before events_domain_init */
        evtchn_table_free(&d->events.ports);
}

int evtchn_register_consumer(u8 consumer, evtchn_consumer_fn fn)
{
    if (!consumer || consumer >= MAX_CONSUMERS)
        return -EINVAL;
    consumers[consumer] = fn;
    return 0;
}

bool vcpu_upcall_pending(const struct vcpu *v)
{
    return evtchn_2l_upcall_pending(READ_ONCE(v->events.vcpu_info));
}

void vcpu_unblock(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (!(__atomic_fetch_and(&v->pause_flags, ~VPF_BLOCKED, __ATOMIC_SEQ_CST) & VPF_BLOCKED))
        return;
    /* The poll ends with any wake-up. */
    if (READ_ONCE(v->events.poll_port)) {
        WRITE_ONCE(v->events.poll_port, 0);
        /*
         * If the poller's own bookkeeping was still in place, clear the
         * flag again: a concurrent poll wake-up may have seen the old state.
         */
        if (__atomic_fetch_and(&d->events.poll_mask, ~(1ul << v->vcpu_id), __ATOMIC_SEQ_CST) &
            (1ul << v->vcpu_id))
            __atomic_fetch_and(&v->pause_flags, ~VPF_BLOCKED, __ATOMIC_SEQ_CST);
    }
    schedule_wake(v);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    vcpu_unblock(v);
    /* Running on another CPU: an IPI makes it exit, and the next entry injects the upcall. */
    schedule_poke(v);
}

/* A port became pending: wake the vCPUs polling for it (or for several ports). */
static void check_pollers(struct domain *d, u32 port)
{
    unsigned long mask = __atomic_load_n(&d->events.poll_mask, __ATOMIC_SEQ_CST);

    while (mask) {
        unsigned int id = __builtin_ctzl(mask);
        struct vcpu *v = d->vcpu[id];
        int want = READ_ONCE(v->events.poll_port);

        mask &= mask - 1;
        if ((want <= 0 || (u32)want == port) &&
            (__atomic_fetch_and(&d->events.poll_mask, ~(1ul << id), __ATOMIC_SEQ_CST) &
             (1ul << id))) {
            WRITE_ONCE(v->events.poll_port, 0);
            vcpu_unblock(v);
        }
    }
}

void evtchn_raise(struct domain *d, const struct evtchn_notify *fx)
{
    struct vcpu *v;
    unsigned int r;

    if (!fx->port || fx->vcpu >= d->max_vcpus)
        return;
    if (fx->consumer) {
        evtchn_consumer_fn fn = fx->consumer < MAX_CONSUMERS ? consumers[fx->consumer] : NULL;

        if (fn)
            fn(d, fx->port);
        return;
    }
    v = d->vcpu[fx->vcpu];
    r = d->events.abi->set_pending(d, v, fx->port);
    if (r & EVTCHN_RAISED_UPCALL)
        vcpu_mark_events_pending(v);
    if (r & EVTCHN_RAISED_NEWLY_PENDING)
        check_pollers(d, fx->port);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    struct evtchn_notify fx;
    unsigned long flags;

    spin_lock_irqsave(&d->events.lock, flags);
    if (!evtchn_virq_target(&d->events.ports, v->vcpu_id, virq, &fx))
        evtchn_raise(d, &fx);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

int domain_callback_vector(const struct domain *d)
{
    u64 via = READ_ONCE(d->hvm_params[HVM_PARAM_CALLBACK_IRQ]);

    if ((via >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) != HVM_PARAM_CALLBACK_TYPE_VECTOR)
        return -1;
    return (u8)via;
}

void events_callback_changed(struct domain *d)
{
    /* Upcalls raised before the guest chose its vector are delivered now. */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (vcpu_upcall_pending(d->vcpu[i]))
            vcpu_mark_events_pending(d->vcpu[i]);
}

void evtchn_lock_pair(struct domain *a, struct domain *b)
{
    if (a == b) {
        spin_lock(&a->events.lock);
    } else if (a->domid < b->domid) {
        spin_lock(&a->events.lock);
        spin_lock(&b->events.lock);
    } else {
        spin_lock(&b->events.lock);
        spin_lock(&a->events.lock);
    }
}

void evtchn_unlock_pair(struct domain *a, struct domain *b)
{
    spin_unlock(&a->events.lock);
    if (a != b)
        spin_unlock(&b->events.lock);
}

/* The peer's end became unbound: tell it (Xen leaves that to the toolstack). */
static void notify_orphan(struct domain *peer, u32 port)
{
    struct evtchn_notify fx;
    struct evtchn_status st;

    if (evtchn_status(&peer->events.ports, port, &st))
        return;
    fx =
        (struct evtchn_notify){.dom = peer->domid, .resolved = true, .port = port, .vcpu = st.vcpu};
    evtchn_raise(peer, &fx);
}

/* Close one port of a dying domain (list lock held, interrupts off). */
static void close_dying(struct domain *d, u32 port)
{
    struct evtchn_close_result res;
    struct domain *peer;
    int rc;

    spin_lock(&d->events.lock);
    rc = evtchn_close(&d->events.ports, NULL, port, false, &res);
    if (rc == 0)
        d->events.abi->clear_pending(d, port);
    spin_unlock(&d->events.lock);
    if (rc != EVTCHN_CLOSE_NEED_PEER)
        return;

    /* Nothing else of d changes meanwhile: it is dying and its vCPUs are off their CPUs. */
    peer = res.peer_dom == d->domid ? d : domain_by_id_locked(res.peer_dom);
    BUG_ON(!peer); /* a channel to a destroyed domain would have been closed with it */
    evtchn_lock_pair(d, peer);
    rc = evtchn_close(&d->events.ports, &peer->events.ports, port, false, &res);
    BUG_ON(rc);
    d->events.abi->clear_pending(d, port);
    if (peer != d && res.peer_port)
        notify_orphan(peer, res.peer_port);
    evtchn_unlock_pair(d, peer);
}

void events_domain_teardown(struct domain *d)
{
    struct evtchn_table *t = &d->events.ports;

    spin_lock(&d->events.lock);
    t->dying = true; /* nothing new gets bound from now on */
    spin_unlock(&d->events.lock);
    for (u32 p = evtchn_next_open(t, 1); p; p = evtchn_next_open(t, p + 1))
        close_dying(d, p);
    /* Its vCPU timers may still fire until domain_free() kills them: their VIRQs go nowhere. */
}
