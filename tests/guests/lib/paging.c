/* Adding and removing 4 KiB mappings in the test window (guest/paging.h). */
#include <guest.h>

#define ADDR_MASK 0x000ffffffffff000ull
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)
#define POOL_PAGES 32

static u64 table_pool[POOL_PAGES][512] __aligned(4096);
static unsigned int pool_used;

static bool canonical(u64 va)
{
    return (u64)((s64)(va << 16) >> 16) == va;
}

static unsigned int index_at(u64 va, unsigned int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The table below entry `e`, creating it if asked. NULL if absent (or a
 * large page, which only the identity map uses). */
static u64 *lower_table(u64 *e, bool create)
{
    u64 *t;

    if (*e & PTE_PRESENT)
        return (*e & PTE_LARGE) ? NULL : (u64 *)(*e & ADDR_MASK);
    if (!create || pool_used == POOL_PAGES)
        return NULL;
    t = table_pool[pool_used++];
    memset(t, 0, XEN_PAGE_SIZE);
    *e = (u64)t | TABLE_FLAGS; /* tables are identity-mapped: VA = PA */
    return t;
}

static u64 *leaf_entry(u64 va, bool create)
{
    u64 *t = (u64 *)(read_cr3() & ADDR_MASK);

    for (unsigned int level = 4; level > 1; level--) {
        t = lower_table(&t[index_at(va, level)], create);
        if (!t)
            return NULL;
    }
    return &t[index_at(va, 1)];
}

int map_page(u64 va, u64 pa, u64 flags)
{
    u64 *e;

    if ((va | pa) & (XEN_PAGE_SIZE - 1) || !canonical(va) || va < TEST_WINDOW_BASE)
        return -EINVAL;
    e = leaf_entry(va, true);
    if (!e)
        return -ENOMEM;
    *e = pa | flags | PTE_PRESENT;
    invlpg((void *)va);
    return 0;
}

void unmap_page(u64 va)
{
    u64 *e = leaf_entry(va, false);

    if (e) {
        *e = 0;
        invlpg((void *)va);
    }
}

unsigned int phys_addr_bits(void)
{
    if (cpuid(0x80000000).eax < 0x80000008)
        return 36;
    return cpuid(0x80000008).eax & 0xff;
}
