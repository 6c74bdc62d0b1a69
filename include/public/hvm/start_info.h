/*
 * PVH start-of-day information (Xen guest ABI, x86).
 *
 * At the PVH entry point EBX holds the guest-physical address of a
 * struct hvm_start_info. Every address in these structures is
 * guest-physical; 0 means "not present" because nothing is ever placed at
 * address 0. Version 1 appends the memory map fields; a guest that knows
 * version 1 still has to check memmap_entries != 0 before using it.
 *
 * Layout facts from Xen's public/arch-x86/hvm/start_info.h.
 */
#ifndef PUBLIC_HVM_START_INFO_H
#define PUBLIC_HVM_START_INFO_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

/* "xEn3" with bit 7 of the 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u
#define XEN_HVM_START_INFO_VERSION 1u

/*
 * Values for hvm_start_info.flags. They are Xen's SIF_PRIVILEGED and
 * SIF_INITDOMAIN (public/xen.h); named separately here so this header
 * stands alone next to xen.h.
 */
#define HVM_START_FLAG_PRIVILEGED (1u << 0)
#define HVM_START_FLAG_INITDOMAIN (1u << 1)

/* hvm_memmap_table_entry.type: the ACPI address range types (E820). */
#define XEN_HVM_MEMMAP_TYPE_RAM 1u
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2u
#define XEN_HVM_MEMMAP_TYPE_ACPI 3u
#define XEN_HVM_MEMMAP_TYPE_NVS 4u
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5u
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6u
#define XEN_HVM_MEMMAP_TYPE_PMEM 7u

#ifndef __ASSEMBLY__
struct hvm_start_info {
    uint32_t magic;         /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;       /* 1 */
    uint32_t flags;         /* HVM_START_FLAG_* */
    uint32_t nr_modules;    /* entries at modlist_paddr */
    uint64_t modlist_paddr; /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr; /* NUL-terminated ASCII */
    uint64_t rsdp_paddr;    /* ACPI RSDP */
    /* version >= 1 */
    uint64_t memmap_paddr;   /* struct hvm_memmap_table_entry[memmap_entries] */
    uint32_t memmap_entries; /* 0: no map given */
    uint32_t reserved;       /* 0 */
};

struct hvm_modlist_entry {
    uint64_t paddr;         /* start of the module */
    uint64_t size;          /* bytes */
    uint64_t cmdline_paddr; /* the module's own string, 0 if none */
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;     /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved; /* 0 */
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size");
_Static_assert(__builtin_offsetof(struct hvm_start_info, flags) == 8, "flags");
_Static_assert(__builtin_offsetof(struct hvm_start_info, nr_modules) == 12, "nr_modules");
_Static_assert(__builtin_offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist_paddr");
_Static_assert(__builtin_offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline_paddr");
_Static_assert(__builtin_offsetof(struct hvm_start_info, rsdp_paddr) == 32, "rsdp_paddr");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries");
_Static_assert(__builtin_offsetof(struct hvm_start_info, reserved) == 52, "reserved");

_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry size");
_Static_assert(__builtin_offsetof(struct hvm_modlist_entry, size) == 8, "size");
_Static_assert(__builtin_offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16, "cmdline");

_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry size");
_Static_assert(__builtin_offsetof(struct hvm_memmap_table_entry, size) == 8, "size");
_Static_assert(__builtin_offsetof(struct hvm_memmap_table_entry, type) == 16, "type");

#endif /* !__ASSEMBLY__ */

#endif
