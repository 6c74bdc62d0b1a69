/*
 * __HYPERVISOR_sched_op(cmd, arg): yield, block, poll and shut down.
 */
#ifndef XEN_PUBLIC_SCHED_H
#define XEN_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield           0 /* arg unused: give up the CPU */
#define SCHEDOP_block           1 /* arg unused: sleep until an event is pending */
#define SCHEDOP_shutdown        2 /* arg: struct sched_shutdown; never returns on success */
#define SCHEDOP_poll            3 /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* arg: struct sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code   5 /* arg: struct sched_shutdown; record reason only */
#define SCHEDOP_watchdog        6 /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override    7 /* arg: struct sched_pin_override (dom0) */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff   0 /* normal exit */
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3 /* the guest crashed */
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

#ifndef __ASSEMBLY__

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};
XEN_ABI_SIZE(struct sched_shutdown, 4);

/* Block until one of the ports is pending (its mask is ignored) or until
 * timeout (absolute system time in ns; 0 = no timeout). */
struct sched_poll {
    xen_guest_handle_t ports; /* evtchn_port_t[nr_ports] */
    uint32_t nr_ports;
    uint32_t pad0;
    uint64_t timeout;
};
XEN_ABI_SIZE(struct sched_poll, 24);
XEN_ABI_OFFSET(struct sched_poll, nr_ports, 8);
XEN_ABI_OFFSET(struct sched_poll, timeout, 16);

struct sched_remote_shutdown {
    domid_t domain_id;
    uint16_t pad0;
    uint32_t reason; /* SHUTDOWN_* */
};
XEN_ABI_SIZE(struct sched_remote_shutdown, 8);
XEN_ABI_OFFSET(struct sched_remote_shutdown, reason, 4);

/* id 0 creates a watchdog (returns its id); timeout 0 destroys it. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout; /* seconds */
};
XEN_ABI_SIZE(struct sched_watchdog, 8);

struct sched_pin_override {
    int32_t pcpu; /* < 0 ends the override */
};
XEN_ABI_SIZE(struct sched_pin_override, 4);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_SCHED_H */
