/* __HYPERVISOR_sched_op: yield, block, shutdown with Xen's reason codes. */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/sched.h>
#include <public/sched.h>

long do_sched_op(struct vcpu *v, const struct hypercall_args *a)
{
    struct sched_shutdown s;

    switch ((int)a->arg[0]) { /* Xen's handler takes an int: upper bits are ignored */
    case SCHEDOP_yield:
        schedule_yield();
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);
        return 0;
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
