/*
 * Guest ACPI tables (see lares/guest_acpi.h). Layouts from the ACPI
 * specification (6.x): table header, RSDP 2.0, FADT 5.0, FACS, MADT.
 *
 * FADT: hardware-reduced (flags.HW_REDUCED_ACPI), unlike libxl, which
 * points PM1a/PM timer/GPE0 at I/O ports nothing decodes. A PVH guest
 * has no fixed ACPI hardware, no SCI, no PIC and no PIT. Saying so
 * keeps ACPICA away from PM1/GPE registers it would otherwise read as
 * all-ones, and Linux then picks the null PIC and skips PIT/HPET timer
 * setup. linux-pvh.md §5.2 recommends the same. Power-off
 * then uses the optional SLEEP_CONTROL register plus \_S5.
 */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/guest_acpi.h>
#include <lares/string.h>
#include <lares/vcpu_topology.h>

#define OEM_ID "LARES "
#define OEM_TABLE_ID "LARESPVH"
#define OEM_REVISION 1
#define CREATOR_ID "LRES"
#define CREATOR_REVISION 1

struct acpi_header {
    char signature[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem_id[6];
    char oem_table_id[8];
    u32 oem_revision;
    char creator_id[4];
    u32 creator_revision;
} __packed;

struct acpi_rsdp {
    char signature[8];
    u8 checksum; /* first 20 bytes */
    char oem_id[6];
    u8 revision;
    u32 rsdt_address;
    u32 length;
    u64 xsdt_address;
    u8 extended_checksum; /* all 36 bytes */
    u8 reserved[3];
} __packed;

/* Generic Address Structure */
struct acpi_gas {
    u8 space_id;
    u8 bit_width;
    u8 bit_offset;
    u8 access_size;
    u64 address;
} __packed;

#define GAS_SPACE_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1

struct acpi_fadt {
    struct acpi_header h;
    u32 firmware_ctrl;
    u32 dsdt;
    u8 reserved0;
    u8 preferred_pm_profile;
    u16 sci_int;
    u32 smi_cmd;
    u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
    u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
    u32 pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
    u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
    u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
    u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
    u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
    u16 iapc_boot_arch;
    u8 reserved1;
    u32 flags;
    struct acpi_gas reset_reg;
    u8 reset_value;
    u16 arm_boot_arch;
    u8 minor_revision;
    u64 x_firmware_ctrl;
    u64 x_dsdt;
    struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
    struct acpi_gas sleep_control, sleep_status;
} __packed;

#define FADT_REVISION 5
#define FADT_WBINVD (1u << 0)
#define FADT_PWR_BUTTON (1u << 4) /* no fixed power button */
#define FADT_SLP_BUTTON (1u << 5) /* no fixed sleep button */
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define BOOT_ARCH_NO_VGA (1u << 2)
#define BOOT_ARCH_NO_CMOS_RTC (1u << 5) /* and bit 1 (8042 present) clear */

struct acpi_facs {
    char signature[4];
    u32 length;
    u32 hardware_signature;
    u32 firmware_waking_vector;
    u32 global_lock;
    u32 flags;
    u64 x_firmware_waking_vector;
    u8 version;
    u8 reserved0[3];
    u32 ospm_flags;
    u8 reserved1[24];
} __packed;

struct acpi_madt {
    struct acpi_header h;
    u32 lapic_address;
    u32 flags; /* 0: no PCAT_COMPAT, so Linux probes for (and finds no) 8259 */
} __packed;

struct acpi_madt_lapic {
    u8 type;   /* 0 */
    u8 length; /* 8 */
    u8 acpi_processor_id;
    u8 apic_id;
    u32 flags; /* bit 0: enabled */
} __packed;

#define MADT_REVISION 2 /* as libxl */
#define MADT_TYPE_LAPIC 0
#define MADT_LAPIC_ENABLED 1u

_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS");
_Static_assert(__builtin_offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT boot arch");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(__builtin_offsetof(struct acpi_fadt, minor_revision) == 131, "FADT minor");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_firmware_ctrl) == 132, "FADT X_FACS");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sleep_control) == 244, "FADT sleep ctl");
_Static_assert(sizeof(struct acpi_fadt) == 268, "FADT rev 5 size");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC entry");

/* Name (\_S5, Package () { 5, 5, 0, 0 }) in AML. */
/* clang-format off */
static const u8 aml_s5[] = {
    0x08, '_', 'S', '5', '_',       /* NameOp "_S5_" */
    0x12, 0x08, 0x04,               /* PackageOp, PkgLength 8, 4 elements */
    0x0a, GUEST_ACPI_SLP_TYP_S5,    /* BytePrefix 5: SLP_TYPa */
    0x0a, GUEST_ACPI_SLP_TYP_S5,    /* SLP_TYPb */
    0x00, 0x00,                     /* ZeroOp x2 */
};
/* clang-format on */

/* Offsets of each table inside the buffer; everything is 16-byte aligned. */
struct acpi_layout {
    size_t rsdp, facs, xsdt, rsdt, fadt, dsdt, madt, end;
    size_t dsdt_len, madt_len;
};

#define NR_SDT_ENTRIES 2 /* FADT, MADT */

static void plan(unsigned nr_vcpus, bool with_s5, struct acpi_layout *l)
{
    /* The FACS must be 64-byte aligned; put it right after the RSDP. */
    l->rsdp = 0;
    l->facs = 64;
    l->xsdt = l->facs + sizeof(struct acpi_facs);
    l->rsdt = ROUNDUP(l->xsdt + sizeof(struct acpi_header) + 8 * NR_SDT_ENTRIES, 16);
    l->fadt = ROUNDUP(l->rsdt + sizeof(struct acpi_header) + 4 * NR_SDT_ENTRIES, 16);
    l->dsdt = ROUNDUP(l->fadt + sizeof(struct acpi_fadt), 16);
    l->dsdt_len = sizeof(struct acpi_header) + (with_s5 ? sizeof(aml_s5) : 0);
    l->madt = ROUNDUP(l->dsdt + l->dsdt_len, 16);
    l->madt_len = sizeof(struct acpi_madt) + nr_vcpus * sizeof(struct acpi_madt_lapic);
    l->end = l->madt + l->madt_len;
}

size_t guest_acpi_size(unsigned nr_vcpus)
{
    struct acpi_layout l;

    plan(nr_vcpus > GUEST_MAX_VCPUS ? GUEST_MAX_VCPUS : nr_vcpus, true, &l);
    return l.end;
}

static u8 checksum(const void *p, size_t len)
{
    const u8 *b = p;
    u8 sum = 0;

    while (len--)
        sum += *b++;
    return (u8)-sum;
}

static void header(void *table, const char sig[4], size_t len, u8 revision)
{
    struct acpi_header *h = table;

    memcpy(h->signature, sig, 4);
    h->length = (u32)len;
    h->revision = revision;
    memcpy(h->oem_id, OEM_ID, 6);
    memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
    h->oem_revision = OEM_REVISION;
    memcpy(h->creator_id, CREATOR_ID, 4);
    h->creator_revision = CREATOR_REVISION;
}

/* Must be the last write to a table. */
static void seal(void *table)
{
    struct acpi_header *h = table;

    h->checksum = 0;
    h->checksum = checksum(table, h->length);
}

static void build_rsdp(u8 *buf, u64 base, const struct acpi_layout *l)
{
    struct acpi_rsdp r;

    memset(&r, 0, sizeof(r));
    memcpy(r.signature, "RSD PTR ", 8);
    memcpy(r.oem_id, OEM_ID, 6);
    r.revision = 2;
    r.rsdt_address = (u32)(base + l->rsdt);
    r.length = sizeof(r);
    r.xsdt_address = base + l->xsdt;
    r.checksum = checksum(&r, 20);
    r.extended_checksum = checksum(&r, sizeof(r));
    memcpy(buf + l->rsdp, &r, sizeof(r));
}

static void build_facs(u8 *buf, const struct acpi_layout *l)
{
    struct acpi_facs f;

    memset(&f, 0, sizeof(f));
    memcpy(f.signature, "FACS", 4);
    f.length = sizeof(f);
    f.version = 2;
    memcpy(buf + l->facs, &f, sizeof(f));
}

/* XSDT (8-byte entries) and RSDT (4-byte entries) listing FADT and MADT. */
static void build_sdts(u8 *buf, u64 base, const struct acpi_layout *l)
{
    const u64 entries[NR_SDT_ENTRIES] = {base + l->fadt, base + l->madt};
    u8 *x = buf + l->xsdt, *r = buf + l->rsdt;

    header(x, "XSDT", sizeof(struct acpi_header) + 8 * NR_SDT_ENTRIES, 1);
    header(r, "RSDT", sizeof(struct acpi_header) + 4 * NR_SDT_ENTRIES, 1);
    for (unsigned i = 0; i < NR_SDT_ENTRIES; i++) {
        u32 e32 = (u32)entries[i];
        memcpy(x + sizeof(struct acpi_header) + 8 * i, &entries[i], 8);
        memcpy(r + sizeof(struct acpi_header) + 4 * i, &e32, 4);
    }
    seal(x);
    seal(r);
}

static void sleep_reg(struct acpi_gas *g, u16 port)
{
    g->space_id = GAS_SPACE_SYSTEM_IO;
    g->bit_width = 8;
    g->bit_offset = 0;
    g->access_size = GAS_ACCESS_BYTE;
    g->address = port;
}

static void build_fadt(u8 *buf, u64 base, const struct acpi_layout *l, u16 sleep_port)
{
    struct acpi_fadt f;

    memset(&f, 0, sizeof(f));
    header(&f, "FACP", sizeof(f), FADT_REVISION);
    /* Both widths, equal: ACPICA only warns when they differ. */
    f.firmware_ctrl = (u32)(base + l->facs);
    f.x_firmware_ctrl = base + l->facs;
    f.dsdt = (u32)(base + l->dsdt);
    f.x_dsdt = base + l->dsdt;
    f.iapc_boot_arch = BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC;
    f.flags = FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_HW_REDUCED_ACPI;
    if (sleep_port) {
        sleep_reg(&f.sleep_control, sleep_port);
        sleep_reg(&f.sleep_status, sleep_port + 1);
    }
    memcpy(buf + l->fadt, &f, sizeof(f));
    seal(buf + l->fadt);
}

static void build_dsdt(u8 *buf, const struct acpi_layout *l, bool with_s5)
{
    u8 *d = buf + l->dsdt;

    header(d, "DSDT", l->dsdt_len, 2); /* revision 2: 64-bit AML integers */
    if (with_s5)
        memcpy(d + sizeof(struct acpi_header), aml_s5, sizeof(aml_s5));
    seal(d);
}

static void build_madt(u8 *buf, const struct acpi_layout *l, unsigned nr_vcpus)
{
    u8 *m = buf + l->madt;
    struct acpi_madt madt;

    memset(&madt, 0, sizeof(madt));
    header(&madt, "APIC", l->madt_len, MADT_REVISION);
    madt.lapic_address = GUEST_ACPI_LAPIC_BASE;
    madt.flags = 0;
    memcpy(m, &madt, sizeof(madt));

    for (unsigned v = 0; v < nr_vcpus; v++) {
        /* acpi_processor_id must be the Xen vCPU id: Linux uses it as such. */
        struct acpi_madt_lapic e = {
            .type = MADT_TYPE_LAPIC,
            .length = sizeof(e),
            .acpi_processor_id = (u8)v,
            .apic_id = (u8)vcpu_apic_id(v),
            .flags = MADT_LAPIC_ENABLED,
        };
        memcpy(m + sizeof(madt) + v * sizeof(e), &e, sizeof(e));
    }
    seal(m);
}

int guest_acpi_build(const struct guest_acpi_config *cfg, void *buf, size_t buf_size, size_t *used)
{
    const bool with_s5 = cfg->sleep_port != 0;
    struct acpi_layout l;

    if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > GUEST_MAX_VCPUS)
        return -EINVAL;
    if (cfg->sleep_port == 0xffff) /* SLEEP_STATUS would be port 0x10000 */
        return -EINVAL;
    /* 32-bit table pointers (RSDT, FADT) must reach every table. */
    if (!IS_ALIGNED(cfg->base, 64) || cfg->base >= (1ull << 32))
        return -EINVAL;
    plan(cfg->nr_vcpus, with_s5, &l);
    if (l.end > (1ull << 32) - cfg->base)
        return -EINVAL;
    if (buf_size < guest_acpi_size(cfg->nr_vcpus))
        return -ENOSPC;

    memset(buf, 0, buf_size);
    build_facs(buf, &l);
    build_sdts(buf, cfg->base, &l);
    build_fadt(buf, cfg->base, &l, cfg->sleep_port);
    build_dsdt(buf, &l, with_s5);
    build_madt(buf, &l, cfg->nr_vcpus);
    build_rsdp(buf, cfg->base, &l);
    if (used)
        *used = l.end;
    return 0;
}
