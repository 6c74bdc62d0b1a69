/*
 * Secondary vCPUs of a test guest, started the way Linux 6.1 PVH starts
 * them: INIT, then STARTUP (twice) through the x2APIC ICR to the vCPU's
 * APIC ID (2 x vCPU id, as in the MADT), into a real-mode trampoline
 * copied below 1 MiB (SMP_TRAMPOLINE_PA). The trampoline switches to long
 * mode on the boot page tables and calls the C function given, on the
 * vCPU's own stack, with interrupts off.
 *
 * APs share the IDT (and irq_set_handler()); they have no TSS, so they
 * must not take #DF or go to CPL 3, and exec_expect_fault()/exec_user()
 * are for the boot vCPU only.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <lares/types.h>

#define SMP_MAX_CPUS 16
#define SMP_TRAMPOLINE_PA 0x8000 /* SIPI vector 0x08 */
#define SMP_AP_STACK_SIZE 8192

typedef void (*ap_fn_t)(unsigned int cpu);

/* This vCPU's number: its x2APIC ID / 2 (0 on the boot vCPU). */
unsigned int smp_processor_id(void);

/*
 * Start vCPU @cpu with INIT-SIPI-SIPI and wait (up to about five seconds of
 * TSC time) until it runs @fn. True if it reported in. A vCPU may be
 * started again after an INIT.
 */
bool smp_start_ap(unsigned int cpu, ap_fn_t fn);

/*
 * The same in steps, for starting vCPUs another way (VCPUOP_initialise +
 * VCPUOP_up): prepare the stack and function for @cpu, start it at
 * ap_entry64 (long mode on the boot page tables, any segments) or at
 * ap_entry32_flat (32-bit flat protected mode, paging off), then wait.
 */
void smp_prepare_ap(unsigned int cpu, ap_fn_t fn);
bool smp_wait_ap(unsigned int cpu);
extern const char ap_entry64[], ap_entry32_flat[];

/* Send INIT to vCPU @cpu: it stops and waits for a SIPI. */
void smp_send_init(unsigned int cpu);

/* TSC ticks per millisecond (from the Xen time leaf; 1 GHz if absent). */
u64 tsc_per_ms(void);

/* The number of vCPUs the domain has (VCPUOP_is_up answers for them). */
unsigned int smp_nr_vcpus(void);

/* Let pending interrupts in while waiting: sti; hlt; cli. */
static inline void wait_for_interrupt(void)
{
    __asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

#endif
