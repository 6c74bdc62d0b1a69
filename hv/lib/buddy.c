/* Binary buddy allocator over frame descriptors (see lares/buddy.h). */
#include <lares/buddy.h>
#include <lares/errno.h>
#include <lares/string.h>

#define NIL 0xffffffffu

static void list_push(struct buddy *b, u64 pfn, unsigned int order)
{
    struct buddy_frame *f = &b->frames[pfn];
    u32 head = b->free_head[order];

    f->state = BUDDY_FREE_HEAD;
    f->order = (u8)order;
    f->prev = NIL;
    f->next = head;
    if (head != NIL)
        b->frames[head].prev = (u32)pfn;
    b->free_head[order] = (u32)pfn;
    b->nr_free_blocks[order]++;
}

static void list_del(struct buddy *b, u64 pfn, unsigned int order)
{
    struct buddy_frame *f = &b->frames[pfn];

    if (f->prev != NIL)
        b->frames[f->prev].next = f->next;
    else
        b->free_head[order] = f->next;
    if (f->next != NIL)
        b->frames[f->next].prev = f->prev;
    b->nr_free_blocks[order]--;
}

int buddy_init(struct buddy *b, struct buddy_frame *frames, u64 nr_frames)
{
    if (nr_frames > BUDDY_MAX_FRAMES)
        return -EINVAL;
    memset(b, 0, sizeof(*b));
    b->frames = frames;
    b->nr_frames = nr_frames;
    for (unsigned int i = 0; i < BUDDY_NR_ORDERS; i++)
        b->free_head[i] = NIL;
    memset(frames, 0, nr_frames * sizeof(*frames));
    return 0;
}

/* Put a block on its free list, merging with its buddy as long as the buddy is free too. */
static void free_block(struct buddy *b, u64 pfn, unsigned int order)
{
    while (order < BUDDY_MAX_ORDER) {
        u64 buddy = pfn ^ (1ULL << order);
        const struct buddy_frame *bf;

        if (buddy + (1ULL << order) > b->nr_frames)
            break;
        bf = &b->frames[buddy];
        if (bf->state != BUDDY_FREE_HEAD || bf->order != order)
            break;
        list_del(b, buddy, order);
        /* The higher of the two halves is now inside the merged block. */
        b->frames[pfn > buddy ? pfn : buddy].state = BUDDY_INNER;
        pfn = pfn < buddy ? pfn : buddy;
        order++;
    }
    list_push(b, pfn, order);
}

/* Largest order whose naturally aligned block at pfn fits in [pfn, end). */
static unsigned int fit_order(u64 pfn, u64 end)
{
    unsigned int order = 0;

    while (order < BUDDY_MAX_ORDER && !(pfn & (1ULL << order)) && pfn + (2ULL << order) <= end)
        order++;
    return order;
}

int buddy_add_free(struct buddy *b, u64 pfn, u64 count)
{
    u64 end = pfn + count;

    if (end < pfn || end > b->nr_frames)
        return -EINVAL;
    for (u64 i = pfn; i < end; i++)
        if (b->frames[i].state != BUDDY_RESERVED)
            return -EINVAL;

    while (pfn < end) {
        unsigned int order = fit_order(pfn, end);
        u64 n = 1ULL << order;

        for (u64 i = 1; i < n; i++)
            b->frames[pfn + i].state = BUDDY_INNER;
        b->free_frames += n;
        b->total_frames += n;
        free_block(b, pfn, order);
        pfn += n;
    }
    return 0;
}

int buddy_alloc(struct buddy *b, unsigned int order, u64 *pfn)
{
    unsigned int j = order;
    u64 p;

    if (order > BUDDY_MAX_ORDER)
        return -EINVAL;
    while (j <= BUDDY_MAX_ORDER && b->free_head[j] == NIL)
        j++;
    if (j > BUDDY_MAX_ORDER) {
        b->failures++;
        return -ENOMEM;
    }
    p = b->free_head[j];
    list_del(b, p, j);
    /* Split: the upper halves go back on the free lists. */
    while (j > order) {
        j--;
        list_push(b, p + (1ULL << j), j);
    }
    b->frames[p].state = BUDDY_ALLOC_HEAD;
    b->frames[p].order = (u8)order;
    b->free_frames -= 1ULL << order;
    *pfn = p;
    return 0;
}

