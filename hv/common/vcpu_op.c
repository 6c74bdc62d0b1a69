/*
 * __HYPERVISOR_vcpu_op(cmd, vcpuid, arg): per-vCPU operations, one table
 * row per sub-op (the handlers live with their subject: vcpu_timer.c,
 * vcpu_areas.c). vcpuid names a vCPU of the calling domain (-ENOENT if it
 * has none such); unknown sub-ops return -ENOSYS. The argument structures
 * have the same layout for 32- and 64-bit callers.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hypercall.h>
#include <public/vcpu.h>
#include "vcpu_op_internal.h"

typedef long (*vcpu_op_fn)(struct vcpu *v, struct vcpu *caller, u64 arg);

static long set_singleshot(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    return vcpu_set_singleshot(v, caller, arg);
}

static long stop_singleshot(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    return vcpu_stop_singleshot(v, caller);
}

static long stop_periodic(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    return vcpu_stop_periodic(v);
}

static long register_time_area(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    /* A second copy of vcpu_time_info is only wanted with PVCLOCK_TSC_STABLE_BIT (vDSO). */
    return -ENOSYS;
}

static const vcpu_op_fn ops[] = {
    [VCPUOP_register_runstate_memory_area] = vcpu_register_runstate_area,
    [VCPUOP_get_runstate_info] = vcpu_get_runstate_info,
    [VCPUOP_set_periodic_timer] = vcpu_set_periodic,
    [VCPUOP_stop_periodic_timer] = stop_periodic,
    [VCPUOP_set_singleshot_timer] = set_singleshot,
    [VCPUOP_stop_singleshot_timer] = stop_singleshot,
    [VCPUOP_register_vcpu_info] = vcpu_register_vcpu_info,
    [VCPUOP_register_vcpu_time_memory_area] = register_time_area,
};

long do_vcpu_op(struct vcpu *caller, const struct hypercall_args *a)
{
    struct domain *d = caller->domain;
    u64 cmd = a->arg[0], id = a->arg[1];

    if (id >= d->max_vcpus)
        return -ENOENT;
    if (cmd >= ARRAY_SIZE(ops) || !ops[cmd])
        return -ENOSYS;
    return ops[cmd](d->vcpu[id], caller, a->arg[2]);
}
