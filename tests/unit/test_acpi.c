/*
 * ACPI parsing on table images captured from QEMU 7.2 (SeaBIOS) and on
 * hand-made and corrupted tables. Every table is handed to the parser in
 * a heap buffer of exactly its length, so AddressSanitizer flags any read
 * beyond it.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/acpi.h>
#include <lares/errno.h>

#include "phys_image.h"
#include "table_builder.h"

/* Where SeaBIOS put things in the captures (see tests/unit/data/README.md). */
#define PC_RSDP 0xf59d0
#define PC_RSDT 0x7fe1bef
#define PC_MADT 0x7fe1aff
#define PC_HPET 0x7fe1b8f
#define PC_FADT 0x7fe1a8b
#define Q35_RSDP 0xf59e0
#define SPARE_PA 0x1000000 /* free space for hand-made tables */

static struct fw_platform plat;
static struct acpi_info info;

static int reset(void **state)
{
    phys_image_reset();
    return 0;
}

static int parse_found(void)
{
    u64 pa;
    const void *rsdp;

    assert_int_equal(acpi_find_rsdp(phys_image_map, &pa), 0);
    rsdp = phys_image_map(pa, ACPI_RSDP_V1_LEN);
    return acpi_parse(rsdp, ACPI_RSDP_V1_LEN, phys_image_map, &info, &plat);
}

static void check_qemu_io(void)
{
    static const u8 level_irqs[] = {5, 9, 10, 11};

    assert_int_equal(plat.lapic_addr, 0xfee00000);
    assert_true(plat.pcat_compat);
    assert_int_equal(plat.nr_ioapics, 1);
    assert_int_equal(plat.ioapics[0].id, 0);
    assert_int_equal(plat.ioapics[0].addr, 0xfec00000);
    assert_int_equal(plat.ioapics[0].gsi_base, 0);
    /* The timer (ISA IRQ 0) is on pin 2; PCI link IRQs are level-triggered, active high. */
    assert_int_equal(plat.nr_overrides, 5);
    assert_int_equal(plat.overrides[0].source_irq, 0);
    assert_int_equal(plat.overrides[0].gsi, 2);
    assert_int_equal(plat.overrides[0].flags, 0);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(plat.overrides[i + 1].source_irq, level_irqs[i]);
        assert_int_equal(plat.overrides[i + 1].gsi, level_irqs[i]);
        assert_int_equal(plat.overrides[i + 1].flags, 0xd);
    }
    assert_int_equal(plat.nr_nmis, 1);
    assert_int_equal(plat.nmis[0].uid, FW_UID_ALL);
    assert_int_equal(plat.nmis[0].lint, 1);
    assert_true(info.has_hpet);
    assert_int_equal(info.hpet.address, 0xfed00000);
    assert_int_equal(info.hpet.space_id, 0);
    assert_int_equal(info.hpet.block_id, 0x8086a201);
    assert_int_equal(info.rtc_century, 0x32);
}

static void pc_smp4_from_scan(void **state)
{
    u64 pa;

    phys_image_load("tests/unit/data/pc-smp4.phys");
    assert_int_equal(acpi_find_rsdp(phys_image_map, &pa), 0);
    assert_int_equal(pa, PC_RSDP);
    assert_int_equal(parse_found(), 0);
    assert_int_equal(info.revision, 0);
    assert_memory_equal(info.oem_id, "BOCHS ", 6);
    assert_false(info.xsdt);
    assert_int_equal(info.root_pa, PC_RSDT);
    assert_int_equal(info.nr_tables, 4); /* FACP APIC HPET WAET */
    assert_int_equal(info.nr_bad, 0);
    assert_true(info.has_madt);
    assert_string_equal(plat.source, "ACPI");
    assert_int_equal(plat.nr_cpus, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(plat.cpus[i].apic_id, i);
        assert_int_equal(plat.cpus[i].acpi_uid, i);
        assert_int_equal(plat.cpus[i].flags, FW_CPU_ENABLED);
    }
    assert_int_equal(fw_enabled_cpus(&plat), 4);
    check_qemu_io();
}

