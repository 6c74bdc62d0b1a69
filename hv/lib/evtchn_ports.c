/*
 * Event-channel port table (see <lares/evtchn_ports.h> for the interface
 * and the locking rules). Error codes and their order of checks follow
 * Xen's common/event_channel.c so that guests see the same answers.
 */
#include <lares/errno.h>
#include <lares/evtchn_ports.h>
#include <lares/lib.h>

static struct evtchn *chn_of(const struct evtchn_table *t, u32 port)
{
    return &t->bucket[port / EVTCHN_BUCKET_PORTS][port % EVTCHN_BUCKET_PORTS];
}

/* NULL unless @port has storage (Xen's port_is_valid). */
static struct evtchn *lookup(const struct evtchn_table *t, u32 port)
{
    return port < t->valid ? chn_of(t, port) : NULL;
}

static u16 *virq_slot(const struct evtchn_table *t, u32 vcpu, u32 virq)
{
    return &t->virq_port[vcpu * NR_VIRQS + virq];
}

static struct evtchn *alloc_bucket(struct evtchn_table *t)
{
    return t->alloc->zalloc(t->alloc->ctx, EVTCHN_BUCKET_PORTS * sizeof(struct evtchn));
}

/*
 * Lowest FREE port, growing the table by one bucket when all are in use.
 * The port stays FREE until the caller fills it in (claim()), so a later
 * failure of the operation needs no undo.
 */
static int find_free_port(struct evtchn_table *t)
{
    struct evtchn *bucket;
    u32 port;

    if (t->dying)
        return -EINVAL;
    for (port = 1; port < t->valid; port++)
        if (chn_of(t, port)->state == EVTCHN_FREE)
            return port;
    if (t->valid >= EVTCHN_MAX_PORTS)
        return -ENOSPC;
    bucket = alloc_bucket(t);
    if (!bucket)
        return -ENOMEM;
    port = t->valid;
    t->bucket[port / EVTCHN_BUCKET_PORTS] = bucket;
    t->valid += EVTCHN_BUCKET_PORTS;
    return port;
}

static struct evtchn *claim(struct evtchn_table *t, u32 port, enum evtchn_state state)
{
    struct evtchn *c = chn_of(t, port);

    c->state = state;
    t->active++;
    return c;
}

/* Back to FREE; a freed port always notifies vCPU 0 again (as Xen). */
static void release(struct evtchn_table *t, struct evtchn *c)
{
    *c = (struct evtchn){.state = EVTCHN_FREE};
    t->active--;
}

int evtchn_table_init(struct evtchn_table *t, u16 domid, unsigned int max_vcpus,
                      const struct evtchn_alloc *alloc)
{
    *t = (struct evtchn_table){.domid = domid, .max_vcpus = max_vcpus, .alloc = alloc};
    t->bucket[0] = alloc_bucket(t);
    t->virq_port = alloc->zalloc(alloc->ctx, (size_t)max_vcpus * NR_VIRQS * sizeof(u16));
    if (!t->bucket[0] || !t->virq_port) {
        evtchn_table_free(t);
        return -ENOMEM;
    }
    t->valid = EVTCHN_BUCKET_PORTS;
    chn_of(t, 0)->state = EVTCHN_RESERVED;
    return 0;
}

void evtchn_table_free(struct evtchn_table *t)
{
    for (unsigned int i = 0; i < EVTCHN_NR_BUCKETS; i++) {
        if (t->bucket[i])
            t->alloc->free(t->alloc->ctx, t->bucket[i]);
        t->bucket[i] = NULL;
    }
    if (t->virq_port)
        t->alloc->free(t->alloc->ctx, t->virq_port);
    t->virq_port = NULL;
    t->valid = 0;
}

enum evtchn_virq_type evtchn_virq_type(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return EVTCHN_VIRQ_VCPU;
    case VIRQ_ARGO:
        return EVTCHN_VIRQ_DOMAIN;
    default:
        return EVTCHN_VIRQ_GLOBAL; /* including x86's VIRQ_ARCH_0..7 */
    }
}

static int alloc_unbound(struct evtchn_table *t, u16 remote_dom, u32 vcpu, u8 consumer)
{
    struct evtchn *c;
    int port = find_free_port(t);

    if (port < 0)
        return port;
    c = claim(t, port, EVTCHN_UNBOUND);
    c->remote_dom = remote_dom;
    c->notify_vcpu = vcpu;
    c->consumer = consumer;
    return port;
}

int evtchn_alloc_unbound(struct evtchn_table *t, u16 remote_dom)
{
    return alloc_unbound(t, remote_dom, 0, 0);
}

