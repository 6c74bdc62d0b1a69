/*
 * The hypervisor's final page tables (see asm/page.h): built once at boot
 * from the early allocator, then extended at run time (ioremap, the AP
 * trampoline's identity page) with tables from the page allocator. All
 * CPUs share them.
 */
#include <lares/bootinfo.h>
#include <lares/compiler.h>
#include <lares/console.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/rangelist.h>
#include <lares/spinlock.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/page.h>

#define LEVELS 4 /* level 3 = PML4 ... level 0 = PT */
#define DIRECT_MAX_RANGES (2 * BOOT_MAX_MEMRANGES)

extern char __image_start[], __rodata_start[], __data_start[], __image_end[];
extern char boot_pd[], boot_stack[];

static paddr_t root_pa;
static bool have_1g_pages, have_nx;
static paddr_t (*table_alloc)(void);
static DEFINE_SPINLOCK(paging_lock);
static u64 leaf_count[3]; /* direct-map leaves per level: 4K, 2M, 1G */

static struct range direct_storage[DIRECT_MAX_RANGES];
static struct rangelist direct = {direct_storage, 0, DIRECT_MAX_RANGES};

static u64 ioremap_next = IOREMAP_BASE;

static unsigned int pt_index(u64 va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * level)) & 511;
}

static u64 level_size(int level)
{
    return 1ULL << (PAGE_SHIFT + 9 * level);
}

static u64 nx_flag(void)
{
    return have_nx ? _PAGE_NX : 0;
}

/*
 * The table below entry, allocating an empty one if absent. NULL if the
 * entry maps a large page or no page is left.
 */
static u64 *next_table(u64 *entry)
{
    paddr_t pa;

    if (*entry & _PAGE_PRESENT)
        return (*entry & _PAGE_PSE) ? NULL : phys_to_virt(*entry & PTE_ADDR_MASK);
    pa = table_alloc ? table_alloc() : 0;
    if (!pa)
        return NULL;
    /* Permissions are decided at the leaf; upper levels allow everything. */
    *entry = pa | _PAGE_PRESENT | _PAGE_RW;
    return phys_to_virt(pa);
}

/* The entry mapping va at level, creating tables on the way; NULL on failure. */
static u64 *walk_create(u64 va, int level)
{
    u64 *table = phys_to_virt(root_pa);

    for (int l = LEVELS - 1; l > level; l--) {
        table = next_table(&table[pt_index(va, l)]);
        if (!table)
            return NULL;
    }
    return &table[pt_index(va, level)];
}

/* The largest page level usable at va/pa for size bytes. */
static int leaf_level(u64 va, paddr_t pa, u64 size, bool small_only)
{
    if (small_only)
        return 0;
    if (have_1g_pages && IS_ALIGNED(va | pa, PAGE_SIZE_1G) && size >= PAGE_SIZE_1G)
        return 2;
    if (IS_ALIGNED(va | pa, PAGE_SIZE_2M) && size >= PAGE_SIZE_2M)
        return 1;
    return 0;
}

static int map_range(u64 va, paddr_t pa, u64 size, u64 flags, bool small_only, u64 *leaves)
{
    if (!IS_ALIGNED(va | pa | size, PAGE_SIZE))
        return -EINVAL;
    while (size) {
        int level = leaf_level(va, pa, size, small_only);
        u64 *pte = walk_create(va, level);

        if (!pte)
            return -ENOMEM;
        if (*pte & _PAGE_PRESENT)
            return -EEXIST;
        *pte = pa | flags | (level ? _PAGE_PSE : 0);
        if (leaves)
            leaves[level]++;
        va += level_size(level);
        pa += level_size(level);
        size -= level_size(level);
    }
    return 0;
}

int map_pages(u64 va, paddr_t pa, u64 size, u64 flags)
{
    unsigned long irq;
    int rc;

    spin_lock_irqsave(&paging_lock, irq);
    rc = map_range(va, pa, size, flags, false, NULL);
    spin_unlock_irqrestore(&paging_lock, irq);
    return rc;
}