static void q35_smp4(void **state)
{
    u64 pa;

    phys_image_load("tests/unit/data/q35-smp4.phys");
    assert_int_equal(acpi_find_rsdp(phys_image_map, &pa), 0);
    assert_int_equal(pa, Q35_RSDP);
    assert_int_equal(parse_found(), 0);
    assert_int_equal(info.nr_tables, 5); /* FACP APIC HPET MCFG WAET */
    assert_int_equal(fw_enabled_cpus(&plat), 4);
    check_qemu_io();
}

static void pc_smp1(void **state)
{
    phys_image_load("tests/unit/data/pc-smp1.phys");
    assert_int_equal(parse_found(), 0);
    assert_int_equal(plat.nr_cpus, 1);
    assert_int_equal(plat.cpus[0].apic_id, 0);
    check_qemu_io();
}

static void hotpluggable_cpus_are_listed_but_not_enabled(void **state)
{
    phys_image_load("tests/unit/data/pc-smp2-max4.phys");
    assert_int_equal(parse_found(), 0);
    assert_int_equal(plat.nr_cpus, 4);
    assert_int_equal(fw_enabled_cpus(&plat), 2);
    assert_int_equal(plat.cpus[2].apic_id, 2);
    assert_int_equal(plat.cpus[2].flags, 0);
    assert_int_equal(plat.cpus[3].flags, 0);
}

static void multiboot2_copy_of_rsdp(void **state)
{
    u8 copy[36] = {0};

    phys_image_load("tests/unit/data/pc-smp4.phys");
    memcpy(copy, phys_image_record(PC_RSDP, NULL), 20);
    assert_int_equal(acpi_parse(copy, sizeof(copy), phys_image_map, &info, &plat), 0);
    assert_int_equal(plat.nr_cpus, 4);
}

/* An ACPI 2.0 RSDP whose XSDT lists the captured tables; the RSDT is broken. */
static void build_v2_rsdp(u8 rsdp[36], u64 xsdt_pa, u32 rsdt_pa)
{
    u32 len = 36;

    memset(rsdp, 0, 36);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "LARES ", 6);
    rsdp[15] = 2;
    memcpy(rsdp + 16, &rsdt_pa, 4);
    memcpy(rsdp + 20, &len, 4);
    memcpy(rsdp + 24, &xsdt_pa, 8);
    tb_fix_sum(rsdp, 20, 8);
    tb_fix_sum(rsdp, 36, 32);
}

static void put_xsdt(u64 pa, const u64 *tables, unsigned n)
{
    struct tb t;

    tb_acpi_header(&t, "XSDT");
    for (unsigned i = 0; i < n; i++)
        tb_u64(&t, tables[i]);
    tb_acpi_finish(&t);
    phys_image_put(pa, t.b, t.len);
}

static void xsdt_is_preferred_over_rsdt(void **state)
{
    static const u64 tables[] = {PC_FADT, PC_MADT, PC_HPET};
    u8 rsdp[36];

    phys_image_load("tests/unit/data/pc-smp4.phys");
    phys_image_record(PC_RSDT, NULL)[20] ^= 0xff; /* RSDT checksum now wrong */
    put_xsdt(SPARE_PA, tables, 3);
    build_v2_rsdp(rsdp, SPARE_PA, PC_RSDT);
    assert_int_equal(acpi_parse(rsdp, sizeof(rsdp), phys_image_map, &info, &plat), 0);
    assert_int_equal(info.revision, 2);
    assert_true(info.xsdt);
    assert_int_equal(info.root_pa, SPARE_PA);
    assert_int_equal(info.nr_tables, 3);
    assert_int_equal(plat.nr_cpus, 4);
    check_qemu_io();
}

static void bad_xsdt_falls_back_to_rsdt(void **state)
{
    static const u64 tables[] = {PC_MADT};
    u8 rsdp[36];

    phys_image_load("tests/unit/data/pc-smp4.phys");
    put_xsdt(SPARE_PA, tables, 1);
    phys_image_record(SPARE_PA, NULL)[36] ^= 1; /* XSDT checksum now wrong */
    build_v2_rsdp(rsdp, SPARE_PA, PC_RSDT);
    assert_int_equal(acpi_parse(rsdp, sizeof(rsdp), phys_image_map, &info, &plat), 0);
    assert_false(info.xsdt);
    assert_int_equal(info.root_pa, PC_RSDT);
    assert_int_equal(info.nr_tables, 4);
}

