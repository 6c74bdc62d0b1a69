/*
 * What the scheduler core needs from the platform: the time, a per-CPU
 * one-shot timer that ends a time slice, and a way to interrupt another
 * CPU (to wake it from HLT or to make it leave a guest).
 */
#ifndef SCHED_TICK_H
#define SCHED_TICK_H

#include <lares/types.h>

int sched_tick_cpu_init(unsigned cpu);
s_time_t sched_tick_now(void);
void sched_tick_start_slice(unsigned cpu, s_time_t slice_ns);
void sched_tick_stop_slice(unsigned cpu);
void sched_tick_kick_cpu(unsigned cpu);

/* Called from interrupt context when this CPU's slice timer fires. */
void sched_slice_expired(void);

#endif
