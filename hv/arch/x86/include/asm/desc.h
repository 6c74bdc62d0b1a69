/*
 * Descriptor tables: per-CPU GDT and 64-bit TSS (with IST stacks for the
 * exceptions that must work on a broken stack), and the IDT shared by all
 * CPUs.
 *
 * GDT layout (the first three match head.S's boot GDT, so an AP trampoline
 * can use the same selectors):
 *   0x00 null, 0x08 code (64-bit, DPL0), 0x10 data, 0x18 TSS (16 bytes)
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define HYPERVISOR_CS 0x08
#define HYPERVISOR_DS 0x10
#define TSS_SELECTOR  0x18
#define GDT_ENTRIES   5 /* in 8-byte slots: the TSS descriptor takes two */

/* Interrupt stack table slots (1-based, as the IDT encodes them). */
#define IST_DF  1 /* double fault: a kernel stack overflow ends up here */
#define IST_NMI 2
#define IST_MC  3
#define IST_COUNT 3
#define IST_STACK_SIZE 8192

#ifndef __ASSEMBLY__
#include <lares/compiler.h>
#include <lares/types.h>

struct tss64 {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7]; /* ist[0] is IST slot 1 */
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __packed;

struct cpu_info;

/* Everything a CPU's descriptor tables need; one per CPU. */
struct cpu_tables {
    u64 gdt[GDT_ENTRIES] __aligned(16);
    struct tss64 tss __aligned(16);
    void *ist_stack[IST_COUNT]; /* base (lowest address) of each IST_STACK_SIZE stack */
};

/*
 * Load this CPU's GDT, TSS and the IDT, point GS at ci and make sure
 * CR0.WP is set. Runs on the CPU it sets up, on the stack ci->stack_top
 * names (set it first: the TSS and backtraces use it). The boot CPU uses static tables; for the others they are
 * allocated (cpu_tables_alloc() first, from the boot CPU, to handle
 * -ENOMEM without panicking; otherwise this allocates and panics on failure).
 */
void cpu_init_tables(struct cpu_info *ci);
int cpu_tables_alloc(struct cpu_info *ci);

/* Free what cpu_tables_alloc() allocated (a CPU that failed to come up); not while in use. */
void cpu_tables_free(struct cpu_info *ci);

/* Fill the IDT (once, on the boot CPU, before any cpu_init_tables()). */
void idt_init(void);
void idt_load(void);

#endif
#endif
