/*
 * Measuring the TSC frequency against a reference clock of known rate:
 * the HPET (ACPI HPET table) or, without one, the PIT's channel 2.
 */
#ifndef ASM_CALIBRATE_H
#define ASM_CALIBRATE_H

#include <lares/types.h>

/* Both return the TSC frequency in Hz, or 0 if the reference is unusable. */
u64 tsc_calibrate_hpet(u64 hpet_pa, u64 window_ns);
u64 tsc_calibrate_pit(u64 window_ns);

#endif
