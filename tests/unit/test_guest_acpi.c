/*
 * guest_acpi_build(): read the tables back the way an OS does, with raw
 * ACPI-spec offsets (not the builder's structs): RSDP -> XSDT/RSDT -> each
 * table, checksums, FADT fields, FACS, DSDT AML, MADT entries.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/guest_acpi.h>
#include <lares/vcpu_topology.h>

#define BASE 0xfc000000ull
#define BUF 8192

static u8 buf[BUF];

static u16 rd16(const u8 *p)
{
    u16 v;
    memcpy(&v, p, 2);
    return v;
}
static u32 rd32(const u8 *p)
{
    u32 v;
    memcpy(&v, p, 4);
    return v;
}
static u64 rd64(const u8 *p)
{
    u64 v;
    memcpy(&v, p, 8);
    return v;
}

static u8 sum(const u8 *p, size_t n)
{
    u8 s = 0;
    while (n--)
        s += *p++;
    return s;
}

/* Guest-physical address -> pointer into buf, checking [gpa, gpa+len) is inside. */
static const u8 *at(u64 gpa, size_t len)
{
    assert_true(gpa >= BASE);
    assert_true(gpa - BASE + len <= BUF);
    return buf + (gpa - BASE);
}

/* A table at gpa: valid length and zero checksum; returns it. */
static const u8 *table(u64 gpa, const char *sig)
{
    const u8 *t = at(gpa, 36);
    u32 len = rd32(t + 4);

    assert_memory_equal(t, sig, 4);
    assert_true(len >= 36);
    t = at(gpa, len);
    assert_int_equal(sum(t, len), 0);
    assert_memory_equal(t + 10, "LARES ", 6);
    return t;
}

struct found {
    const u8 *fadt, *madt, *facs, *dsdt;
    u32 nr_sdt;
};

static void walk(u64 rsdp_gpa, struct found *f)
{
    const u8 *r = at(rsdp_gpa, 36);
    const u8 *x, *rs;
    u32 n;

    memset(f, 0, sizeof(*f));
    assert_memory_equal(r, "RSD PTR ", 8);
    assert_true(rsdp_gpa % 16 == 0);
    assert_int_equal(sum(r, 20), 0);
    assert_int_equal(r[15], 2);         /* revision */
    assert_int_equal(rd32(r + 20), 36); /* length */
    assert_int_equal(sum(r, 36), 0);

    x = table(rd64(r + 24), "XSDT");
    rs = table(rd32(r + 16), "RSDT");
    n = (rd32(x + 4) - 36) / 8;
    assert_int_equal(rd32(x + 4), 36 + 8 * n);
    assert_int_equal(rd32(rs + 4), 36 + 4 * n);
    f->nr_sdt = n;
    for (u32 i = 0; i < n; i++) {
        u64 e = rd64(x + 36 + 8 * i);
        assert_int_equal(rd32(rs + 36 + 4 * i), e); /* RSDT lists the same tables */
        const u8 *t = at(e, 4);
        if (!memcmp(t, "FACP", 4))
            f->fadt = table(e, "FACP");
        else if (!memcmp(t, "APIC", 4))
            f->madt = table(e, "APIC");
        else
            fail_msg("unexpected table %.4s", (const char *)t);
    }
    assert_non_null(f->fadt);
    assert_non_null(f->madt);

    /* FADT: FACS and DSDT through both address widths. */
    u64 facs = rd64(f->fadt + 132), dsdt = rd64(f->fadt + 140);
    assert_int_equal(rd32(f->fadt + 36), facs);
    assert_int_equal(rd32(f->fadt + 40), dsdt);
    f->facs = at(facs, 64);
    assert_true(facs % 64 == 0);
    assert_memory_equal(f->facs, "FACS", 4);
    assert_int_equal(rd32(f->facs + 4), 64);
    f->dsdt = table(dsdt, "DSDT");
}

static size_t build(unsigned nr_vcpus, u16 sleep_port)
{
    struct guest_acpi_config cfg = {.base = BASE, .nr_vcpus = nr_vcpus, .sleep_port = sleep_port};
    size_t used = 0;

    memset(buf, 0xee, sizeof(buf));
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), &used), 0);
    assert_true(used > 0 && used <= guest_acpi_size(nr_vcpus));
    /* Nothing is left over from before in the buffer. */
    for (size_t i = used; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    return used;
}

static void one_vcpu_tables_parse(void **state)
{
    struct found f;

    build(1, 0);
    walk(BASE, &f); /* the RSDP is at the base */
    assert_int_equal(f.nr_sdt, 2);

    /* FADT */
    assert_int_equal(f.fadt[8], 5); /* revision */
    assert_int_equal(rd32(f.fadt + 4), 268);
    u16 boot_arch = rd16(f.fadt + 109);
    assert_true(boot_arch & (1 << 2));            /* NO_VGA */
    assert_true(boot_arch & (1 << 5));            /* NO_CMOS_RTC */
    assert_false(boot_arch & (1 << 1));           /* no 8042 */
    assert_true(rd32(f.fadt + 112) & (1u << 20)); /* HW_REDUCED_ACPI */
    assert_int_equal(rd32(f.fadt + 56), 0);       /* no PM1a event block */
    assert_int_equal(rd32(f.fadt + 76), 0);       /* no PM timer */
    assert_int_equal(rd64(f.fadt + 244 + 4), 0);  /* no SLEEP_CONTROL */

    /* Empty DSDT: a bare definition block. */
    assert_int_equal(rd32(f.dsdt + 4), 36);
    assert_int_equal(f.dsdt[8], 2);

    /* MADT */
    assert_int_equal(rd32(f.madt + 4), 44 + 8);
    assert_int_equal(rd32(f.madt + 36), 0xfee00000);
    assert_int_equal(rd32(f.madt + 40), 0); /* no PCAT_COMPAT */
    const u8 *e = f.madt + 44;
    assert_int_equal(e[0], 0);
    assert_int_equal(e[1], 8);
    assert_int_equal(e[2], 0);
    assert_int_equal(e[3], 0);
    assert_int_equal(rd32(e + 4), 1);
}

