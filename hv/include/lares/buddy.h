/*
 * Binary buddy allocator over page frame numbers (pure; unit-tested on the
 * host). The caller supplies one descriptor per frame, for frames
 * 0..nr_frames-1; the allocator never touches the frames themselves, so
 * the hypervisor wrapper (hv/common/page_alloc.c) adds the lock and the
 * direct map, and host tests use plain numbers.
 *
 * A block of order k is 2^k frames starting at a multiple of 2^k (natural
 * alignment is in absolute frame numbers, so an order-9 block is 2 MiB
 * aligned in physical memory). Frames are RESERVED until buddy_add_free()
 * hands them over; holes in RAM simply stay reserved.
 *
 * Not thread-safe: callers lock.
 */
#ifndef LARES_BUDDY_H
#define LARES_BUDDY_H

#include <lares/types.h>

#define BUDDY_MAX_ORDER 20 /* largest block: 2^20 frames = 4 GiB */
#define BUDDY_NR_ORDERS (BUDDY_MAX_ORDER + 1)
#define BUDDY_MAX_FRAMES 0xfffffffeULL /* descriptors link by 32-bit index */

enum buddy_frame_state {
    BUDDY_RESERVED = 0, /* not managed: a hole, the image, firmware data... */
    BUDDY_FREE_HEAD,    /* first frame of a free block (on a free list) */
    BUDDY_ALLOC_HEAD,   /* first frame of an allocated block */
    BUDDY_INNER,        /* any other frame of a free or allocated block */
};

struct buddy_frame {
    u32 next, prev; /* free-list links (frame numbers), valid for FREE_HEAD */
    u8 state;       /* enum buddy_frame_state */
    u8 order;       /* block order, valid for FREE_HEAD and ALLOC_HEAD */
    u16 owner;      /* for the caller (page_alloc.c: the block's domain); buddy ignores it */
};

struct buddy {
    struct buddy_frame *frames;
    u64 nr_frames;
    u32 free_head[BUDDY_NR_ORDERS];
    u64 nr_free_blocks[BUDDY_NR_ORDERS];
    u64 free_frames;  /* frames currently free */
    u64 total_frames; /* frames ever handed over with buddy_add_free() */
    u64 failures;     /* allocations refused for lack of memory */
};

/* Start with every frame reserved. nr_frames must not exceed BUDDY_MAX_FRAMES. */
int buddy_init(struct buddy *b, struct buddy_frame *frames, u64 nr_frames);

/* Hand frames [pfn, pfn+count) to the allocator. -EINVAL if any is out of range or not reserved. */
int buddy_add_free(struct buddy *b, u64 pfn, u64 count);

/* Allocate 2^order frames: 0 and *pfn, -ENOMEM (counted in failures) or -EINVAL (bad order). */
int buddy_alloc(struct buddy *b, unsigned int order, u64 *pfn);

/*
 * Free a block from buddy_alloc(). -EINVAL, changing nothing, if pfn is
 * not the start of an allocated block of exactly this order (a double free
 * or a wrong order).
 */
int buddy_free(struct buddy *b, u64 pfn, unsigned int order);

/*
 * Allocate exactly count contiguous frames (1 <= count <= 2^BUDDY_MAX_ORDER),
 * aligned to the power of two above count, without keeping the rest of
 * that power of two: the run is held as one allocated block per set bit of
 * count, largest first. 0 and *pfn, -ENOMEM or -EINVAL.
 */
int buddy_alloc_exact(struct buddy *b, u64 count, u64 *pfn);

/* Free a run from buddy_alloc_exact(). -EINVAL, changing nothing, if it is not one. */
int buddy_free_exact(struct buddy *b, u64 pfn, u64 count);

/* The order of the allocated block starting at pfn, or -EINVAL if there is none. */
int buddy_block_order(const struct buddy *b, u64 pfn);

/* Walk all free lists and check them against the descriptors and counters (for tests). */
bool buddy_check(const struct buddy *b);

#endif
