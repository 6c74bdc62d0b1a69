/*
 * Per-CPU state. Each CPU's GS base points at its struct cpu_info, so
 * this_cpu() is one load. Subsystems keep their own per-CPU data either
 * here (small, hot fields) or in arrays indexed by smp_processor_id().
 *
 * Logical CPU ids are dense: 0 is the boot CPU, then the others in MADT
 * order. apic_id is the hardware (x2)APIC id.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <lares/types.h>
#include <asm/config.h>

struct vcpu;
struct cpu_tables;

struct cpu_info {
    struct cpu_info *self;     /* must stay first: this_cpu() reads %gs:0 */
    unsigned int id;           /* logical CPU id */
    u32 apic_id;
    bool online;
    void *stack_top;           /* top of this CPU's main stack */
    struct vcpu *current;      /* vCPU running (or last run) here, NULL if idle */
    struct cpu_tables *tables; /* GDT, TSS, IST stacks (asm/desc.h) */
};

extern struct cpu_info *cpu_info[MAX_CPUS]; /* NULL for CPUs not present */
extern unsigned int nr_cpus;                /* CPUs found (present) */

static inline struct cpu_info *this_cpu(void)
{
    struct cpu_info *c;

    __asm__ __volatile__("mov %%gs:0, %0" : "=r"(c));
    return c;
}

static inline unsigned int smp_processor_id(void)
{
    return this_cpu()->id;
}

/* The boot CPU's cpu_info: GS base, GDT/TSS/IDT (before anything that may fault). */
void percpu_init_boot(void);

#define for_each_online_cpu(c) \
    for (unsigned int c = 0; c < nr_cpus; c++) if (cpu_info[c] && cpu_info[c]->online)

#endif
