/*
 * __HYPERVISOR_event_channel_op(cmd, arg): event channels. Ports are
 * 32-bit; port 0 is never valid. The 2-level ABI (bitmaps in shared_info)
 * gives 64-bit guests ports 1..4095.
 */
#ifndef XEN_PUBLIC_EVENT_CHANNEL_H
#define XEN_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset           10
#define EVTCHNOP_init_control    11 /* FIFO ABI */
#define EVTCHNOP_expand_array    12 /* FIFO ABI */
#define EVTCHNOP_set_priority    13 /* FIFO ABI */

/* evtchn_status.status */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1 /* waiting for the remote domain to bind */
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

/* evtchn_bind_pirq.flags */
#define BIND_PIRQ__WILL_SHARE 1

/* Ports of the 2-level ABI: 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS 4096

/* FIFO ABI constants (Lares implements 2-level only; these are here so
 * that the numbers have one home). */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       16
#define EVTCHN_FIFO_PENDING          31
#define EVTCHN_FIFO_MASKED           30
#define EVTCHN_FIFO_LINKED           29
#define EVTCHN_FIFO_BUSY             28
#define EVTCHN_FIFO_LINK_BITS        17
#define EVTCHN_FIFO_NR_CHANNELS      (1 << EVTCHN_FIFO_LINK_BITS)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* New port in state unbound that remote_dom may later bind to. */
struct evtchn_alloc_unbound {
    domid_t dom;        /* in: DOMID_SELF (or a domain the caller controls) */
    domid_t remote_dom; /* in */
    evtchn_port_t port; /* out */
};
XEN_ABI_SIZE(struct evtchn_alloc_unbound, 8);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, remote_dom, 2);
XEN_ABI_OFFSET(struct evtchn_alloc_unbound, port, 4);

/* Connect to remote_port, which must be unbound and offered to us. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;        /* in */
    uint16_t pad0;
    evtchn_port_t remote_port; /* in */
    evtchn_port_t local_port;  /* out */
};
XEN_ABI_SIZE(struct evtchn_bind_interdomain, 12);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);
XEN_ABI_OFFSET(struct evtchn_bind_interdomain, local_port, 8);

struct evtchn_bind_virq {
    uint32_t virq;      /* in: VIRQ_* */
    uint32_t vcpu;      /* in */
    evtchn_port_t port; /* out */
};
XEN_ABI_SIZE(struct evtchn_bind_virq, 12);
XEN_ABI_OFFSET(struct evtchn_bind_virq, vcpu, 4);
XEN_ABI_OFFSET(struct evtchn_bind_virq, port, 8);

struct evtchn_bind_pirq {
    uint32_t pirq;      /* in */
    uint32_t flags;     /* in: BIND_PIRQ__* */
    evtchn_port_t port; /* out */
};
XEN_ABI_SIZE(struct evtchn_bind_pirq, 12);

struct evtchn_bind_ipi {
    uint32_t vcpu;      /* in: the vCPU notified when the port is sent to */
    evtchn_port_t port; /* out */
};
XEN_ABI_SIZE(struct evtchn_bind_ipi, 8);

struct evtchn_close {
    evtchn_port_t port;
};
XEN_ABI_SIZE(struct evtchn_close, 4);

struct evtchn_send {
    evtchn_port_t port;
};
XEN_ABI_SIZE(struct evtchn_send, 4);

struct evtchn_status {
    domid_t dom;        /* in */
    uint16_t pad0;
    evtchn_port_t port; /* in */
    uint32_t status;    /* out: EVTCHNSTAT_* */
    uint32_t vcpu;      /* out: vCPU notified for this port */
    union {             /* out, by status */
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            uint16_t pad0;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
XEN_ABI_SIZE(struct evtchn_status, 24);
XEN_ABI_OFFSET(struct evtchn_status, port, 4);
XEN_ABI_OFFSET(struct evtchn_status, status, 8);
XEN_ABI_OFFSET(struct evtchn_status, vcpu, 12);
XEN_ABI_OFFSET(struct evtchn_status, u, 16);
XEN_ABI_OFFSET(struct evtchn_status, u.interdomain.port, 20);

/* Change which vCPU a port notifies. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
XEN_ABI_SIZE(struct evtchn_bind_vcpu, 8);

struct evtchn_unmask {
    evtchn_port_t port;
};
XEN_ABI_SIZE(struct evtchn_unmask, 4);

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;
};
XEN_ABI_SIZE(struct evtchn_reset, 2);

struct evtchn_init_control {
    uint64_t control_gfn; /* in */
    uint32_t offset;      /* in */
    uint32_t vcpu;        /* in */
    uint8_t link_bits;    /* out */
    uint8_t pad0[7];
};
XEN_ABI_SIZE(struct evtchn_init_control, 24);
XEN_ABI_OFFSET(struct evtchn_init_control, link_bits, 16);

struct evtchn_expand_array {
    uint64_t array_gfn;
};
XEN_ABI_SIZE(struct evtchn_expand_array, 8);

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
XEN_ABI_SIZE(struct evtchn_set_priority, 8);

typedef uint32_t event_word_t; /* FIFO ABI event word */

struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t pad0;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
XEN_ABI_SIZE(struct evtchn_fifo_control_block, 72);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_EVENT_CHANNEL_H */
