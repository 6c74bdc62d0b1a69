/*
 * Events: how the hypervisor notifies guests, the Xen way.
 *
 *   event channels   EVTCHNOP_* (common/event_channel.c) on the pure port
 *                    table (lares/evtchn_ports.h) and 2-level bit protocol
 *                    (lares/evtchn_2l.h); delivery in common/event_delivery.c
 *   upcall           a vCPU whose evtchn_upcall_pending is set gets the
 *                    callback vector (hvm/intr.c); raising it wakes the vCPU
 *                    if it sleeps, or sends its CPU an IPI if it runs there
 *   VIRQs            hypervisor events on per-vCPU or per-domain ports
 *   vCPU timers      VCPUOP singleshot/periodic timers -> VIRQ_TIMER
 *                    (common/vcpu_timer.c)
 *   sleeping         HLT, SCHEDOP_block and SCHEDOP_poll (common/sched_op.c)
 *   guest areas      vcpu_info and its time, the runstate area
 *                    (common/vcpu_areas.c, common/shared_info.c)
 *
 * Locking. Each domain has an event lock (d->events.lock, taken with
 * interrupts off: VIRQs are raised from timer interrupts). It protects the
 * port table and where each vCPU's vcpu_info is. Operations that involve
 * two domains (interdomain bind, send, close, teardown) hold the domain
 * list lock (domains_lock()) for their whole duration, which keeps the
 * other domain from being destroyed, and take the two event locks in
 * ascending domain-id order. Order: domain list lock -> event locks ->
 * scheduler locks. A domain's ports are all closed (peers' ends becoming
 * unbound, and notified) under the list lock before it leaves the list, so
 * a domain that cannot be found has no channel to anybody.
 */
#ifndef LARES_EVENT_H
#define LARES_EVENT_H

#include <lares/evtchn_abi.h>
#include <lares/evtchn_ports.h>
#include <lares/spinlock.h>
#include <lares/timer.h>
#include <lares/types.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/* Per domain: struct domain.events. */
struct domain_events {
    spinlock_t lock; /* the event lock (interrupts off) */
    struct evtchn_table ports;
    const struct evtchn_abi *abi; /* the guest-memory side: 2-level (lares/evtchn_abi.h) */
    unsigned long poll_mask;      /* vCPUs inside SCHEDOP_poll, one bit per vCPU id */
    bool tsc_written;             /* a vCPU set its TSC: vCPUs' TSCs may differ */
    bool runstate_update_flag;    /* VMASST_TYPE_runstate_update_flag is on */
};

/* Per vCPU: struct vcpu.events. */
struct vcpu_events {
    /* Where its events and time go: its shared_info slot, or the registered copy. */
    struct vcpu_info *vcpu_info;
    bool vcpu_info_registered;
    int poll_port; /* in SCHEDOP_poll: the one port, -1 for several; 0 otherwise */
    struct timer poll_timer;
    struct timer singleshot;        /* VCPUOP_set_singleshot_timer: one VIRQ_TIMER */
    struct timer periodic;          /* VCPUOP_set_periodic_timer: VIRQ_TIMER every period */
    s_time_t period, periodic_last; /* its period; when it last sent VIRQ_TIMER */
    s_time_t time_published;        /* NOW() at the last vcpu_time_info write */

    /* The guest's copy of its runstate (VCPUOP_register_runstate_memory_area). */
    u8 *runstate_area[2]; /* the area's bytes in its first and (if split) second page */
    u32 runstate_split;   /* how many of its bytes lie in the first page */
    bool runstate_compat; /* in the 32-bit layout: registered from 32-bit code */
};

/* ---- lifetime (called by domain.c) ---- */
int events_domain_init(struct domain *d); /* shared_info exists; vCPUs not yet */
int events_vcpu_init(struct vcpu *v);     /* after the scheduler chose v->processor */
/* Destroying d, domain list lock held: close every port, tell the peers. */
void events_domain_teardown(struct domain *d);
void events_vcpu_free(struct vcpu *v); /* stops its timers for good */
void events_domain_free(struct domain *d);

/* ---- raising events ---- */
/* VIRQ @virq for vCPU v (per-vCPU VIRQs) or v's domain (others go to their port's vCPU). */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
/* v's evtchn_upcall_pending went 0 -> 1: wake it, or make it exit to take the upcall. */
void vcpu_mark_events_pending(struct vcpu *v);
/* End v's HLT/SCHEDOP_block/SCHEDOP_poll, if it is in one. */
void vcpu_unblock(struct vcpu *v);
/* v's evtchn_upcall_pending (the callback vector is due while it is set). */
bool vcpu_upcall_pending(const struct vcpu *v);
/* The vector of HVM_PARAM_CALLBACK_IRQ if its type is "vector", else -1. */
int domain_callback_vector(const struct domain *d);
/* HVM_PARAM_CALLBACK_IRQ changed: re-offer pending upcalls. */
void events_callback_changed(struct domain *d);

/*
 * Hypervisor-side channel ends (an in-hypervisor backend): ports made with
 * evtchn_alloc_unbound_hv(..., consumer) call the consumer's function, in
 * the event lock of the port's domain, instead of raising the guest's bit.
 */
typedef void (*evtchn_consumer_fn)(struct domain *d, u32 port);
int evtchn_register_consumer(u8 consumer, evtchn_consumer_fn fn);

/* SCHEDOP_poll (sched_op.c): block until a port is pending or the timeout; 0 or -errno. */
long vcpu_poll(struct vcpu *v, u64 ports_gva, u32 nr_ports, u64 timeout);

/* ---- guest time (shared_info.c) ---- */
/* Write v's vcpu_time_info (its shared_info slot and its registered copy). */
void vcpu_time_publish(struct vcpu *v);
/* Before v runs: republish if it was written long ago (a periodic refresh). */
void vcpu_time_refresh(struct vcpu *v);
/* The guest set its TSC (offset changed). */
void vcpu_tsc_changed(struct vcpu *v);

/* ---- runstate (vcpu_areas.c) ---- */
/* The scheduler switched v in or out: copy its runstate (@r) to the guest's area. */
void vcpu_runstate_publish(struct vcpu *v, const struct vcpu_runstate_info *r);

/* Debug keys 'E' (dump event channels) and 'v' (VIRQ_DEBUG everywhere); event_keys.c. */
void events_init_keys(void);

/* ---- vCPU timers (vcpu_timer.c) ---- */
void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_kill(struct vcpu *v);

#endif
