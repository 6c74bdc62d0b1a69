/*
 * The register state a vCPU (re)starts with, independent of the vendor:
 * after INIT + SIPI (real mode at the SIPI vector, otherwise the
 * architectural INIT state), or as a guest asked with VCPUOP_initialise
 * (struct vcpu_hvm_context, checked here with Xen's rules). Pure code,
 * tested on the host (tests/unit/test_hvm_start.c); hvm_ops->set_start_state
 * loads it into the vendor's control block.
 */
#ifndef LARES_HVM_START_H
#define LARES_HVM_START_H

#include <lares/types.h>
#include <public/hvm/hvm_vcpu.h>

/* Segment attributes as in SVM/Xen: type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9, D/B 10, G 11. */
#define HVM_SEG_P (1u << 7)
#define HVM_SEG_S (1u << 4)
#define HVM_SEG_L (1u << 9)
#define HVM_SEG_DB (1u << 10)
#define HVM_SEG_G (1u << 11)

struct hvm_seg {
    u16 sel;
    u16 attr;
    u32 limit; /* in bytes (granularity already applied) */
    u64 base;
};

struct hvm_start_state {
    u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, rip, rflags;
    u64 cr0, cr3, cr4, efer;
    struct hvm_seg cs, ds, es, fs, gs, ss, tr, ldtr, gdtr, idtr;
};

/* What a start may set in CR4 and EFER (the rest would make VM entry fail). */
struct hvm_start_limits {
    u64 cr4_valid;
    u64 efer_valid; /* LMA is derived and always allowed */
};

/* Real mode at CS = vector << 8 (base vector << 12), IP 0: an AP after INIT + SIPI. */
void hvm_start_state_sipi(struct hvm_start_state *st, u8 vector);

/*
 * VCPUOP_initialise: check @ctx and build the state. 0, or -EINVAL with a
 * reason in *why (for the log).
 */
int hvm_start_state_from_context(const struct vcpu_hvm_context *ctx,
                                 const struct hvm_start_limits *lim, struct hvm_start_state *st,
                                 const char **why);

#endif
