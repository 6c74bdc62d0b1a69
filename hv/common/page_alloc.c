/*
 * The page-frame allocator: the buddy core (hv/lib/buddy.c) behind a lock,
 * with frames handed out as direct-map addresses.
 */
#include <lares/buddy.h>
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/page_alloc.h>
#include <lares/spinlock.h>
#include <lares/string.h>

#define FAILURES_REPORTED 10 /* warn for the first few failures, count the rest */

static struct buddy buddy;
static DEFINE_SPINLOCK(page_lock);
static u64 ram_frames;

void page_alloc_init(struct rangelist *free, u64 max_pfn, u64 ram)
{
    u64 bytes = ROUNDUP(max_pfn * sizeof(struct buddy_frame), PAGE_SIZE);
    u64 pa;

    if (max_pfn > BUDDY_MAX_FRAMES)
        panic("Too much memory for the page allocator (%llu frames, at most %llu)\n",
              (unsigned long long)max_pfn, (unsigned long long)BUDDY_MAX_FRAMES);
    if (!rangelist_take(free, bytes, PAGE_SIZE, DIRECTMAP_SIZE, &pa))
        panic("No room for the page allocator's %llu KiB of frame descriptors\n",
              (unsigned long long)bytes >> 10);
    buddy_init(&buddy, phys_to_virt(pa), max_pfn);
    for (unsigned int i = 0; i < free->nr; i++) {
        u64 first = PFN_UP(free->r[i].start), end = PFN_DOWN(free->r[i].end);

        if (end > first && buddy_add_free(&buddy, first, end - first))
            panic("Page allocator: bad free range %#llx-%#llx\n",
                  (unsigned long long)free->r[i].start, (unsigned long long)free->r[i].end);
    }
    free->nr = 0; /* everything now belongs to the allocator */
    ram_frames = ram;
}

static void report_failure(unsigned int order, u64 failures)
{
    if (failures <= FAILURES_REPORTED)
        pr_warn("Out of memory: no free block of order %u (%llu KiB free; failure %llu%s)\n", order,
                (unsigned long long)free_page_count() * (PAGE_SIZE / 1024),
                (unsigned long long)failures,
                failures == FAILURES_REPORTED ? ", further ones only counted" : "");
}

void *alloc_pages(unsigned int order)
{
    unsigned long flags;
    u64 pfn, failures;
    int rc;

    spin_lock_irqsave(&page_lock, flags);
    rc = buddy_alloc(&buddy, order, &pfn);
    if (!rc)
        buddy.frames[pfn].owner = PAGE_OWNER_XEN;
    failures = buddy.failures;
    spin_unlock_irqrestore(&page_lock, flags);
    if (rc) {
        if (rc == -ENOMEM)
            report_failure(order, failures);
        else
            pr_warn("alloc_pages: order %u is larger than the maximum %u\n", order,
                    BUDDY_MAX_ORDER);
        return NULL;
    }
    return mfn_to_virt(pfn);
}

void *alloc_pages_zeroed(unsigned int order)
{
    void *p = alloc_pages(order);

    if (p)
        memset(p, 0, (size_t)PAGE_SIZE << order);
    return p;
}

void *alloc_pages_exact(u64 count)
{
    unsigned long flags;
    u64 pfn, failures;
    int rc;

    spin_lock_irqsave(&page_lock, flags);
    rc = buddy_alloc_exact(&buddy, count, &pfn);
    if (!rc)
        for (u64 p = pfn; p < pfn + count; p += 1ULL << buddy.frames[p].order)
            buddy.frames[p].owner = PAGE_OWNER_XEN;
    failures = buddy.failures;
    spin_unlock_irqrestore(&page_lock, flags);
    if (rc) {
        if (rc == -ENOMEM)
            pr_warn("Out of memory: no %llu contiguous free pages (%llu KiB free; failure %llu)\n",
                    (unsigned long long)count,
                    (unsigned long long)free_page_count() * (PAGE_SIZE / 1024),
                    (unsigned long long)failures);
        else
            pr_warn("alloc_pages_exact: %llu pages is not a valid count\n",
                    (unsigned long long)count);
        return NULL;
    }
    return mfn_to_virt(pfn);
}

static bool in_direct_map(const void *va)
{
    uintptr_t v = (uintptr_t)va;

    return v >= DIRECTMAP_BASE && v - DIRECTMAP_BASE < DIRECTMAP_SIZE;
}

void free_pages(void *va, unsigned int order)
{
    unsigned long flags;
    int rc;

    if (!va)
        return;
    if (!in_direct_map(va) || ((uintptr_t)va & (PAGE_SIZE - 1)))
        panic("free_pages(%p, %u): not a page-allocator address\n", va, order);
    spin_lock_irqsave(&page_lock, flags);
    rc = buddy_free(&buddy, virt_to_mfn(va), order);
    spin_unlock_irqrestore(&page_lock, flags);
    if (rc)
        panic("free_pages(%p, %u): not an allocated block of that order (double free?)\n", va,
              order);
}

void free_pages_exact(void *va, u64 count)
{
    unsigned long flags;
    int rc;

    if (!va)
        return;
    if (!in_direct_map(va) || ((uintptr_t)va & (PAGE_SIZE - 1)))
        panic("free_pages_exact(%p, %llu): not a page-allocator address\n", va,
              (unsigned long long)count);
    spin_lock_irqsave(&page_lock, flags);
    rc = buddy_free_exact(&buddy, virt_to_mfn(va), count);
    spin_unlock_irqrestore(&page_lock, flags);
    if (rc)
        panic("free_pages_exact(%p, %llu): not an allocated run of that size (double free?)\n", va,
              (unsigned long long)count);
}

int page_block_order(const void *va)
{
    unsigned long flags;
    int order;

    if (!in_direct_map(va))
        return -EINVAL;
    spin_lock_irqsave(&page_lock, flags);
    order = buddy_block_order(&buddy, virt_to_mfn(va));
    spin_unlock_irqrestore(&page_lock, flags);
    return order;
}

int page_set_owner(const void *va, u16 owner)
{
    unsigned long flags;
    int rc = -EINVAL;

    if (!in_direct_map(va))
        return rc;
    spin_lock_irqsave(&page_lock, flags);
    if (buddy_block_order(&buddy, virt_to_mfn(va)) >= 0) {
        buddy.frames[virt_to_mfn(va)].owner = owner;
        rc = 0;
    }
    spin_unlock_irqrestore(&page_lock, flags);
    return rc;
}

u16 page_owner(const void *va)
{
    unsigned long flags;
    u16 owner = PAGE_OWNER_XEN;

    if (!in_direct_map(va))
        return owner;
    spin_lock_irqsave(&page_lock, flags);
    if (buddy_block_order(&buddy, virt_to_mfn(va)) >= 0)
        owner = buddy.frames[virt_to_mfn(va)].owner;
    spin_unlock_irqrestore(&page_lock, flags);
    return owner;
}

u64 free_page_count(void)
{
    return __atomic_load_n(&buddy.free_frames, __ATOMIC_RELAXED);
}

u64 total_page_count(void)
{
    return ram_frames;
}

u64 page_alloc_failures(void)
{
    return __atomic_load_n(&buddy.failures, __ATOMIC_RELAXED);
}
