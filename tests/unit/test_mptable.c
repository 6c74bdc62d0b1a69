/*
 * MP table parsing on SeaBIOS's table (QEMU 7.2, -M pc,acpi=off -smp 4)
 * and on hand-made and corrupted tables.
 */
#include "unit.h"

#include <string.h>
#include <lares/errno.h>
#include <lares/mptable.h>

#include "phys_image.h"
#include "table_builder.h"

#define SEABIOS_MPF 0xf5bb0
#define SEABIOS_MPC 0xf5bc0
#define MPF_PA 0x9fc00 /* the EBDA, per the captured BIOS data area */
#define MPC_PA 0x9fc10

static struct fw_platform plat;

static int reset(void **state)
{
    phys_image_reset();
    return 0;
}

static void seabios_table(void **state)
{
    u64 pa;
    u8 lint;
    u16 flags;

    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    assert_int_equal(mptable_find(phys_image_map, &pa), 0);
    assert_int_equal(pa, SEABIOS_MPF);
    assert_int_equal(mptable_parse(pa, phys_image_map, &plat), 0);
    assert_string_equal(plat.source, "MP table");
    assert_int_equal(plat.lapic_addr, 0xfee00000);
    /* SeaBIOS lists the boot CPU only (it enumerates CPUs it started itself). */
    assert_int_equal(plat.nr_cpus, 1);
    assert_int_equal(plat.cpus[0].apic_id, 0);
    assert_int_equal(plat.cpus[0].flags, FW_CPU_ENABLED | FW_CPU_BOOT);
    assert_int_equal(plat.nr_ioapics, 1);
    assert_int_equal(plat.ioapics[0].addr, 0xfec00000);
    assert_int_equal(plat.ioapics[0].gsi_base, 0);
    /* ISA IRQ 0 arrives on pin 2; the other ISA IRQs are identity-mapped. */
    assert_int_equal(plat.nr_overrides, 1);
    assert_int_equal(plat.overrides[0].source_irq, 0);
    assert_int_equal(plat.overrides[0].gsi, 2);
    assert_true(fw_lapic_nmi_for(&plat, 0, &lint, &flags));
    assert_int_equal(lint, 1);
}

/* Floating pointer at MPF_PA naming a table built by the caller at MPC_PA. */
static void put_mpf(u32 table, u8 default_config)
{
    u8 f[16] = {'_', 'M', 'P', '_'};

    memcpy(f + 4, &table, 4);
    f[8] = 1;
    f[9] = 4;
    f[11] = default_config;
    tb_fix_sum(f, 16, 10);
    phys_image_put(MPF_PA, f, 16);
}

static void mpc_header(struct tb *t, u16 count)
{
    t->len = 0;
    tb_bytes(t, "PCMP", 4);
    tb_u16(t, 0); /* length, filled by mpc_finish */
    tb_u8(t, 4);
    tb_u8(t, 0);
    tb_bytes(t, "LARES   UNITTEST    ", 20);
    tb_u32(t, 0);
    tb_u16(t, 0);
    tb_u16(t, count);
    tb_u32(t, 0xfee00000);
    tb_u16(t, 0);
    tb_u8(t, 0);
    tb_u8(t, 0);
}

static void mpc_finish(struct tb *t)
{
    u16 len = (u16)t->len;

    memcpy(t->b + 4, &len, 2);
    tb_fix_sum(t->b, t->len, 7);
    phys_image_put(MPC_PA, t->b, t->len);
}