int buddy_block_order(const struct buddy *b, u64 pfn)
{
    if (pfn >= b->nr_frames || b->frames[pfn].state != BUDDY_ALLOC_HEAD)
        return -EINVAL;
    return b->frames[pfn].order;
}

int buddy_free(struct buddy *b, u64 pfn, unsigned int order)
{
    if (order > BUDDY_MAX_ORDER || buddy_block_order(b, pfn) != (int)order)
        return -EINVAL;
    b->free_frames += 1ULL << order;
    free_block(b, pfn, order);
    return 0;
}

/* The smallest order whose block holds count frames (count <= 2^BUDDY_MAX_ORDER). */
static unsigned int order_for(u64 count)
{
    unsigned int order = 0;

    while ((1ULL << order) < count)
        order++;
    return order;
}

int buddy_alloc_exact(struct buddy *b, u64 count, u64 *pfn)
{
    u64 cur, left = count;
    unsigned int order;
    int rc;

    if (!count || count > (1ULL << BUDDY_MAX_ORDER))
        return -EINVAL;
    order = order_for(count);
    rc = buddy_alloc(b, order, pfn);
    if (rc)
        return rc;
    /*
     * Cut the block down to count frames: keep a half while more than a
     * half is still needed, give the unneeded upper half back otherwise.
     * What is kept are blocks of the orders of count's set bits, largest
     * first -- the layout buddy_free_exact() expects.
     */
    cur = *pfn;
    while (left != (1ULL << order)) {
        order--;
        if (left > (1ULL << order)) {
            b->frames[cur].state = BUDDY_ALLOC_HEAD;
            b->frames[cur].order = (u8)order;
            cur += 1ULL << order;
            left -= 1ULL << order;
        } else {
            b->free_frames += 1ULL << order;
            free_block(b, cur + (1ULL << order), order);
        }
    }
    b->frames[cur].state = BUDDY_ALLOC_HEAD;
    b->frames[cur].order = (u8)order;
    return 0;
}

int buddy_free_exact(struct buddy *b, u64 pfn, u64 count)
{
    u64 cur = pfn;

    if (!count || count > (1ULL << BUDDY_MAX_ORDER))
        return -EINVAL;
    /* Check every piece before freeing any, so that a bad call changes nothing. */
    for (int order = BUDDY_MAX_ORDER; order >= 0; order--) {
        if (!(count & (1ULL << order)))
            continue;
        if (buddy_block_order(b, cur) != order)
            return -EINVAL;
        cur += 1ULL << order;
    }
    cur = pfn;
    for (int order = BUDDY_MAX_ORDER; order >= 0; order--) {
        if (!(count & (1ULL << order)))
            continue;
        buddy_free(b, cur, (unsigned int)order);
        cur += 1ULL << order;
    }
    return 0;
}

bool buddy_check(const struct buddy *b)
{
    u64 free = 0;

    for (unsigned int order = 0; order < BUDDY_NR_ORDERS; order++) {
        u64 count = 0;
        u32 prev = NIL;

        for (u32 p = b->free_head[order]; p != NIL; p = b->frames[p].next) {
            const struct buddy_frame *f = &b->frames[p];

            if (p >= b->nr_frames || f->state != BUDDY_FREE_HEAD || f->order != order ||
                f->prev != prev || (p & ((1ULL << order) - 1)) ||
                p + (1ULL << order) > b->nr_frames || ++count > b->nr_frames)
                return false;
            /* A free block whose buddy is free at the same order should have been merged. */
            if (order < BUDDY_MAX_ORDER) {
                u64 buddy = p ^ (1ULL << order);

                if (buddy + (1ULL << order) <= b->nr_frames &&
                    b->frames[buddy].state == BUDDY_FREE_HEAD && b->frames[buddy].order == order)
                    return false;
            }
            prev = p;
        }
        if (count != b->nr_free_blocks[order])
            return false;
        free += count << order;
    }
    return free == b->free_frames && b->free_frames <= b->total_frames;
}
