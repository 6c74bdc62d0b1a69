/*
 * Interrupt and NMI injection on SVM (AMD APM vol. 2, 15.20-15.21):
 * EVENTINJ delivers an event at the next VMRUN whatever the guest's RFLAGS.IF
 * and interrupt shadow say, so the caller first asks whether the guest can
 * take one (svm_intr_blocked). If not, a virtual interrupt request (V_IRQ)
 * with the VINTR intercept makes the CPU exit as soon as the guest could
 * take an interrupt (the "interrupt window"), and the caller injects then.
 *
 * NMIs: the CPU tracks no virtual NMI blocking here (no vNMI under QEMU),
 * so an injected NMI masks further ones until the guest's IRET, which is
 * intercepted for that, as Xen does. The intercept exits before the IRET
 * runs, so NMIs stay masked until an exit at another RIP (the interrupt
 * window, asked for then, provides one right after the IRET).
 *
 * QEMU (7.2) does not restore the interrupt shadow from the VMCB at VMRUN:
 * after an exit inside a shadow the guest is interruptible at once. The
 * caller deals with that (hvm/intr.c); here the shadow is reported as the
 * exit left it, or as an earlier exit at the same instruction left it
 * (svm_vcpu.shadow: a second exit, e.g. an IPI arriving during the first
 * one's handling, must not lose it, or "sti; hlt" takes the interrupt
 * before the HLT and then sleeps).
 */
#include "svm.h"

enum hvm_intr_block svm_intr_blocked(struct vcpu *v, bool nmi)
{
    struct svm_vcpu *s = to_svm(v);
    struct vmcb *vmcb = s->vmcb;

    if ((vmcb->eventinj & SVM_EVT_V) || (s->reinject & SVM_EVT_V))
        return HVM_INTR_BLOCKED_EVENT;
    if ((vmcb->interrupt_shadow & 1) || (s->shadow && v->hvm.regs.rip == s->shadow_rip))
        return HVM_INTR_BLOCKED_SHADOW;
    if (nmi) {
        if (s->nmi_masked && s->nmi_iret && vmcb->rip != s->nmi_iret_rip)
            s->nmi_masked = s->nmi_iret = false; /* the handler's IRET has run */
        if (!s->nmi_masked)
            return HVM_INTR_OK;
        return s->nmi_iret ? HVM_INTR_BLOCKED_NMI_IRET : HVM_INTR_BLOCKED_NMI;
    }
    if (!(v->hvm.regs.rflags & X86_EFLAGS_IF))
        return HVM_INTR_BLOCKED_IF;
    return HVM_INTR_OK;
}

void svm_inject_intr(struct vcpu *v, unsigned vector, bool nmi)
{
    struct svm_vcpu *s = to_svm(v);

    if (nmi) {
        s->vmcb->eventinj = 2 | SVM_EVT_TYPE_NMI | SVM_EVT_V;
        s->nmi_masked = true;
        s->nmi_iret = false;
        s->vmcb->intercept_misc1 |= SVM_I1_IRET;
    } else {
        s->vmcb->eventinj = (vector & SVM_EVT_VECTOR_MASK) | SVM_EVT_TYPE_INTR | SVM_EVT_V;
    }
}

void svm_intr_window(struct vcpu *v, bool open)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    if (open) {
        /* A dummy virtual interrupt that ignores the TPR: only the window matters. */
        vmcb->vintr |= SVM_VINTR_V_IRQ | SVM_VINTR_V_IGN_TPR | (0xfull << SVM_VINTR_PRIO_SHIFT);
        vmcb->intercept_misc1 |= SVM_I1_VINTR;
    } else {
        vmcb->vintr &= ~(SVM_VINTR_V_IRQ | SVM_VINTR_V_IGN_TPR | (0xfull << SVM_VINTR_PRIO_SHIFT));
        vmcb->intercept_misc1 &= ~SVM_I1_VINTR;
    }
}

u8 svm_get_vtpr(struct vcpu *v)
{
    return to_svm(v)->vmcb->vintr & SVM_VINTR_V_TPR_MASK;
}

void svm_set_vtpr(struct vcpu *v, u8 tpr)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    vmcb->vintr = (vmcb->vintr & ~SVM_VINTR_V_TPR_MASK) | (tpr & SVM_VINTR_V_TPR_MASK);
}

enum hvm_disposition svm_exit_vintr(struct vcpu *v)
{
    svm_intr_window(v, false); /* the window is open: the next entry injects */
    return HVM_RESUME;
}

enum hvm_disposition svm_exit_iret(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    /* The exit comes before the IRET runs: NMIs unmask at the first exit past it. */
    s->vmcb->intercept_misc1 &= ~SVM_I1_IRET;
    s->nmi_iret = true;
    s->nmi_iret_rip = s->vmcb->rip;
    return HVM_RESUME;
}
