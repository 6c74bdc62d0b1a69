/* CPU instructions and control registers. */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <lares/types.h>

struct cpuid_regs {
    u32 eax, ebx, ecx, edx;
};

static inline void cpuid_count(u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
    __asm__ __volatile__("cpuid"
                         : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
                         : "a"(leaf), "c"(subleaf));
}

static inline void cpuid(u32 leaf, struct cpuid_regs *r)
{
    cpuid_count(leaf, 0, r);
}

static inline u64 read_cr0(void) { u64 v; __asm__ __volatile__("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr2(void) { u64 v; __asm__ __volatile__("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; __asm__ __volatile__("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u64 v) { __asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(u64 v) { __asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(u64 v) { __asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory"); }

#define X86_CR0_PE (1UL << 0)
#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_ET (1UL << 4)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_AM (1UL << 18)
#define X86_CR0_NW (1UL << 29)
#define X86_CR0_CD (1UL << 30)
#define X86_CR0_PG (1UL << 31)

#define X86_CR4_PSE        (1UL << 4)
#define X86_CR4_PAE        (1UL << 5)
#define X86_CR4_PGE        (1UL << 7)
#define X86_CR4_OSFXSR     (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE   (1UL << 16)
#define X86_CR4_OSXSAVE    (1UL << 18)
#define X86_CR4_SMEP       (1UL << 20)
#define X86_CR4_SMAP       (1UL << 21)

#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_RF (1UL << 16)

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void halt(void) { __asm__ __volatile__("hlt" ::: "memory"); }

static inline unsigned long read_rflags(void)
{
    unsigned long f;
    __asm__ __volatile__("pushf; pop %0" : "=r"(f) : : "memory");
    return f;
}

static inline bool local_irq_is_enabled(void) { return read_rflags() & X86_EFLAGS_IF; }

static inline unsigned long local_irq_save(void)
{
    unsigned long f = read_rflags();
    local_irq_disable();
    return f;
}

static inline void local_irq_restore(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
}

#endif
