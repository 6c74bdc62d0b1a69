/*
 * Frames owned by domains. Every frame a domain gets comes from here and
 * is counted in d->tot_pages until it is given back, so a destroyed domain
 * can be checked to have returned everything.
 */
#include <lares/domain.h>
#include <lares/mm.h>

static void *alloc_counted(struct domain *d, unsigned order, bool limited)
{
    u64 n = 1ull << order;
    void *p;

    if (limited && __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED) + n > d->max_pages)
        return NULL;
    p = alloc_pages(order);
    if (p)
        __atomic_fetch_add(&d->tot_pages, n, __ATOMIC_RELAXED);
    return p;
}

void *domain_alloc_pages(struct domain *d, unsigned order)
{
    return alloc_counted(d, order, true);
}

void *domain_alloc_pages_unlimited(struct domain *d, unsigned order)
{
    return alloc_counted(d, order, false);
}

void domain_free_pages(struct domain *d, void *va, unsigned order)
{
    __atomic_fetch_sub(&d->tot_pages, 1ull << order, __ATOMIC_RELAXED);
    free_pages(va, order);
}

u64 domain_page_count(const struct domain *d)
{
    return __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED);
}
