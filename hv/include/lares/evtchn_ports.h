/*
 * Per-domain event-channel port table: the state machine behind
 * EVTCHNOP_*, with Xen's semantics and error codes. Pure bookkeeping: it
 * never touches guest memory; operations that must set or clear bits in a
 * domain's shared_info say so through their results (struct evtchn_notify),
 * and the caller applies them with <lares/evtchn_2l.h>.
 *
 * Ports: 1 .. EVTCHN_MAX_PORTS-1 (2-level ABI, 64-bit guests). Port 0 is
 * reserved and never handed out. Storage grows lazily in buckets of
 * EVTCHN_BUCKET_PORTS through the caller's allocator; a port is "valid" once
 * its bucket exists (Xen's port_is_valid), and only then do close/status/
 * send/bind_vcpu/unmask accept it (-EINVAL otherwise).
 *
 * What the caller (the EVTCHNOP dispatcher) does before calling in:
 *   - copies arguments in, resolves DOMID_SELF to a domain id (for
 *     alloc_unbound's remote_dom that is the *calling* domain's id), looks up
 *     and references other domains (-ESRCH), checks privilege for a
 *     dom != DOMID_SELF (-EPERM), and returns -ENOSYS for init_control,
 *     expand_array and set_priority (no FIFO ABI: Linux falls back to 2L);
 *   - bind_pirq is not modelled (PVH guests have no physical IRQs); the
 *     dispatcher refuses it.
 *
 * Locking (all by the caller):
 *   - Every function takes a table and requires that table's lock (one lock
 *     per domain, "event lock"). If VIRQs are raised from interrupt context,
 *     that lock must be taken with interrupts disabled everywhere.
 *   - Two-table operations (bind_interdomain, close of an interdomain port)
 *     require both locks, taken in ascending domain-id order; when both
 *     tables are the same (loopback) take the one lock once. evtchn_close()
 *     discovers the peer itself: see EVTCHN_CLOSE_NEED_PEER.
 *   - Results are applied before dropping the lock(s), so that the port
 *     cannot be freed and re-bound in between; the one exception is a send
 *     to another domain, applied under that domain's lock after
 *     evtchn_resolve() re-validated it.
 * No function allocates except through the table's allocator, sleeps, or
 * keeps state outside the table.
 */
#ifndef LARES_EVTCHN_PORTS_H
#define LARES_EVTCHN_PORTS_H

#include <lares/types.h>
#include <public/event_channel.h>

#define EVTCHN_MAX_PORTS EVTCHN_2L_NR_CHANNELS /* 4096: 2-level, 64-bit guest */
#define EVTCHN_BUCKET_PORTS 64
#define EVTCHN_NR_BUCKETS (EVTCHN_MAX_PORTS / EVTCHN_BUCKET_PORTS)

enum evtchn_state {
    EVTCHN_FREE = 0,
    EVTCHN_RESERVED, /* port 0 */
    EVTCHN_UNBOUND,
    EVTCHN_INTERDOMAIN,
    EVTCHN_VIRQ,
    EVTCHN_IPI,
};

/* How a VIRQ is scoped (Xen's get_virq_type). */
enum evtchn_virq_type {
    EVTCHN_VIRQ_VCPU,   /* one per vCPU; cannot be moved (TIMER, DEBUG, XENOPROF, XENPMU) */
    EVTCHN_VIRQ_DOMAIN, /* one per domain, bound on vCPU 0 (ARGO) */
    EVTCHN_VIRQ_GLOBAL, /* host-wide, sent to one handler domain, bound on vCPU 0 */
};

struct evtchn {
    u8 state;        /* enum evtchn_state */
    u8 consumer;     /* 0: the guest; else a hypervisor consumer id (see _hv functions) */
    u16 remote_dom;  /* UNBOUND: domain allowed to bind; INTERDOMAIN: peer */
    u32 remote_port; /* INTERDOMAIN: peer port; VIRQ: the virq number */
    u32 notify_vcpu; /* vCPU whose vcpu_info gets the upcall */
};

struct evtchn_alloc {
    /* Zeroed memory or NULL. Called with the table lock held: must not sleep. */
    void *(*zalloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *p);
    /*
     * Whether domain @dom may bind global VIRQ @virq (Xen: the global VIRQ
     * handler, by default the hardware domain). NULL: every domain may.
     */
    bool (*global_virq_allowed)(void *ctx, u16 dom, unsigned int virq);
    void *ctx;
};

struct evtchn_table {
    u16 domid;
    bool dying;             /* no new ports once set */
    unsigned int max_vcpus; /* vCPU ids 0 .. max_vcpus-1 exist */
    unsigned int valid;     /* ports below this have storage */
    unsigned int active;    /* ports in use (not FREE, not port 0) */
    struct evtchn *bucket[EVTCHN_NR_BUCKETS];
    u16 *virq_port; /* [max_vcpus][NR_VIRQS]; 0 = unbound */
    const struct evtchn_alloc *alloc;
};

/*
 * An event to raise: set @port pending in domain @dom's shared_info with
 * vCPU @vcpu's vcpu_info (evtchn_2l_set_pending), then act on its result.
 * port == 0 means nothing to do. consumer != 0: the target port belongs to
 * a hypervisor consumer of that id; call it instead of touching the guest.
 * A notify aimed at another domain is first "unresolved" (see evtchn_send).
 */
struct evtchn_notify {
    u16 dom;
    u8 consumer;
    bool resolved; /* vcpu and consumer are valid */
    u32 port;
    u32 vcpu;
    u16 src_dom; /* the sending end, to re-validate the channel */
    u32 src_port;
};

/* Table lifetime. init allocates bucket 0 and the VIRQ map: 0 or -ENOMEM. */
int evtchn_table_init(struct evtchn_table *t, u16 domid, unsigned int max_vcpus,
                      const struct evtchn_alloc *alloc);
