/* PVH guest-physical layout and start info block (see lares/pvh_layout.h). */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/guest_acpi.h>
#include <lares/pvh_layout.h>
#include <lares/string.h>
#include <lares/vcpu_topology.h>

#define PAGE 4096ull
#define GiB4 (1ull << 32)

/* Offsets inside the start info block. */
struct info_plan {
    u64 cmdline, modlist, memmap, end;
};

static void plan_info(const struct pvh_layout *l, struct info_plan *p)
{
    u64 off = sizeof(struct hvm_start_info);

    p->cmdline = off;
    if (l->cmdline)
        off += l->cmdline_len + 1;
    p->modlist = off = ROUNDUP(off, 8);
    off += l->nr_modules * sizeof(struct hvm_modlist_entry);
    p->memmap = off = ROUNDUP(off, 8);
    off += l->nr_memmap * sizeof(struct hvm_memmap_table_entry);
    p->end = ROUNDUP(off, PAGE);
}

static void add_range(struct pvh_layout *l, u64 addr, u64 size, u32 type)
{
    struct hvm_memmap_table_entry *e = &l->memmap[l->nr_memmap++];

    e->addr = addr;
    e->size = size;
    e->type = type;
    e->reserved = 0;
}

static int check_request(const struct pvh_layout_request *req, const char **why)
{
    if (req->ram_size == 0 || !IS_ALIGNED(req->ram_size, PAGE) || req->ram_size > PVH_MAX_RAM) {
        *why = "guest RAM size must be a non-zero multiple of 4 KiB, at most 1 TiB";
        return -EINVAL;
    }
    if (req->nr_vcpus == 0 || req->nr_vcpus > GUEST_MAX_VCPUS) {
        *why = "number of vCPUs must be 1..128";
        return -EINVAL;
    }
    if (req->kernel_start >= req->kernel_end) {
        *why = "empty kernel image";
        return -EINVAL;
    }
    if (req->cmdline && strnlen(req->cmdline, PVH_CMDLINE_MAX + 1) > PVH_CMDLINE_MAX) {
        *why = "guest command line is longer than 2047 characters";
        return -E2BIG;
    }
    return 0;
}

/* Does [start, start + size) fit below limit? */
static bool fits(u64 start, u64 size, u64 limit)
{
    return start <= limit && size <= limit - start;
}

/*
 * Place the initrd and the start info block after the kernel: initrd
 * first (the usual case), or the block first when it would otherwise end
 * above 1 GiB.
 */
static int place_modules(const struct pvh_layout_request *req, struct pvh_layout *l, u64 info_size,
                         const char **why)
{
    const u64 ram = l->low_ram_end, kend = req->kernel_end;
    u64 initrd = 0, info;

    if (req->initrd_size) {
        initrd = ROUNDUP(kend, PVH_INITRD_ALIGN);
        if (req->initrd_size > ram || !fits(initrd, req->initrd_size, ram)) {
            *why = "the initrd does not fit in guest RAM after the kernel";
            return -ENOSPC;
        }
        info = ROUNDUP(initrd + req->initrd_size, PAGE);
    } else {
        info = ROUNDUP(kend, PAGE);
    }

    if (!fits(info, info_size, MIN(ram, PVH_INFO_LIMIT)) && req->initrd_size) {
        info = ROUNDUP(kend, PAGE);
        initrd = ROUNDUP(info + info_size, PVH_INITRD_ALIGN);
        if (!fits(initrd, req->initrd_size, ram)) {
            *why = "the initrd and the start info block do not both fit in guest RAM";
            return -ENOSPC;
        }
    }
    if (!fits(info, info_size, MIN(ram, PVH_INFO_LIMIT))) {
        *why = "no room for the start info block below 1 GiB after the kernel";
        return -ENOSPC;
    }
    l->initrd_paddr = initrd;
    l->initrd_size = req->initrd_size;
    l->info_paddr = info;
    l->info_size = info_size;
    return 0;
}

