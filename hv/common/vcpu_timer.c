/*
 * vCPU timers: VCPUOP_set_singleshot_timer / set_periodic_timer raise
 * VIRQ_TIMER on the vCPU at an absolute system time (the guest's pvclock
 * and NOW() agree to the nanosecond, see shared_info.c), never before it.
 * Each vCPU has one timer of each kind on the hypervisor's software timers;
 * their callbacks run in interrupt context on the CPU the timer is on.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/guest_access.h>
#include <lares/time.h>
#include <lares/timer.h>
#include <asm/percpu.h>
#include <public/vcpu.h>
#include "vcpu_op_internal.h"

/* Xen's limits for periodic timers. */
#define PERIOD_MIN MILLISECS(1)
#define PERIOD_MAX ((s_time_t)1 << 62)

static void singleshot_fired(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

/*
 * Xen's periodic timer: a tick is due one period after the last one (at
 * once if that is past, e.g. the first time) and the next is counted from
 * when a tick was actually sent, so a late tick delays the ones after it.
 */
static void periodic_work(struct vcpu *v)
{
    s_time_t period = READ_ONCE(v->events.period), now = NOW(), next;

    if (!period)
        return;
    next = v->events.periodic_last + period;
    if (now >= next) {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        v->events.periodic_last = now;
        next = now + period;
    }
    set_timer(&v->events.periodic, next);
}

static void periodic_fired(void *data)
{
    periodic_work(data);
}

static void poll_timed_out(void *data)
{
    struct vcpu *v = data;
    struct domain *d = v->domain;
    unsigned long bit = 1ul << v->vcpu_id;

    /* Still polling: end it (a wake-up that got here first cleared the bit). */
    if (__atomic_fetch_and(&d->events.poll_mask, ~bit, __ATOMIC_SEQ_CST) & bit) {
        WRITE_ONCE(v->events.poll_port, 0);
        vcpu_unblock(v);
    }
}

void vcpu_timers_init(struct vcpu *v)
{
    init_timer(&v->events.singleshot, singleshot_fired, v, v->processor);
    init_timer(&v->events.periodic, periodic_fired, v, v->processor);
    init_timer(&v->events.poll_timer, poll_timed_out, v, v->processor);
}

void vcpu_timers_kill(struct vcpu *v)
{
    WRITE_ONCE(v->events.period, 0);
    kill_timer(&v->events.singleshot);
    kill_timer(&v->events.periodic);
    kill_timer(&v->events.poll_timer);
}

/* Timers follow the vCPU's CPU, so they fire where it runs (as Xen keeps them). */
static void here(struct timer *t)
{
    migrate_timer(t, smp_processor_id());
}

long vcpu_set_singleshot(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    struct vcpu_set_singleshot_timer set;

    if (v != caller)
        return -EINVAL; /* only a vCPU's own timer */
    if (copy_from_guest(caller, &set, arg, sizeof(set)))
        return -EFAULT;
    if ((s64)set.timeout_abs_ns < NOW()) {
        if (set.flags & VCPU_SSHOTTMR_future)
            return -ETIME;
        /* Already due: fire now (Linux BUG()s on an error here). */
        stop_timer(&v->events.singleshot);
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        return 0;
    }
    here(&v->events.singleshot);
    set_timer(&v->events.singleshot, (s_time_t)set.timeout_abs_ns);
    return 0;
}

long vcpu_stop_singleshot(struct vcpu *v, struct vcpu *caller)
{
    if (v != caller)
        return -EINVAL;
    stop_timer(&v->events.singleshot);
    return 0;
}

static void set_periodic(struct vcpu *v, s_time_t period)
{
    /* Period first: a callback running right now then does not re-arm the old one. */
    WRITE_ONCE(v->events.period, period);
    stop_timer(&v->events.periodic);
    if (period) {
        here(&v->events.periodic);
        periodic_work(v);
    }
}

long vcpu_set_periodic(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    struct vcpu_set_periodic_timer set;

    if (copy_from_guest(caller, &set, arg, sizeof(set)))
        return -EFAULT;
    if ((s64)set.period_ns < PERIOD_MIN || (s64)set.period_ns > PERIOD_MAX)
        return -EINVAL;
    set_periodic(v, (s_time_t)set.period_ns);
    return 0;
}

long vcpu_stop_periodic(struct vcpu *v)
{
    set_periodic(v, 0);
    return 0;
}

void vcpu_poll_timer_set(struct vcpu *v, s_time_t deadline)
{
    here(&v->events.poll_timer);
    set_timer(&v->events.poll_timer, deadline);
}

void vcpu_poll_timer_stop(struct vcpu *v)
{
    stop_timer(&v->events.poll_timer);
}
