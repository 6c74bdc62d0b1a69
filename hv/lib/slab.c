/* Size-class heap on pages (see lares/slab.h). */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/slab.h>

#define SLAB_MAGIC 0x51ab5eedu
#define SLAB_MAX_OBJECTS ((SLAB_PAGE_SIZE - SLAB_HEADER_SIZE) / 16)

/* Multiples of 16; the larger ones split the page's usable 4032 bytes evenly (6, 4, 3, 2). */
static const u16 class_size[SLAB_NR_CLASSES] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 672, 1008, 1344, 2016,
};

struct slab_page {
    u32 magic;
    u16 cls;
    u16 in_use;
    void *free; /* singly linked list through the free objects */
    struct slab_page *next, *prev;
    u8 used[(SLAB_MAX_OBJECTS + 7) / 8]; /* bitmap of objects in use */
};

BUILD_BUG_ON(sizeof(struct slab_page) > SLAB_HEADER_SIZE);
BUILD_BUG_ON(SLAB_MAX_OBJECT != 2016);

int slab_class_of(size_t size)
{
    for (unsigned int i = 0; i < SLAB_NR_CLASSES; i++)
        if (size <= class_size[i])
            return (int)i;
    return -1;
}

size_t slab_class_size(unsigned int cls)
{
    return cls < SLAB_NR_CLASSES ? class_size[cls] : 0;
}

static unsigned int objects_per_slab(unsigned int cls)
{
    return (SLAB_PAGE_SIZE - SLAB_HEADER_SIZE) / class_size[cls];
}

void slab_init(struct slab_heap *h, const struct slab_ops *ops)
{
    *h = (struct slab_heap){.ops = ops};
}

static void partial_add(struct slab_heap *h, struct slab_page *s)
{
    s->prev = NULL;
    s->next = h->partial[s->cls];
    if (s->next)
        s->next->prev = s;
    h->partial[s->cls] = s;
}

static void partial_del(struct slab_heap *h, struct slab_page *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        h->partial[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static struct slab_page *new_slab(struct slab_heap *h, unsigned int cls)
{
    struct slab_page *s = h->ops->alloc_pages(0);
    u8 *base;
    unsigned int n = objects_per_slab(cls);

    if (!s)
        return NULL;
    *s = (struct slab_page){.magic = SLAB_MAGIC, .cls = (u16)cls};
    /* Chain the objects lowest first, so allocation order is predictable. */
    base = (u8 *)s + SLAB_HEADER_SIZE;
    for (unsigned int i = n; i-- > 0;) {
        void **obj = (void **)(base + i * class_size[cls]);

        *obj = s->free;
        s->free = obj;
    }
    h->slab_pages++;
    partial_add(h, s);
    return s;
}

static unsigned int object_index(const struct slab_page *s, const void *p)
{
    return (unsigned int)(((uintptr_t)p - (uintptr_t)s - SLAB_HEADER_SIZE) / class_size[s->cls]);
}

static void *alloc_small(struct slab_heap *h, unsigned int cls)
{
    struct slab_page *s = h->partial[cls];
    void **obj;
    unsigned int i;

    if (!s && !(s = new_slab(h, cls)))
        return NULL;
    obj = s->free;
    s->free = *obj;
    i = object_index(s, obj);
    s->used[i / 8] |= (u8)(1u << (i % 8));
    if (++s->in_use == objects_per_slab(cls))
        partial_del(h, s);
    h->objects++;
    return obj;
}

static void *alloc_large(struct slab_heap *h, size_t size)
{
    unsigned int order = 0;
    void *p;

    while (((size_t)SLAB_PAGE_SIZE << order) < size) {
        if (++order > 30)
            return NULL;
    }
    p = h->ops->alloc_pages(order);
    if (p)
        h->large_pages += 1ULL << order;
    return p;
}

void *slab_alloc(struct slab_heap *h, size_t size)
{
    int cls = slab_class_of(size);
    void *p = cls >= 0 ? alloc_small(h, (unsigned int)cls) : alloc_large(h, size);

    if (!p)
        h->failures++;
    return p;
}

/* The slab header for a small-object pointer, or NULL if p is not a live object. */
static struct slab_page *live_object(const void *p, unsigned int *index)
{
    struct slab_page *s = (struct slab_page *)((uintptr_t)p & ~(uintptr_t)(SLAB_PAGE_SIZE - 1));
    uintptr_t off = (uintptr_t)p - (uintptr_t)s;
    unsigned int i;

    if (s->magic != SLAB_MAGIC || s->cls >= SLAB_NR_CLASSES || off < SLAB_HEADER_SIZE)
        return NULL;
    if ((off - SLAB_HEADER_SIZE) % class_size[s->cls])
        return NULL;
    i = object_index(s, p);
    if (i >= objects_per_slab(s->cls) || !(s->used[i / 8] & (1u << (i % 8))))
        return NULL;
    *index = i;
    return s;
}

int slab_free(struct slab_heap *h, void *p)
{
    struct slab_page *s;
    unsigned int i;

    if (!p)
        return 0;
    if (!((uintptr_t)p & (SLAB_PAGE_SIZE - 1))) {
        int order = h->ops->block_order(p);

        if (order < 0)
            return -EINVAL;
        h->ops->free_pages(p, (unsigned int)order);
        h->large_pages -= 1ULL << order;
        return 0;
    }
    s = live_object(p, &i);
    if (!s)
        return -EINVAL;
    s->used[i / 8] &= (u8) ~(1u << (i % 8));
    *(void **)p = s->free;
    s->free = p;
    h->objects--;
    if (s->in_use-- == objects_per_slab(s->cls))
        partial_add(h, s);
    if (s->in_use == 0) {
        /* Give empty slabs back at once, so page counts return to where they started. */
        partial_del(h, s);
        s->magic = 0;
        h->slab_pages--;
        h->ops->free_pages(s, 0);
    }
    return 0;
}

size_t slab_usable_size(const struct slab_heap *h, const void *p)
{
    struct slab_page *s;
    unsigned int i;

    if (!p)
        return 0;
    if (!((uintptr_t)p & (SLAB_PAGE_SIZE - 1))) {
        int order = h->ops->block_order(p);

        return order < 0 ? 0 : (size_t)SLAB_PAGE_SIZE << order;
    }
    s = live_object(p, &i);
    return s ? class_size[s->cls] : 0;
}
