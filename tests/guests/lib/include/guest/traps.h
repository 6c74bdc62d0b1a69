/*
 * Exceptions in test guests: probing instructions that are expected to
 * fault, and running code at CPL 3.
 *
 * A caught fault is described by an exinfo_t: 0 = no fault, otherwise
 * EXINFO(vector, error_code). CR2 of the last caught fault is kept in
 * last_fault_cr2. Any exception nobody expected is reported with a
 * register dump and ends the test as a crash.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <lares/compiler.h>
#include <lares/types.h>

typedef u64 exinfo_t;

#define EXINFO_FAULTED (1ull << 63)
#define EXINFO(vec, ec) (EXINFO_FAULTED | ((u64)(u8)(vec) << 32) | (u32)(ec))

static inline unsigned int exinfo_vector(exinfo_t e)
{
    return (e >> 32) & 0xff;
}

static inline u32 exinfo_error_code(exinfo_t e)
{
    return (u32)e;
}

/* "#GP(0)", "#UD", "none" ... into buf (at least 24 bytes); returns buf. */
char *exinfo_str(exinfo_t e, char *buf, size_t size);
const char *vector_name(unsigned int vector);

extern u64 last_fault_cr2;

/* Registers saved on exception entry (entry.S pushes them in this order). */
struct cpu_regs {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/*
 * Exception table: a fault at instruction label `insn` resumes at `fixup`
 * with %rax = the exinfo; every other register is as it was at the fault.
 * Pattern (rax is 0 unless the instruction faulted):
 *
 *     exinfo_t fault;
 *     asm volatile("1: ud2\n2:\n" ASM_EXTABLE(1b, 2b) : "=a"(fault) : "0"(0ul));
 */
#define ASM_EXTABLE(insn, fixup)                                                                   \
    ".pushsection .ex_table, \"a\"\n"                                                              \
    ".balign 8\n"                                                                                  \
    ".quad " #insn ", " #fixup "\n"                                                                \
    ".popsection\n"

/* Run fn(arg) at CPL 0; returns 0 if it returned normally, or the first
 * exception it took (fn is abandoned at that point). Not reentrant. */
exinfo_t exec_expect_fault(void (*fn)(void *), void *arg);

/* Run fn(arg) at CPL 3 and return its result. If it faults instead, the
 * result is 0 and *fault (if not NULL) gets the exinfo, else 0. */
u64 exec_user(u64 (*fn)(void *), void *arg, exinfo_t *fault);

/* MSR access that reports #GP instead of crashing. */
exinfo_t rdmsr_safe(u32 msr, u64 *val);
exinfo_t wrmsr_safe(u32 msr, u64 val);

static inline void irq_enable(void)
{
    __asm__ __volatile__("sti" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ __volatile__("cli" ::: "memory");
}

/* Enable interrupts and halt until one arrives (STI's shadow covers HLT). */
static inline void safe_halt(void)
{
    __asm__ __volatile__("sti; hlt" ::: "memory");
}

/* Load an IDT with limit 0: the next exception triple-faults. */
void load_empty_idt(void);

/*
 * Interrupts: a handler for vector @vector (32-255, or 2 for NMIs) runs on
 * the interrupted stack with interrupts off and returns with iretq; it
 * must EOI a LAPIC interrupt itself. NULL removes it (an unexpected
 * interrupt is a crash, like an unexpected exception).
 */
typedef void (*irq_handler_t)(struct cpu_regs *regs);
void irq_set_handler(unsigned int vector, irq_handler_t fn);

void traps_init(void);
/* A secondary vCPU: the shared IDT (no TSS). */
void traps_init_ap(void);

#endif
