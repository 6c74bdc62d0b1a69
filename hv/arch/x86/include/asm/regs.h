/*
 * The register frame saved on every exception and interrupt
 * (hv/arch/x86/entry.S builds it). Field names follow Xen's, so the same
 * struct can later describe a vCPU's general-purpose registers.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <lares/types.h>

struct cpu_user_regs {
    /* Pushed by the common entry code, r15 last (lowest address). */
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    u64 rax, rcx, rdx, rsi, rdi;
    /* Pushed by the per-vector stub. */
    u64 vector;
    u64 error_code; /* 0 when the CPU pushes none */
    /* Pushed by the CPU. */
    u64 rip, cs, rflags, rsp, ss;
};

#define CPU_USER_REGS_VECTOR_OFFSET (15 * 8)
#define CPU_USER_REGS_SIZE (22 * 8)

#endif