static void rsdp_checks(void **state)
{
    u8 rsdp[36];

    build_v2_rsdp(rsdp, SPARE_PA, 0);
    assert_int_equal(acpi_rsdp_check(rsdp, 36), 0);
    assert_int_equal(acpi_rsdp_check(rsdp, 20), -EINVAL); /* v2 needs all 36 bytes */
    assert_int_equal(acpi_rsdp_check(rsdp, 19), -EINVAL);
    rsdp[30] ^= 1; /* only the extended checksum covers byte 30 */
    assert_int_equal(acpi_rsdp_check(rsdp, 36), -EINVAL);
    build_v2_rsdp(rsdp, SPARE_PA, 0);
    rsdp[0] = 'X';
    assert_int_equal(acpi_rsdp_check(rsdp, 36), -EINVAL);
    build_v2_rsdp(rsdp, SPARE_PA, 0);
    rsdp[12] ^= 1;
    assert_int_equal(acpi_rsdp_check(rsdp, 36), -EINVAL);
}

static void rsdp_with_bad_checksum_is_not_found(void **state)
{
    u64 pa;

    phys_image_load("tests/unit/data/pc-smp4.phys");
    phys_image_record(PC_RSDP, NULL)[10] ^= 0x40;
    assert_int_equal(acpi_find_rsdp(phys_image_map, &pa), -ENOENT);
}

static void rsdp_in_ebda_is_found_first(void **state)
{
    u8 rsdp[36];
    u64 pa;

    phys_image_load("tests/unit/data/pc-smp4.phys");
    build_v2_rsdp(rsdp, SPARE_PA, PC_RSDT);
    phys_image_put(0x9fc00 + 0x40, rsdp, sizeof(rsdp)); /* BDA says EBDA is at 0x9fc00 */
    assert_int_equal(acpi_find_rsdp(phys_image_map, &pa), 0);
    assert_int_equal(pa, 0x9fc40);
}

static void table_with_bad_checksum_is_skipped(void **state)
{
    phys_image_load("tests/unit/data/pc-smp4.phys");
    phys_image_record(PC_MADT, NULL)[50] ^= 1;
    assert_int_equal(parse_found(), 0);
    assert_int_equal(info.nr_bad, 1);
    assert_false(info.has_madt);
    assert_int_equal(plat.nr_cpus, 0);
    assert_true(info.has_hpet);
}

static void table_longer_than_memory_is_skipped(void **state)
{
    u8 *madt;
    u32 len = 4096;

    phys_image_load("tests/unit/data/pc-smp4.phys");
    madt = phys_image_record(PC_MADT, NULL);
    memcpy(madt + 4, &len, 4); /* claims more than is there */
    assert_int_equal(parse_found(), 0);
    assert_int_equal(info.nr_bad, 1);
    assert_false(info.has_madt);
}

static void absurd_table_lengths_are_skipped(void **state)
{
    static const u32 lens[] = {0, 35, ACPI_TABLE_MAX + 1, 0xffffffff};

    for (unsigned i = 0; i < 4; i++) {
        phys_image_reset();
        phys_image_load("tests/unit/data/pc-smp4.phys");
        memcpy(phys_image_record(PC_HPET, NULL) + 4, &lens[i], 4);
        assert_int_equal(parse_found(), 0);
        assert_int_equal(info.nr_bad, 1);
        assert_false(info.has_hpet);
        assert_true(info.has_madt);
    }
}

static void root_table_problems_are_errors(void **state)
{
    u8 copy[36] = {0};
    u32 zero = 0, big = 0x7fffffff;

    phys_image_load("tests/unit/data/pc-smp4.phys");
    memcpy(copy, phys_image_record(PC_RSDP, NULL), 20);
    memcpy(copy + 16, &zero, 4); /* RSDT address 0 */
    tb_fix_sum(copy, 20, 8);
    assert_int_equal(acpi_parse(copy, sizeof(copy), phys_image_map, &info, &plat), -EINVAL);

    memcpy(copy + 16, &big, 4); /* RSDT address where nothing is */
    tb_fix_sum(copy, 20, 8);
    assert_int_equal(acpi_parse(copy, sizeof(copy), phys_image_map, &info, &plat), -EINVAL);

    size_t len;
    u8 *rsdt = phys_image_record(PC_RSDT, &len);

    memcpy(rsdt, "XSDT", 4); /* wrong signature, valid checksum */
    tb_fix_sum(rsdt, len, 9);
    assert_int_equal(parse_found(), -EINVAL);
}