int evtchn_alloc_unbound_hv(struct evtchn_table *t, u16 remote_dom, u32 vcpu, u8 consumer)
{
    if (vcpu >= t->max_vcpus)
        return -ENOENT;
    if (!consumer)
        return -EINVAL;
    return alloc_unbound(t, remote_dom, vcpu, consumer);
}

int evtchn_bind_interdomain(struct evtchn_table *lt, struct evtchn_table *rt, u32 rport,
                            struct evtchn_notify *fx)
{
    struct evtchn *l, *r;
    int lport = find_free_port(lt); /* Xen allocates first: a full table wins over -EINVAL */

    *fx = (struct evtchn_notify){0};
    if (lport < 0)
        return lport;
    r = lookup(rt, rport);
    if (!r || r->state != EVTCHN_UNBOUND || r->remote_dom != lt->domid)
        return -EINVAL;

    l = claim(lt, lport, EVTCHN_INTERDOMAIN);
    l->remote_dom = rt->domid;
    l->remote_port = rport;
    r->state = EVTCHN_INTERDOMAIN;
    r->remote_dom = lt->domid;
    r->remote_port = lport;

    *fx = (struct evtchn_notify){.dom = lt->domid,
                                 .resolved = true,
                                 .port = lport,
                                 .vcpu = l->notify_vcpu,
                                 .src_dom = lt->domid,
                                 .src_port = lport};
    return lport;
}

int evtchn_bind_virq(struct evtchn_table *t, u32 virq, u32 vcpu)
{
    const struct evtchn_alloc *a = t->alloc;
    enum evtchn_virq_type type;
    struct evtchn *c;
    int port;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    type = evtchn_virq_type(virq);
    if (type != EVTCHN_VIRQ_VCPU && vcpu != 0)
        return -EINVAL;
    if (vcpu >= t->max_vcpus)
        return -ENOENT;
    if (type == EVTCHN_VIRQ_GLOBAL && a->global_virq_allowed &&
        !a->global_virq_allowed(a->ctx, t->domid, virq))
        return -EBUSY;
    if (*virq_slot(t, vcpu, virq))
        return -EEXIST;
    port = find_free_port(t);
    if (port < 0)
        return port;
    c = claim(t, port, EVTCHN_VIRQ);
    c->notify_vcpu = vcpu;
    c->remote_port = virq;
    *virq_slot(t, vcpu, virq) = port;
    return port;
}

int evtchn_bind_ipi(struct evtchn_table *t, u32 vcpu)
{
    int port;

    if (vcpu >= t->max_vcpus)
        return -ENOENT;
    port = find_free_port(t);
    if (port < 0)
        return port;
    claim(t, port, EVTCHN_IPI)->notify_vcpu = vcpu;
    return port;
}

int evtchn_bind_vcpu(struct evtchn_table *t, u32 port, u32 vcpu)
{
    struct evtchn *c;

    if (vcpu >= t->max_vcpus)
        return -ENOENT;
    c = lookup(t, port);
    if (!c || c->consumer)
        return -EINVAL;
    switch (c->state) {
    case EVTCHN_VIRQ:
        if (evtchn_virq_type(c->remote_port) == EVTCHN_VIRQ_VCPU)
            return -EINVAL;
        break;
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
        break;
    default:
        return -EINVAL;
    }
    c->notify_vcpu = vcpu;
    return 0;
}

/* The far end of an interdomain channel must point back at us. */
static struct evtchn *peer_end(const struct evtchn_table *t, const struct evtchn_table *peer,
                               u32 port, const struct evtchn *c)
{
    struct evtchn *r = lookup(peer, c->remote_port);

    BUG_ON(!r || r->state != EVTCHN_INTERDOMAIN || r->remote_dom != t->domid ||
           r->remote_port != port);
    return r;
}

int evtchn_close(struct evtchn_table *t, struct evtchn_table *peer, u32 port, bool guest,
                 struct evtchn_close_result *res)
{
    struct evtchn *c = lookup(t, port), *r;
    u32 owner;

    *res = (struct evtchn_close_result){0};
    if (!c || (guest && c->consumer))
        return -EINVAL;

    switch (c->state) {
    case EVTCHN_FREE:
    case EVTCHN_RESERVED:
        return -EINVAL;
    case EVTCHN_UNBOUND:
    case EVTCHN_IPI:
        break;
    case EVTCHN_VIRQ:
        /* Non-per-vCPU VIRQs live in vCPU 0's map even after bind_vcpu. */
        owner = evtchn_virq_type(c->remote_port) == EVTCHN_VIRQ_VCPU ? c->notify_vcpu : 0;
        BUG_ON(*virq_slot(t, owner, c->remote_port) != port);
        *virq_slot(t, owner, c->remote_port) = 0;
        break;
    case EVTCHN_INTERDOMAIN:
        res->peer_dom = c->remote_dom;
        if (!peer)
            return EVTCHN_CLOSE_NEED_PEER;
        if (peer->domid != c->remote_dom)
            return -EINVAL; /* closed and re-bound while the caller relocked */
        r = peer_end(t, peer, port, c);
        r->state = EVTCHN_UNBOUND;
        r->remote_dom = t->domid;
        r->remote_port = 0;
        res->peer_port = c->remote_port;
        break;
    default:
        BUG();
    }
    release(t, c);
    return 0;
}

