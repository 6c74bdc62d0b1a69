/*
 * The AP start-up trampoline. The boot CPU copies [trampoline_start,
 * trampoline_end) to a free page below 1 MiB, fills in trampoline_cr3 and
 * trampoline_efer, maps that page at its own address, and sends the AP
 * INIT-SIPI-SIPI with the page number as the SIPI vector. The AP starts
 * here in real mode at CS:IP = page:0 and goes 16 -> 32 -> 64-bit:
 *
 *   real mode:  find our physical base from CS, load our GDT, enable PE
 *   32-bit:     PAE, CR3 = the hypervisor's page tables, EFER.LME (+NXE),
 *               enable paging (still running on the identity-mapped page)
 *   64-bit:     jump to ap_start64 in the high half, which takes the stack
 *               the boot CPU prepared and calls start_secondary()
 *
 * The code is position-independent: every absolute address it needs is
 * computed from CS at run time. The top of the page is its stack.
 */
#include <asm/config.h>

#define TRAMP_CS32 0x18
#define TRAMP_CS64 0x08
#define TRAMP_DS   0x10
#define OFF(sym)   ((sym) - trampoline_start)

        .section .rodata.trampoline, "a"
        .balign 16
        .globl trampoline_start, trampoline_end, trampoline_cr3, trampoline_efer

        .code16
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        movzwl  %ax, %ebx
        shll    $4, %ebx                        /* ebx = physical base, kept to the end */

        leal    OFF(tramp_gdt)(%ebx), %eax      /* the GDT pointer needs a linear address */
        movl    %eax, OFF(tramp_gdt_ptr) + 2
        leal    OFF(tramp_32)(%ebx), %eax
        movl    %eax, OFF(tramp_jump32)
        lgdtl   OFF(tramp_gdt_ptr)

        movl    %cr0, %eax
        orl     $1, %eax                        /* PE */
        movl    %eax, %cr0
        ljmpl   *OFF(tramp_jump32)

        .code32
tramp_32:
        movl    $TRAMP_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %eax, %fs
        movl    %eax, %gs
        leal    PAGE_SIZE(%ebx), %esp

        movl    %cr4, %eax
        orl     $(1 << 5), %eax                 /* PAE */
        movl    %eax, %cr4
        movl    OFF(trampoline_cr3)(%ebx), %eax
        movl    %eax, %cr3
        movl    $0xc0000080, %ecx               /* EFER */
        rdmsr
        orl     OFF(trampoline_efer)(%ebx), %eax
        wrmsr
        movl    %cr0, %eax
        orl     $0x80010001, %eax               /* PG | WP | PE */
        movl    %eax, %cr0

        /* Long mode (compatibility); a far return lands in 64-bit code. */
        leal    OFF(tramp_64)(%ebx), %eax
        pushl   $TRAMP_CS64
        pushl   %eax
        lretl

        .code64
tramp_64:
        movabsq $ap_start64, %rax
        jmpq    *%rax

        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00af9b000000ffff              /* 0x08: 64-bit code */
        .quad   0x00cf93000000ffff              /* 0x10: data */
        .quad   0x00cf9b000000ffff              /* 0x18: 32-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
        .short  tramp_gdt_end - tramp_gdt - 1
        .long   0                               /* filled in at run time */
tramp_jump32:
        .long   0                               /* filled in at run time */
        .short  TRAMP_CS32
        .balign 4
trampoline_cr3:
        .long   0                               /* filled in by the boot CPU */
trampoline_efer:
        .long   0                               /* EFER bits to set: LME, NXE */
trampoline_end:

        .text
        .globl ap_start64
ap_start64:
        movq    ap_stack_top(%rip), %rsp
        xorl    %ebp, %ebp
        call    start_secondary
1:      cli
        hlt
        jmp     1b
