/* The LAPIC timer interrupt behind software timers (the arch hooks of lares/timer.h). */
#include <lares/shutdown.h>
#include <lares/timer.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/percpu.h>

static void local_timer_interrupt(struct cpu_user_regs *regs)
{
    /* EOI first: a deadline re-armed by a callback may fire before we return. */
    apic_eoi();
    timer_interrupt();
}

void arch_timers_init(void)
{
    if (set_irq_handler(LOCAL_TIMER_VECTOR, local_timer_interrupt))
        panic("The timer vector %#x is already taken\n", LOCAL_TIMER_VECTOR);
}

void arch_timer_program(s_time_t deadline)
{
    apic_timer_arm(deadline);
}

void arch_timer_kick(unsigned int cpu)
{
    const struct cpu_info *ci = cpu_info[cpu];

    /*
     * The timer vector as an IPI: the target runs timer_interrupt() and
     * re-arms. The caller knows the target's LAPIC is up (its queue is
     * hw_ready), which happens before the CPU is marked online.
     */
    if (ci)
        apic_send_ipi(ci->apic_id, APIC_DM_FIXED, LOCAL_TIMER_VECTOR);
}
