/*
 * A sorted list of disjoint address ranges [start, end) in caller-supplied
 * storage (pure; unit-tested on the host). Boot code uses it for "RAM not
 * yet claimed by anything": reservations cut holes, the early allocator
 * takes pages from it, and what is left goes to the page allocator.
 */
#ifndef LARES_RANGELIST_H
#define LARES_RANGELIST_H

#include <lares/types.h>

struct range {
    u64 start; /* inclusive */
    u64 end;   /* exclusive */
};

struct rangelist {
    struct range *r;
    unsigned int nr;
    unsigned int max;
};

void rangelist_init(struct rangelist *l, struct range *storage, unsigned int max);

/* Add [start, end), merging with overlapping or touching ranges. 0 or -ENOSPC. */
int rangelist_add(struct rangelist *l, u64 start, u64 end);

/* Remove [start, end) wherever it overlaps. 0 or -ENOSPC (a split needed one more slot). */
int rangelist_remove(struct rangelist *l, u64 start, u64 end);

/* Does any range overlap [start, end)? */
bool rangelist_overlaps(const struct rangelist *l, u64 start, u64 end);

/* Is all of [start, end) inside one range? */
bool rangelist_contains(const struct rangelist *l, u64 start, u64 end);

/*
 * Take size bytes aligned to align (a power of two) from the lowest range
 * that has room, entirely below limit. Returns true and *out on success.
 */
bool rangelist_take(struct rangelist *l, u64 size, u64 align, u64 limit, u64 *out);

/* Total bytes in the list. */
u64 rangelist_total(const struct rangelist *l);

#endif
