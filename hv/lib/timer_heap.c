/* Deadline min-heap (see lares/timer_heap.h). Index i has children 2i+1, 2i+2. */
#include <lares/timer_heap.h>

static void place(struct timer_heap *h, unsigned i, struct heap_node *nd)
{
    h->slot[i] = nd;
    nd->pos = i + 1;
}

static void sift_up(struct timer_heap *h, unsigned i)
{
    struct heap_node *nd = h->slot[i];

    while (i > 0) {
        unsigned parent = (i - 1) / 2;

        if (h->slot[parent]->key <= nd->key)
            break;
        place(h, i, h->slot[parent]);
        i = parent;
    }
    place(h, i, nd);
}

static void sift_down(struct timer_heap *h, unsigned i)
{
    struct heap_node *nd = h->slot[i];

    for (;;) {
        unsigned child = 2 * i + 1;

        if (child >= h->n)
            break;
        if (child + 1 < h->n && h->slot[child + 1]->key < h->slot[child]->key)
            child++;
        if (nd->key <= h->slot[child]->key)
            break;
        place(h, i, h->slot[child]);
        i = child;
    }
    place(h, i, nd);
}

bool timer_heap_insert(struct timer_heap *h, struct heap_node *nd, s64 key)
{
    if (h->n == h->cap)
        return false;
    nd->key = key;
    place(h, h->n++, nd);
    sift_up(h, h->n - 1);
    return true;
}

void timer_heap_update(struct timer_heap *h, struct heap_node *nd, s64 key)
{
    s64 old = nd->key;

    nd->key = key;
    if (key < old)
        sift_up(h, nd->pos - 1);
    else
        sift_down(h, nd->pos - 1);
}

void timer_heap_remove(struct timer_heap *h, struct heap_node *nd)
{
    unsigned i = nd->pos - 1;
    struct heap_node *last;

    if (!nd->pos)
        return;
    nd->pos = 0;
    last = h->slot[--h->n];
    if (i == h->n)
        return; /* it was the last slot */
    /* Fill the hole with the last node, which may need to move either way. */
    place(h, i, last);
    if (i > 0 && h->slot[(i - 1) / 2]->key > last->key)
        sift_up(h, i);
    else
        sift_down(h, i);
}

struct heap_node *timer_heap_pop(struct timer_heap *h)
{
    struct heap_node *nd = timer_heap_min(h);

    if (nd)
        timer_heap_remove(h, nd);
    return nd;
}

void timer_heap_move(struct timer_heap *h, struct heap_node **slots, unsigned cap)
{
    for (unsigned i = 0; i < h->n; i++)
        slots[i] = h->slot[i];
    h->slot = slots;
    h->cap = cap;
}

bool timer_heap_valid(const struct timer_heap *h)
{
    if (h->n > h->cap)
        return false;
    for (unsigned i = 0; i < h->n; i++) {
        if (h->slot[i]->pos != i + 1)
            return false;
        if (i > 0 && h->slot[(i - 1) / 2]->key > h->slot[i]->key)
            return false;
    }
    return true;
}
