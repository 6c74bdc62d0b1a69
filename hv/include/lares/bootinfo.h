/*
 * What the boot loader told us, normalised from Multiboot 1 (QEMU -kernel,
 * GRUB "multiboot") or Multiboot 2 (GRUB "multiboot2"). Parsing is pure:
 * the loader's physical pointers are resolved through a callback, so the
 * same code runs on the host in unit tests.
 */
#ifndef LARES_BOOTINFO_H
#define LARES_BOOTINFO_H

#include <lares/types.h>

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289

#define BOOT_MAX_MEMRANGES 128
#define BOOT_MAX_MODULES   16
#define BOOT_CMDLINE_MAX   2048
#define BOOT_MODNAME_MAX   64

/* E820 memory types, as the loaders report them. */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

struct boot_memrange {
    u64 base;
    u64 size;
    u32 type;
};

struct boot_module {
    u64 start;                    /* physical, inclusive */
    u64 end;                      /* physical, exclusive */
    char name[BOOT_MODNAME_MAX];  /* file name (basename) when the loader says it, else "" */
    char args[BOOT_CMDLINE_MAX];  /* the module's string without its file name */
};

struct boot_info {
    int multiboot_version;        /* 1 or 2 */
    char loader_name[64];
    char cmdline[BOOT_CMDLINE_MAX]; /* hypervisor options, image name removed */
    unsigned nr_mem;
    struct boot_memrange mem[BOOT_MAX_MEMRANGES];
    unsigned nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    bool has_rsdp;                /* Multiboot 2 carries a copy of the RSDP */
    u8 rsdp[36];
    u64 info_start, info_end;     /* the loader's info block, to reserve */
};

/* Map [pa, pa+len) for reading; return NULL if it cannot be accessed. */
typedef const void *(*boot_phys_fn)(u64 pa, size_t len);

/*
 * Fill *bi from the loader's handoff (magic in EAX, info pointer in EBX).
 * Returns 0, or -EINVAL with bi->loader_name left describing the problem
 * for an unknown magic or a malformed info block.
 */
int bootinfo_parse(u32 magic, u64 info_pa, boot_phys_fn phys, struct boot_info *bi);

#endif