static void rsdt_entries_pointing_nowhere_are_counted(void **state)
{
    struct tb t;
    u8 copy[36] = {0};
    u32 pa = SPARE_PA;

    phys_image_load("tests/unit/data/pc-smp4.phys");
    tb_acpi_header(&t, "RSDT");
    tb_u32(&t, 0);
    tb_u32(&t, 0x12345678);
    tb_u32(&t, PC_MADT);
    tb_acpi_finish(&t);
    phys_image_put(SPARE_PA, t.b, t.len);
    memcpy(copy, phys_image_record(PC_RSDP, NULL), 20);
    memcpy(copy + 16, &pa, 4);
    tb_fix_sum(copy, 20, 8);
    assert_int_equal(acpi_parse(copy, sizeof(copy), phys_image_map, &info, &plat), 0);
    assert_int_equal(info.nr_tables, 3);
    assert_int_equal(info.nr_bad, 2);
    assert_true(info.has_madt);
}

/* ---- MADT entries, parsed directly from exact-size heap buffers ---- */

static int parse_madt_exact(const struct tb *t)
{
    u8 *copy = malloc(t->len);
    int rc;

    memcpy(copy, t->b, t->len);
    rc = acpi_parse_madt(copy, t->len, &plat);
    free(copy);
    return rc;
}

static void madt_head(struct tb *t, u32 lapic, u32 flags)
{
    tb_acpi_header(t, "APIC");
    tb_u32(t, lapic);
    tb_u32(t, flags);
}

static void lapic_entry(struct tb *t, u8 uid, u8 id, u32 flags)
{
    tb_u8(t, 0);
    tb_u8(t, 8);
    tb_u8(t, uid);
    tb_u8(t, id);
    tb_u32(t, flags);
}

static void x2apic_entry(struct tb *t, u32 id, u32 flags, u32 uid)
{
    tb_u8(t, 9);
    tb_u8(t, 16);
    tb_u16(t, 0);
    tb_u32(t, id);
    tb_u32(t, flags);
    tb_u32(t, uid);
}

static void x2apic_entries_and_address_override(void **state)
{
    struct tb t;
    u8 lint;
    u16 flags;

    madt_head(&t, 0xfee00000, 0);
    lapic_entry(&t, 0, 0, 1);
    lapic_entry(&t, 1, 0xff, 1); /* invalid id: ignored */
    x2apic_entry(&t, 0x100, 1, 0x100);
    x2apic_entry(&t, 0x101, 2, 0x101);  /* online capable, not enabled */
    x2apic_entry(&t, 0x102, 0, 0x102);  /* neither */
    x2apic_entry(&t, 0, 1, 7);          /* repeats APIC id 0 */
    x2apic_entry(&t, 0xffffffff, 1, 9); /* invalid id */
    /* x2APIC NMI: UID 0x100 on LINT0, edge/active-low */
    tb_u8(&t, 10);
    tb_u8(&t, 12);
    tb_u16(&t, 0x3);
    tb_u32(&t, 0x100);
    tb_u8(&t, 0);
    tb_bytes(&t, "\0\0\0", 3);
    /* local APIC NMI for every CPU on LINT1 */
    tb_bytes(&t, "\x04\x06\xff\x00\x00\x01", 6);
    /* local APIC address override */
    tb_u8(&t, 5);
    tb_u8(&t, 12);
    tb_u16(&t, 0);
    tb_u64(&t, 0x1fee00000ULL);
    /* an entry type we do not know, skipped by its length */
    tb_bytes(&t, "\x7f\x05xyz", 5);
    tb_acpi_finish(&t);

    assert_int_equal(parse_madt_exact(&t), 0);
    assert_int_equal(plat.lapic_addr, 0x1fee00000ULL);
    assert_false(plat.pcat_compat);
    assert_int_equal(plat.nr_cpus, 4);
    assert_int_equal(plat.nr_invalid, 2);
    assert_int_equal(plat.nr_duplicates, 1);
    assert_int_equal(plat.cpus[1].apic_id, 0x100);
    assert_int_equal(plat.cpus[1].flags, FW_CPU_ENABLED | FW_CPU_X2APIC);
    assert_int_equal(plat.cpus[2].flags, FW_CPU_ONLINE_CAPABLE | FW_CPU_X2APIC);
    assert_int_equal(plat.cpus[3].flags, FW_CPU_X2APIC);
    assert_int_equal(fw_enabled_cpus(&plat), 2);

    assert_true(fw_lapic_nmi_for(&plat, 0x100, &lint, &flags));
    assert_int_equal(lint, 0);
    assert_int_equal(flags, 3);
    assert_true(fw_lapic_nmi_for(&plat, 0, &lint, &flags));
    assert_int_equal(lint, 1);
    assert_non_null(fw_find_cpu(&plat, 0x101));
    assert_null(fw_find_cpu(&plat, 0x103));
}

