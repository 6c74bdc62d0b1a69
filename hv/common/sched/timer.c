/*
 * Platform glue for the scheduler (see timer.h): system time, one software
 * timer per CPU for the time slice, and an event-check IPI that makes
 * another CPU leave its guest (any interrupt causes an exit) or wake from
 * HLT; the scheduler loop then re-checks what to run.
 */
#include <lares/lib.h>
#include <lares/time.h>
#include <lares/timer.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/percpu.h>
#include "timer.h"

static struct timer slice_timer[MAX_CPUS];

static void slice_expired(void *data)
{
    schedule_slice_expired();
}

static void event_check(struct cpu_user_regs *regs)
{
    apic_eoi(); /* the interrupt itself was the message */
}

int schedule_timer_cpu_init(unsigned cpu)
{
    static bool vector_set;

    if (!vector_set) {
        int rc = set_irq_handler(EVENT_CHECK_VECTOR, event_check);

        if (rc)
            return rc;
        vector_set = true;
    }
    init_timer(&slice_timer[cpu], slice_expired, NULL, cpu);
    return 0;
}

s_time_t schedule_timer_now(void)
{
    return NOW();
}

void schedule_timer_start_slice(unsigned cpu, s_time_t slice_ns)
{
    if (slice_ns > 0)
        set_timer(&slice_timer[cpu], NOW() + slice_ns);
}

void schedule_timer_stop_slice(unsigned cpu)
{
    stop_timer(&slice_timer[cpu]);
}

void schedule_timer_kick_cpu(unsigned cpu)
{
    if (cpu < MAX_CPUS && cpu_info[cpu] && cpu_info[cpu]->online)
        apic_send_ipi(cpu_info[cpu]->apic_id, APIC_DM_FIXED, EVENT_CHECK_VECTOR);
}
