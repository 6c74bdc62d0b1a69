/*
 * The PV console backend inside Lares (until a control domain runs
 * xenconsoled): each domain gets a console page (struct xencons_interface)
 * at PVH_CONSOLE_GFN and an event channel, published as
 * HVM_PARAM_CONSOLE_PFN/EVTCHN. The guest's end of the channel is bound to
 * a hypervisor end in the same domain (a loopback interdomain channel whose
 * far end has a hypervisor consumer), so EVTCHNOP_send on the guest's port
 * calls console_pv_event().
 *
 * Output is drained promptly: on every notification, when the guest yields
 * (Linux spins in SCHEDOP_yield while its ring is full) and from the
 * console service timer (lares/console_input.h). Input from the serial
 * line goes into the ring of the domain that has the focus.
 *
 * Locks: the event lock of the domain (the consumer runs in it) ->
 * d->console.lock -> the console lock (printk). Nothing takes the event lock
 * while holding d->console.lock.
 */
#ifndef LARES_CONSOLE_PV_H
#define LARES_CONSOLE_PV_H

#include <lares/types.h>

struct domain;

/* Hypervisor consumers of event channels (lares/event.h), one id each. */
#define EVTCHN_CONSUMER_CONSOLE 1

/* At boot, before domains exist: register the consumer. */
void console_pv_setup(void);

/* Per domain (its event table exists): output lines, console page, channel, parameters. */
int console_domain_init(struct domain *d);
/* After the p2m is gone: free the page and the line assembler. */
void console_domain_free(struct domain *d);

/* Drain the domain's output ring now (any context; takes d->console.lock). */
void console_pv_drain(struct domain *d);

/* Put serial input into the domain's ring and notify it. Returns bytes taken (may be 0: full). */
int console_pv_input(struct domain *d, const char *buf, unsigned len);

#endif
