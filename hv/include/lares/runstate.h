/*
 * vCPU runstate accounting (Xen's vcpu_runstate_info): which state a vCPU is
 * in since when, and the nanoseconds it has spent in each state. The struct
 * has the guest ABI layout, so it can be copied as is into the area a guest
 * registers with VCPUOP_register_runstate_memory_area.
 *
 * Copying it to guest memory (setting XEN_RUNSTATE_UPDATE around the copy
 * if the guest enabled VMASST_TYPE_runstate_update_flag) is the caller's job.
 *
 * Pure and lock-free by itself: the owner of the vCPU's scheduling state
 * (the scheduler lock, see <lares/sched_core.h>) serialises updates.
 */
#ifndef LARES_RUNSTATE_H
#define LARES_RUNSTATE_H

#include <lares/types.h>
#include <public/xen.h> /* struct vcpu_runstate_info, RUNSTATE_* */

#define RUNSTATE_COUNT 4

/*
 * The same record as a 32-bit guest lays it out: its 64-bit members are only
 * 4-byte aligned, so state_entry_time sits at offset 4 and the whole is 44
 * bytes, not 48.
 */
struct compat_runstate_info {
    u32 state;
    u64 state_entry_time;
    u64 time[RUNSTATE_COUNT];
} __attribute__((packed));
_Static_assert(sizeof(struct compat_runstate_info) == 44, "compat runstate layout");

/* @r in the 32-bit layout (the XEN_RUNSTATE_UPDATE bit of state_entry_time included). */
void runstate_to_compat(const struct vcpu_runstate_info *r, struct compat_runstate_info *c);

void runstate_init(struct vcpu_runstate_info *r, int state, s_time_t now);

/*
 * Enter @state at @now, charging the time since the last change to the old
 * state. Time never runs backwards here: an earlier @now charges nothing.
 */
void runstate_change(struct vcpu_runstate_info *r, int state, s_time_t now);

/* The totals as of @now, including the current, still open period. */
void runstate_snapshot(const struct vcpu_runstate_info *r, s_time_t now,
                       struct vcpu_runstate_info *out);

#endif