static void nmi_entry_for_one_cpu_only(void **state)
{
    struct tb t;
    u8 lint;
    u16 flags;

    madt_head(&t, 0xfee00000, 1);
    lapic_entry(&t, 5, 0, 1);
    lapic_entry(&t, 6, 1, 1);
    tb_bytes(&t, "\x04\x06\x06\x05\x00\x01", 6); /* UID 6 (APIC id 1), LINT1 */
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), 0);
    assert_false(fw_lapic_nmi_for(&plat, 0, &lint, &flags));
    assert_true(fw_lapic_nmi_for(&plat, 1, &lint, &flags));
    assert_int_equal(lint, 1);
    assert_int_equal(flags, 5);
}

static void too_many_cpus_are_counted_not_stored(void **state)
{
    static struct tb t;

    madt_head(&t, 0xfee00000, 0);
    for (u32 i = 0; i < FW_MAX_CPUS + 100; i++)
        x2apic_entry(&t, i, 1, i);
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), 0);
    assert_int_equal(plat.nr_cpus, FW_MAX_CPUS);
    assert_int_equal(plat.nr_dropped, 100);
}

static void too_many_ioapics_are_counted_not_stored(void **state)
{
    struct tb t;

    madt_head(&t, 0xfee00000, 0);
    for (u32 i = 0; i < FW_MAX_IOAPICS + 3; i++) {
        tb_u8(&t, 1);
        tb_u8(&t, 12);
        tb_u8(&t, (u8)i);
        tb_u8(&t, 0);
        tb_u32(&t, 0xfec00000 + i * 0x1000);
        tb_u32(&t, i * 24);
    }
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), 0);
    assert_int_equal(plat.nr_ioapics, FW_MAX_IOAPICS);
    assert_int_equal(plat.ioapics[3].gsi_base, 72);
    assert_int_equal(plat.nr_dropped, 3);
}

/* Malformed MADTs: each must be rejected, without reading past the buffer. */
static void malformed_madts_are_rejected(void **state)
{
    struct tb t;

    /* an entry with length 0 would loop forever */
    madt_head(&t, 0xfee00000, 0);
    lapic_entry(&t, 0, 0, 1);
    tb_bytes(&t, "\x00\x00\x00\x00\x00\x00\x00\x00", 8);
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), -EINVAL);
    assert_int_equal(plat.nr_cpus, 0);

    /* an entry that runs past the end of the table */
    madt_head(&t, 0xfee00000, 0);
    lapic_entry(&t, 0, 0, 1);
    tb_bytes(&t, "\x01\x0c\x00\x00\x00\x00", 6); /* IO-APIC entry, 12 bytes claimed, 6 present */
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), -EINVAL);

    /* a lone type byte at the end: not even a length */
    madt_head(&t, 0xfee00000, 0);
    lapic_entry(&t, 0, 0, 1);
    tb_u8(&t, 0);
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), -EINVAL);

    /* entries too short for their type */
    static const char *const short_entries[] = {
        "\x00\x06\x00\x00\x01\x00",                         /* LAPIC needs 8 */
        "\x09\x0c\x00\x00\x00\x01\x00\x00\x01\x00\x00\x00", /* x2APIC needs 16 */
        "\x02\x08\x00\x00\x00\x00\x00\x00",                 /* override needs 10 */
        "\x05\x08\x00\x00\x00\x00\xe0\xfe",                 /* address override needs 12 */
        "\x04\x05\xff\x00\x00",                             /* NMI needs 6 */
        "\x01\x01",                                         /* length 1 */
    };
    static const size_t short_lens[] = {6, 12, 8, 8, 5, 2};
    for (unsigned i = 0; i < 6; i++) {
        madt_head(&t, 0xfee00000, 0);
        tb_bytes(&t, short_entries[i], short_lens[i]);
        tb_acpi_finish(&t);
        assert_int_equal(parse_madt_exact(&t), -EINVAL);
    }

    /* shorter than the MADT head */
    tb_acpi_header(&t, "APIC");
    tb_u32(&t, 0xfee00000);
    tb_acpi_finish(&t);
    assert_int_equal(parse_madt_exact(&t), -EINVAL);

    /* length field disagreeing with the buffer */
    madt_head(&t, 0xfee00000, 0);
    lapic_entry(&t, 0, 0, 1);
    tb_acpi_finish(&t);
    t.len -= 4;
    assert_int_equal(parse_madt_exact(&t), -EINVAL);
}

