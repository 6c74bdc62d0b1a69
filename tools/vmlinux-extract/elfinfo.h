/*
 * Just enough ELF64 reading to check that a decompressed kernel is a
 * loadable x86-64 image, how long it is, and where its PVH entry point is.
 */
#ifndef VX_ELFINFO_H
#define VX_ELFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Xen's ELF note for the 32-bit flat-mode (PVH) entry point (public/elfnote.h). */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

struct elf_info {
    uint64_t entry; /* e_entry */
    uint16_t phnum;
    uint64_t extent; /* bytes covered by headers, segments and sections */
    bool has_pvh_entry;
    uint64_t pvh_entry; /* physical address from the PHYS32_ENTRY note */
};

/*
 * Check that p[0..len) starts with a well-formed ELF64 little-endian x86-64
 * image whose headers, segments and sections all lie inside the buffer.
 * Bytes after info->extent (Linux appends its relocation table) are allowed.
 */
enum vx_status elf_inspect(const uint8_t *p, size_t len, struct elf_info *info,
                           struct vx_error *err);

#endif
