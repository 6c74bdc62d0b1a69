/*
 * __HYPERVISOR_sched_op: yield, block, poll, shutdown with Xen's reason codes.
 *
 * Blocking is a flag (VPF_BLOCKED) set during the hypercall: the vCPU
 * leaves its CPU when the hypercall returns to the run loop, and runs on
 * (after the call, with result 0) once an event wakes it (lares/event.h).
 */
#include <lares/console_pv.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/sched.h>
#include <asm/hvm/hvm.h>
#include <public/sched.h>
#include "vcpu_op_internal.h"

#define POLL_MAX_PORTS 128 /* Xen's limit */

/* The vCPU would take an upcall right now if it returned to the guest. */
static bool events_need_delivery(struct vcpu *v)
{
    return vcpu_upcall_pending(v) && domain_callback_vector(v->domain) >= 0 &&
           hvm_ops->intr_blocked(v, false) == HVM_INTR_OK;
}

/* -EINVAL if @port is not a port of ours in use, else whether it is pending. */
static int port_pending(struct domain *d, u32 port)
{
    unsigned long flags;
    int rc = -EINVAL;

    spin_lock_irqsave(&d->events.lock, flags);
    if (evtchn_usable(&d->events.ports, port))
        rc = d->events.abi->is_pending(d, port);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

long vcpu_poll(struct vcpu *v, u64 ports_gva, u32 nr_ports, u64 timeout)
{
    struct domain *d = v->domain;
    unsigned long bit = 1ul << v->vcpu_id;
    u32 ports[POLL_MAX_PORTS];
    long rc = 0;

    if (nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    if (copy_from_guest(v, ports, ports_gva, nr_ports * sizeof(ports[0])))
        return -EFAULT;

    /* Announce the poll before looking at the ports: a sender then wakes us, or we see its bit. */
    vcpu_set_flag(v, VPF_BLOCKED);
    WRITE_ONCE(v->events.poll_port, -1);
    __atomic_fetch_or(&d->events.poll_mask, bit, __ATOMIC_SEQ_CST);

    if (events_need_delivery(v))
        goto out;
    for (u32 i = 0; i < nr_ports; i++) {
        rc = port_pending(d, ports[i]);
        if (rc) {
            rc = rc > 0 ? 0 : rc;
            goto out;
        }
    }
    if (nr_ports == 1)
        WRITE_ONCE(v->events.poll_port, (int)ports[0]);
    if (timeout)
        vcpu_poll_timer_set(v, (s_time_t)timeout);
    return 0;

out:
    WRITE_ONCE(v->events.poll_port, 0);
    __atomic_fetch_and(&d->events.poll_mask, ~bit, __ATOMIC_SEQ_CST);
    vcpu_clear_flag(v, VPF_BLOCKED);
    return rc;
}

long do_sched_op(struct vcpu *v, const struct hypercall_args *a)
{
    struct sched_shutdown s;
    struct sched_poll p;

    switch ((int)a->arg[0]) { /* Xen's handler takes an int: upper bits are ignored */
    case SCHEDOP_yield:
        /* Linux yields while its console ring is full: make room first. */
        console_pv_drain(v->domain);
        schedule_yield();
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);
        return 0;
    case SCHEDOP_poll:
        if (a->compat) {
            struct {
                u32 ports, nr_ports;
                u64 timeout;
            } c;

            if (copy_from_guest(v, &c, a->arg[1], sizeof(c)))
                return -EFAULT;
            return vcpu_poll(v, c.ports, c.nr_ports, c.timeout);
        }
        if (copy_from_guest(v, &p, a->arg[1], sizeof(p)))
            return -EFAULT;
        return vcpu_poll(v, p.ports, p.nr_ports, p.timeout);
    case SCHEDOP_shutdown:
        if (copy_from_guest(v, &s, a->arg[1], sizeof(s)))
            return -EFAULT;
        domain_shutdown(v->domain, (u8)s.reason); /* Xen keeps 8 bits, unchecked */
        return 0;
    case SCHEDOP_shutdown_code:
        if (copy_from_guest(v, &s, a->arg[1], sizeof(s)))
            return -EFAULT;
        /* The reason a later shutdown reports (Xen: used around kexec). */
        v->domain->shutdown_code_hint = (u8)s.reason;
        return 0;
    case SCHEDOP_remote_shutdown:
        return v->domain->is_privileged ? -ENOSYS : -EPERM;
    default:
        return -ENOSYS;
    }
}
