/* Building and querying a firmware platform description (see lares/firmware.h). */
#include <lares/firmware.h>
#include <lares/string.h>

void fw_platform_init(struct fw_platform *p, const char *source)
{
    memset(p, 0, sizeof(*p));
    p->source = source;
    p->lapic_addr = 0xfee00000;
}

static bool apic_id_valid(u32 apic_id, u32 flags)
{
    /* In the 8-bit entries 0xff means "not present"; x2APIC uses all ones. */
    return flags & FW_CPU_X2APIC ? apic_id != 0xffffffffu : apic_id != 0xff;
}

void fw_add_cpu(struct fw_platform *p, u32 apic_id, u32 acpi_uid, u32 flags)
{
    if (!apic_id_valid(apic_id, flags)) {
        p->nr_invalid++;
        return;
    }
    if (fw_find_cpu(p, apic_id)) {
        p->nr_duplicates++;
        return;
    }
    if (p->nr_cpus == FW_MAX_CPUS) {
        p->nr_dropped++;
        return;
    }
    p->cpus[p->nr_cpus++] =
        (struct fw_cpu){.apic_id = apic_id, .acpi_uid = acpi_uid, .flags = flags};
}

unsigned fw_enabled_cpus(const struct fw_platform *p)
{
    unsigned n = 0;

    for (unsigned i = 0; i < p->nr_cpus; i++)
        n += !!(p->cpus[i].flags & FW_CPU_ENABLED);
    return n;
}

const struct fw_cpu *fw_find_cpu(const struct fw_platform *p, u32 apic_id)
{
    for (unsigned i = 0; i < p->nr_cpus; i++)
        if (p->cpus[i].apic_id == apic_id)
            return &p->cpus[i];
    return NULL;
}

bool fw_lapic_nmi_for(const struct fw_platform *p, u32 apic_id, u8 *lint, u16 *flags)
{
    const struct fw_cpu *cpu = fw_find_cpu(p, apic_id);

    for (unsigned i = 0; i < p->nr_nmis; i++) {
        const struct fw_lapic_nmi *n = &p->nmis[i];
        bool match = n->uid == FW_UID_ALL ||
                     (n->by_apic_id ? n->uid == apic_id : cpu && n->uid == cpu->acpi_uid);

        if (match) {
            *lint = n->lint;
            *flags = n->flags;
            return true;
        }
    }
    return false;
}
