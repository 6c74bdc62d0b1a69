/*
 * Platform glue for the scheduler (see tick.h).
 *
 * FIXME(svm): until the platform branch provides NOW(), per-CPU timers and
 * IPIs, there is no time slice and no cross-CPU kick: a vCPU runs until it
 * exits to block or stop.
 */
#include <asm/cpu.h>
#include "tick.h"

int sched_tick_cpu_init(unsigned cpu)
{
    return 0;
}

s_time_t sched_tick_now(void)
{
    return 0;
}

void sched_tick_start_slice(unsigned cpu, s_time_t slice_ns)
{
}

void sched_tick_stop_slice(unsigned cpu)
{
}

void sched_tick_kick_cpu(unsigned cpu)
{
}
