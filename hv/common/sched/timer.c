/*
 * Platform glue for the scheduler (see tick.h).
 *
 * FIXME(svm): until the platform branch provides NOW(), per-CPU timers and
 * IPIs, there is no time slice and no cross-CPU kick: a vCPU runs until it
 * exits to block or stop.
 */
#include <asm/cpu.h>
#include "timer.h"

int schedule_timer_cpu_init(unsigned cpu)
{
    return 0;
}

s_time_t schedule_timer_now(void)
{
    return 0;
}

void schedule_timer_start_slice(unsigned cpu, s_time_t slice_ns)
{
}

void schedule_timer_stop_slice(unsigned cpu)
{
}

void schedule_timer_kick_cpu(unsigned cpu)
{
}