/* Frees all storage. Every port must have been closed first (see teardown below). */
void evtchn_table_free(struct evtchn_table *t);

enum evtchn_virq_type evtchn_virq_type(unsigned int virq);

/* EVTCHNOP_alloc_unbound: new UNBOUND port that @remote_dom may bind. Port or -errno. */
int evtchn_alloc_unbound(struct evtchn_table *t, u16 remote_dom);

/*
 * EVTCHNOP_bind_interdomain: connect a new port of @lt to @rt's port
 * @rport, which must be UNBOUND and offered to lt->domid (-EINVAL
 * otherwise, as Xen). @lt and @rt may be the same table. Returns the local
 * port or -errno. On success *@fx names the new local port: Xen raises it
 * unconditionally because events sent while the remote end was unbound
 * were dropped.
 */
int evtchn_bind_interdomain(struct evtchn_table *lt, struct evtchn_table *rt, u32 rport,
                            struct evtchn_notify *fx);

/* EVTCHNOP_bind_virq / bind_ipi: port or -errno (-EINVAL, -ENOENT, -EBUSY, -EEXIST, -ENOSPC). */
int evtchn_bind_virq(struct evtchn_table *t, u32 virq, u32 vcpu);
int evtchn_bind_ipi(struct evtchn_table *t, u32 vcpu);

/* EVTCHNOP_bind_vcpu: move the notify vCPU (unbound, interdomain, non-per-vCPU VIRQ). */
int evtchn_bind_vcpu(struct evtchn_table *t, u32 port, u32 vcpu);

/*
 * EVTCHNOP_close. @guest: the request comes from the guest (it may not close
 * hypervisor-consumer ports). For an INTERDOMAIN port the peer's table must
 * be locked too: call with @peer == NULL first; if the port is interdomain
 * the call changes nothing, stores the peer's domain id in
 * @res->peer_dom and returns EVTCHN_CLOSE_NEED_PEER. Drop the lock, lock both
 * tables in domid order and call again with @peer. If the port changed
 * meanwhile and @peer is no longer its peer, -EINVAL (as Xen).
 *
 * On success (0) the port is FREE; the caller must clear its pending bit
 * (evtchn_2l_clear_pending) before dropping the lock. If res->peer_port != 0
 * the peer's end (res->peer_dom, res->peer_port) became UNBOUND, offered back
 * to this domain.
 */
#define EVTCHN_CLOSE_NEED_PEER 1
struct evtchn_close_result {
    u16 peer_dom;
    u32 peer_port;
};
int evtchn_close(struct evtchn_table *t, struct evtchn_table *peer, u32 port, bool guest,
                 struct evtchn_close_result *res);

/*
 * EVTCHNOP_send from the guest owning @t: *@fx is the event to raise
 * (interdomain: the peer's port in the peer's domain; IPI: the port itself;
 * unbound: nothing, and no error). 0 or -EINVAL.
 *
 * Sending never needs two locks. If fx->resolved is false (interdomain to
 * another domain), drop @t's lock, take the target domain's lock and call
 * evtchn_resolve(): it re-checks that the channel still connects the two
 * ends and fills in the vCPU. If the channel was closed meanwhile it returns
 * false and the event is dropped, as if the send had come after the close.
 */
int evtchn_send(const struct evtchn_table *t, u32 port, struct evtchn_notify *fx);
bool evtchn_resolve(const struct evtchn_table *target, struct evtchn_notify *fx);

/*
 * EVTCHNOP_status on @t: fills st->status, st->vcpu and st->u (the dispatcher
 * has set st->dom and st->port). 0 or -EINVAL (port never allocated).
 */
int evtchn_status(const struct evtchn_table *t, u32 port, struct evtchn_status *st);

/* The vCPU to notify for @port (EVTCHNOP_unmask, SCHEDOP_poll): vcpu id or -EINVAL. */
int evtchn_port_vcpu(const struct evtchn_table *t, u32 port);

/*
 * Whether the guest's bits for @port mean anything (Xen's evtchn_usable):
 * the port is in use and is not a hypervisor end. EVTCHNOP_unmask leaves
 * other ports alone, and SCHEDOP_poll refuses them (-EINVAL).
 */
bool evtchn_usable(const struct evtchn_table *t, u32 port);

/*
 * VIRQ delivery: the event to raise for @virq on @vcpu (global and
 * per-domain VIRQs are looked up on vCPU 0 and go to the port's notify
 * vCPU). fx->port == 0 if not bound. 0, or -EINVAL for a bad virq/vcpu.
 */
int evtchn_virq_target(const struct evtchn_table *t, u32 vcpu, u32 virq, struct evtchn_notify *fx);

/*
 * Teardown and EVTCHNOP_reset: close every port from 1 upward with the
 * normal close protocol (peers included):
 *     for (p = evtchn_next_open(t, 1); p; p = evtchn_next_open(t, p + 1))
 *         close p
 * with guest = false for a dying domain, guest = true for EVTCHNOP_reset
 * (hypervisor-consumer ports survive a reset: close() says -EINVAL, skip).
 * Set t->dying first when the domain dies so nothing new is bound meanwhile.
 * Returns the first port >= @from that is not FREE, or 0 if none.
 */
u32 evtchn_next_open(const struct evtchn_table *t, u32 from);

/* Hypervisor-side ends (e.g. an in-hypervisor backend). */
int evtchn_alloc_unbound_hv(struct evtchn_table *t, u16 remote_dom, u32 vcpu, u8 consumer);
/* The hypervisor notifying through its own port: like send, without the guest checks. */
int evtchn_send_hv(const struct evtchn_table *t, u32 port, struct evtchn_notify *fx);

#endif
