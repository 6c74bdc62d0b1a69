/*
 * MADT (signature "APIC") parsing. The table is a 44-byte head (ACPI header,
 * local APIC address, flags) followed by variable-length entries, each
 * starting with a type byte and a length byte. A zero length, an entry that
 * runs past the table or one too short for its type makes the whole table
 * malformed: after that, nothing in it can be trusted.
 */
#include <lares/acpi.h>
#include <lares/errno.h>
#include <lares/string.h>
#include <lares/unaligned.h>

#define MADT_HEAD_LEN 44
#define MADT_PCAT_COMPAT (1u << 0)

enum madt_type {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_OVERRIDE = 2,
    MADT_LAPIC_NMI = 4,
    MADT_LAPIC_ADDR = 5,
    MADT_X2APIC = 9,
    MADT_X2APIC_NMI = 10,
};

/* Processor entry flags (types 0 and 9). */
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* Minimum entry length for each type we read; 0 for types we skip. */
static u8 min_len(u8 type)
{
    switch (type) {
    case MADT_LAPIC:
        return 8;
    case MADT_IOAPIC:
        return 12;
    case MADT_OVERRIDE:
        return 10;
    case MADT_LAPIC_NMI:
        return 6;
    case MADT_LAPIC_ADDR:
        return 12;
    case MADT_X2APIC:
        return 16;
    case MADT_X2APIC_NMI:
        return 12;
    default:
        return 2;
    }
}

static u32 cpu_flags(u32 madt_flags)
{
    u32 f = 0;

    if (madt_flags & MADT_CPU_ENABLED)
        f |= FW_CPU_ENABLED;
    else if (madt_flags & MADT_CPU_ONLINE_CAPABLE)
        f |= FW_CPU_ONLINE_CAPABLE;
    return f;
}

static void add_ioapic(struct fw_platform *p, const u8 *e)
{
    if (p->nr_ioapics == FW_MAX_IOAPICS) {
        p->nr_dropped++;
        return;
    }
    p->ioapics[p->nr_ioapics++] = (struct fw_ioapic){
        .id = e[2], .addr = get_unaligned_u32(e + 4), .gsi_base = get_unaligned_u32(e + 8)};
}

static void add_override(struct fw_platform *p, const u8 *e)
{
    if (p->nr_overrides == FW_MAX_OVERRIDES) {
        p->nr_dropped++;
        return;
    }
    p->overrides[p->nr_overrides++] = (struct fw_irq_override){.bus = e[2],
                                                               .source_irq = e[3],
                                                               .gsi = get_unaligned_u32(e + 4),
                                                               .flags = get_unaligned_u16(e + 8)};
}

static void add_nmi(struct fw_platform *p, u32 uid, u16 flags, u8 lint)
{
    if (p->nr_nmis == FW_MAX_NMIS) {
        p->nr_dropped++;
        return;
    }
    p->nmis[p->nr_nmis++] = (struct fw_lapic_nmi){.uid = uid, .lint = lint, .flags = flags};
}

static void parse_entry(struct fw_platform *p, const u8 *e)
{
    switch (e[0]) {
    case MADT_LAPIC:
        fw_add_cpu(p, e[3], e[2], cpu_flags(get_unaligned_u32(e + 4)));
        break;
    case MADT_X2APIC:
        fw_add_cpu(p, get_unaligned_u32(e + 4), get_unaligned_u32(e + 12),
                   cpu_flags(get_unaligned_u32(e + 8)) | FW_CPU_X2APIC);
        break;
    case MADT_IOAPIC:
        add_ioapic(p, e);
        break;
    case MADT_OVERRIDE:
        add_override(p, e);
        break;
    case MADT_LAPIC_NMI:
        add_nmi(p, e[2] == 0xff ? FW_UID_ALL : e[2], get_unaligned_u16(e + 3), e[5]);
        break;
    case MADT_X2APIC_NMI:
        add_nmi(p, get_unaligned_u32(e + 4), get_unaligned_u16(e + 2), e[8]);
        break;
    case MADT_LAPIC_ADDR:
        p->lapic_addr = get_unaligned_u64(e + 4);
        break;
    default:
        break; /* types we do not use (GICs, SAPICs, ...) */
    }
}

int acpi_parse_madt(const void *madt, size_t len, struct fw_platform *plat)
{
    const u8 *t = madt;
    size_t off;

    fw_platform_init(plat, "ACPI");
    if (len < MADT_HEAD_LEN || memcmp(t, "APIC", 4) || get_unaligned_u32(t + 4) != len)
        return -EINVAL;
    plat->lapic_addr = get_unaligned_u32(t + 36);
    plat->pcat_compat = get_unaligned_u32(t + 40) & MADT_PCAT_COMPAT;

    /* Check the whole entry list before using any of it. */
    for (off = MADT_HEAD_LEN; off < len; off += t[off + 1]) {
        if (len - off < 2 || t[off + 1] < min_len(t[off]) || t[off + 1] > len - off)
            return -EINVAL;
    }
    for (off = MADT_HEAD_LEN; off < len; off += t[off + 1])
        parse_entry(plat, t + off);
    return 0;
}