static void cpu_entry(struct tb *t, u8 id, u8 flags)
{
    tb_u8(t, 0);
    tb_u8(t, id);
    tb_u8(t, 0x14);
    tb_u8(t, flags);
    tb_bytes(t, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
}

static void small_entry(struct tb *t, const char *bytes)
{
    tb_bytes(t, bytes, 8);
}

static int build_and_parse(struct tb *t)
{
    u64 pa;

    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    phys_image_record(SEABIOS_MPF, NULL)[0] = 'X'; /* hide SeaBIOS's own table */
    mpc_finish(t);
    put_mpf(MPC_PA, 0);
    assert_int_equal(mptable_find(phys_image_map, &pa), 0);
    assert_int_equal(pa, MPF_PA); /* the EBDA is searched first */
    return mptable_parse(pa, phys_image_map, &plat);
}

static void four_cpus_two_ioapics(void **state)
{
    struct tb t;
    u8 lint;
    u16 flags;

    mpc_header(&t, 11);
    cpu_entry(&t, 0, 3);
    cpu_entry(&t, 1, 1);
    cpu_entry(&t, 2, 0); /* unusable: not listed */
    cpu_entry(&t, 6, 1);
    small_entry(&t, "\x01\x00PCI   ");
    small_entry(&t, "\x01\x01ISA   ");
    small_entry(&t, "\x02\x08\x11\x01\x00\x00\xc0\xfe");
    small_entry(&t, "\x02\x09\x11\x01\x00\x10\xc0\xfe");
    small_entry(&t, "\x03\x00\x0f\x00\x01\x09\x08\x14"); /* ISA 9 -> pin 20, level/low */
    small_entry(&t, "\x03\x00\x00\x00\x00\x04\x08\x10"); /* PCI: not an ISA override */
    small_entry(&t, "\x04\x01\x00\x00\x01\x00\x06\x00"); /* NMI on LINT0 of APIC id 6 */
    assert_int_equal(build_and_parse(&t), 0);

    assert_int_equal(plat.nr_cpus, 3);
    assert_int_equal(plat.cpus[2].apic_id, 6);
    assert_int_equal(plat.cpus[0].flags, FW_CPU_ENABLED | FW_CPU_BOOT);
    assert_int_equal(plat.nr_ioapics, 2);
    assert_int_equal(plat.ioapics[1].id, 9);
    assert_int_equal(plat.ioapics[1].addr, 0xfec01000);
    assert_int_equal(plat.ioapics[1].gsi_base, FW_GSI_NONE);
    assert_int_equal(plat.nr_overrides, 1);
    assert_int_equal(plat.overrides[0].source_irq, 9);
    assert_int_equal(plat.overrides[0].gsi, 20);
    assert_int_equal(plat.overrides[0].flags, 0xf);
    assert_false(fw_lapic_nmi_for(&plat, 0, &lint, &flags));
    assert_true(fw_lapic_nmi_for(&plat, 6, &lint, &flags));
    assert_int_equal(lint, 0);
}

static void default_configuration_is_not_supported(void **state)
{
    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    put_mpf(0, 5);
    assert_int_equal(mptable_parse(MPF_PA, phys_image_map, &plat), -EOPNOTSUPP);
    assert_int_equal(plat.nr_cpus, 0);
}

static void malformed_tables_are_rejected(void **state)
{
    struct tb t;

    /* unknown entry type: the rest cannot be sized */
    mpc_header(&t, 2);
    cpu_entry(&t, 0, 3);
    small_entry(&t, "\x07\x00\x00\x00\x00\x00\x00\x00");
    assert_int_equal(build_and_parse(&t), -EINVAL);
    assert_int_equal(plat.nr_cpus, 0);
    reset(NULL);

    /* more entries counted than the length holds */
    mpc_header(&t, 3);
    cpu_entry(&t, 0, 3);
    cpu_entry(&t, 1, 1);
    assert_int_equal(build_and_parse(&t), -EINVAL);
    reset(NULL);

    /* a processor entry cut short by the table length */
    mpc_header(&t, 2);
    cpu_entry(&t, 0, 3);
    small_entry(&t, "\x00\x01\x14\x01\x00\x00\x00\x00");
    assert_int_equal(build_and_parse(&t), -EINVAL);
    reset(NULL);

    /* bad checksum */
    mpc_header(&t, 1);
    cpu_entry(&t, 0, 3);
    mpc_finish(&t);
    phys_image_record(MPC_PA, NULL)[45] ^= 1;
    put_mpf(MPC_PA, 0);
    assert_int_equal(mptable_parse(MPF_PA, phys_image_map, &plat), -EINVAL);
    reset(NULL);

    /* length shorter than the header */
    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    mpc_header(&t, 0);
    mpc_finish(&t);
    memcpy(phys_image_record(MPC_PA, NULL) + 4, "\x10\x00", 2);
    put_mpf(MPC_PA, 0);
    assert_int_equal(mptable_parse(MPF_PA, phys_image_map, &plat), -EINVAL);
    reset(NULL);

    /* length longer than the memory that holds the table */
    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    mpc_header(&t, 1);
    cpu_entry(&t, 0, 3);
    mpc_finish(&t);
    memcpy(phys_image_record(MPC_PA, NULL) + 4, "\x00\x10", 2);
    put_mpf(MPC_PA, 0);
    assert_int_equal(mptable_parse(MPF_PA, phys_image_map, &plat), -EINVAL);
    reset(NULL);

    /* a floating pointer naming a table where there is nothing */
    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    put_mpf(0x5000000, 0);
    assert_int_equal(mptable_parse(MPF_PA, phys_image_map, &plat), -EINVAL);
}

static void floating_pointer_checks(void **state)
{
    u64 pa;
    u8 *f;

    phys_image_load("tests/unit/data/pc-noacpi-smp4.phys");
    f = phys_image_record(SEABIOS_MPF, NULL);
    f[9] = 2; /* unknown revision (checksum now off too) */
    tb_fix_sum(f, 16, 10);
    assert_int_equal(mptable_find(phys_image_map, &pa), -ENOENT);
    f[9] = 4;
    f[8] = 2; /* length must be one paragraph */
    tb_fix_sum(f, 16, 10);
    assert_int_equal(mptable_find(phys_image_map, &pa), -ENOENT);
    f[8] = 1;
    f[3] ^= 1;
    assert_int_equal(mptable_find(phys_image_map, &pa), -ENOENT);
    assert_int_equal(mptable_parse(SEABIOS_MPF, phys_image_map, &plat), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(seabios_table, reset),
        cmocka_unit_test_teardown(four_cpus_two_ioapics, reset),
        cmocka_unit_test_teardown(default_configuration_is_not_supported, reset),
        cmocka_unit_test_teardown(malformed_tables_are_rejected, reset),
        cmocka_unit_test_teardown(floating_pointer_checks, reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
