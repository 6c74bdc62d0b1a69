/*
 * The SVM world switch.
 *
 *   void svm_vmrun(u64 vmcb_pa, struct guest_regs *regs, u64 host_vmcb_pa)
 *
 * Called with interrupts disabled, and returns so. GIF is cleared for the
 * whole switch so that not even an NMI can run while the guest's FS/GS/TR
 * are loaded.
 * VMRUN itself saves and restores the host's RSP, RIP, RFLAGS, control
 * registers and segment selectors (VM_HSAVE_PA area); VMLOAD/VMSAVE move
 * the rest (FS/GS/TR/LDTR bases, KernelGSBase, STAR family, SYSENTER).
 * The guest's RAX, RSP, RIP and RFLAGS live in the VMCB; the other
 * general-purpose registers are loaded from and stored to *regs here.
 * On return GIF is set again; pending interrupts are taken when the
 * caller re-enables them.
 */
#include <asm/hvm/regs.h>

#define HOST_VMCB 16
#define REGS       8
#define GUEST_VMCB 0

        .text
        .globl svm_vmrun
        .type svm_vmrun, @function
svm_vmrun:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdx                    /* HOST_VMCB(%rsp) */
        push    %rsi                    /* REGS(%rsp) */
        push    %rdi                    /* GUEST_VMCB(%rsp) */

        clgi
        /*
         * With V_INTR_MASKING the host's RFLAGS.IF at VMRUN decides whether
         * physical interrupts reach the guest (and so cause INTR exits): it
         * must be set. GIF = 0 keeps them from being taken here.
         */
        sti
        mov     %rsi, %rax
        mov     GREGS_RBX(%rax), %rbx
        mov     GREGS_RCX(%rax), %rcx
        mov     GREGS_RDX(%rax), %rdx
        mov     GREGS_RSI(%rax), %rsi
        mov     GREGS_RDI(%rax), %rdi
        mov     GREGS_RBP(%rax), %rbp
        mov     GREGS_R8(%rax), %r8
        mov     GREGS_R9(%rax), %r9
        mov     GREGS_R10(%rax), %r10
        mov     GREGS_R11(%rax), %r11
        mov     GREGS_R12(%rax), %r12
        mov     GREGS_R13(%rax), %r13
        mov     GREGS_R14(%rax), %r14
        mov     GREGS_R15(%rax), %r15
        mov     GUEST_VMCB(%rsp), %rax
        vmload  %rax
        vmrun   %rax
        /* #VMEXIT: host RSP/RIP/RAX are back; every other GPR holds guest values. */
        vmsave  %rax
        mov     REGS(%rsp), %rax
        mov     %rbx, GREGS_RBX(%rax)
        mov     %rcx, GREGS_RCX(%rax)
        mov     %rdx, GREGS_RDX(%rax)
        mov     %rsi, GREGS_RSI(%rax)
        mov     %rdi, GREGS_RDI(%rax)
        mov     %rbp, GREGS_RBP(%rax)
        mov     %r8, GREGS_R8(%rax)
        mov     %r9, GREGS_R9(%rax)
        mov     %r10, GREGS_R10(%rax)
        mov     %r11, GREGS_R11(%rax)
        mov     %r12, GREGS_R12(%rax)
        mov     %r13, GREGS_R13(%rax)
        mov     %r14, GREGS_R14(%rax)
        mov     %r15, GREGS_R15(%rax)
        mov     HOST_VMCB(%rsp), %rax
        vmload  %rax                    /* host GS base (per-CPU data), TR, ... */
        cli                             /* the caller re-enables interrupts itself */
        stgi

        add     $24, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size svm_vmrun, . - svm_vmrun
