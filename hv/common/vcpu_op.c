/*
 * __HYPERVISOR_vcpu_op(cmd, vcpuid, arg): per-vCPU operations, one table
 * row per sub-op (the handlers live with their subject: vcpu_timer.c and
 * vcpu_areas.c for timers and guest areas; bringing vCPUs up and down is
 * here, after Xen's common_vcpu_op() for HVM/PVH guests: a vCPU runs once
 * it is initialised -- vCPU 0 by the builder, the others by INIT + SIPI or
 * VCPUOP_initialise -- and up). vcpuid names a vCPU of the calling domain
 * (-ENOENT if it has none such); unknown sub-ops return -ENOSYS.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/runstate.h>
#include <lares/sched.h>
#include <asm/hvm/hvm.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include "vcpu_op_internal.h"

typedef long (*vcpu_op_fn)(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a);

static long get_runstate(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    struct vcpu_runstate_info r;
    struct compat_runstate_info c;

    schedule_get_runstate(v, &r);
    if (!a->compat)
        return copy_to_guest(caller, a->arg[2], &r, sizeof(r)) ? -EFAULT : 0;
    runstate_to_compat(&r, &c);
    return copy_to_guest(caller, a->arg[2], &c, sizeof(c)) ? -EFAULT : 0;
}

static long initialise(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    struct vcpu_hvm_context ctx;

    if (copy_from_guest(caller, &ctx, a->arg[2], sizeof(ctx)))
        return -EFAULT;
    return hvm_vcpu_initialise(v, &ctx);
}

static long up(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return hvm_vcpu_up(v);
}

/* The last vCPU going down powers the domain off, as in Xen. */
static long down(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
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

static long is_up(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return !(READ_ONCE(v->pause_flags) & VPF_DOWN);
}

static long register_runstate(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return vcpu_register_runstate_area(v, caller, a->arg[2], a->compat);
}

static long register_vcpu_info(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return vcpu_register_vcpu_info(v, caller, a->arg[2]);
}

static long set_periodic(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return vcpu_set_periodic(v, caller, a->arg[2]);
}

static long stop_periodic(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return vcpu_stop_periodic(v);
}

static long set_singleshot(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return vcpu_set_singleshot(v, caller, a->arg[2]);
}

static long stop_singleshot(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    return vcpu_stop_singleshot(v, caller);
}

static long register_time_area(struct vcpu *v, struct vcpu *caller, const struct hypercall_args *a)
{
    /* A second copy of vcpu_time_info is only wanted with PVCLOCK_TSC_STABLE_BIT (vDSO). */
    return -ENOSYS;
}

static const vcpu_op_fn ops[] = {
    [VCPUOP_initialise] = initialise,
    [VCPUOP_up] = up,
    [VCPUOP_down] = down,
    [VCPUOP_is_up] = is_up,
    [VCPUOP_get_runstate_info] = get_runstate,
    [VCPUOP_register_runstate_memory_area] = register_runstate,
    [VCPUOP_set_periodic_timer] = set_periodic,
    [VCPUOP_stop_periodic_timer] = stop_periodic,
    [VCPUOP_set_singleshot_timer] = set_singleshot,
    [VCPUOP_stop_singleshot_timer] = stop_singleshot,
    [VCPUOP_register_vcpu_info] = register_vcpu_info,
    [VCPUOP_register_vcpu_time_memory_area] = register_time_area,
};

long do_vcpu_op(struct vcpu *caller, const struct hypercall_args *a)
{
    struct domain *d = caller->domain;
    /* Xen's handler takes (int cmd, unsigned int vcpuid): upper bits are ignored. */
    unsigned int cmd = (unsigned int)(int)a->arg[0], id = (unsigned int)a->arg[1];

    if (id >= d->max_vcpus)
        return -ENOENT;
    if (cmd >= ARRAY_SIZE(ops) || !ops[cmd])
        return -ENOSYS;
    return ops[cmd](d->vcpu[id], caller, a);
}
