/*
 * Host stand-in for hv/arch/x86/include/asm/cpu.h, for unit tests of code
 * that takes spinlocks: one thread of control, so there are no interrupts
 * to mask (CLI/STI would fault in user mode).
 */
#ifndef UNIT_ASM_CPU_H
#define UNIT_ASM_CPU_H

static inline void cpu_relax(void)
{
}

static inline void local_irq_disable(void)
{
}

static inline void local_irq_enable(void)
{
}

static inline unsigned long local_irq_save(void)
{
    return 0;
}

static inline void local_irq_restore(unsigned long flags)
{
    (void)flags;
}

#endif
