/*
 * The boot memory map and memory setup (hv/arch/x86/boot_mem.c).
 *
 * memory_init() sanitises the loader's map, reserves what must not be
 * reused (everything below 1 MiB, the hypervisor image, boot modules, the
 * loader's info block), builds the final page tables and starts the page
 * allocator with the rest of RAM.
 */
#ifndef ASM_E820_H
#define ASM_E820_H

#include <lares/bootinfo.h>
#include <lares/types.h>

#define E820_MAX (2 * BOOT_MAX_MEMRANGES)

/* The sanitised map: sorted, no overlaps (lares/memmap.h). */
extern struct boot_memrange e820_map[E820_MAX];
extern unsigned int e820_nr;

void memory_init(const struct boot_info *bi);

/*
 * May [pa, pa+len) below 1 MiB be used for the AP trampoline? True if it
 * is RAM by the firmware map, not page 0 (real-mode IVT and BIOS data),
 * and holds none of the loader's data or modules. The page allocator never
 * hands out memory below 1 MiB, so nothing else competes for it.
 */
bool low_memory_is_free(paddr_t pa, size_t len);

#endif
