/*
 * What a guest sees from CPUID: the host's values filtered through a
 * whitelist (only features the hypervisor virtualises or that need no
 * help), the honest vendor string (Linux picks VMMCALL by it), the
 * "hypervisor" bit, and Xen's leaves at 0x40000000.
 *
 * Values that depend on the vCPU (APIC id, OSXSAVE, the Xen vCPU/domain
 * ids) are filled in per call.
 */
#include <lares/domain.h>
#include <lares/time.h>
#include <lares/version.h>
#include <asm/cpu.h>
#include <asm/hvm/fpu.h>
#include <asm/hvm/hvm.h>

#define XEN_CPUID_BASE 0x40000000
#define XEN_CPUID_LAST (XEN_CPUID_BASE + 5)

/* Leaf 1 */
#define L1_ECX_ALLOWED                                                                          \
    ((1u << 0) | (1u << 1) | (1u << 9) | (1u << 12) | (1u << 13) | (1u << 19) | (1u << 20) |   \
     (1u << 22) | (1u << 23) | (1u << 25) | (1u << 26) | (1u << 28) | (1u << 29) | (1u << 30))
#define L1_ECX_OSXSAVE    (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
/* FPU DE PSE TSC MSR PAE CX8 SEP PGE CMOV PAT PSE36 CLFSH MMX FXSR SSE SSE2 (no APIC/MTRR/MCE yet) */
#define L1_EDX_ALLOWED                                                                          \
    ((1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) |       \
     (1u << 11) | (1u << 13) | (1u << 15) | (1u << 16) | (1u << 17) | (1u << 19) |             \
     (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26))
/* Leaf 7.0 EBX: FSGSBASE BMI1 AVX2 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT SHA */
#define L7_EBX_ALLOWED                                                                          \
    ((1u << 0) | (1u << 3) | (1u << 5) | (1u << 7) | (1u << 8) | (1u << 9) | (1u << 19) |      \
     (1u << 20) | (1u << 23) | (1u << 29))
/* 0x80000001 ECX: LAHF ABM SSE4A MISALIGNSSE 3DNOWPREFETCH */
#define E1_ECX_ALLOWED ((1u << 0) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8))
/* 0x80000001 EDX: the leaf-1 bits AMD mirrors, SYSCALL NX MMXEXT PAGE1GB LM */
#define E1_EDX_ALLOWED                                                                          \
    ((L1_EDX_ALLOWED & 0x0183f3ffu) | (1u << 11) | (1u << 20) | (1u << 22) | (1u << 26) |     \
     (1u << 29))
/* Leaf 0x40000004 EAX: VCPU_ID_PRESENT | DOMID_PRESENT */
#define XEN_HVM_FLAGS ((1u << 3) | (1u << 4))

static void zero(u32 out[4])
{
    out[0] = out[1] = out[2] = out[3] = 0;
}

static void xen_leaf(struct vcpu *v, u32 leaf, u32 subleaf, u32 out[4])
{
    zero(out);
    switch (leaf - XEN_CPUID_BASE) {
    case 0:
        out[0] = XEN_CPUID_LAST;
        out[1] = 0x566e6558; /* "XenVMMXenVMM" */
        out[2] = 0x65584d4d;
        out[3] = 0x4d4d566e;
        break;
    case 1:
        out[0] = (XEN_COMPAT_MAJOR << 16) | XEN_COMPAT_MINOR;
        break;
    case 2:
        out[0] = 1;          /* one hypercall page */
        out[1] = 0x40000000; /* ... written through this MSR */
        break;
    case 3:
        if (subleaf == 0)
            out[2] = time_tsc_khz(); /* TSC mode 0 (native), its frequency */
        break;
    case 4:
        out[0] = XEN_HVM_FLAGS;
        out[1] = v->vcpu_id;
        out[2] = v->domain->domid;
        break;
    default:
        break; /* 5 is PV only */
    }
}

void hvm_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, u32 out[4])
{
    struct cpuid_regs h, max;
    struct hvm_paging_state ps;

    if (leaf >= XEN_CPUID_BASE && leaf < 0x80000000) {
        if (leaf <= XEN_CPUID_LAST)
            xen_leaf(v, leaf, subleaf, out);
        else
            zero(out);
        return;
    }
    cpuid(leaf & 0x80000000, &max);
    if (leaf > max.eax || (leaf < 0x80000000 && leaf > 0xd) || leaf > 0x80000008) {
        zero(out);
        return;
    }
    cpuid_count(leaf, subleaf, &h);
    out[0] = h.eax;
    out[1] = h.ebx;
    out[2] = h.ecx;
    out[3] = h.edx;

    switch (leaf) {
    case 0:
        out[0] = h.eax < 0xd ? h.eax : 0xd;
        break;
    case 1:
        hvm_ops->get_paging_state(v, &ps);
        /* APIC id 2n as in the MADT; one logical CPU per package. */
        out[1] = (h.ebx & 0x0000ffffu) | ((v->vcpu_id * 2) << 24);
        out[2] = (h.ecx & L1_ECX_ALLOWED) | L1_ECX_HYPERVISOR;
        if (!hvm_fpu_has_xsave())
            out[2] &= ~((1u << 26) | (1u << 28));
        else if (ps.cr4 & X86_CR4_OSXSAVE)
            out[2] |= L1_ECX_OSXSAVE;
        out[3] = h.edx & L1_EDX_ALLOWED;
        break;
    case 7:
        out[0] = 0;
        out[1] = subleaf == 0 ? (h.ebx & L7_EBX_ALLOWED) : 0;
        out[2] = out[3] = 0;
        break;
    case 0xd:
        if (!hvm_fpu_has_xsave()) {
            zero(out);
        } else if (subleaf == 0) {
            u64 mask = hvm_fpu_guest_xcr0_mask();

            out[0] = (u32)mask;
            out[3] = (u32)(mask >> 32);
            /* EBX (size for the current XCR0) is right: the guest's XCR0 is loaded. */
            out[2] = mask & XSTATE_YMM ? 576 + 256 : 576;
        } else if (subleaf == 1) {
            out[0] &= 1; /* XSAVEOPT only */
            out[1] = out[2] = out[3] = 0;
        } else if (subleaf >= 32 || !(hvm_fpu_guest_xcr0_mask() & (1ull << subleaf))) {
            zero(out);
        }
        break;
    case 0x80000000:
        out[0] = h.eax < 0x80000008 ? h.eax : 0x80000008;
        break;
    case 0x80000001:
        out[2] = h.ecx & E1_ECX_ALLOWED;
        out[3] = h.edx & E1_EDX_ALLOWED;
        break;
    case 0x80000007:
        zero(out); /* no invariant-TSC or power-management promises */
        break;
    case 0x80000008:
        out[0] = h.eax & 0xffff; /* physical and virtual address bits */
        out[1] = out[2] = out[3] = 0;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
    case 0x80000005:
    case 0x80000006:
        break; /* brand string and cache descriptions as they are */
    default:
        zero(out); /* topology, cache, power and other leaves: nothing promised */
        break;
    }
}

enum hvm_disposition hvm_exit_cpuid(struct vcpu *v)
{
    struct guest_regs *r = &v->hvm.regs;
    u32 out[4];

    hvm_cpuid(v, (u32)r->rax, (u32)r->rcx, out);
    r->rax = out[0];
    r->rbx = out[1];
    r->rcx = out[2];
    r->rdx = out[3];
    return HVM_ADVANCE;
}
