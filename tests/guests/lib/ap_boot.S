/*
 * Secondary vCPUs of a test guest start here (guest/smp.h). smp.c copies
 * ap_trampoline..ap_trampoline_end to SMP_TRAMPOLINE_PA and sends SIPI
 * with that page's number; the vCPU starts in real mode at offset 0 of
 * the page (CS = page << 8). From there: protected mode on ap_gdt, long
 * mode on the boot page tables (head.S), the main GDT, the stack smp.c
 * left in ap_stack_top, and ap_start() in C.
 */
#include <guest/layout.h>

#define CR0_PE 0x00000001
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100

#define AP_CS32 0x08
#define AP_DS32 0x10
#define AP_CS64 0x18

        .section .rodata, "a"
        .code16
        .globl ap_trampoline, ap_trampoline_end
        .balign 16
ap_trampoline:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        /* The descriptor sits in this page; its base is ap_gdt's linear address. */
        lgdtl   ap_gdt_desc - ap_trampoline
        mov     %cr0, %eax
        or      $CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   $AP_CS32, $ap_entry32

        .balign 8
        .word 0
ap_gdt_desc:
        .word ap_gdt_end - ap_gdt - 1
        .long ap_gdt
ap_trampoline_end:

        .balign 8
ap_gdt:
        .quad 0
        .quad 0x00cf9b000000ffff        /* 0x08 32-bit code */
        .quad 0x00cf93000000ffff        /* 0x10 data */
        .quad 0x00af9b000000ffff        /* 0x18 64-bit code */
ap_gdt_end:

        .text
        .code32
/*
 * Entry for a vCPU started in 32-bit flat protected mode by
 * VCPUOP_initialise (no GDT of ours loaded yet, paging off).
 */
        .globl ap_entry32_flat
ap_entry32_flat:
        lgdt    ap_gdt_desc
        ljmp    $AP_CS32, $ap_entry32

ap_entry32:
        mov     $AP_DS32, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $l4_table, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        or      $(CR0_PG | CR0_WP), %eax
        mov     %eax, %cr0
        ljmp    $AP_CS64, $ap_entry64

        .code64
/* Also the entry for a vCPU started in long mode by VCPUOP_initialise (flat, selectors 0). */
        .globl ap_entry64
ap_entry64:
        mov     ap_stack_top(%rip), %rsp
        lgdt    gdt_desc(%rip)
        pushq   $KERNEL_CS
        lea     1f(%rip), %rax
        push    %rax
        lretq
1:      mov     $KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        xor     %ebp, %ebp
        call    ap_start
2:      cli
        hlt
        jmp     2b
