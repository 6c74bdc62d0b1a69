/*
 * Entry from the boot loader: Multiboot 1 (QEMU -kernel, GRUB "multiboot")
 * or Multiboot 2 (GRUB "multiboot2"). Both headers use load addresses
 * ("a.out kludge" / address tag) so the loader copies the image as-is and
 * does not care that build/lares.elf is an ELF64 file.
 *
 * We arrive in 32-bit protected mode, paging off, EAX = loader magic,
 * EBX = physical address of the loader's info block. We build boot page
 * tables that map the first 4 GiB three times (identity, direct map and
 * the image's high-half window), enter long mode, and call
 * start_lares(magic, info) on the boot stack in the high half.
 */
#include <asm/config.h>

#define PA(sym) ((sym) - KERNEL_VIRT_BASE)

#define MB1_MAGIC  0x1BADB002
#define MB1_FLAGS  ((1 << 1) | (1 << 16)) /* memory map, a.out kludge addresses */
#define MB2_MAGIC  0xE85250D6

#define PTE_P  0x001
#define PTE_RW 0x002
#define PTE_PS 0x080

        .section .text.head, "ax"
        .code32

        .balign 4
multiboot1_header:
        .long MB1_MAGIC
        .long MB1_FLAGS
        .long -(MB1_MAGIC + MB1_FLAGS)
        .long PA(multiboot1_header)     /* header_addr */
        .long PA(__image_start)         /* load_addr */
        .long PA(__load_end)            /* load_end_addr */
        .long PA(__bss_end)             /* bss_end_addr */
        .long PA(start32)               /* entry_addr */

        .balign 8
multiboot2_header:
        .long MB2_MAGIC
        .long 0                         /* architecture: i386 protected mode */
        .long multiboot2_header_end - multiboot2_header
        .long -(MB2_MAGIC + (multiboot2_header_end - multiboot2_header))
        .balign 8                       /* address tag */
        .short 2, 0
        .long 24
        .long PA(multiboot2_header)
        .long PA(__image_start)
        .long PA(__load_end)
        .long PA(__bss_end)
        .balign 8                       /* entry address tag */
        .short 3, 0
        .long 12
        .long PA(start32)
        .balign 8                       /* end tag */
        .short 0, 0
        .long 8
multiboot2_header_end:

        .balign 16
        .globl start32
start32:
        cli
        cld
        /* Keep the loader's handoff where the BSS clear cannot touch it. */
        mov     %eax, PA(boot_loader_magic)
        mov     %ebx, PA(boot_loader_info)
        mov     $PA(boot_stack_top), %esp

        /* Zero the BSS (the loader need not). */
        mov     $PA(__bss_start), %edi
        mov     $PA(__bss_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        /* Long mode present? (CPUID 0x80000001 EDX bit 29) */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %esi                  /* remember NX support (bit 20) */

        /* Identity-style PD entries for 0-4 GiB in 2 MiB pages. */
        mov     $PA(boot_pd), %edi
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $(PTE_P | PTE_RW | PTE_PS), %eax
        mov     %eax, (%edi,%ecx,8)
        mov     %ecx, %eax
        shr     $11, %eax                   /* bits 32+ of (ecx << 21) */
        mov     %eax, 4(%edi,%ecx,8)
        inc     %ecx
        cmp     $2048, %ecx
        jne     1b

        /* CR4.PAE, EFER.LME (+NXE), CR3, then CR0.PG|WP. */
        mov     %cr4, %eax
        or      $(1 << 5), %eax
        mov     %eax, %cr4
        mov     $0xc0000080, %ecx
        rdmsr
        or      $(1 << 8), %eax
        bt      $20, %esi
        jnc     2f
        or      $(1 << 11), %eax
2:      wrmsr
        mov     $PA(boot_pml4), %eax
        mov     %eax, %cr3
        mov     %cr0, %eax
        or      $0x80010023, %eax           /* PG | WP | NE | MP | PE */
        and     $~0x6000000c, %eax          /* clear CD, NW, TS, EM */
        mov     %eax, %cr0

        lgdt    PA(boot_gdt_desc32)
        ljmp    $0x08, $PA(start64_low)

no_long_mode:
        /* Tell COM1 (115200 8N1 is QEMU's and most firmware's default). */
        mov     $PA(msg_no_lm), %esi
3:      lodsb
        test    %al, %al
        jz      4f
        mov     $0x3f8, %dx
        out     %al, %dx
        jmp     3b
4:      hlt
        jmp     4b

        .code64
start64_low:
        /* Still running at the physical address; jump to the high half. */
        movabs  $start64, %rax
        jmp     *%rax

        .text
start64:
        lgdt    boot_gdt_desc64(%rip)
        mov     $0x10, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     boot_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     boot_loader_magic(%rip), %edi
        mov     boot_loader_info(%rip), %esi
        call    start_lares
5:      cli
        hlt
        jmp     5b

        .section .rodata
msg_no_lm:
        .asciz  "Lares: this CPU has no 64-bit long mode; cannot start.\r\n"

        .data
        .balign 8
        .globl boot_loader_magic, boot_loader_info
boot_loader_magic:  .long 0
boot_loader_info:   .long 0

        .balign 16
        .globl boot_gdt
boot_gdt:
        .quad 0                             /* null */
        .quad 0x00af9b000000ffff            /* 0x08: 64-bit code, DPL0 */
        .quad 0x00cf93000000ffff            /* 0x10: data, DPL0 */
boot_gdt_end:
boot_gdt_desc32:
        .short boot_gdt_end - boot_gdt - 1
        .long PA(boot_gdt)
boot_gdt_desc64:
        .short boot_gdt_end - boot_gdt - 1
        .quad boot_gdt

        /*
         * Boot page tables. PML4[0] (identity), PML4[262] (direct map) and
         * PML4[511]/PDPT[510] (image window) all lead to boot_pd, which maps
         * 0-4 GiB with 2 MiB pages. Replaced by the final tables in paging.c.
         */
        .balign PAGE_SIZE
        .globl boot_pml4
boot_pml4:
        .quad PA(boot_pdpt_low) + (PTE_P | PTE_RW)
        .fill 261, 8, 0
        .quad PA(boot_pdpt_low) + (PTE_P | PTE_RW)    /* 0xffff830000000000 */
        .fill 248, 8, 0
        .quad PA(boot_pdpt_high) + (PTE_P | PTE_RW)   /* 0xffffff8000000000 */
boot_pdpt_low:
        .quad PA(boot_pd) + 0x0000 + (PTE_P | PTE_RW)
        .quad PA(boot_pd) + 0x1000 + (PTE_P | PTE_RW)
        .quad PA(boot_pd) + 0x2000 + (PTE_P | PTE_RW)
        .quad PA(boot_pd) + 0x3000 + (PTE_P | PTE_RW)
        .fill 508, 8, 0
boot_pdpt_high:
        .fill 510, 8, 0
        .quad PA(boot_pd) + (PTE_P | PTE_RW)          /* 0xffffffff80000000 */
        .quad 0

        .bss
        .balign PAGE_SIZE
        .globl boot_pd
boot_pd:
        .skip 4 * PAGE_SIZE
        .balign PAGE_SIZE
        .globl boot_stack, boot_stack_top
boot_stack:
        .skip STACK_SIZE
boot_stack_top:
