/*
 * x86-64 page tables (4 levels) and the hypervisor's own mappings
 * (hv/arch/x86/paging.c).
 *
 * After paging_init() the hypervisor runs on its final tables:
 *   - DIRECTMAP_BASE + pa: all RAM, ACPI and NVS ranges plus the legacy
 *     first MiB except the VGA hole, write-back, never executable, with the
 *     largest pages the CPU supports (1 GiB, else 2 MiB; 4 KiB at edges);
 *   - KERNEL_VIRT_BASE + pa: the image in 4 KiB pages, text read-only and
 *     executable, rodata read-only, data and BSS writable, both
 *     non-executable (when the CPU has NX);
 *   - IOREMAP_BASE: ioremap() windows, uncached;
 *   - nothing at low addresses, so NULL dereferences fault.
 * CR0.WP is set: read-only means read-only for the hypervisor too.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <lares/types.h>

#define _PAGE_PRESENT  0x001ULL
#define _PAGE_RW       0x002ULL
#define _PAGE_USER     0x004ULL
#define _PAGE_PWT      0x008ULL
#define _PAGE_PCD      0x010ULL
#define _PAGE_ACCESSED 0x020ULL
#define _PAGE_DIRTY    0x040ULL
#define _PAGE_PSE      0x080ULL /* large page in a PDPT or PD entry */
#define _PAGE_GLOBAL   0x100ULL
#define _PAGE_NX       (1ULL << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000ULL

#define PAGE_SIZE_2M (1ULL << 21)
#define PAGE_SIZE_1G (1ULL << 30)

#define IOREMAP_BASE 0xffff820000000000ULL
#define IOREMAP_SIZE (64ULL << 30)

struct rangelist;

/*
 * Build the final page tables and switch to them. direct lists the
 * physical ranges to put in the direct map; alloc_table returns a zeroed
 * 4 KiB page below 4 GiB (tables are reached through the boot direct map
 * until the switch).
 */
void paging_init(const struct rangelist *direct, paddr_t (*alloc_table)(void));

/* After the page allocator is up, new page tables come from it. */
void paging_use_page_allocator(void);

/* Is [pa, pa+len) entirely inside the direct map? */
bool paging_in_direct_map(paddr_t pa, u64 len);

/* Whether the CPU honours the NX bit (EFER.NXE is set iff so). */
bool paging_nx_supported(void);

/* The root table (CR3 value); always below 4 GiB so a 32-bit AP trampoline can load it. */
paddr_t paging_root_pa(void);

/*
 * Map the 4 KiB page at pa (below 4 GiB) at virtual address pa,
 * writable and executable, for an AP trampoline's switch into long mode;
 * unmap it when all APs are up. An AP must set EFER.NXE (if
 * paging_nx_supported()) before it enables paging on these tables, because
 * they use the NX bit. Returns 0, -EINVAL or -ENOMEM.
 */
int paging_map_identity_low(paddr_t pa);
void paging_unmap_identity_low(paddr_t pa);

/* Map [pa, pa+size) at va (all page-aligned) with flags; 0, -EEXIST or -ENOMEM. */
int map_pages(u64 va, paddr_t pa, u64 size, u64 flags);

static inline void invlpg(const void *va)
{
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