static void madt_lists_every_vcpu(void **state)
{
    static const unsigned counts[] = {2, 3, 8, 64, GUEST_MAX_VCPUS};

    for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
        unsigned n = counts[c];
        struct found f;
        u8 seen_apic[256] = {0};

        build(n, 0);
        walk(BASE, &f);
        u32 len = rd32(f.madt + 4);
        assert_int_equal(len, 44 + 8 * n);
        /* Walk the entries by their own length fields. */
        unsigned v = 0;
        for (u32 off = 44; off < len; off += f.madt[off + 1], v++) {
            const u8 *e = f.madt + off;
            assert_int_equal(e[0], 0);
            assert_int_equal(e[1], 8);
            assert_int_equal(e[2], v);               /* ACPI id = vCPU id */
            assert_int_equal(e[3], vcpu_apic_id(v)); /* APIC id = 2 * vCPU id */
            assert_int_equal(e[3], 2 * v);
            assert_int_equal(rd32(e + 4), 1);
            assert_true(e[3] != 0xff);
            assert_int_equal(seen_apic[e[3]]++, 0);
        }
        assert_int_equal(v, n);
    }
}

static void sleep_port_adds_s5_and_registers(void **state)
{
    static const u8 s5[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x08,
                            0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
    struct found f;

    build(2, 0xb100);
    walk(BASE, &f);
    assert_int_equal(rd32(f.dsdt + 4), 36 + sizeof(s5));
    assert_memory_equal(f.dsdt + 36, s5, sizeof(s5));
    /* GAS: SystemIO, 8 bits, byte access, port */
    const u8 *ctl = f.fadt + 244, *sts = f.fadt + 256;
    assert_int_equal(ctl[0], 1);
    assert_int_equal(ctl[1], 8);
    assert_int_equal(ctl[2], 0);
    assert_int_equal(ctl[3], 1);
    assert_int_equal(rd64(ctl + 4), 0xb100);
    assert_int_equal(sts[0], 1);
    assert_int_equal(rd64(sts + 4), 0xb101);
    /* What Linux writes on power-off decodes as S5. */
    u8 v = (GUEST_ACPI_SLP_TYP_S5 << GUEST_ACPI_SLP_TYP_SHIFT) | GUEST_ACPI_SLP_EN;
    assert_int_equal((v & GUEST_ACPI_SLP_TYP_MASK) >> GUEST_ACPI_SLP_TYP_SHIFT, 5);
}

static void size_bounds(void **state)
{
    /* Everything fits in one page even at the vCPU maximum. */
    assert_true(guest_acpi_size(GUEST_MAX_VCPUS) <= 4096);
    assert_true(guest_acpi_size(1) < guest_acpi_size(2));
    assert_int_equal(build(GUEST_MAX_VCPUS, 0x1234), guest_acpi_size(GUEST_MAX_VCPUS));
}

static void tables_point_into_the_given_base(void **state)
{
    struct guest_acpi_config cfg = {.base = 0x9f000, .nr_vcpus = 4};
    u8 other[BUF];
    size_t used;

    assert_int_equal(guest_acpi_build(&cfg, other, sizeof(other), &used), 0);
    assert_int_equal(rd64(other + 24) - 0x9f000 < used, 1); /* XSDT inside */
    assert_int_equal(rd32(other + 16) - 0x9f000 < used, 1); /* RSDT inside */
}

static void bad_requests(void **state)
{
    struct guest_acpi_config cfg = {.base = BASE, .nr_vcpus = 1};
    size_t need = guest_acpi_size(1);
    u8 *exact = malloc(need);

    cfg.nr_vcpus = 0;
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), NULL), -EINVAL);
    cfg.nr_vcpus = GUEST_MAX_VCPUS + 1;
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), NULL), -EINVAL);
    cfg.nr_vcpus = 1;
    cfg.base = BASE + 16;
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), NULL), -EINVAL);
    cfg.base = 1ull << 32;
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), NULL), -EINVAL);
    cfg.base = (1ull << 32) - 64; /* tables would cross 4 GiB */
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), NULL), -EINVAL);
    cfg.base = BASE;
    cfg.sleep_port = 0xffff;
    assert_int_equal(guest_acpi_build(&cfg, buf, sizeof(buf), NULL), -EINVAL);
    cfg.sleep_port = 0;
    assert_int_equal(guest_acpi_build(&cfg, exact, need - 1, NULL), -ENOSPC);
    /* An exact-size heap buffer: ASan would see any write past it. */
    assert_int_equal(guest_acpi_build(&cfg, exact, need, NULL), 0);
    free(exact);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_vcpu_tables_parse),
        cmocka_unit_test(madt_lists_every_vcpu),
        cmocka_unit_test(sleep_port_adds_s5_and_registers),
        cmocka_unit_test(size_bounds),
        cmocka_unit_test(tables_point_into_the_given_base),
        cmocka_unit_test(bad_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
