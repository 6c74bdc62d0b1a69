/* MSRs whose guest values live in the VMCB. */
#include <lares/errno.h>
#include <lares/event.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include "svm.h"

#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
/*
 * DEBUGCTL exists on every x86-64 CPU (Linux reads and writes it without
 * a fixup, e.g. for BTF block stepping). LBR and BTF are kept in the VMCB
 * and read back, as Xen does on SVM, but do nothing: LBR virtualisation is
 * off and QEMU implements neither. AMD's other bits are reserved: #GP.
 */
#define MSR_IA32_DEBUGCTL 0x000001d9
#define DEBUGCTL_LBR (1ull << 0)
#define DEBUGCTL_BTF (1ull << 1)

static bool valid_pat(u64 pat)
{
    for (unsigned i = 0; i < 8; i++) {
        u8 t = (u8)(pat >> (i * 8));

        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

int svm_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    switch (msr) {
    case MSR_EFER:
        *val = vmcb->efer & ~EFER_SVME; /* SVM is the hypervisor's, not the guest's */
        return 0;
    case MSR_IA32_CR_PAT:
        *val = vmcb->g_pat;
        return 0;
    case MSR_IA32_TSC:
        *val = rdtsc() + v->hvm.tsc_offset;
        return 0;
    case MSR_IA32_DEBUGCTL:
        *val = vmcb->dbgctl;
        return 0;
    default:
        return -ENOENT;
    }
}

int svm_msr_write(struct vcpu *v, u32 msr, u64 val)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    switch (msr) {
    case MSR_EFER:
        if (val & ~(EFER_GUEST_WRITABLE | EFER_LMA))
            return -EINVAL;
        /* LME may not change while paging is on; LMA is the CPU's to set. */
        if ((vmcb->cr0 & X86_CR0_PG) && ((val ^ vmcb->efer) & EFER_LME))
            return -EINVAL;
        vmcb->efer = (val & EFER_GUEST_WRITABLE) | (vmcb->efer & EFER_LMA) | EFER_SVME;
        return 0;
    case MSR_IA32_CR_PAT:
        if (!valid_pat(val))
            return -EINVAL;
        vmcb->g_pat = val;
        return 0;
    case MSR_IA32_TSC:
        /* The TSC behind the guest's pvclock moved: republish its time. */
        v->hvm.tsc_offset = val - rdtsc();
        vcpu_tsc_changed(v);
        return 0;
    case MSR_IA32_DEBUGCTL:
        if (val & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
            return -EINVAL;
        vmcb->dbgctl = val;
        return 0;
    default:
        return -ENOENT;
    }
}
