/*
 * __HYPERVISOR_vcpu_op(cmd, vcpuid, arg): bringing a domain's vCPUs up and
 * down, and their runstate. Semantics follow Xen's common_vcpu_op() for
 * HVM/PVH guests: a vCPU runs once it is initialised (vCPU 0 by the
 * builder, the others by INIT + SIPI or VCPUOP_initialise) and up.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/sched.h>
#include <asm/hvm/hvm.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>

/* A 32-bit guest's vcpu_runstate_info: its 64-bit members are only 4-byte aligned. */
struct compat_runstate_info {
    u32 state;
    u64 state_entry_time;
    u64 time[4];
} __attribute__((packed));
_Static_assert(sizeof(struct compat_runstate_info) == 44, "compat runstate");

static long get_runstate(struct vcpu *caller, struct vcpu *v, const struct hypercall_args *a)
{
    struct vcpu_runstate_info r;
    struct compat_runstate_info c;

    schedule_get_runstate(v, &r);
    if (!a->compat)
        return copy_to_guest(caller, a->arg[2], &r, sizeof(r)) ? -EFAULT : 0;
    c.state = (u32)r.state;
    c.state_entry_time = r.state_entry_time;
    for (unsigned i = 0; i < 4; i++)
        c.time[i] = r.time[i];
    return copy_to_guest(caller, a->arg[2], &c, sizeof(c)) ? -EFAULT : 0;
}

static long initialise(struct vcpu *caller, struct vcpu *v, u64 arg)
{
    struct vcpu_hvm_context ctx;

    if (copy_from_guest(caller, &ctx, arg, sizeof(ctx)))
        return -EFAULT;
    return hvm_vcpu_initialise(v, &ctx);
}

/* The last vCPU going down powers the domain off, as in Xen. */
static long down(struct vcpu *v)
{
    struct domain *d = v->domain;

    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] != v && !(READ_ONCE(d->vcpu[i]->pause_flags) & VPF_DOWN)) {
            vcpu_set_flag(v, VPF_DOWN);
            return 0;
        }
    domain_shutdown(d, SHUTDOWN_poweroff);
    return 0;
}

long do_vcpu_op(struct vcpu *caller, const struct hypercall_args *a)
{
    struct domain *d = caller->domain;
    u64 id = a->arg[1];
    struct vcpu *v;

    if (a->compat)
        id = (u32)id;
    if (id >= d->max_vcpus)
        return -ENOENT;
    v = d->vcpu[id];

    switch (a->arg[0]) {
    case VCPUOP_initialise:
        return initialise(caller, v, a->arg[2]);
    case VCPUOP_up:
        return hvm_vcpu_up(v);
    case VCPUOP_down:
        return down(v);
    case VCPUOP_is_up:
        return !(READ_ONCE(v->pause_flags) & VPF_DOWN);
    case VCPUOP_get_runstate_info:
        return get_runstate(caller, v, a);
    default:
        return -ENOSYS;
    }
}
