/* Finding, validating and walking ACPI static tables (see lares/acpi.h). */
#include <lares/acpi.h>
#include <lares/errno.h>
#include <lares/string.h>

#define BDA_EBDA_SEGMENT 0x40e
#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000
#define FADT_CENTURY 108 /* byte offset of the CMOS century index */

u8 acpi_checksum(const void *p, size_t len)
{
    const u8 *b = p;
    u8 sum = 0;

    while (len--)
        sum += *b++;
    return sum;
}

int acpi_rsdp_check(const void *rsdp, size_t avail)
{
    struct acpi_rsdp r;

    if (avail < ACPI_RSDP_V1_LEN)
        return -EINVAL;
    memset(&r, 0, sizeof(r));
    memcpy(&r, rsdp, MIN(avail, sizeof(r)));
    if (memcmp(r.signature, "RSD PTR ", 8) || acpi_checksum(rsdp, ACPI_RSDP_V1_LEN))
        return -EINVAL;
    if (r.revision < 2)
        return 0;
    /* ACPI 2.0+: the extended checksum covers the whole (36-byte) structure. */
    if (r.length < ACPI_RSDP_V2_LEN || r.length > avail || acpi_checksum(rsdp, r.length))
        return -EINVAL;
    return 0;
}

static int scan_rsdp(boot_phys_fn phys, u64 start, u64 end, u64 *pa)
{
    for (u64 a = start; a + ACPI_RSDP_V1_LEN <= end; a += 16) {
        const struct acpi_rsdp *r = phys(a, ACPI_RSDP_V1_LEN);

        if (!r || memcmp(r->signature, "RSD PTR ", 8) || acpi_checksum(r, ACPI_RSDP_V1_LEN))
            continue;
        /* Revision 2+ is 36 bytes long; check the rest too. */
        if (r->revision >= 2) {
            r = a + ACPI_RSDP_V2_LEN <= end ? phys(a, ACPI_RSDP_V2_LEN) : NULL;
            if (!r || acpi_rsdp_check(r, ACPI_RSDP_V2_LEN))
                continue;
        }
        *pa = a;
        return 0;
    }
    return -ENOENT;
}

int acpi_find_rsdp(boot_phys_fn phys, u64 *pa)
{
    const u8 *bda = phys(BDA_EBDA_SEGMENT, 2);
    u64 ebda = bda ? (u64)(bda[0] | bda[1] << 8) << 4 : 0;

    /* Only a plausible EBDA (in conventional memory, above the BDA) is searched. */
    if (ebda >= 0x500 && ebda < 0xa0000 && !scan_rsdp(phys, ebda, ebda + 1024, pa))
        return 0;
    return scan_rsdp(phys, BIOS_AREA_START, BIOS_AREA_END, pa);
}

/*
 * Map a whole table after checking its header: returns it with its length,
 * or NULL if it cannot be mapped, has an implausible length or a bad checksum.
 */
static const u8 *map_table(boot_phys_fn phys, u64 pa, u32 *len)
{
    const struct acpi_header *h;
    u32 length;
    const u8 *t;

    if (!pa)
        return NULL;
    h = phys(pa, ACPI_HEADER_LEN);
    if (!h)
        return NULL;
    memcpy(&length, &h->length, sizeof(length));
    if (length < ACPI_HEADER_LEN || length > ACPI_TABLE_MAX)
        return NULL;
    t = phys(pa, length);
    if (!t || acpi_checksum(t, length))
        return NULL;
    *len = length;
    return t;
}

static const u8 *map_root(boot_phys_fn phys, u64 pa, const char *sig, u32 *len)
{
    const u8 *t = map_table(phys, pa, len);

    return t && !memcmp(t, sig, 4) ? t : NULL;
}

int acpi_parse_hpet(const void *hpet, size_t len, struct acpi_hpet_info *out)
{
    const u8 *t = hpet;

    /* header, block id (4), address GAS (12), number (1), min tick (2), protection (1) */
    if (len < ACPI_HEADER_LEN + 20)
        return -EINVAL;
    memcpy(&out->block_id, t + 36, 4);
    out->space_id = t[40];
    memcpy(&out->address, t + 44, 8);
    out->number = t[52];
    memcpy(&out->min_tick, t + 53, 2);
    return 0;
}

static void use_table(const u8 *t, u32 len, struct acpi_info *info, struct fw_platform *plat)
{
    if (!memcmp(t, "APIC", 4) && !info->has_madt && !info->madt_error) {
        info->madt_error = acpi_parse_madt(t, len, plat);
        info->has_madt = !info->madt_error;
        if (info->madt_error)
            fw_platform_init(plat, "none");
    } else if (!memcmp(t, "HPET", 4) && !info->has_hpet) {
        info->has_hpet = !acpi_parse_hpet(t, len, &info->hpet);
    } else if (!memcmp(t, "FACP", 4) && len > FADT_CENTURY) {
        info->rtc_century = t[FADT_CENTURY];
    }
}

int acpi_parse(const void *rsdp, size_t rsdp_len, boot_phys_fn phys, struct acpi_info *info,
               struct fw_platform *plat)
{
    struct acpi_rsdp r;
    const u8 *root = NULL;
    unsigned width;
    u32 len;

    memset(info, 0, sizeof(*info));
    fw_platform_init(plat, "none");
    if (acpi_rsdp_check(rsdp, rsdp_len))
        return -EINVAL;
    memset(&r, 0, sizeof(r));
    memcpy(&r, rsdp, MIN(rsdp_len, sizeof(r)));
    info->revision = r.revision;
    memcpy(info->oem_id, r.oem_id, 6);

    /* The XSDT (64-bit entries) wins when valid; the RSDT is the fallback. */
    if (r.revision >= 2 && r.xsdt_address) {
        root = map_root(phys, r.xsdt_address, "XSDT", &len);
        info->xsdt = root != NULL;
        info->root_pa = r.xsdt_address;
    }
    if (!root) {
        root = map_root(phys, r.rsdt_address, "RSDT", &len);
        info->root_pa = r.rsdt_address;
    }
    if (!root)
        return -EINVAL;

    width = info->xsdt ? 8 : 4;
    info->nr_tables = (len - ACPI_HEADER_LEN) / width;
    for (unsigned i = 0; i < info->nr_tables; i++) {
        u64 pa = 0;
        u32 tlen;
        const u8 *t;

        memcpy(&pa, root + ACPI_HEADER_LEN + i * width, width);
        t = map_table(phys, pa, &tlen);
        if (!t) {
            info->nr_bad++;
            continue;
        }
        use_table(t, tlen, info, plat);
    }
    return 0;
}
