/*
 * The guest-memory side of an event-channel ABI, one table per ABI: where
 * a domain's pending and mask bits live and how a port is raised, cleared
 * and unmasked. The port table (lares/evtchn_ports.h) is the same for
 * every ABI. Each domain has one (d->events.abi): the 2-level ABI of
 * shared_info today; a FIFO implementation would be a second table that
 * EVTCHNOP_init_control switches a domain to.
 *
 * All functions run in the domain's event lock (lares/event.h) and touch
 * guest memory only with single atomic operations (the guest writes it
 * concurrently).
 */
#ifndef LARES_EVTCHN_ABI_H
#define LARES_EVTCHN_ABI_H

#include <lares/types.h>

struct domain;
struct vcpu;

/* What set_pending() asks of the caller (bit flags). */
#define EVTCHN_RAISED_NEWLY_PENDING (1u << 0) /* wake vCPUs polling the port */
#define EVTCHN_RAISED_UPCALL (1u << 1)        /* v's upcall went up: wake or kick v */

struct evtchn_abi {
    const char *name;
    /* Raise @port for its notify vCPU @v: EVTCHN_RAISED_* flags. */
    unsigned int (*set_pending)(struct domain *d, struct vcpu *v, u32 port);
    /* A port was freed: forget it was pending. */
    void (*clear_pending)(struct domain *d, u32 port);
    /* EVTCHNOP_unmask: true if @v's upcall went up (a pending port came through). */
    bool (*unmask)(struct domain *d, struct vcpu *v, u32 port);
    bool (*is_pending)(struct domain *d, u32 port);
    bool (*is_masked)(struct domain *d, u32 port);
    /* @v's vcpu_info moved: make it look at everything again; true if its upcall went up. */
    bool (*rescan)(struct vcpu *v);
};

extern const struct evtchn_abi evtchn_abi_2l;

#endif
