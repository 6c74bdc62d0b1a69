/*
 * MP table parsing (see lares/mptable.h). The configuration table is a
 * 44-byte header followed by entries whose size follows from their type
 * (20 bytes for a processor, 8 for everything else), so an unknown type
 * makes the rest unreadable and the table is rejected.
 */
#include <lares/errno.h>
#include <lares/mptable.h>
#include <lares/string.h>
#include <lares/unaligned.h>

#define BDA_EBDA_SEGMENT 0x40e
#define BDA_BASE_MEM_KB 0x413

enum mpc_entry {
    MPC_PROCESSOR = 0,
    MPC_BUS = 1,
    MPC_IOAPIC = 2,
    MPC_IO_INTERRUPT = 3,
    MPC_LOCAL_INTERRUPT = 4,
};

#define MPC_CPU_ENABLED (1u << 0)
#define MPC_CPU_BOOT (1u << 1)
#define MPC_IOAPIC_USABLE (1u << 0)
#define MPC_INT_NMI 1 /* interrupt type of a local-interrupt entry */
#define MPC_INT_INT 0 /* vectored interrupt */
#define MPC_MAX_BUSES 256

static u8 sum8(const u8 *p, size_t len)
{
    u8 s = 0;

    while (len--)
        s += *p++;
    return s;
}

static bool mpf_valid(const u8 *p)
{
    /* length is in 16-byte units and must be 1; revision 1 (1.1) or 4 (1.4) */
    return !memcmp(p, "_MP_", 4) && p[8] == 1 && (p[9] == 1 || p[9] == 4) && !sum8(p, MPF_LEN);
}

static int scan(boot_phys_fn phys, u64 start, u64 len, u64 *pa)
{
    for (u64 a = start; a + MPF_LEN <= start + len; a += 16) {
        const u8 *p = phys(a, MPF_LEN);

        if (p && mpf_valid(p)) {
            *pa = a;
            return 0;
        }
    }
    return -ENOENT;
}

int mptable_find(boot_phys_fn phys, u64 *pa)
{
    const u8 *bda = phys(BDA_EBDA_SEGMENT, 8);

    if (bda) {
        u64 ebda = (u64)get_unaligned_u16(bda) << 4;
        u64 base_kb = get_unaligned_u16(bda + BDA_BASE_MEM_KB - BDA_EBDA_SEGMENT);

        if (ebda >= 0x500 && ebda < 0xa0000 && !scan(phys, ebda, 1024, pa))
            return 0;
        if (base_kb >= 1 && base_kb <= 640 && !scan(phys, base_kb * 1024 - 1024, 1024, pa))
            return 0;
    }
    return scan(phys, 0xf0000, 0x10000, pa);
}

static void add_ioapic(struct fw_platform *p, const u8 *e)
{
    if (!(e[3] & MPC_IOAPIC_USABLE))
        return;
    if (p->nr_ioapics == FW_MAX_IOAPICS) {
        p->nr_dropped++;
        return;
    }
    /* The MP table has no GSI numbers; the first IO-APIC starts at 0. */
    p->ioapics[p->nr_ioapics] = (struct fw_ioapic){
        .id = e[1], .addr = get_unaligned_u32(e + 4), .gsi_base = p->nr_ioapics ? FW_GSI_NONE : 0};
    p->nr_ioapics++;
}

/*
 * An ISA IRQ routed to the first IO-APIC becomes an override when it is
 * not identity-mapped or not conforming (edge, active high): the same
 * information the MADT carries in its type-2 entries.
 */
static void add_io_interrupt(struct fw_platform *p, const u8 *e, const bool *isa_bus)
{
    u16 flags = get_unaligned_u16(e + 2);
    u8 irq = e[5], pin = e[7];

    if (e[1] != MPC_INT_INT || !isa_bus[e[4]] || !p->nr_ioapics || e[6] != p->ioapics[0].id)
        return;
    if (irq == pin && !flags)
        return;
    if (p->nr_overrides == FW_MAX_OVERRIDES) {
        p->nr_dropped++;
        return;
    }
    p->overrides[p->nr_overrides++] =
        (struct fw_irq_override){.bus = 0, .source_irq = irq, .gsi = pin, .flags = flags};
}

static void add_local_interrupt(struct fw_platform *p, const u8 *e)
{
    if (e[1] != MPC_INT_NMI)
        return;
    if (p->nr_nmis == FW_MAX_NMIS) {
        p->nr_dropped++;
        return;
    }
    p->nmis[p->nr_nmis++] = (struct fw_lapic_nmi){.uid = e[6] == 0xff ? FW_UID_ALL : e[6],
                                                  .by_apic_id = true,
                                                  .lint = e[7],
                                                  .flags = get_unaligned_u16(e + 2)};
}

static int parse_entries(const u8 *t, size_t len, unsigned count, struct fw_platform *p)
{
    bool isa_bus[MPC_MAX_BUSES] = {false};
    size_t off = MPC_HEADER_LEN;

    for (unsigned i = 0; i < count; i++) {
        size_t el;

        if (off >= len)
            return -EINVAL;
        el = t[off] == MPC_PROCESSOR ? 20 : 8;
        if (t[off] > MPC_LOCAL_INTERRUPT || el > len - off)
            return -EINVAL;
        const u8 *e = t + off;

        switch (e[0]) {
        case MPC_PROCESSOR:
            if (e[3] & (MPC_CPU_ENABLED | MPC_CPU_BOOT))
                fw_add_cpu(p, e[1], e[1],
                           (e[3] & MPC_CPU_ENABLED ? FW_CPU_ENABLED : 0) |
                               (e[3] & MPC_CPU_BOOT ? FW_CPU_BOOT : 0));
            break;
        case MPC_BUS:
            isa_bus[e[1]] = !memcmp(e + 2, "ISA", 3);
            break;
        case MPC_IOAPIC:
            add_ioapic(p, e);
            break;
        case MPC_IO_INTERRUPT:
            add_io_interrupt(p, e, isa_bus);
            break;
        case MPC_LOCAL_INTERRUPT:
            add_local_interrupt(p, e);
            break;
        }
        off += el;
    }
    return 0;
}

int mptable_parse(u64 mpf_pa, boot_phys_fn phys, struct fw_platform *plat)
{
    const u8 *mpf = phys(mpf_pa, MPF_LEN);
    const u8 *hdr, *t;
    u32 cfg;
    u16 len;
    int rc;

    fw_platform_init(plat, "MP table");
    if (!mpf || !mpf_valid(mpf))
        return -EINVAL;
    if (mpf[11]) /* feature byte 1: a default configuration, no table */
        return -EOPNOTSUPP;
    cfg = get_unaligned_u32(mpf + 4);
    hdr = cfg ? phys(cfg, MPC_HEADER_LEN) : NULL;
    if (!hdr || memcmp(hdr, "PCMP", 4))
        return -EINVAL;
    len = get_unaligned_u16(hdr + 4);
    if (len < MPC_HEADER_LEN)
        return -EINVAL;
    t = phys(cfg, len);
    if (!t || sum8(t, len))
        return -EINVAL;

    plat->lapic_addr = get_unaligned_u32(t + 36);
    plat->pcat_compat = true; /* MP systems are PC-AT compatible by definition */
    rc = parse_entries(t, len, get_unaligned_u16(t + 34), plat);
    if (rc)
        fw_platform_init(plat, "MP table");
    return rc;
}
