/*
 * PVH entry of a test guest.
 *
 * The loader (QEMU's -kernel, or Lares' domain builder) copies the image to
 * its physical load address and starts the vCPU in 32-bit flat protected
 * mode with paging off at the address named by the Xen ELF note
 * PHYS32_ENTRY, EBX = physical address of struct hvm_start_info.
 *
 * We keep EBX, clear the BSS, load our GDT, switch to long mode on the
 * page tables below (identity map of [4 KiB, 1 GiB); page 0 is left
 * unmapped so NULL dereferences fault) and call guest_start() in C.
 */
#include <guest/layout.h>

/* XEN_ELFNOTE_PHYS32_ENTRY; include/public/elfnote.h is maintained
 * elsewhere and not needed for one number. */
#define NOTE_PHYS32_ENTRY 18

#define CR0_PE 0x00000001
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100

/* Page-table entry bits: present, writable, user, 2 MiB page. All
 * mappings are user-accessible so that exec_user() can run any function
 * of the image; SMEP/SMAP stay off. */
#define PTE_TABLE 0x007
#define PTE_4K    0x007
#define PTE_2M    0x087

        .section .note.Xen, "a", @note
        .balign 4
        .long 4                         /* name size, "Xen\0" */
        .long 4                         /* descriptor size */
        .long NOTE_PHYS32_ENTRY
        .asciz "Xen"
        .long pvh_entry

        .section .text.head, "ax"
        .code32
        .globl pvh_entry
pvh_entry:
        cli
        cld
        mov     %ebx, pvh_start_info_pa

        /* The loader zeroes the BSS; do it again, it costs nothing and
         * the stacks live there. */
        mov     $__bss_start, %edi
        mov     $__bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        mov     $(boot_stack + GUEST_STACK_SIZE), %esp
        lgdt    gdt_desc

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
        or      $(CR0_PG | CR0_WP | CR0_PE), %eax
        mov     %eax, %cr0
        ljmp    $KERNEL_CS, $start64

        .code64
start64:
        mov     $KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $(boot_stack + GUEST_STACK_SIZE), %rsp
        xor     %ebp, %ebp
        call    guest_start
1:      cli
        hlt
        jmp     1b

        .data
        .balign 8
        .globl pvh_start_info_pa
pvh_start_info_pa:
        .quad 0

        .globl gdt
        .balign 16
gdt:
        .quad 0                         /* null */
        .quad 0x00af9b000000ffff        /* 0x08 kernel code, 64-bit */
        .quad 0x00cf93000000ffff        /* 0x10 kernel data */
        .quad 0x00affb000000ffff        /* 0x18 user code, 64-bit, DPL 3 */
        .quad 0x00cff3000000ffff        /* 0x20 user data, DPL 3 */
        .quad 0, 0                      /* 0x28 TSS, filled in by traps_init() */
gdt_end:

        .balign 8
        .globl gdt_desc
        .word 0, 0, 0
gdt_desc:
        .word gdt_end - gdt - 1
        .quad gdt

        .section .data.page_aligned, "aw"
        .balign 4096
        .globl l4_table
l4_table:
        .quad l3_table + PTE_TABLE
        .fill 511, 8, 0
l3_table:
        .quad l2_table + PTE_TABLE      /* [0, 1 GiB) */
        .fill 511, 8, 0
l2_table:
        .quad l1_table + PTE_TABLE      /* [0, 2 MiB) in 4 KiB pages */
        .set i, 1
        .rept 511
        .quad (i << 21) + PTE_2M
        .set i, i + 1
        .endr
l1_table:
        .quad 0                         /* page 0: not present */
        .set i, 1
        .rept 511
        .quad (i << 12) + PTE_4K
        .set i, i + 1
        .endr

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl boot_stack
boot_stack:
        .skip GUEST_STACK_SIZE
