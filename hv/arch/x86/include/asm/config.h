/*
 * Virtual memory layout of the hypervisor. Used from C, assembly and the
 * linker script, so only plain constants here.
 *
 *   0xffffffff80000000 + pa   the hypervisor image (linked at 1 MiB physical),
 *                             -mcmodel=kernel; covers the first 1 GiB at boot
 *   0xffff830000000000 + pa   direct map of all RAM (DIRECTMAP_BASE)
 *
 * Nothing is mapped at low virtual addresses once boot is complete, so a
 * NULL dereference faults.
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#define KERNEL_VIRT_BASE  0xffffffff80000000
#define KERNEL_PHYS_LOAD  0x100000
#define DIRECTMAP_BASE    0xffff830000000000
#define DIRECTMAP_SIZE    0x0000010000000000 /* 1 TiB */

#define PAGE_SHIFT  12
#define PAGE_SIZE   (1 << PAGE_SHIFT)

#define STACK_ORDER 2                           /* 16 KiB per-CPU stacks */
#define STACK_SIZE  (PAGE_SIZE << STACK_ORDER)

#define MAX_CPUS 64

#endif
