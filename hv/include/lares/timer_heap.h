/*
 * A binary min-heap of deadlines: the per-CPU queue behind software
 * timers. Nodes are embedded in their owners (struct timer) and remember
 * their slot, so removing or re-keying any node is O(log n) and finding
 * the earliest is O(1). The slot array is supplied by the caller (who may
 * grow it with timer_heap_move). Pure code, unit-tested on the host; not
 * thread-safe by itself.
 */
#ifndef LARES_TIMER_HEAP_H
#define LARES_TIMER_HEAP_H

#include <lares/types.h>

struct heap_node {
    s64 key;      /* deadline, ns */
    unsigned pos; /* 1 + index in the slot array; 0 when not queued */
};

struct timer_heap {
    struct heap_node **slot;
    unsigned n;   /* nodes queued */
    unsigned cap; /* slots available */
};

static inline void timer_heap_init(struct timer_heap *h, struct heap_node **slots, unsigned cap)
{
    h->slot = slots;
    h->n = 0;
    h->cap = cap;
}

static inline bool heap_node_queued(const struct heap_node *nd)
{
    return nd->pos != 0;
}

static inline struct heap_node *timer_heap_min(const struct timer_heap *h)
{
    return h->n ? h->slot[0] : (struct heap_node *)0;
}

/* Queue nd (not queued) with key; false if the heap is full. */
bool timer_heap_insert(struct timer_heap *h, struct heap_node *nd, s64 key);

/* Change the key of a queued node. */
void timer_heap_update(struct timer_heap *h, struct heap_node *nd, s64 key);

/* Remove a queued node (no-op for an unqueued one). */
void timer_heap_remove(struct timer_heap *h, struct heap_node *nd);

/* Remove and return the earliest node, or NULL if empty. */
struct heap_node *timer_heap_pop(struct timer_heap *h);

/* Switch to a new slot array of cap >= h->n slots, copying the contents. */
void timer_heap_move(struct timer_heap *h, struct heap_node **slots, unsigned cap);

/* Check the heap property and positions (for tests and debug checks). */
bool timer_heap_valid(const struct timer_heap *h);

#endif