/* The event for an end whose target is @c (port @port) in table @t. */
static void target(const struct evtchn_table *t, u32 port, const struct evtchn *c,
                   struct evtchn_notify *fx)
{
    fx->dom = t->domid;
    fx->port = port;
    fx->vcpu = c->notify_vcpu;
    fx->consumer = c->consumer;
    fx->resolved = true;
}

static int raise_from(const struct evtchn_table *t, u32 port, const struct evtchn *c,
                      struct evtchn_notify *fx)
{
    *fx = (struct evtchn_notify){.src_dom = t->domid, .src_port = port};
    switch (c->state) {
    case EVTCHN_INTERDOMAIN:
        if (c->remote_dom == t->domid) {
            target(t, c->remote_port, peer_end(t, t, port, c), fx);
        } else {
            fx->dom = c->remote_dom;
            fx->port = c->remote_port;
        }
        return 0;
    case EVTCHN_IPI:
        target(t, port, c, fx);
        return 0;
    case EVTCHN_UNBOUND:
        return 0; /* silently dropped */
    default:
        return -EINVAL;
    }
}

int evtchn_send(const struct evtchn_table *t, u32 port, struct evtchn_notify *fx)
{
    const struct evtchn *c = lookup(t, port);

    *fx = (struct evtchn_notify){0};
    if (!c || c->consumer)
        return -EINVAL; /* the guest cannot send through a hypervisor end */
    return raise_from(t, port, c, fx);
}

int evtchn_send_hv(const struct evtchn_table *t, u32 port, struct evtchn_notify *fx)
{
    const struct evtchn *c = lookup(t, port);

    *fx = (struct evtchn_notify){0};
    if (!c || !c->consumer)
        return -EINVAL;
    return raise_from(t, port, c, fx);
}

bool evtchn_resolve(const struct evtchn_table *target_table, struct evtchn_notify *fx)
{
    const struct evtchn *c = lookup(target_table, fx->port);

    if (fx->port == 0 || target_table->domid != fx->dom)
        return false;
    if (fx->resolved)
        return true;
    if (!c || c->state != EVTCHN_INTERDOMAIN || c->remote_dom != fx->src_dom ||
        c->remote_port != fx->src_port)
        return false;
    target(target_table, fx->port, c, fx);
    return true;
}

int evtchn_status(const struct evtchn_table *t, u32 port, struct evtchn_status *st)
{
    const struct evtchn *c = lookup(t, port);

    if (!c)
        return -EINVAL;
    __builtin_memset(&st->u, 0, sizeof(st->u));
    switch (c->state) {
    case EVTCHN_FREE:
    case EVTCHN_RESERVED:
        st->status = EVTCHNSTAT_closed;
        break;
    case EVTCHN_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = c->remote_dom;
        break;
    case EVTCHN_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = c->remote_dom;
        st->u.interdomain.port = c->remote_port;
        break;
    case EVTCHN_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = c->remote_port;
        break;
    case EVTCHN_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    default:
        BUG();
    }
    st->vcpu = c->notify_vcpu;
    return 0;
}

int evtchn_port_vcpu(const struct evtchn_table *t, u32 port)
{
    const struct evtchn *c = lookup(t, port);

    return c ? (int)c->notify_vcpu : -EINVAL;
}

bool evtchn_usable(const struct evtchn_table *t, u32 port)
{
    const struct evtchn *c = lookup(t, port);

    return c && !c->consumer && c->state != EVTCHN_FREE && c->state != EVTCHN_RESERVED;
}

int evtchn_virq_target(const struct evtchn_table *t, u32 vcpu, u32 virq, struct evtchn_notify *fx)
{
    u32 port;

    *fx = (struct evtchn_notify){0};
    if (virq >= NR_VIRQS || vcpu >= t->max_vcpus)
        return -EINVAL;
    if (evtchn_virq_type(virq) != EVTCHN_VIRQ_VCPU)
        vcpu = 0;
    port = *virq_slot(t, vcpu, virq);
    if (port)
        target(t, port, chn_of(t, port), fx);
    return 0;
}

u32 evtchn_next_open(const struct evtchn_table *t, u32 from)
{
    for (u32 port = from ? from : 1; port < t->valid; port++)
        if (chn_of(t, port)->state != EVTCHN_FREE)
            return port;
    return 0;
}
