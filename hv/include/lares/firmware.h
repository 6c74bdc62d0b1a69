/*
 * The machine as the firmware describes it: processors (local APIC ids),
 * IO-APICs, ISA interrupt overrides and local-APIC NMI wiring. Filled by
 * the ACPI MADT parser (lares/acpi.h) or, on machines without ACPI, by the
 * Intel MP table parser (lares/mptable.h). Pure data, no hardware access.
 */
#ifndef LARES_FIRMWARE_H
#define LARES_FIRMWARE_H

#include <lares/types.h>

/*
 * Parser capacities. These bound what the tables may list, not how many
 * CPUs Lares runs on (MAX_CPUS); entries beyond them are counted and dropped.
 */
#define FW_MAX_CPUS 512
#define FW_MAX_IOAPICS 16
#define FW_MAX_OVERRIDES 48
#define FW_MAX_NMIS 64

#define FW_CPU_ENABLED (1u << 0)        /* usable now */
#define FW_CPU_ONLINE_CAPABLE (1u << 1) /* disabled now, may be hot-added later */
#define FW_CPU_X2APIC (1u << 2)         /* listed by an x2APIC entry (32-bit id) */
#define FW_CPU_BOOT (1u << 3)           /* MP table: this is the boot processor */

#define FW_UID_ALL 0xffffffffu  /* an NMI entry that applies to every CPU */
#define FW_GSI_NONE 0xffffffffu /* IO-APIC whose GSI base the table does not give */

struct fw_cpu {
    u32 apic_id;
    u32 acpi_uid; /* ACPI processor UID (MP table: same as apic_id) */
    u32 flags;    /* FW_CPU_* */
};

struct fw_ioapic {
    u32 id;
    u32 addr; /* physical MMIO base */
    u32 gsi_base;
};

/* An ISA IRQ that is not identity-mapped or not edge/active-high. */
struct fw_irq_override {
    u8 bus;
    u8 source_irq;
    u16 flags; /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
    u32 gsi;
};

/* Which local-APIC LINT pin is wired to NMI, for one CPU or all. */
struct fw_lapic_nmi {
    u32 uid; /* ACPI UID, or APIC id if by_apic_id; FW_UID_ALL for all */
    bool by_apic_id;
    u8 lint;   /* 0 or 1 */
    u16 flags; /* MPS INTI flags */
};

struct fw_platform {
    const char *source; /* "ACPI" or "MP table" */
    u64 lapic_addr;     /* local APIC MMIO base */
    bool pcat_compat;   /* dual 8259 PICs present (must be masked) */

    unsigned nr_cpus;
    struct fw_cpu cpus[FW_MAX_CPUS];
    unsigned nr_ioapics;
    struct fw_ioapic ioapics[FW_MAX_IOAPICS];
    unsigned nr_overrides;
    struct fw_irq_override overrides[FW_MAX_OVERRIDES];
    unsigned nr_nmis;
    struct fw_lapic_nmi nmis[FW_MAX_NMIS];

    unsigned nr_dropped;    /* entries beyond the capacities above */
    unsigned nr_duplicates; /* CPU entries repeating an APIC id already listed */
    unsigned nr_invalid;    /* CPU entries with an invalid APIC id (0xff / ~0) */
};

/* Empty description (no CPUs); source names the parser. */
void fw_platform_init(struct fw_platform *p, const char *source);

/* Record one CPU; skips invalid or duplicate ids, counts overflow. */
void fw_add_cpu(struct fw_platform *p, u32 apic_id, u32 acpi_uid, u32 flags);

/* Number of CPUs with FW_CPU_ENABLED set. */
unsigned fw_enabled_cpus(const struct fw_platform *p);

/* Find a CPU by APIC id; NULL if it is not listed. */
const struct fw_cpu *fw_find_cpu(const struct fw_platform *p, u32 apic_id);

/*
 * The LINT pin wired to NMI for the CPU with this APIC id, per the tables.
 * Returns true and fills *lint and *flags if there is one.
 */
bool fw_lapic_nmi_for(const struct fw_platform *p, u32 apic_id, u8 *lint, u16 *flags);

#endif
