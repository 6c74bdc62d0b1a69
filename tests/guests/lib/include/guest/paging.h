/*
 * Changing the guest's own page tables: tests map guest-physical pages at
 * chosen virtual addresses in the test window (>= TEST_WINDOW_BASE), e.g.
 * two far-apart frames at adjacent addresses, a read-only page, or a GPA
 * beyond RAM. The identity map below 1 GiB is not changed.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <lares/types.h>

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITE (1ull << 1)
#define PTE_USER (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_ACCESSED (1ull << 5)
#define PTE_DIRTY (1ull << 6)
#define PTE_LARGE (1ull << 7)

/* Map the 4 KiB frame at pa to va (both page-aligned) with `flags`
 * (PTE_PRESENT is implied). Returns 0, -EINVAL (unaligned, non-canonical
 * or inside the identity map) or -ENOMEM (page-table pool exhausted). */
int map_page(u64 va, u64 pa, u64 flags);
/* Remove the mapping of va (a no-op if there is none). */
void unmap_page(u64 va);

/* Physical address bits of the CPU (CPUID 0x80000008 EAX[7:0], 36 if absent). */
unsigned int phys_addr_bits(void);

#endif