static void malformed_madt_through_acpi_parse(void **state)
{
    struct tb t;
    u32 rsdt_pa = SPARE_PA + 0x1000;
    u32 madt_pa = SPARE_PA;
    u8 copy[36] = {0};

    phys_image_load("tests/unit/data/pc-smp4.phys");
    madt_head(&t, 0xfee00000, 1);
    lapic_entry(&t, 0, 0, 1);
    tb_bytes(&t, "\x01\x40\x00\x00", 4); /* runs past the end, checksum valid */
    tb_acpi_finish(&t);
    phys_image_put(madt_pa, t.b, t.len);
    tb_acpi_header(&t, "RSDT");
    tb_u32(&t, madt_pa);
    tb_u32(&t, PC_HPET);
    tb_acpi_finish(&t);
    phys_image_put(rsdt_pa, t.b, t.len);
    memcpy(copy, phys_image_record(PC_RSDP, NULL), 20);
    memcpy(copy + 16, &rsdt_pa, 4);
    tb_fix_sum(copy, 20, 8);

    assert_int_equal(acpi_parse(copy, sizeof(copy), phys_image_map, &info, &plat), 0);
    assert_false(info.has_madt);
    assert_int_equal(info.madt_error, -EINVAL);
    assert_int_equal(plat.nr_cpus, 0);
    assert_true(info.has_hpet);
}

static void hpet_table_too_short(void **state)
{
    struct tb t;
    struct acpi_hpet_info h;

    tb_acpi_header(&t, "HPET");
    tb_u32(&t, 0x8086a201);
    tb_acpi_finish(&t);
    assert_int_equal(acpi_parse_hpet(t.b, t.len, &h), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(pc_smp4_from_scan, reset),
        cmocka_unit_test_teardown(q35_smp4, reset),
        cmocka_unit_test_teardown(pc_smp1, reset),
        cmocka_unit_test_teardown(hotpluggable_cpus_are_listed_but_not_enabled, reset),
        cmocka_unit_test_teardown(multiboot2_copy_of_rsdp, reset),
        cmocka_unit_test_teardown(xsdt_is_preferred_over_rsdt, reset),
        cmocka_unit_test_teardown(bad_xsdt_falls_back_to_rsdt, reset),
        cmocka_unit_test(rsdp_checks),
        cmocka_unit_test_teardown(rsdp_with_bad_checksum_is_not_found, reset),
        cmocka_unit_test_teardown(rsdp_in_ebda_is_found_first, reset),
        cmocka_unit_test_teardown(table_with_bad_checksum_is_skipped, reset),
        cmocka_unit_test_teardown(table_longer_than_memory_is_skipped, reset),
        cmocka_unit_test_teardown(absurd_table_lengths_are_skipped, reset),
        cmocka_unit_test_teardown(root_table_problems_are_errors, reset),
        cmocka_unit_test_teardown(rsdt_entries_pointing_nowhere_are_counted, reset),
        cmocka_unit_test(x2apic_entries_and_address_override),
        cmocka_unit_test(nmi_entry_for_one_cpu_only),
        cmocka_unit_test(too_many_cpus_are_counted_not_stored),
        cmocka_unit_test(too_many_ioapics_are_counted_not_stored),
        cmocka_unit_test(malformed_madts_are_rejected),
        cmocka_unit_test_teardown(malformed_madt_through_acpi_parse, reset),
        cmocka_unit_test(hpet_table_too_short),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
