/*
 * GDT, TSS and IDT. The IDT is one table for all CPUs; each CPU has its
 * own GDT and TSS (the TSS holds that CPU's interrupt stacks).
 */
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/shutdown.h>
#include <lares/string.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/percpu.h>

struct idt_entry {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
} __packed;

struct desc_ptr {
    u16 limit;
    u64 base;
} __packed;

#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */

#define GDT_CODE64 0x00af9b000000ffffULL /* present, DPL0, code, readable, long mode */
#define GDT_DATA 0x00cf93000000ffffULL   /* present, DPL0, data, writable */
#define TSS_AVAILABLE 0x9

extern const u64 entry_stubs[256];

static struct idt_entry idt[256] __aligned(16);

BUILD_BUG_ON(sizeof(struct idt_entry) != 16);
BUILD_BUG_ON(sizeof(struct tss64) != 104);

static void set_gate(unsigned int vector, u64 handler, unsigned int ist)
{
    struct idt_entry *e = &idt[vector];

    e->offset_low = (u16)handler;
    e->selector = HYPERVISOR_CS;
    e->ist = (u8)ist;
    e->type_attr = IDT_INTERRUPT_GATE;
    e->offset_mid = (u16)(handler >> 16);
    e->offset_high = (u32)(handler >> 32);
    e->reserved = 0;
}

void idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, entry_stubs[v], 0);
    /* These must work even when the current stack is unusable. */
    idt[8].ist = IST_DF;
    idt[2].ist = IST_NMI;
    idt[18].ist = IST_MC;
}

void idt_load(void)
{
    struct desc_ptr p = {sizeof(idt) - 1, (u64)idt};

    __asm__ __volatile__("lidt %0" : : "m"(p));
}

static void set_tss_descriptor(u64 *gdt, const struct tss64 *tss)
{
    u64 base = (u64)tss, limit = sizeof(*tss) - 1;

    gdt[TSS_SELECTOR / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                            ((u64)TSS_AVAILABLE << 40) | (1ULL << 47) /* present */ |
                            ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[TSS_SELECTOR / 8 + 1] = base >> 32;
}

static void load_gdt_and_segments(const u64 *gdt)
{
    struct desc_ptr p = {GDT_ENTRIES * 8 - 1, (u64)gdt};

    __asm__ __volatile__("lgdt %0\n\t"
                         /* Reload CS with a far return to the next instruction. */
                         "pushq %[cs]\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "mov %[ds], %%eax\n\t"
                         "mov %%eax, %%ds\n\t"
                         "mov %%eax, %%es\n\t"
                         "mov %%eax, %%ss\n\t"
                         "xor %%eax, %%eax\n\t"
                         "mov %%eax, %%fs\n\t"
                         "mov %%eax, %%gs\n\t"
                         :
                         : "m"(p), [cs] "i"(HYPERVISOR_CS), [ds] "i"(HYPERVISOR_DS)
                         : "rax", "memory");
}

int cpu_tables_alloc(struct cpu_info *ci)
{
    struct cpu_tables *t;

    if (ci->tables)
        return 0;
    t = xzalloc_obj(struct cpu_tables);
    if (!t)
        return -ENOMEM;
    for (unsigned int i = 0; i < IST_COUNT; i++) {
        t->ist_stack[i] = alloc_pages(1); /* IST_STACK_SIZE = 2 pages */
        if (!t->ist_stack[i]) {
            while (i--)
                free_pages(t->ist_stack[i], 1);
            xfree(t);
            return -ENOMEM;
        }
    }
    ci->tables = t;
    return 0;
}
BUILD_BUG_ON(IST_STACK_SIZE != 2 * PAGE_SIZE);

void cpu_tables_free(struct cpu_info *ci)
{
    struct cpu_tables *t = ci->tables;

    if (!t)
        return;
    for (unsigned int i = 0; i < IST_COUNT; i++)
        free_pages(t->ist_stack[i], 1);
    xfree(t);
    ci->tables = NULL;
}

void cpu_init_tables(struct cpu_info *ci)
{
    struct cpu_tables *t;

    if (!ci->tables && cpu_tables_alloc(ci))
        panic("CPU%u: out of memory for its descriptor tables\n", ci->id);
    t = ci->tables;

    memset(t->gdt, 0, sizeof(t->gdt));
    t->gdt[HYPERVISOR_CS / 8] = GDT_CODE64;
    t->gdt[HYPERVISOR_DS / 8] = GDT_DATA;
    memset(&t->tss, 0, sizeof(t->tss));
    t->tss.rsp[0] = (u64)ci->stack_top;
    for (unsigned int i = 0; i < IST_COUNT; i++)
        t->tss.ist[i] = (u64)t->ist_stack[i] + IST_STACK_SIZE;
    t->tss.iomap_base = sizeof(t->tss); /* no I/O bitmap */
    set_tss_descriptor(t->gdt, &t->tss);

    load_gdt_and_segments(t->gdt);
    __asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR));
    idt_load();
    /* After the segment reloads: loading a selector into GS may change its base. */
    ci->self = ci;
    wrmsr(MSR_GS_BASE, (u64)ci);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    write_cr0(read_cr0() | X86_CR0_WP);
}
