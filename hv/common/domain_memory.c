/*
 * Frames owned by domains. Every frame a domain gets comes from here: the
 * block is marked with the domain's id in the page allocator and counted
 * in d->tot_pages until it is given back, so a frame belongs to exactly
 * one domain (or to the hypervisor), and a destroyed domain can be checked
 * to have returned everything.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/page_alloc.h>

static void *alloc_counted(struct domain *d, unsigned order, bool limited)
{
    u64 n = 1ull << order;
    void *p;

    if (limited && __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED) + n > d->max_pages)
        return NULL;
    p = alloc_pages(order);
    if (!p)
        return NULL;
    BUG_ON(page_set_owner(p, d->domid));
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
    u16 owner = page_owner(va);

    /* A frame given back by a domain that does not own it is a hypervisor bug. */
    if (owner != d->domid)
        panic("d%u frees frame %#llx owned by %#x\n", d->domid, (unsigned long long)virt_to_mfn(va),
              owner);
    __atomic_fetch_sub(&d->tot_pages, 1ull << order, __ATOMIC_RELAXED);
    free_pages(va, order);
}

u64 domain_page_count(const struct domain *d)
{
    return __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED);
}
