/*
 * FIXME(svm): TEMPORARY bring-up shims so the SVM work can run before the
 * foundation branches land. Every symbol here is weak: the real page
 * allocator, heap, per-CPU setup and time source replace them at link time
 * as soon as they are merged, and then this file goes away.
 *
 * - pages come from a bump allocator over the largest RAM range above the
 *   image and the boot modules, and are never reused;
 * - CPU 0's GS base points at a static struct cpu_info;
 * - NOW() counts TSC ticks as if they were nanoseconds.
 */
#include <lares/bootinfo.h>
#include <lares/console.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/percpu.h>

extern char __image_end[];

__weak struct cpu_info *cpu_info[MAX_CPUS];
__weak unsigned int nr_cpus;

static struct cpu_info boot_cpu_info;
static u64 bump_next, bump_end, bump_used;

void bringup_init(const struct boot_info *bi);
__weak void bringup_init(const struct boot_info *bi)
{
    u64 start = virt_to_phys(__image_end);
    u64 best_base = 0, best_size = 0;

    for (unsigned i = 0; i < bi->nr_modules; i++)
        if (bi->modules[i].end > start)
            start = bi->modules[i].end;
    if (bi->info_end > start && bi->info_start < 0x100000000ull)
        start = bi->info_end > start ? bi->info_end : start;
    start = ROUNDUP(start, (u64)PAGE_SIZE);
    for (unsigned i = 0; i < bi->nr_mem; i++) {
        const struct boot_memrange *r = &bi->mem[i];
        u64 b = r->base, e = r->base + r->size;

        if (r->type != E820_RAM)
            continue;
        if (e > 0x100000000ull)
            e = 0x100000000ull; /* the boot page tables map 0-4 GiB */
        if (b < start)
            b = start;
        if (e > b && e - b > best_size) {
            best_base = b;
            best_size = e - b;
        }
    }
    bump_next = best_base;
    bump_end = best_base + best_size;

    boot_cpu_info.self = &boot_cpu_info;
    boot_cpu_info.online = true;
    cpu_info[0] = &boot_cpu_info;
    nr_cpus = 1;
    wrmsr(MSR_GS_BASE, (u64)&boot_cpu_info);
    /* No IDT yet: keep the legacy PICs quiet so enabling interrupts is harmless. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    printk("bring-up: %llu MiB for a bump allocator at %#llx\n",
           (unsigned long long)(best_size >> 20), (unsigned long long)best_base);
}

__weak void *alloc_pages(unsigned int order)
{
    u64 size = (u64)PAGE_SIZE << order;
    u64 p = ROUNDUP(bump_next, size);

    if (p + size > bump_end)
        return NULL;
    bump_next = p + size;
    bump_used += size >> PAGE_SHIFT;
    return phys_to_virt(p);
}

__weak void *alloc_pages_zeroed(unsigned int order)
{
    void *p = alloc_pages(order);

    if (p)
        memset(p, 0, (size_t)PAGE_SIZE << order);
    return p;
}

__weak void free_pages(void *va, unsigned int order)
{
    bump_used -= 1ull << order;
}

__weak u64 free_page_count(void)
{
    return ((bump_end - bump_next) >> PAGE_SHIFT);
}

__weak u64 total_page_count(void)
{
    return bump_end >> PAGE_SHIFT;
}

/* Heap: a header in front of each block records its page order. */
__weak void *xmalloc(size_t size)
{
    unsigned order = 0;
    u64 *p;

    while (((size_t)PAGE_SIZE << order) < size + 16)
        order++;
    p = alloc_pages(order);
    if (!p)
        return NULL;
    p[0] = order;
    return p + 2;
}

__weak void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

__weak void xfree(void *p)
{
    if (p)
        free_pages((u64 *)p - 2, (unsigned)((u64 *)p)[-2]);
}

__weak s_time_t NOW(void)
{
    return (s_time_t)rdtsc();
}

__weak void time_tsc_scale(u32 *mul, s8 *shift)
{
    *mul = 1u << 31; /* 2^31 / 2^32 with shift 1: one tick is one nanosecond */
    *shift = 1;
}
