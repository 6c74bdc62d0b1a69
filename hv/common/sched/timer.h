/*
 * What the scheduler core needs from the platform: the time, a per-CPU
 * one-shot timer that ends a time slice, and a way to interrupt another
 * CPU (to wake it from HLT or to make it leave a guest).
 */
#ifndef SCHED_TIMER_H
#define SCHED_TIMER_H

#include <lares/types.h>

int schedule_timer_cpu_init(unsigned cpu);
s_time_t schedule_timer_now(void);
void schedule_timer_start_slice(unsigned cpu, s_time_t slice_ns);
void schedule_timer_stop_slice(unsigned cpu);
void schedule_timer_kick_cpu(unsigned cpu);

/* Called from interrupt context when this CPU's slice timer fires. */
void schedule_slice_expired(void);

#endif
