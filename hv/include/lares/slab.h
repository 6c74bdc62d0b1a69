/*
 * The heap's core (pure; unit-tested on the host): small objects from
 * size classes carved out of single pages ("slabs"), larger ones as whole
 * page blocks. Pages come from, and go back to, the caller's page
 * allocator through struct slab_ops; hv/common/heap.c adds the lock and
 * plugs in the buddy allocator.
 *
 * Every object is 16-byte aligned. A slab page starts with a header (so
 * small objects are never page-aligned) and keeps a bitmap of the objects
 * in use, which catches double frees and pointers into the middle of an
 * object. Large allocations are page-aligned; their size is the page
 * allocator's block order.
 *
 * Not thread-safe: callers lock.
 */
#ifndef LARES_SLAB_H
#define LARES_SLAB_H

#include <lares/types.h>

#define SLAB_PAGE_SIZE 4096
#define SLAB_HEADER_SIZE 64
#define SLAB_NR_CLASSES 14
#define SLAB_MAX_OBJECT 2016 /* larger requests get whole pages */

struct slab_ops {
    void *(*alloc_pages)(unsigned int order); /* SLAB_PAGE_SIZE-aligned, or NULL */
    void (*free_pages)(void *p, unsigned int order);
    int (*block_order)(const void *p); /* order of a block from alloc_pages, or < 0 */
};

struct slab_page;

struct slab_heap {
    const struct slab_ops *ops;
    struct slab_page *partial[SLAB_NR_CLASSES]; /* slabs with at least one free object */
    u64 objects;     /* small objects in use */
    u64 slab_pages;  /* pages currently holding small objects */
    u64 large_pages; /* pages currently handed out as large allocations */
    u64 failures;    /* requests refused for lack of memory or too large */
};

void slab_init(struct slab_heap *h, const struct slab_ops *ops);

/* size bytes (0 gives a minimal object), 16-byte aligned, or NULL. */
void *slab_alloc(struct slab_heap *h, size_t size);

/* Free p from slab_alloc (NULL is ignored). -EINVAL if p is not a live allocation. */
int slab_free(struct slab_heap *h, void *p);

/* Bytes usable at p (at least the size asked for), or 0 if p is not a live allocation. */
size_t slab_usable_size(const struct slab_heap *h, const void *p);

/* The object size class a request of size bytes uses, or -1 for the page path. */
int slab_class_of(size_t size);
size_t slab_class_size(unsigned int cls);

#endif
