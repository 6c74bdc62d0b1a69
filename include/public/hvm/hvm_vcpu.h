/*
 * VCPUOP_initialise for HVM and PVH guests: the register state a vCPU
 * starts with, in 32-bit protected mode (segments given explicitly) or in
 * 64-bit long mode (flat segments implied). See Xen's docs/misc/pvh.pandoc.
 */
#ifndef XEN_PUBLIC_HVM_HVM_VCPU_H
#define XEN_PUBLIC_HVM_HVM_VCPU_H

#include "../xen.h"

#define VCPU_HVM_MODE_32B 0 /* the x86_32 registers apply */
#define VCPU_HVM_MODE_64B 1 /* the x86_64 registers apply */

#ifndef __ASSEMBLY__

/*
 * Segment attributes (the *_ar fields): bits 3:0 type, 4 S, 6:5 DPL, 7 P,
 * 8 AVL, 9 L, 10 D/B, 11 G, as in a descriptor's bits 40-47 and 52-55;
 * bits 15:12 must be 0.
 */
struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1; /* must be 0 */
    uint64_t efer; /* LME (+ paging) starts it in compatibility mode */
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3]; /* must be 0 */
};
XEN_ABI_SIZE(struct vcpu_hvm_x86_32, 120);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, efer, 56);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_base, 64);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_limit, 84);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_32, cs_ar, 104);

/* Long mode: CS is a 64-bit code segment, DS/ES/SS flat data, TR a busy 64-bit TSS. */
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4, efer; /* paging, PAE and LME are required */
};
XEN_ABI_SIZE(struct vcpu_hvm_x86_64, 112);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, rip, 64);
XEN_ABI_OFFSET(struct vcpu_hvm_x86_64, cr0, 80);

struct vcpu_hvm_context {
    uint32_t mode; /* VCPU_HVM_MODE_* */
    uint32_t pad;  /* must be 0 */
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};
XEN_ABI_SIZE(struct vcpu_hvm_context, 128);
XEN_ABI_OFFSET(struct vcpu_hvm_context, cpu_regs, 8);

#endif /* __ASSEMBLY__ */
#endif
