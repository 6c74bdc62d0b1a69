/*
 * Memory management interface (implemented in hv/common/page_alloc.c,
 * hv/common/heap.c and hv/arch/x86/paging.c).
 *
 * - Frames come from a buddy allocator: alloc_pages(order) returns 2^order
 *   contiguous, naturally aligned 4 KiB frames (order 9 = 2 MiB).
 * - Every RAM byte is reachable through the direct map: phys_to_virt().
 * - Small objects come from the heap: xmalloc/xzalloc/xfree.
 * - Device registers are mapped uncached with ioremap().
 * Allocation failure returns NULL (and is counted); callers must check.
 */
#ifndef LARES_MM_H
#define LARES_MM_H

#include <lares/types.h>
#include <asm/config.h>

#define PAGE_MASK (~((u64)PAGE_SIZE - 1))
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(DIRECTMAP_BASE + pa);
}

/* Works for direct-map and image addresses. */
static inline paddr_t virt_to_phys(const void *va)
{
    uintptr_t v = (uintptr_t)va;

    if (v >= KERNEL_VIRT_BASE)
        return v - KERNEL_VIRT_BASE;
    return v - DIRECTMAP_BASE;
}

static inline mfn_t virt_to_mfn(const void *va) { return virt_to_phys(va) >> PAGE_SHIFT; }
static inline void *mfn_to_virt(mfn_t mfn) { return phys_to_virt(mfn << PAGE_SHIFT); }

/* Page frames. Contents are NOT zeroed unless the _zeroed variant is used. */
void *alloc_pages(unsigned int order);
void *alloc_pages_zeroed(unsigned int order);
void free_pages(void *va, unsigned int order);
/*
 * Exactly count contiguous frames (not rounded up to a power of two: the
 * rest of that power of two stays free). Free with the same count.
 */
void *alloc_pages_exact(u64 count);
void free_pages_exact(void *va, u64 count);
static inline void *alloc_page(void) { return alloc_pages(0); }
static inline void *alloc_page_zeroed(void) { return alloc_pages_zeroed(0); }
static inline void free_page(void *va) { free_pages(va, 0); }

/* Counters (in 4 KiB frames) for reports and leak tests. */
u64 free_page_count(void);
u64 total_page_count(void);

/* Heap. Alignment is at least 16 bytes. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);
#define xzalloc_obj(type) ((type *)xzalloc(sizeof(type)))
#define xzalloc_array(type, n) ((type *)xzalloc(sizeof(type) * (n)))

/* Map device memory uncached; returns a virtual address or NULL. */
void *ioremap(paddr_t pa, size_t size);

#endif
