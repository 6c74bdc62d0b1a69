/*
 * Guest FPU/SSE/AVX state. The hypervisor is built without FPU/SSE code,
 * so a vCPU's FPU registers (and its XCR0) can simply stay in the CPU
 * while it runs and across its exits; they are saved (XSAVE, or FXSAVE
 * where the CPU has no XSAVE) only when another vCPU takes the CPU.
 */
#ifndef ASM_HVM_FPU_H
#define ASM_HVM_FPU_H

#include <lares/types.h>

struct vcpu;

#define XSTATE_X87 (1ull << 0)
#define XSTATE_SSE (1ull << 1)
#define XSTATE_YMM (1ull << 2)

/* Per-CPU setup (CR4.OSFXSR/OSXSAVE); the first call also sizes the save area. */
void hvm_fpu_cpu_init(void);

bool hvm_fpu_has_xsave(void);

/* XCR0 values a guest may set: what the CPU supports, limited to x87/SSE/AVX. */
u64 hvm_fpu_guest_xcr0_mask(void);

/* Validate and load a new XCR0 for the running vCPU: 0 or -EINVAL (#GP). */
int hvm_fpu_set_xcr0(struct vcpu *v, u64 xcr0);

/* INIT: the running vCPU's FPU, XCR0 and DR0-3 go back to their reset values. */
void hvm_fpu_reset(struct vcpu *v);

/* The XCR0 of v, which is on this CPU handling an exit (the guest may have set it unseen). */
u64 hvm_fpu_live_xcr0(struct vcpu *v);

#endif
