/*
 * Setting up the page allocator, and the details beyond lares/mm.h that
 * other memory code needs (hv/common/page_alloc.c).
 */
#ifndef LARES_PAGE_ALLOC_H
#define LARES_PAGE_ALLOC_H

#include <lares/rangelist.h>
#include <lares/types.h>

/*
 * Take the frame descriptors for frames 0..max_pfn-1 out of free, then
 * hand every range left in free to the allocator. ram_frames is the RAM
 * size for total_page_count(). Panics if the descriptors do not fit.
 */
void page_alloc_init(struct rangelist *free, u64 max_pfn, u64 ram_frames);

/* Order of the allocated block starting at va, or -EINVAL if none starts there. */
int page_block_order(const void *va);

/*
 * Who an allocated block belongs to: a domain id, or PAGE_OWNER_XEN (the
 * default, also after a free). Set on the block's first frame. Returns 0,
 * or -EINVAL if va does not start an allocated block.
 */
#define PAGE_OWNER_XEN 0xffff
int page_set_owner(const void *va, u16 owner);
u16 page_owner(const void *va);

/* Allocations refused for lack of memory since boot. */
u64 page_alloc_failures(void);

#endif
