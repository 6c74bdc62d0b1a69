/*
 * The hypercall page a guest asks for by writing its GPA to MSR
 * 0x40000000 (the index CPUID 0x40000002 EBX reports). Hypercall N is
 * "call page + 32 * N"; each 32-byte slot loads N into EAX, traps to the
 * hypervisor and returns, exactly as Xen lays it out. Older Linux kernels
 * and XTF call through it; newer Linux issues VMMCALL inline.
 */
#ifndef LARES_HYPERCALL_PAGE_H
#define LARES_HYPERCALL_PAGE_H

#include <lares/types.h>

#define HYPERCALL_PAGE_SIZE 4096
#define HYPERCALL_STUB_SIZE 32
#define HYPERCALL_PAGE_SLOTS (HYPERCALL_PAGE_SIZE / HYPERCALL_STUB_SIZE)
/* __HYPERVISOR_iret: PV only; its slot traps with UD2 instead. */
#define HYPERCALL_PAGE_IRET_SLOT 23

enum hypercall_insn {
    HYPERCALL_VMMCALL, /* AMD SVM: 0f 01 d9 */
    HYPERCALL_VMCALL,  /* Intel VT-x: 0f 01 c1 */
};

/* Fill the HYPERCALL_PAGE_SIZE bytes at page with the stubs. */
void hypercall_page_fill(void *page, enum hypercall_insn insn);

#endif
