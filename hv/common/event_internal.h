/* Shared by the event-channel files of hv/common/ (see lares/event.h). */
#ifndef COMMON_EVENT_INTERNAL_H
#define COMMON_EVENT_INTERNAL_H

#include <lares/domain.h>
#include <lares/evtchn_ports.h>

/* Raise a resolved event in d (d's event lock held): set it pending, wake or kick its vCPU. */
void evtchn_raise(struct domain *d, const struct evtchn_notify *fx);

/* Both domains' event locks in ascending domain-id order (interrupts already off). */
void evtchn_lock_pair(struct domain *a, struct domain *b);
void evtchn_unlock_pair(struct domain *a, struct domain *b);

#endif
