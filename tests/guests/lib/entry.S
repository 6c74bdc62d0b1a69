/*
 * Interrupt entry, and the two ways back from a fault a test expected:
 * exec_catch() (a setjmp-like frame) and exec_user() (a round trip to
 * CPL 3). do_trap() in traps.c decides where an exception returns to; it
 * only ever edits the saved frame, so every path leaves through iretq.
 */
#include <guest/layout.h>

/* One 16-byte stub per vector: push a dummy error code where the CPU
 * pushes none, push the vector, join trap_common. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
        .globl trap_stubs
trap_stubs:
        .set vec, 0
        .rept 256
        .balign 16
        .if HAS_ERROR_CODE(vec)
        .else
        pushq   $0
        .endif
        pushq   $vec
        jmp     trap_common
        .set vec, vec + 1
        .endr

/* Saved layout = struct cpu_regs (guest/traps.h). */
trap_common:
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        cld
        mov     %rsp, %rdi
        call    do_trap
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp               /* vector, error code */
        iretq

/* Save the callee-saved registers (6 pushes + return address = 56 bytes,
 * so one more slot keeps %rsp 16-byte aligned for calls). */
.macro SAVE_CALLEE
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        sub     $8, %rsp
.endm
.macro RESTORE_CALLEE
        add     $8, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
.endm

/*
 * u64 exec_catch_asm(void (*fn)(void *), void *arg): call fn(arg); return 0,
 * or, if fn faults, come back here with the exception info in %rax
 * (do_trap sets %rip = catch_landing, %rsp = catch_rsp).
 */
        .globl exec_catch_asm
exec_catch_asm:
        SAVE_CALLEE
        mov     %rsp, catch_rsp(%rip)
        mov     %rdi, %rax
        mov     %rsi, %rdi
        call    *%rax
        xor     %eax, %eax
        .globl catch_landing
catch_landing:
        movq    $0, catch_rsp(%rip)
        RESTORE_CALLEE
        ret

/*
 * u64 exec_user_asm(u64 (*fn)(void *), void *arg, u64 user_stack_top):
 * run fn(arg) at CPL 3 on the given stack. fn's return value comes back
 * through `int $USER_RETURN_VECTOR`; a fault at CPL 3 comes back the same
 * way. Either way do_trap resumes at user_landing on user_return_rsp with
 * the value in %rax.
 */
        .globl exec_user_asm
exec_user_asm:
        SAVE_CALLEE
        mov     %rsp, user_return_rsp(%rip)
        pushq   $USER_DS                /* ss */
        push    %rdx                    /* rsp */
        pushfq                          /* rflags */
        pushq   $USER_CS                /* cs */
        lea     user_trampoline(%rip), %rax
        push    %rax                    /* rip */
        mov     %rdi, %rax
        mov     %rsi, %rdi
        iretq

user_trampoline:                        /* CPL 3: %rax = fn, %rdi = arg */
        call    *%rax
        int     $USER_RETURN_VECTOR
        ud2

        .globl user_landing
user_landing:
        mov     $KERNEL_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        movq    $0, user_return_rsp(%rip)
        RESTORE_CALLEE
        ret

        .data
        .balign 8
        .globl catch_rsp, user_return_rsp
catch_rsp:
        .quad 0
user_return_rsp:
        .quad 0
