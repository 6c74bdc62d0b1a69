/*
 * The VCPUOP sub-operations, one function each (vcpu_op.c dispatches).
 * v is the vCPU named by the call, caller the vCPU making it; arg is the
 * guest-virtual address of the argument.
 */
#ifndef COMMON_VCPU_OP_INTERNAL_H
#define COMMON_VCPU_OP_INTERNAL_H

#include <lares/domain.h>

/* vcpu_timer.c */
long vcpu_set_singleshot(struct vcpu *v, struct vcpu *caller, u64 arg);
long vcpu_stop_singleshot(struct vcpu *v, struct vcpu *caller);
long vcpu_set_periodic(struct vcpu *v, struct vcpu *caller, u64 arg);
long vcpu_stop_periodic(struct vcpu *v);
void vcpu_poll_timer_set(struct vcpu *v, s_time_t deadline);
void vcpu_poll_timer_stop(struct vcpu *v);

/* vcpu_areas.c */
long vcpu_register_vcpu_info(struct vcpu *v, struct vcpu *caller, u64 arg);
long vcpu_register_runstate_area(struct vcpu *v, struct vcpu *caller, u64 arg, bool compat);

#endif
