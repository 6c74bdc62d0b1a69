/*
 * The local APIC, in x2APIC mode (MSRs) when the CPU has it, otherwise in
 * xAPIC mode (MMIO). Callers do not see the difference: IDs are 32-bit,
 * IPIs take a destination APIC id.
 *
 * The boot CPU picks the mode once (x2apic=0 on the command line forces
 * xAPIC) and every other CPU follows it.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <lares/types.h>

/* ICR delivery modes */
#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_SIPI 0x600

/* The boot CPU: choose the mode, mask the 8259 PICs, enable and set up its LAPIC. */
void apic_init_boot(void);

/* Every other CPU, early in its start-up: same mode, same setup. */
void apic_init_secondary(void);

bool apic_x2apic_mode(void);

/* This CPU's APIC id (read from the hardware). */
u32 apic_id(void);

/* Signal end of interrupt (never for the spurious vector). */
void apic_eoi(void);

/*
 * Send an IPI: mode is APIC_DM_*, vector is used for FIXED and SIPI.
 * In xAPIC mode this waits for the previous IPI to be accepted.
 */
void apic_send_ipi(u32 dest_apic_id, u32 mode, u8 vector);

/* Same, to every CPU except this one (destination shorthand). */
void apic_send_ipi_all_but_self(u32 mode, u8 vector);

/* LAPIC timer input frequency, measured against the TSC (0 before time_init). */
extern u64 apic_timer_hz;

/* Measure apic_timer_hz (needs a calibrated TSC). */
void apic_timer_calibrate(u64 tsc_hz);

/* Whether the timer uses TSC-deadline mode (CPUID, unless lapic_timer=oneshot). */
bool apic_timer_tsc_deadline(void);

/*
 * Arm this CPU's LAPIC timer (LOCAL_TIMER_VECTOR) to fire at system time
 * deadline (ns); a deadline in the past fires at once. Times beyond the
 * one-shot counter's range fire early; the caller re-arms.
 */
void apic_timer_arm(s64 deadline_ns);
void apic_timer_stop(void);

#endif
