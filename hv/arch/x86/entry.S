/*
 * Exception and interrupt entry. One stub per vector pushes a dummy error
 * code where the CPU pushes none (so every frame has the same shape) and
 * the vector, then the common path saves the general-purpose registers as
 * a struct cpu_user_regs (asm/regs.h) and calls do_trap(regs).
 *
 * The frame is 22 quadwords (176 bytes) on a stack the CPU aligned to 16,
 * so do_trap() is called with the stack aligned as the ABI requires.
 */
#include <asm/config.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
common_interrupt:
        cld
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, %rdi
        call    do_trap
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        add     $16, %rsp               /* vector and error code */
        iretq

        .globl entry_stubs_start
entry_stubs_start:
        vec = 0
        .rept 256
        .balign 16
1:
        .if HAS_ERROR_CODE(vec) == 0
        push    $0
        .endif
        push    $vec
        jmp     common_interrupt
        .pushsection .rodata
        .balign 8
        .if vec == 0
        .globl entry_stubs
entry_stubs:
        .endif
        .quad   1b
        .popsection
        vec = vec + 1
        .endr
