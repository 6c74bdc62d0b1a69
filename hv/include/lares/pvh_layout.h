/*
 * Guest-physical layout of a PVH domain and its hvm_start_info block.
 *
 * The layout follows libxl's PVH domains (see
 * /work/shared/anchors/xen/golden/domU-start-info.txt):
 *
 *   [0, low_ram_end)              RAM, from 0 (low 1 MiB included)
 *   kernel                        at its ELF physical addresses
 *   initrd                        2 MiB aligned after the kernel
 *   start info block              after the initrd: hvm_start_info,
 *                                 command line, module list, memory map
 *   [0xfc000000, +acpi_size)      ACPI tables (E820 ACPI), RSDP first
 *   [0xfeff8000, 0xff000000)      special pages (E820 RESERVED):
 *                                 xenstore at GFN 0xfeffc, console 0xfefff
 *   0xfee00000                    local APIC (not in the memory map)
 *   [4 GiB, high_ram_end)         the RAM that does not fit below the hole
 *
 * As in libxl for guests without a device model, low RAM stops at the
 * lowest of these fixed areas (0xfc000000), the rest moves above 4 GiB.
 * Linux needs the start info block below 1 GiB (read through its early
 * identity map) and the initrd and command line below 4 GiB; when the block
 * would not fit below 1 GiB after a large initrd, it goes right after the
 * kernel and the initrd follows it (the order real Xen uses).
 */
#ifndef LARES_PVH_LAYOUT_H
#define LARES_PVH_LAYOUT_H

#include <lares/types.h>
#include <public/hvm/start_info.h>

#define PVH_ACPI_BASE 0xfc000000ull
#define PVH_LOW_RAM_LIMIT PVH_ACPI_BASE
#define PVH_SPECIAL_BASE 0xfeff8000ull
#define PVH_NR_SPECIAL_PAGES 8
#define PVH_XENSTORE_GFN 0xfeffcull /* libxl: special page 4 */
#define PVH_CONSOLE_GFN 0xfefffull  /* libxl: special page 7 */
#define PVH_INFO_LIMIT (1ull << 30) /* start info block ends below 1 GiB */
#define PVH_INITRD_ALIGN (2ull << 20)
#define PVH_CMDLINE_MAX 2047 /* characters, without the NUL */
#define PVH_MAX_RAM (1ull << 40)
#define PVH_MEMMAP_MAX 8 /* Linux takes up to 127; we need 4 */

struct pvh_layout_request {
    u64 ram_size;      /* bytes of guest RAM, page multiple */
    unsigned nr_vcpus; /* 1..GUEST_MAX_VCPUS (sizes the ACPI area) */
    u64 kernel_start;  /* [kernel_start, kernel_end): elf_image paddr_lo/hi */
    u64 kernel_end;
    u64 initrd_size;     /* 0: no initrd (no module) */
    const char *cmdline; /* NULL: none */
    bool control_domain; /* start info flags PRIVILEGED | INITDOMAIN */
};

struct pvh_layout {
    u64 low_ram_end;  /* RAM is [0, low_ram_end) ... */
    u64 high_ram_end; /* ... and [4 GiB, high_ram_end) if this is not 0 */
    u64 acpi_base;    /* tables go here: guest_acpi_build(.base = acpi_base) */
    u64 acpi_size;    /* page multiple */
    u64 rsdp_paddr;
    u64 special_base; /* PVH_NR_SPECIAL_PAGES reserved pages */
    u64 xenstore_gfn;
    u64 console_gfn;
    u64 initrd_paddr; /* 0 if no initrd */
    u64 initrd_size;
    u64 info_paddr;    /* the block pvh_start_info_write() fills; EBX at entry */
    u64 info_size;     /* page multiple */
    u64 cmdline_paddr; /* 0 if no command line */
    u64 modlist_paddr; /* 0 if no modules */
    u64 memmap_paddr;
    u32 flags; /* hvm_start_info.flags */
    u32 nr_modules;
    unsigned nr_memmap;
    struct hvm_memmap_table_entry memmap[PVH_MEMMAP_MAX]; /* sorted by address */
    const char *cmdline; /* the request's, kept for pvh_start_info_write() */
    size_t cmdline_len;
};

/*
 * Compute the layout. Returns 0, or a negative errno with *why (may be
 * NULL) set to a sentence for the log:
 *   -EINVAL  bad RAM size, vCPU count or kernel range
 *   -ERANGE  the kernel lies (partly) outside low guest RAM
 *   -E2BIG   command line longer than PVH_CMDLINE_MAX
 *   -ENOSPC  the initrd or the start info block does not fit
 */
int pvh_layout_compute(const struct pvh_layout_request *req, struct pvh_layout *l,
                       const char **why);

/*
 * Write the start info block (l->info_size bytes: hvm_start_info, command
 * line, module list, memory map; zero padding) into buf, to be copied to
 * guest-physical l->info_paddr. Returns 0, or -ENOSPC if size is too small.
 */
int pvh_start_info_write(const struct pvh_layout *l, void *buf, size_t size);

#endif
