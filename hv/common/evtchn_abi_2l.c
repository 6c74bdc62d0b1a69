/*
 * The 2-level event-channel ABI behind struct evtchn_abi: the bit
 * protocol of lib/evtchn_2l.c on the domain's shared_info and the notify
 * vCPU's current vcpu_info.
 */
#include <lares/domain.h>
#include <lares/evtchn_2l.h>
#include <lares/evtchn_abi.h>

_Static_assert(EVTCHN_RAISED_NEWLY_PENDING == EVTCHN_2L_NEWLY_PENDING &&
                   EVTCHN_RAISED_UPCALL == EVTCHN_2L_UPCALL,
               "the 2-level results are passed through as they are");

static unsigned int set_pending(struct domain *d, struct vcpu *v, u32 port)
{
    return evtchn_2l_set_pending(d->shared_info, v->events.vcpu_info, port);
}

static void clear_pending(struct domain *d, u32 port)
{
    evtchn_2l_clear_pending(d->shared_info, port);
}

static bool unmask(struct domain *d, struct vcpu *v, u32 port)
{
    return evtchn_2l_unmask(d->shared_info, v->events.vcpu_info, port);
}

static bool is_pending(struct domain *d, u32 port)
{
    return evtchn_2l_is_pending(d->shared_info, port);
}

static bool is_masked(struct domain *d, u32 port)
{
    return evtchn_2l_is_masked(d->shared_info, port);
}

static bool rescan(struct vcpu *v)
{
    return evtchn_2l_force_rescan(v->events.vcpu_info);
}

const struct evtchn_abi evtchn_abi_2l = {
    .name = "2-level",
    .set_pending = set_pending,
    .clear_pending = clear_pending,
    .unmask = unmask,
    .is_pending = is_pending,
    .is_masked = is_masked,
    .rescan = rescan,
};
