/*
 * vCPU runstate accounting (Xen's vcpu_runstate_info): which state a vCPU is
 * in since when, and the nanoseconds it has spent in each state. The struct
 * has the guest ABI layout, so it can be copied as is into the area a guest
 * registers with VCPUOP_register_runstate_memory_area.
 *
 * Pure and lock-free by itself: the owner of the vCPU's scheduling state
 * (the scheduler lock, see <lares/sched_core.h>) serialises updates.
 */
#ifndef LARES_RUNSTATE_H
#define LARES_RUNSTATE_H

#include <lares/types.h>
#include <lares/compiler.h>

#ifndef RUNSTATE_running
#define RUNSTATE_running 0  /* on a pCPU */
#define RUNSTATE_runnable 1 /* wants a pCPU, waiting for one */
#define RUNSTATE_blocked 2  /* waiting for an event (HLT, SCHEDOP_block/poll) */
#define RUNSTATE_offline 3  /* down, paused, or held back by a cap */
#endif
#define RUNSTATE_COUNT 4

struct runstate_info {
    s32 state;
    u32 pad;
    u64 state_entry_time; /* system time (ns) of the last change */
    u64 time[RUNSTATE_COUNT];
};

BUILD_BUG_ON(sizeof(struct runstate_info) != 48);
BUILD_BUG_ON(__builtin_offsetof(struct runstate_info, state_entry_time) != 8);
BUILD_BUG_ON(__builtin_offsetof(struct runstate_info, time) != 16);

void runstate_init(struct runstate_info *r, int state, s_time_t now);

/*
 * Enter @state at @now, charging the time since the last change to the old
 * state. Time never runs backwards here: an earlier @now charges nothing.
 */
void runstate_change(struct runstate_info *r, int state, s_time_t now);

/* The totals as of @now, including the current, still open period. */
void runstate_snapshot(const struct runstate_info *r, s_time_t now, struct runstate_info *out);

#endif
