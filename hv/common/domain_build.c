/*
 * Building a PVH domain from a kernel image (and optional initrd) in
 * memory: lay out guest-physical memory, populate the p2m, load the ELF
 * segments, write ACPI tables and the hvm_start_info block, and give vCPU 0
 * the PVH entry state. The pure parts (ELF, layout, ACPI, start info) are
 * in hv/lib; this file only moves bytes into the domain.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/domain_build.h>
#include <lares/elf_image.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/guest_acpi.h>
#include <lares/mm.h>
#include <lares/pvh_layout.h>
#include <lares/string.h>
#include <lares/time.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>

static int write_guest(void *ctx, u64 gpa, const void *src, u64 len)
{
    struct domain *d = ctx;

    return src ? copy_to_guest_phys(d, gpa, src, len) : clear_guest_phys(d, gpa, len);
}

static int populate(struct domain *d, const struct pvh_layout *l)
{
    int rc = p2m_populate_ram_lazy(d, 0, l->low_ram_end >> PAGE_SHIFT);

    if (!rc && l->high_ram_end)
        rc = p2m_populate_ram(d, (1ull << 32) >> PAGE_SHIFT,
                              (l->high_ram_end - (1ull << 32)) >> PAGE_SHIFT);
    if (!rc)
        rc = p2m_populate_ram(d, l->acpi_base >> PAGE_SHIFT, l->acpi_size >> PAGE_SHIFT);
    return rc;
}

static int write_blob(struct domain *d, u64 gpa, u64 size,
                      int (*fill)(const struct pvh_layout *, void *, size_t, const void *),
                      const struct pvh_layout *l, const void *arg)
{
    void *buf = xzalloc(size);
    int rc;

    if (!buf)
        return -ENOMEM;
    rc = fill(l, buf, size, arg);
    if (!rc)
        rc = copy_to_guest_phys(d, gpa, buf, size);
    xfree(buf);
    return rc;
}

static int fill_acpi(const struct pvh_layout *l, void *buf, size_t size, const void *arg)
{
    const struct guest_acpi_config *cfg = arg;

    return guest_acpi_build(cfg, buf, size, NULL);
}

static int fill_start_info(const struct pvh_layout *l, void *buf, size_t size, const void *arg)
{
    return pvh_start_info_write(l, buf, size);
}

static void record_memmap(struct domain *d, const struct pvh_layout *l)
{
    d->nr_e820 = 0;
    for (unsigned i = 0; i < l->nr_memmap && i < ARRAY_SIZE(d->e820); i++) {
        d->e820[i].addr = l->memmap[i].addr;
        d->e820[i].size = l->memmap[i].size;
        d->e820[i].type = l->memmap[i].type;
        d->nr_e820++;
    }
    d->ram_end = l->low_ram_end;
}

struct domain *domain_build_pvh(const struct domain_build_args *a, const char **why)
{
    struct pvh_layout_request req = {0};
    struct pvh_layout *l = NULL;
    struct elf_image *img = NULL;
    struct guest_acpi_config acpi = {0};
    struct domain *d = NULL;
    s_time_t t0 = NOW();
    int rc = -ENOMEM;

    *why = "out of memory";
    l = xzalloc_obj(struct pvh_layout);
    img = xzalloc_obj(struct elf_image);
    if (!l || !img)
        goto fail;

    rc = elf_image_parse(a->kernel, a->kernel_size,
                         a->memory < PVH_LOW_RAM_LIMIT ? a->memory : PVH_LOW_RAM_LIMIT, img, why);
    if (rc)
        goto fail;
    req.ram_size = a->memory;
    req.nr_vcpus = a->nr_vcpus;
    req.kernel_start = img->paddr_lo;
    req.kernel_end = img->paddr_hi;
    req.initrd_size = a->initrd ? a->initrd_size : 0;
    req.cmdline = a->cmdline && a->cmdline[0] ? a->cmdline : NULL;
    rc = pvh_layout_compute(&req, l, why);
    if (rc)
        goto fail;

    *why = "cannot create the domain structures";
    d = domain_create(a->name, a->nr_vcpus, (a->memory + l->acpi_size) >> PAGE_SHIFT);
    if (!d) {
        rc = -ENOMEM;
        goto fail;
    }
    *why = "not enough free memory for the guest's RAM";
    rc = populate(d, l);
    if (rc)
        goto fail;

    *why = "cannot load the kernel image";
    rc = elf_image_load(img, a->kernel, a->kernel_size, write_guest, d);
    if (!rc && req.initrd_size) {
        *why = "cannot load the initrd";
        rc = copy_to_guest_phys(d, l->initrd_paddr, a->initrd, a->initrd_size);
    }
    if (rc)
        goto fail;

    *why = "cannot write the ACPI tables";
    acpi.base = l->acpi_base;
    acpi.nr_vcpus = a->nr_vcpus;
    rc = write_blob(d, l->acpi_base, l->acpi_size, fill_acpi, l, &acpi);
    if (rc)
        goto fail;
    *why = "cannot write the start info block";
    rc = write_blob(d, l->info_paddr, l->info_size, fill_start_info, l, NULL);
    if (rc)
        goto fail;

    record_memmap(d, l);
    hvm_ops->set_pvh_state(d->vcpu[0], img->phys32_entry, (u32)l->info_paddr);
    d->vcpu[0]->is_initialised = true;
    vcpu_clear_flag(d->vcpu[0], VPF_DOWN);
    printk("d%u (%s): built: %llu MiB, %u vCPU%s, entry %#x, start info %#llx, cmdline \"%s\", "
           "%llu us\n",
           d->domid, d->name, (unsigned long long)(a->memory >> 20), a->nr_vcpus,
           a->nr_vcpus == 1 ? "" : "s", img->phys32_entry, (unsigned long long)l->info_paddr,
           req.cmdline ? req.cmdline : "", (unsigned long long)((NOW() - t0) / 1000));
    xfree(l);
    xfree(img);
    *why = NULL;
    return d;

fail:
    if (d) {
        d->on_destroyed = NULL;
        domain_destroy_unstarted(d);
    }
    xfree(l);
    xfree(img);
    return NULL;
}
