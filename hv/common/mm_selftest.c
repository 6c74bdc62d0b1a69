/*
 * mm_selftest: exercise the page allocator and the heap on the machine's
 * real memory — every order's alignment, every free page written and read
 * back through the direct map (so RAM above 4 GiB is proven usable), heap
 * objects of every size class — and check that the free-page count
 * returns to where it started.
 */
#include <lares/console.h>
#include <lares/mm.h>
#include <lares/param.h>
#include <lares/slab.h>
#include <asm/debug.h>

static bool opt_mm_selftest;
boolean_param("mm_selftest", opt_mm_selftest);

static bool fail(const char *what, u64 value)
{
    pr_err("mm_selftest: FAILED: %s (%#llx)\n", what, (unsigned long long)value);
    return false;
}

/*
 * One block of each order, smallest first, until one is refused (the
 * refusal is an ordinary counted failure). Reports the largest order that
 * worked; at least 2 MiB blocks must exist.
 */
static bool check_orders(unsigned int *largest)
{
    unsigned int order;

    for (order = 0; order <= 30; order++) {
        u8 *p = alloc_pages(order);
        u64 bytes = (u64)PAGE_SIZE << order;

        if (!p)
            break;
        if (virt_to_phys(p) & (bytes - 1))
            return fail("block not naturally aligned", virt_to_phys(p));
        p[0] = 0x5a;
        p[bytes - 1] = 0xa5;
        free_pages(p, order);
    }
    if (order <= 9)
        return fail("no 2 MiB block", order);
    *largest = order - 1;
    return true;
}

/* Take every free page, chaining them through their first word, then check and free them all. */
static bool check_all_pages(u64 *count, paddr_t *highest)
{
    u64 *chain = NULL, *p, n = 0;
    bool ok = true;

    *highest = 0;
    while ((p = alloc_page())) {
        p[0] = (u64)chain;
        p[1] = virt_to_phys(p) ^ 0x5a5a5a5a5a5a5a5aULL;
        p[PAGE_SIZE / 8 - 1] = virt_to_phys(p);
        chain = p;
        n++;
        if (virt_to_phys(p) > *highest)
            *highest = virt_to_phys(p);
    }
    if (free_page_count() != 0)
        ok = fail("pages left after exhausting the allocator", free_page_count());
    for (u64 i = 0; chain; i++) {
        u64 *next = (u64 *)chain[0];

        if (ok && (chain[1] != (virt_to_phys(chain) ^ 0x5a5a5a5a5a5a5a5aULL) ||
                   chain[PAGE_SIZE / 8 - 1] != virt_to_phys(chain)))
            ok = fail("page contents changed", virt_to_phys(chain));
        free_page(chain);
        chain = next;
    }
    *count = n;
    return ok;
}

static bool check_heap(void)
{
    static void *objs[30]; /* sizes 1 byte .. about 300 KiB */
    size_t size = 1;

    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++, size = size * 3 / 2 + 1) {
        objs[i] = xzalloc(size);
        if (!objs[i])
            return fail("xzalloc failed for size", size);
        if ((uintptr_t)objs[i] & 15)
            return fail("xzalloc result not 16-byte aligned", (uintptr_t)objs[i]);
        for (size_t b = 0; b < size; b++)
            if (((u8 *)objs[i])[b])
                return fail("xzalloc memory not zeroed", size);
        ((u8 *)objs[i])[size - 1] = 0xee;
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++)
        xfree(objs[i]);
    return true;
}

bool mm_selftest_run(void)
{
    u64 start = free_page_count(), pages;
    unsigned int largest;
    paddr_t highest;

    if (!opt_mm_selftest)
        return true;
    printk("mm_selftest: %llu pages free\n", (unsigned long long)start);
    if (!check_orders(&largest) || free_page_count() != start)
        return fail("free pages after the order test", free_page_count());
    if (!check_all_pages(&pages, &highest) || free_page_count() != start)
        return fail("free pages after the exhaustion test", free_page_count());
    if (pages != start)
        return fail("pages allocated differ from pages free", pages);
    if (!check_heap() || free_page_count() != start)
        return fail("free pages after the heap test", free_page_count());
    if (!arch_selftest_run())
        return false;
    printk("mm_selftest: passed (largest block order %u; %llu pages allocated, written and "
           "freed; highest page %#llx)\n",
           largest, (unsigned long long)pages, (unsigned long long)highest);
    return true;
}
