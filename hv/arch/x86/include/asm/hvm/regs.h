/*
 * A guest's general-purpose registers as the hypervisor keeps them while
 * the vCPU is not running. The vendor code syncs rax/rsp/rip/rflags with
 * its control block around each entry; everything else is saved and
 * restored by the world-switch assembly, which uses the offsets below.
 */
#ifndef ASM_HVM_REGS_H
#define ASM_HVM_REGS_H

#define GREGS_RBX    0
#define GREGS_RCX    8
#define GREGS_RDX   16
#define GREGS_RSI   24
#define GREGS_RDI   32
#define GREGS_RBP   40
#define GREGS_R8    48
#define GREGS_R9    56
#define GREGS_R10   64
#define GREGS_R11   72
#define GREGS_R12   80
#define GREGS_R13   88
#define GREGS_R14   96
#define GREGS_R15  104

#ifndef __ASSEMBLY__
#include <lares/types.h>

struct guest_regs {
    u64 rbx, rcx, rdx, rsi, rdi, rbp;
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    /* Kept in the vendor's control block while the guest runs: */
    u64 rax, rsp, rip, rflags;
};

_Static_assert(__builtin_offsetof(struct guest_regs, rbx) == GREGS_RBX, "rbx");
_Static_assert(__builtin_offsetof(struct guest_regs, rdi) == GREGS_RDI, "rdi");
_Static_assert(__builtin_offsetof(struct guest_regs, r8) == GREGS_R8, "r8");
_Static_assert(__builtin_offsetof(struct guest_regs, r15) == GREGS_R15, "r15");
#endif

#endif
