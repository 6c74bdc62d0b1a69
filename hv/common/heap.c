/* xmalloc/xzalloc/xfree: the slab core (hv/lib/slab.c) on the page allocator, behind a lock. */
#include <lares/mm.h>
#include <lares/page_alloc.h>
#include <lares/shutdown.h>
#include <lares/slab.h>
#include <lares/spinlock.h>
#include <lares/string.h>

static const struct slab_ops heap_ops = {
    .alloc_pages = alloc_pages,
    .free_pages = free_pages,
    .block_order = page_block_order,
};

static struct slab_heap heap = {.ops = &heap_ops};
static DEFINE_SPINLOCK(heap_lock);

void *xmalloc(size_t size)
{
    unsigned long flags;
    void *p;

    spin_lock_irqsave(&heap_lock, flags);
    p = slab_alloc(&heap, size);
    spin_unlock_irqrestore(&heap_lock, flags);
    return p;
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    unsigned long flags;
    int rc;

    spin_lock_irqsave(&heap_lock, flags);
    rc = slab_free(&heap, p);
    spin_unlock_irqrestore(&heap_lock, flags);
    if (rc)
        panic("xfree(%p): not a live heap allocation (double free?)\n", p);
}
