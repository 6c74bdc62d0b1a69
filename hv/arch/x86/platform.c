/*
 * Firmware table discovery (asm/platform.h): ACPI first (Multiboot 2's copy
 * of the RSDP, else the legacy BIOS search), then the MP table, then the
 * boot CPU alone.
 */
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/mm.h>
#include <lares/mptable.h>
#include <lares/param.h>
#include <lares/string.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/platform.h>

/* acpi=off / mptable=off: ignore those tables (broken firmware, or testing the fallbacks). */
static char opt_acpi[8] = "on";
string_param("acpi", opt_acpi);
static char opt_mptable[8] = "on";
string_param("mptable", opt_mptable);

static struct fw_platform fw;
const struct fw_platform *platform;
struct acpi_info acpi_info;

/* Firmware tables live in RAM, ACPI or NVS ranges (direct map), or in reserved ranges. */
static const void *fw_phys(u64 pa, size_t len)
{
    if (!len || pa + len < pa)
        return NULL;
    if (paging_in_direct_map(pa, len))
        return phys_to_virt(pa);
    return ioremap(pa, len);
}

static const char *acpi_source(const struct boot_info *bi, const void **rsdp, size_t *len)
{
    u64 pa;

    if (bi->has_rsdp && !acpi_rsdp_check(bi->rsdp, sizeof(bi->rsdp))) {
        *rsdp = bi->rsdp;
        *len = sizeof(bi->rsdp);
        return "boot loader";
    }
    if (!acpi_find_rsdp(fw_phys, &pa)) {
        *rsdp = fw_phys(pa, ACPI_RSDP_V2_LEN);
        *len = ACPI_RSDP_V2_LEN;
        return "BIOS area";
    }
    return NULL;
}

static bool try_acpi(const struct boot_info *bi)
{
    const void *rsdp;
    size_t len;
    const char *from;

    if (!strcmp(opt_acpi, "off")) {
        printk("ACPI: disabled (acpi=off); trying the MP table\n");
        return false;
    }
    from = acpi_source(bi, &rsdp, &len);
    if (!from || !rsdp) {
        printk("ACPI: no RSDP found; trying the MP table\n");
        return false;
    }
    if (acpi_parse(rsdp, len, fw_phys, &acpi_info, &fw)) {
        printk("ACPI: RSDP (from the %s) has no valid RSDT/XSDT; trying the MP table\n", from);
        return false;
    }
    printk("ACPI: RSDP from the %s, revision %u, OEM '%.6s', %s at %#llx, %u tables%s\n", from,
           acpi_info.revision, acpi_info.oem_id, acpi_info.xsdt ? "XSDT" : "RSDT",
           (unsigned long long)acpi_info.root_pa, acpi_info.nr_tables,
           acpi_info.nr_bad ? " (some skipped: bad checksum or unmappable)" : "");
    if (acpi_info.madt_error)
        pr_warn("ACPI: the MADT is malformed (%d) and was ignored; trying the MP table\n",
                acpi_info.madt_error);
    else if (!acpi_info.has_madt)
        printk("ACPI: no MADT; trying the MP table\n");
    return acpi_info.has_madt;
}

static bool try_mptable(void)
{
    u64 pa;
    int rc;

    if (!strcmp(opt_mptable, "off")) {
        printk("MP table: disabled (mptable=off); running on the boot CPU only\n");
        return false;
    }
    if (mptable_find(fw_phys, &pa)) {
        printk("MP table: none found; running on the boot CPU only\n");
        return false;
    }
    rc = mptable_parse(pa, fw_phys, &fw);
    if (rc) {
        printk("MP table at %#llx %s (%d); running on the boot CPU only\n", (unsigned long long)pa,
               rc == -EOPNOTSUPP ? "describes a default configuration, not supported"
                                 : "is malformed",
               rc);
        return false;
    }
    return true;
}

static void print_platform(void)
{
    printk("%s: %u CPUs listed, %u enabled; %u IO-APICs; %u interrupt overrides; local APIC at "
           "%#llx\n",
           fw.source, fw.nr_cpus, fw_enabled_cpus(&fw), fw.nr_ioapics, fw.nr_overrides,
           (unsigned long long)fw.lapic_addr);
    for (unsigned i = 0; i < fw.nr_cpus; i++)
        pr_debug("  CPU: APIC id %u, UID %u%s%s%s\n", fw.cpus[i].apic_id, fw.cpus[i].acpi_uid,
                 fw.cpus[i].flags & FW_CPU_ENABLED ? ", enabled" : "",
                 fw.cpus[i].flags & FW_CPU_ONLINE_CAPABLE ? ", online-capable" : "",
                 fw.cpus[i].flags & FW_CPU_X2APIC ? ", x2APIC entry" : "");
    for (unsigned i = 0; i < fw.nr_ioapics; i++)
        pr_debug("  IO-APIC %u at %#x, GSI base %u\n", fw.ioapics[i].id, fw.ioapics[i].addr,
                 fw.ioapics[i].gsi_base);
    for (unsigned i = 0; i < fw.nr_overrides; i++)
        pr_debug("  IRQ %u -> GSI %u, flags %#x\n", fw.overrides[i].source_irq, fw.overrides[i].gsi,
                 fw.overrides[i].flags);
    if (fw.nr_dropped || fw.nr_duplicates || fw.nr_invalid)
        pr_warn("%s: %u entries beyond Lares' limits, %u duplicate and %u invalid APIC ids "
                "ignored\n",
                fw.source, fw.nr_dropped, fw.nr_duplicates, fw.nr_invalid);
    if (acpi_info.has_hpet)
        printk("ACPI: HPET at %#llx\n", (unsigned long long)acpi_info.hpet.address);
}

void platform_init(const struct boot_info *bi)
{
    if (!try_acpi(bi) && !try_mptable()) {
        struct cpuid_regs r;

        /* Only the CPU we are running on, by its initial APIC id. */
        cpuid(1, &r);
        fw_platform_init(&fw, "boot CPU only");
        fw.pcat_compat = true;
        fw_add_cpu(&fw, r.ebx >> 24, 0, FW_CPU_ENABLED | FW_CPU_BOOT);
    }
    platform = &fw;
    print_platform();
}