static void detect_features(void)
{
    struct cpuid_regs r;

    cpuid(0x80000000, &r);
    if (r.eax >= 0x80000001) {
        cpuid(0x80000001, &r);
        have_nx = r.edx & (1u << 20);
        have_1g_pages = r.edx & (1u << 26);
    }
    if (have_nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

/* Leave the page below the boot stack unmapped, so an overflow faults (it was boot_pd's last). */
static bool is_stack_guard(u64 va)
{
    return va == (u64)boot_stack - PAGE_SIZE;
}

static void map_image(void)
{
    /* The guard page must be a boot page-table page, which is dead once we switch. */
    BUG_ON(boot_pd + 4 * PAGE_SIZE != boot_stack);

    for (u64 va = (u64)__image_start; va < (u64)__image_end; va += PAGE_SIZE) {
        u64 flags = _PAGE_PRESENT;

        if (is_stack_guard(va))
            continue;
        if (va >= (u64)__data_start)
            flags |= _PAGE_RW | nx_flag();
        else if (va >= (u64)__rodata_start)
            flags |= nx_flag();
        if (map_range(va, va - KERNEL_VIRT_BASE, PAGE_SIZE, flags, true, NULL))
            panic("Out of memory building the hypervisor's page tables\n");
    }
}

void paging_init(const struct rangelist *ranges, paddr_t (*alloc_table)(void))
{
    u64 mapped = 0;

    detect_features();
    table_alloc = alloc_table;
    root_pa = alloc_table();
    if (!root_pa)
        panic("Out of memory building the hypervisor's page tables\n");

    for (unsigned int i = 0; i < ranges->nr; i++) {
        const struct range *r = &ranges->r[i];

        BUG_ON(r->end > DIRECTMAP_SIZE || !IS_ALIGNED(r->start | r->end, PAGE_SIZE));
        if (map_range(DIRECTMAP_BASE + r->start, r->start, r->end - r->start,
                      _PAGE_PRESENT | _PAGE_RW | nx_flag(), false, leaf_count))
            panic("Out of memory building the hypervisor's page tables\n");
        if (rangelist_add(&direct, r->start, r->end))
            panic("Too many direct-map ranges\n");
        mapped += r->end - r->start;
    }
    map_image();
    write_cr3(root_pa);
    write_cr0(read_cr0() | X86_CR0_WP);

    printk("Paging: direct map %llu MiB (%llu x 1 GiB, %llu x 2 MiB, %llu x 4 KiB pages), "
           "NX %s\n",
           (unsigned long long)(mapped >> 20), (unsigned long long)leaf_count[2],
           (unsigned long long)leaf_count[1], (unsigned long long)leaf_count[0],
           have_nx ? "on" : "not supported");
}

static paddr_t table_from_page_allocator(void)
{
    void *p = alloc_page_zeroed();

    return p ? virt_to_phys(p) : 0;
}

void paging_use_page_allocator(void)
{
    table_alloc = table_from_page_allocator;
}

bool paging_in_direct_map(paddr_t pa, u64 len)
{
    return pa + len >= pa && rangelist_contains(&direct, pa, pa + len);
}

bool paging_nx_supported(void)
{
    return have_nx;
}

paddr_t paging_root_pa(void)
{
    return root_pa;
}

int paging_map_identity_low(paddr_t pa)
{
    unsigned long irq;
    int rc;

    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= (1ULL << 32))
        return -EINVAL;
    spin_lock_irqsave(&paging_lock, irq);
    rc = map_range(pa, pa, PAGE_SIZE, _PAGE_PRESENT | _PAGE_RW, true, NULL);
    spin_unlock_irqrestore(&paging_lock, irq);
    return rc == -EEXIST ? -EINVAL : rc;
}

void paging_unmap_identity_low(paddr_t pa)
{
    u64 *table = phys_to_virt(root_pa);
    unsigned long irq;

    spin_lock_irqsave(&paging_lock, irq);
    for (int l = LEVELS - 1; l > 0 && table; l--) {
        u64 e = table[pt_index(pa, l)];

        table = (e & _PAGE_PRESENT) && !(e & _PAGE_PSE) ? phys_to_virt(e & PTE_ADDR_MASK) : NULL;
    }
    if (table) {
        table[pt_index(pa, 0)] = 0;
        invlpg((void *)pa);
    }
    spin_unlock_irqrestore(&paging_lock, irq);
}

void *ioremap(paddr_t pa, size_t size)
{
    paddr_t start = pa & PAGE_MASK;
    u64 len, va;
    unsigned long irq;
    int rc = -ENOSPC;

    if (!size || pa + size < pa || !root_pa)
        return NULL;
    /* Firmware tables in RAM-like ranges are already mapped (write-back); don't alias them. */
    if (paging_in_direct_map(pa, size))
        return phys_to_virt(pa);
    len = ROUNDUP(pa + size, PAGE_SIZE) - start;

    spin_lock_irqsave(&paging_lock, irq);
    va = ioremap_next;
    /* A gap page after each window catches overruns. */
    if (len <= IOREMAP_SIZE && IOREMAP_BASE + IOREMAP_SIZE - va >= len + PAGE_SIZE) {
        /* Never reuse the window, even after a failure left part of it mapped. */
        ioremap_next += len + PAGE_SIZE;
        rc = map_range(va, start, len, _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD | _PAGE_PWT | nx_flag(),
                       false, NULL);
    }
    spin_unlock_irqrestore(&paging_lock, irq);
    if (rc) {
        pr_err("ioremap(%#llx, %#zx) failed (%d)\n", (unsigned long long)pa, size, rc);
        return NULL;
    }
    return (void *)(va + (pa - start));
}
