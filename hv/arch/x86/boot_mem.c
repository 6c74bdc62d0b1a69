/*
 * From the loader's memory map to a running page allocator (asm/e820.h).
 *
 * Until the final page tables are up, only the boot direct map (0-4 GiB)
 * is usable, so the early allocator hands out pages below 4 GiB; the frame
 * descriptors come afterwards, from anywhere.
 */
#include <lares/console.h>
#include <lares/lib.h>
#include <lares/memmap.h>
#include <lares/mm.h>
#include <lares/page_alloc.h>
#include <lares/rangelist.h>
#include <lares/string.h>
#include <asm/e820.h>
#include <asm/page.h>

#define LOW_MEMORY_END 0x100000ULL
#define VGA_HOLE_START 0xa0000ULL
#define VGA_HOLE_END 0xc0000ULL
#define BOOT_TABLES_LIMIT (1ULL << 32)

extern char __image_start[], __image_end[];

struct boot_memrange e820_map[E820_MAX];
unsigned int e820_nr;

static struct range free_storage[E820_MAX + 2 * BOOT_MAX_MODULES + 16];
static struct rangelist free_ram = {free_storage, 0, ARRAY_SIZE(free_storage)};
static struct range loader_storage[BOOT_MAX_MODULES + 1];
static struct rangelist loader_data = {loader_storage, 0, ARRAY_SIZE(loader_storage)};
static u64 early_pages;

static void sanitise_map(const struct boot_info *bi)
{
    int n;

    if (bi->nr_mem == 0)
        panic("The boot loader passed no memory map; Lares needs one (Multiboot memory map "
              "or basic memory information)\n");
    n = memmap_sanitise(bi->mem, bi->nr_mem, e820_map, E820_MAX);
    if (n < 0)
        panic("Memory map too complex (%u entries)\n", bi->nr_mem);
    e820_nr = (unsigned int)n;

    for (unsigned int i = 0; i < bi->nr_mem; i++)
        pr_debug("  loader map: base %#llx size %#llx type %u\n",
                 (unsigned long long)bi->mem[i].base, (unsigned long long)bi->mem[i].size,
                 bi->mem[i].type);
    printk("Memory map (%u entries from the loader, %u after sanitising):\n", bi->nr_mem, e820_nr);
    for (unsigned int i = 0; i < e820_nr; i++)
        printk("  e820: [0x%016llx-0x%016llx) %s\n", (unsigned long long)e820_map[i].base,
               (unsigned long long)(e820_map[i].base + e820_map[i].size),
               memmap_type_name(e820_map[i].type));
}

/* Whole RAM pages, clipped to what the direct map can reach. Returns the RAM frame count. */
static u64 collect_ram(u64 *max_pfn)
{
    u64 frames = 0;

    *max_pfn = 0;
    for (unsigned int i = 0; i < e820_nr; i++) {
        const struct boot_memrange *m = &e820_map[i];
        u64 start = ROUNDUP(m->base, PAGE_SIZE), end = ROUNDDOWN(m->base + m->size, PAGE_SIZE);

        if (m->type != E820_RAM || end <= start)
            continue;
        if (end > DIRECTMAP_SIZE) {
            pr_warn("RAM above %llu GiB is not used\n", (unsigned long long)DIRECTMAP_SIZE >> 30);
            if (start >= DIRECTMAP_SIZE)
                continue;
            end = DIRECTMAP_SIZE;
        }
        if (rangelist_add(&free_ram, start, end))
            panic("Memory map too complex\n");
        frames += (end - start) >> PAGE_SHIFT;
        *max_pfn = MAX(*max_pfn, end >> PAGE_SHIFT);
    }
    if (!frames)
        panic("The memory map has no usable RAM\n");
    return frames;
}

static void reserve(u64 start, u64 end)
{
    if (rangelist_remove(&free_ram, ROUNDDOWN(start, PAGE_SIZE), ROUNDUP(end, PAGE_SIZE)))
        panic("Memory map too complex to reserve %#llx-%#llx\n", (unsigned long long)start,
              (unsigned long long)end);
}

static void reserve_boot_data(const struct boot_info *bi)
{
    printk("Reserved: below %#llx, image %#llx-%#llx, loader info %#llx-%#llx, %u module(s)\n",
           LOW_MEMORY_END, (unsigned long long)virt_to_phys(__image_start),
           (unsigned long long)virt_to_phys(__image_end), (unsigned long long)bi->info_start,
           (unsigned long long)bi->info_end, bi->nr_modules);
    reserve(0, LOW_MEMORY_END);
    reserve(virt_to_phys(__image_start), virt_to_phys(__image_end));
    reserve(bi->info_start, bi->info_end);
    rangelist_add(&loader_data, bi->info_start, bi->info_end);
    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        reserve(bi->modules[i].start, bi->modules[i].end);
        rangelist_add(&loader_data, bi->modules[i].start, bi->modules[i].end);
    }
}

/*
 * What the direct map covers: RAM, ACPI and NVS ranges (firmware tables
 * live there) and the legacy first MiB without the VGA hole (BIOS data and
 * ROM areas are searched for ACPI and MP tables).
 */
static void direct_map_ranges(struct rangelist *out)
{
    rangelist_add(out, 0, VGA_HOLE_START);
    rangelist_add(out, VGA_HOLE_END, LOW_MEMORY_END);
    for (unsigned int i = 0; i < e820_nr; i++) {
        const struct boot_memrange *m = &e820_map[i];
        u64 start = ROUNDDOWN(m->base, PAGE_SIZE);
        u64 end = MIN(ROUNDUP(m->base + m->size, PAGE_SIZE), DIRECTMAP_SIZE);

        if ((m->type == E820_RAM || m->type == E820_ACPI || m->type == E820_NVS) && end > start &&
            rangelist_add(out, start, end))
            panic("Memory map too complex\n");
    }
}

static paddr_t early_table_alloc(void)
{
    u64 pa;

    if (!rangelist_take(&free_ram, PAGE_SIZE, PAGE_SIZE, BOOT_TABLES_LIMIT, &pa))
        return 0;
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    early_pages++;
    return pa;
}

void memory_init(const struct boot_info *bi)
{
    static struct range direct_storage[E820_MAX + 2];
    struct rangelist direct = {direct_storage, 0, ARRAY_SIZE(direct_storage)};
    u64 max_pfn, ram_frames, free_frames;

    sanitise_map(bi);
    ram_frames = collect_ram(&max_pfn);
    reserve_boot_data(bi);
    direct_map_ranges(&direct);
    paging_init(&direct, early_table_alloc);
    page_alloc_init(&free_ram, max_pfn, ram_frames);
    paging_use_page_allocator();

    free_frames = free_page_count();
    printk("Memory: %llu MiB RAM, %llu MiB free (%llu KiB RAM, %llu KiB free, "
           "%llu KiB in page tables built at boot)\n",
           (unsigned long long)ram_frames >> 8, (unsigned long long)free_frames >> 8,
           (unsigned long long)ram_frames * 4, (unsigned long long)free_frames * 4,
           (unsigned long long)early_pages * 4);
}

bool low_memory_is_free(paddr_t pa, size_t len)
{
    if (!len || pa < PAGE_SIZE || pa + len < pa || pa + len > LOW_MEMORY_END)
        return false;
    if (rangelist_overlaps(&loader_data, pa, pa + len))
        return false;
    for (unsigned int i = 0; i < e820_nr; i++) {
        const struct boot_memrange *m = &e820_map[i];

        if (m->type == E820_RAM && m->base <= pa && pa + len <= m->base + m->size)
            return true;
    }
    return false;
}