static int compute(const struct pvh_layout_request *req, struct pvh_layout *l, const char **why)
{
    struct info_plan p;
    int rc;

    rc = check_request(req, why);
    if (rc)
        return rc;

    l->low_ram_end = MIN(req->ram_size, PVH_LOW_RAM_LIMIT);
    if (req->ram_size > l->low_ram_end)
        l->high_ram_end = GiB4 + (req->ram_size - l->low_ram_end);
    if (req->kernel_end > l->low_ram_end) {
        *why = "the kernel lies outside guest RAM (below the 0xfc000000 hole)";
        return -ERANGE;
    }

    l->acpi_base = PVH_ACPI_BASE;
    l->acpi_size = ROUNDUP((u64)guest_acpi_size(req->nr_vcpus), PAGE);
    l->rsdp_paddr = l->acpi_base; /* guest_acpi_build() puts the RSDP first */
    l->special_base = PVH_SPECIAL_BASE;
    l->xenstore_gfn = PVH_XENSTORE_GFN;
    l->console_gfn = PVH_CONSOLE_GFN;
    l->flags = req->control_domain ? HVM_START_FLAG_PRIVILEGED | HVM_START_FLAG_INITDOMAIN : 0;
    l->nr_modules = req->initrd_size ? 1 : 0;
    l->cmdline = req->cmdline;
    l->cmdline_len = req->cmdline ? strlen(req->cmdline) : 0;

    add_range(l, 0, l->low_ram_end, XEN_HVM_MEMMAP_TYPE_RAM);
    add_range(l, l->acpi_base, l->acpi_size, XEN_HVM_MEMMAP_TYPE_ACPI);
    add_range(l, l->special_base, PVH_NR_SPECIAL_PAGES * PAGE, XEN_HVM_MEMMAP_TYPE_RESERVED);
    if (l->high_ram_end)
        add_range(l, GiB4, l->high_ram_end - GiB4, XEN_HVM_MEMMAP_TYPE_RAM);

    plan_info(l, &p);
    rc = place_modules(req, l, p.end, why);
    if (rc)
        return rc;
    l->cmdline_paddr = l->cmdline ? l->info_paddr + p.cmdline : 0;
    l->modlist_paddr = l->nr_modules ? l->info_paddr + p.modlist : 0;
    l->memmap_paddr = l->info_paddr + p.memmap;
    return 0;
}

int pvh_layout_compute(const struct pvh_layout_request *req, struct pvh_layout *l, const char **why)
{
    const char *reason = NULL;
    int rc;

    memset(l, 0, sizeof(*l));
    rc = compute(req, l, &reason);
    if (rc)
        memset(l, 0, sizeof(*l));
    if (why)
        *why = reason;
    return rc;
}

int pvh_start_info_write(const struct pvh_layout *l, void *buf, size_t size)
{
    struct hvm_start_info si;
    struct info_plan p;
    u8 *b = buf;

    plan_info(l, &p);
    if (size < p.end || l->info_size != p.end || l->nr_memmap > PVH_MEMMAP_MAX)
        return -ENOSPC;
    memset(b, 0, p.end);

    memset(&si, 0, sizeof(si));
    si.magic = XEN_HVM_START_MAGIC_VALUE;
    si.version = XEN_HVM_START_INFO_VERSION;
    si.flags = l->flags;
    si.nr_modules = l->nr_modules;
    si.modlist_paddr = l->modlist_paddr;
    si.cmdline_paddr = l->cmdline_paddr;
    si.rsdp_paddr = l->rsdp_paddr;
    si.memmap_paddr = l->memmap_paddr;
    si.memmap_entries = l->nr_memmap;
    memcpy(b, &si, sizeof(si));

    if (l->cmdline)
        memcpy(b + p.cmdline, l->cmdline, l->cmdline_len); /* NUL from the memset */
    if (l->nr_modules) {
        struct hvm_modlist_entry m = {.paddr = l->initrd_paddr, .size = l->initrd_size};
        memcpy(b + p.modlist, &m, sizeof(m));
    }
    memcpy(b + p.memmap, l->memmap, l->nr_memmap * sizeof(l->memmap[0]));
    return 0;
}
