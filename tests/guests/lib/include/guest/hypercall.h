/*
 * Hypercalls from test guests, with Xen's 64-bit convention: number in
 * RAX, arguments in RDI, RSI, RDX, R10, R8; result in RAX (negative errno
 * on failure). By default the instruction is issued inline (VMMCALL on
 * AMD/Hygon, VMCALL elsewhere, as Linux does); hypercall_use_page()
 * switches to calling through the hypercall page instead.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <lares/types.h>
#include <public/xen.h>

/* The raw call: any number, any arguments (tests of bad calls use it). */
long hypercall6(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

/* The 4 KiB page the hypercall-page MSR fills (page-aligned, in .text;
 * filled with `ret` until then). */
extern u8 hypercall_page[XEN_PAGE_SIZE];

/* Ask the hypervisor to fill hypercall_page (WRMSR of its GPA to the MSR
 * named by CPUID leaf base+2 EBX). Returns 0, or -ENODEV without Xen, or
 * -EIO if the WRMSR faulted or the page still holds `ret`s. */
int hypercall_page_init(void);
/* Route every later hypercall through the page (true) or inline (false).
 * Using the page requires a successful hypercall_page_init(). */
int hypercall_use_page(bool use);
bool hypercall_using_page(void);

/* Typed wrappers. Pointers are passed as guest-virtual addresses. */
static inline long hypercall_console_io(unsigned int cmd, unsigned int count, const void *buf)
{
    return hypercall6(__HYPERVISOR_console_io, cmd, count, (u64)buf, 0, 0);
}

static inline long hypercall_xen_version(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_xen_version, cmd, (u64)arg, 0, 0, 0);
}

static inline long hypercall_sched_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_sched_op, cmd, (u64)arg, 0, 0, 0);
}

static inline long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_memory_op, cmd, (u64)arg, 0, 0, 0);
}

static inline long hypercall_event_channel_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (u64)arg, 0, 0, 0);
}

static inline long hypercall_hvm_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_hvm_op, cmd, (u64)arg, 0, 0, 0);
}

static inline long hypercall_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return hypercall6(__HYPERVISOR_vcpu_op, cmd, vcpu, (u64)arg, 0, 0);
}

static inline long hypercall_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return hypercall6(__HYPERVISOR_grant_table_op, cmd, (u64)uop, count, 0, 0);
}

static inline long hypercall_vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall6(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

/* SCHEDOP_shutdown(reason); returns only if the hypervisor refused. */
long hypercall_shutdown(unsigned int reason);

void hypercall_init(void);

#endif
