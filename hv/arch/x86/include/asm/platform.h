/*
 * What the firmware says about this machine (hv/arch/x86/platform.c):
 * CPUs, IO-APICs and interrupt overrides from the ACPI MADT, else from the
 * MP table, else just the boot CPU; and the ACPI extras (HPET, RTC century).
 */
#ifndef ASM_PLATFORM_H
#define ASM_PLATFORM_H

#include <lares/acpi.h>
#include <lares/bootinfo.h>
#include <lares/firmware.h>

/* NULL until platform_init() has run. */
extern const struct fw_platform *platform;

/* ACPI details (all zero/false when there is no usable ACPI). */
extern struct acpi_info acpi_info;

/*
 * Find and parse the firmware tables. Never fails: each fallback (no
 * ACPI -> MP table -> boot CPU only) prints one line saying so.
 */
void platform_init(const struct boot_info *bi);

#endif
