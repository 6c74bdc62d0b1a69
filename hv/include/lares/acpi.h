/*
 * ACPI static tables: finding and validating the RSDP, walking the XSDT
 * (RSDT as fallback), parsing the MADT into a struct fw_platform, the
 * HPET table and the FADT's RTC century register. Pure code: physical
 * memory is read through a boot_phys_fn, so it runs in host unit tests on
 * table images captured from QEMU. Nothing here trusts a length field
 * without checking it against what was mapped.
 */
#ifndef LARES_ACPI_H
#define LARES_ACPI_H

#include <lares/bootinfo.h>
#include <lares/compiler.h>
#include <lares/firmware.h>
#include <lares/types.h>

#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36
#define ACPI_HEADER_LEN 36
#define ACPI_TABLE_MAX (1u << 20) /* sanity bound for the tables we read */

struct acpi_rsdp {
    char signature[8]; /* "RSD PTR " */
    u8 checksum;       /* over the first 20 bytes */
    char oem_id[6];
    u8 revision; /* 0: ACPI 1.0 (RSDT only); 2+: XSDT fields valid */
    u32 rsdt_address;
    u32 length; /* whole structure, revision 2+ */
    u64 xsdt_address;
    u8 extended_checksum;
    u8 reserved[3];
} __packed;

struct acpi_header {
    char signature[4];
    u32 length; /* including this header */
    u8 revision;
    u8 checksum; /* all bytes of the table sum to 0 */
    char oem_id[6];
    char oem_table_id[8];
    u32 oem_revision;
    u32 creator_id;
    u32 creator_revision;
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != ACPI_RSDP_V2_LEN);
BUILD_BUG_ON(sizeof(struct acpi_header) != ACPI_HEADER_LEN);

/* The HPET table's event timer block. */
struct acpi_hpet_info {
    u64 address;  /* MMIO base of the register block */
    u8 space_id;  /* 0 = system memory (anything else is unusable) */
    u8 number;    /* HPET sequence number */
    u16 min_tick; /* minimum periodic tick, in main-counter ticks */
    u32 block_id; /* event timer block id (vendor, comparators, ...) */
};

struct acpi_info {
    u8 revision; /* RSDP revision */
    char oem_id[7];
    bool xsdt;          /* tables came from the XSDT (else the RSDT) */
    u64 root_pa;        /* physical address of the root table used */
    unsigned nr_tables; /* entries in the root table */
    unsigned nr_bad;    /* entries skipped: unmappable or bad checksum */
    bool has_madt;      /* a valid MADT was parsed into the fw_platform */
    int madt_error;     /* non-zero: the MADT was malformed and ignored */
    bool has_hpet;
    struct acpi_hpet_info hpet;
    u8 rtc_century; /* FADT CMOS century index, 0 if none */
};

/* Sum of len bytes mod 256 (0 for a valid ACPI structure). */
u8 acpi_checksum(const void *p, size_t len);

/* Check an RSDP of avail bytes: signature, checksum, extended checksum. */
int acpi_rsdp_check(const void *rsdp, size_t avail);

/*
 * Search for the RSDP the legacy-BIOS way: the first KiB of the EBDA (its
 * segment is at 0x40e in the BIOS data area), then 0xE0000-0xFFFFF, on
 * 16-byte boundaries. Returns 0 and *pa, or -ENOENT.
 */
int acpi_find_rsdp(boot_phys_fn phys, u64 *pa);

/*
 * Walk the tables below an RSDP (e.g. Multiboot 2's copy, or one found by
 * acpi_find_rsdp). Fills *info, and *plat from the MADT if it is valid; a
 * malformed MADT leaves *plat empty and sets info->madt_error. Tables that
 * cannot be mapped or have a bad checksum are skipped and counted. Returns
 * 0, or -EINVAL for a bad RSDP or when no valid root table exists.
 * Pointers phys returns must stay valid for the whole call.
 */
int acpi_parse(const void *rsdp, size_t rsdp_len, boot_phys_fn phys, struct acpi_info *info,
               struct fw_platform *plat);

/* Parse a MADT of len bytes (checksum already checked) into *plat. */
int acpi_parse_madt(const void *madt, size_t len, struct fw_platform *plat);

/* Parse an HPET table of len bytes (checksum already checked). */
int acpi_parse_hpet(const void *hpet, size_t len, struct acpi_hpet_info *out);

#endif
