/* Sorted disjoint range lists (see lares/rangelist.h). */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/rangelist.h>
#include <lares/string.h>

void rangelist_init(struct rangelist *l, struct range *storage, unsigned int max)
{
    l->r = storage;
    l->nr = 0;
    l->max = max;
}

static void delete_at(struct rangelist *l, unsigned int i, unsigned int count)
{
    memmove(&l->r[i], &l->r[i + count], (l->nr - i - count) * sizeof(l->r[0]));
    l->nr -= count;
}

static int insert_at(struct rangelist *l, unsigned int i, u64 start, u64 end)
{
    if (l->nr == l->max)
        return -ENOSPC;
    memmove(&l->r[i + 1], &l->r[i], (l->nr - i) * sizeof(l->r[0]));
    l->r[i].start = start;
    l->r[i].end = end;
    l->nr++;
    return 0;
}

int rangelist_add(struct rangelist *l, u64 start, u64 end)
{
    unsigned int i = 0, j;

    if (start >= end)
        return 0;
    /* First range that ends at or after start: it may touch or overlap. */
    while (i < l->nr && l->r[i].end < start)
        i++;
    /* Ranges i..j-1 overlap or touch [start, end) and are absorbed. */
    for (j = i; j < l->nr && l->r[j].start <= end; j++) {
        start = MIN(start, l->r[j].start);
        end = MAX(end, l->r[j].end);
    }
    if (j == i)
        return insert_at(l, i, start, end);
    l->r[i].start = start;
    l->r[i].end = end;
    delete_at(l, i + 1, j - i - 1);
    return 0;
}

int rangelist_remove(struct rangelist *l, u64 start, u64 end)
{
    if (start >= end)
        return 0;
    for (unsigned int i = 0; i < l->nr; i++) {
        struct range *r = &l->r[i];

        if (r->end <= start || r->start >= end)
            continue;
        if (r->start < start && r->end > end) {
            /* The hole is strictly inside: split in two (check room before changing anything). */
            u64 old_end = r->end;

            if (l->nr == l->max)
                return -ENOSPC;
            r->end = start;
            return insert_at(l, i + 1, end, old_end);
        }
        if (r->start >= start && r->end <= end) {
            delete_at(l, i, 1);
            i--;
        } else if (r->start < start) {
            r->end = start;
        } else {
            r->start = end;
        }
    }
    return 0;
}

bool rangelist_overlaps(const struct rangelist *l, u64 start, u64 end)
{
    for (unsigned int i = 0; i < l->nr; i++)
        if (l->r[i].start < end && start < l->r[i].end)
            return true;
    return false;
}

bool rangelist_contains(const struct rangelist *l, u64 start, u64 end)
{
    for (unsigned int i = 0; i < l->nr; i++)
        if (l->r[i].start <= start && end <= l->r[i].end)
            return true;
    return start >= end;
}

bool rangelist_take(struct rangelist *l, u64 size, u64 align, u64 limit, u64 *out)
{
    if (size == 0 || align == 0 || (align & (align - 1)))
        return false;
    for (unsigned int i = 0; i < l->nr; i++) {
        u64 base = ROUNDUP(l->r[i].start, align);

        if (base < l->r[i].start) /* rounding wrapped */
            continue;
        if (base > l->r[i].end || l->r[i].end - base < size || base + size > limit)
            continue;
        /* Taking from the middle of a range splits it, which needs a free slot. */
        if (rangelist_remove(l, base, base + size))
            continue;
        *out = base;
        return true;
    }
    return false;
}

u64 rangelist_total(const struct rangelist *l)
{
    u64 total = 0;

    for (unsigned int i = 0; i < l->nr; i++)
        total += l->r[i].end - l->r[i].start;
    return total;
}
