/*
 * ACPI tables for a PVH guest, built into a caller-provided buffer that
 * the caller then places at guest-physical address cfg->base.
 *
 * Linux reaches its Xen timer setup only when it finds a MADT listing the
 * LAPICs (linux-pvh.md §5.2), so every PVH domain gets these tables:
 *
 *   RSDP (rev 2, at base)  -> XSDT and RSDT -> FADT, MADT
 *   FADT (rev 5)           -> FACS, DSDT
 *   MADT: one enabled type-0 Local APIC entry per vCPU, no IO-APIC
 *
 * The RSDP is at cfg->base itself, so a layout can name rsdp_paddr before
 * the tables exist.
 */
#ifndef LARES_GUEST_ACPI_H
#define LARES_GUEST_ACPI_H

#include <lares/types.h>

#define GUEST_ACPI_LAPIC_BASE 0xfee00000u

/*
 * With a sleep port, the DSDT has \_S5 = {5, 5} and the FADT names an
 * 8-bit SLEEP_CONTROL register at port and SLEEP_STATUS at port + 1. Linux
 * powers off by writing (SLP_TYP << 2) | SLP_EN to SLEEP_CONTROL.
 */
#define GUEST_ACPI_SLP_TYP_S5 5
#define GUEST_ACPI_SLP_TYP_MASK 0x1c
#define GUEST_ACPI_SLP_TYP_SHIFT 2
#define GUEST_ACPI_SLP_EN 0x20

struct guest_acpi_config {
    u64 base;          /* guest-physical address of buf[0]; 64-byte aligned, below 4 GiB */
    unsigned nr_vcpus; /* 1..GUEST_MAX_VCPUS */
    u16 sleep_port;    /* 0: no ACPI power-off (guest halts with IF=0 instead); < 0xffff */
};

/* Upper bound of the bytes guest_acpi_build() uses for nr_vcpus vCPUs. */
size_t guest_acpi_size(unsigned nr_vcpus);

/*
 * Build the tables into buf[0, buf_size); the rest of buf is zeroed.
 * Returns 0 and sets *used (may be NULL), or
 *   -EINVAL  nr_vcpus out of range, base misaligned or too high, bad sleep_port
 *   -ENOSPC  buf_size < guest_acpi_size(nr_vcpus)
 */
int guest_acpi_build(const struct guest_acpi_config *cfg, void *buf, size_t buf_size, size_t *used);

#endif
