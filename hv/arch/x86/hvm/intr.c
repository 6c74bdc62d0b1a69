/*
 * Interrupts for guests: the one place that decides, right before each VM
 * entry, which pending interrupt the vCPU gets. In priority order:
 *
 *   1. an NMI (NMI IPI)
 *   2. the event-channel callback vector, while vcpu_info's
 *      evtchn_upcall_pending is set (HVM_PARAM_CALLBACK_IRQ of type vector;
 *      injected directly: no IRR/ISR, no EOI -- see linux-pvh.md 4.4)
 *   3. the highest vLAPIC vector above the PPR (moved from IRR to ISR as it
 *      is injected; the guest EOIs it)
 *
 * If the guest cannot take it now (RFLAGS.IF clear, another event being
 * injected), the vendor arms the interrupt window and the decision is
 * made again at the exit that follows.
 *
 * The STI / MOV SS interrupt shadow: under QEMU a VM entry does not keep
 * a shadow the last exit interrupted, so asking for the window would only
 * exit again at once. The shadow matters for "sti; hlt": an interrupt
 * delivered between them would be taken before the HLT, which then sleeps
 * although the interrupt it waited for is done. So when an interrupt is
 * due inside a shadow and the next instruction is HLT, that HLT is
 * completed here (it would end at once, woken by the interrupt) and the
 * interrupt delivered after it, as on hardware. Other shadowed
 * instructions take the interrupt right away, as QEMU would.
 */
#include <lares/domain.h>
#include <lares/event.h>
#include <lares/guest_access.h>
#include <lares/vlapic.h>
#include <asm/hvm/hvm.h>

/*
 * The event-channel callback vector if it is due for v, else -1: while
 * the vCPU's evtchn_upcall_pending is set, like a level-triggered line the
 * guest lowers by clearing that flag.
 */
static int callback_vector_pending(struct vcpu *v)
{
    int vector = domain_callback_vector(v->domain);

    return vector >= 0 && vcpu_upcall_pending(v) ? vector : -1;
}

static int vlapic_vector(struct vcpu *v)
{
    unsigned long flags;
    int vec;

    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    vec = vlapic_pending_vector(&v->hvm.vlapic);
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
    return vec;
}

bool hvm_vcpu_has_pending_intr(struct vcpu *v)
{
    /*
     * Any raised upcall counts, whatever the callback type: a guest that
     * polls its event bits sleeps in SCHEDOP_block until an event comes.
     */
    return __atomic_load_n(&v->hvm.nmi_pending, __ATOMIC_SEQ_CST) || vcpu_upcall_pending(v) ||
           vlapic_vector(v) >= 0;
}

#define INSN_HLT 0xf4

/*
 * An interrupt (@nmi: an NMI) is due in a shadow: complete a shadowed HLT
 * that it would wake, then drop the shadow.
 */
static void leave_shadow(struct vcpu *v, bool nmi)
{
    struct hvm_dump_state ds;
    u64 rip = v->hvm.regs.rip;
    u8 op;

    if (!nmi && !(v->hvm.regs.rflags & X86_EFLAGS_IF)) {
        hvm_ops->clear_interrupt_shadow(v); /* nothing gets through: a HLT sleeps on */
        return;
    }
    hvm_ops->get_dump_state(v, &ds);
    if (ds.mode != HVM_MODE_64)
        rip = (ds.cs_base + rip) & 0xffffffffull;
    if (!copy_from_guest(v, &op, rip, 1) && op == INSN_HLT) {
        v->hvm.regs.rip += 1;
        if (ds.mode != HVM_MODE_64)
            v->hvm.regs.rip &= 0xffffffffull;
    }
    hvm_ops->clear_interrupt_shadow(v);
}

/* Whether the guest can take an interrupt (or NMI) now, a shadow dealt with. */
static enum hvm_intr_block blocked(struct vcpu *v, bool nmi)
{
    enum hvm_intr_block block = hvm_ops->intr_blocked(v, nmi);

    if (block != HVM_INTR_BLOCKED_SHADOW)
        return block;
    leave_shadow(v, nmi);
    return hvm_ops->intr_blocked(v, nmi);
}

void hvm_inject_nmi_async(struct vcpu *v)
{
    __atomic_store_n(&v->hvm.nmi_pending, true, __ATOMIC_SEQ_CST);
    vcpu_unblock(v);
    vcpu_kick(v);
}

/* Inject the vlapic's best vector, if it still is one (the TPR may have moved). */
static void inject_vlapic(struct vcpu *v)
{
    unsigned long flags;
    int vec;

    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    vec = vlapic_pending_vector(&v->hvm.vlapic);
    if (vec >= 0 && vlapic_ack(&v->hvm.vlapic, (u8)vec))
        hvm_ops->inject_intr(v, (unsigned)vec, false);
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
}

void hvm_intr_assist(struct vcpu *v)
{
    enum hvm_intr_block block;
    int vec;

    unsigned long flags;

    /* The guest's view of the TPR through CR8 (V_TPR) follows the vlapic's. */
    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    v->hvm.vtpr = vlapic_tpr(&v->hvm.vlapic) >> 4;
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
    hvm_ops->set_vtpr(v, v->hvm.vtpr);

    if (__atomic_load_n(&v->hvm.nmi_pending, __ATOMIC_SEQ_CST)) {
        block = blocked(v, true);
        if (block == HVM_INTR_OK) {
            __atomic_store_n(&v->hvm.nmi_pending, false, __ATOMIC_SEQ_CST);
            hvm_ops->inject_intr(v, 2, true);
            return;
        }
        if (block != HVM_INTR_BLOCKED_NMI) {
            /* An event on its way, or the NMI handler's IRET: an exit right after it. */
            hvm_ops->intr_window(v, true);
            return;
        }
        /* In the NMI handler: its IRET exit lets the NMI through. */
    }

    vec = callback_vector_pending(v);
    if (vec < 0 && vlapic_vector(v) < 0)
        return;
    block = blocked(v, false);
    if (block != HVM_INTR_OK) {
        hvm_ops->intr_window(v, true);
        return;
    }
    if (vec >= 0) {
        hvm_ops->inject_intr(v, (unsigned)vec, false);
        /*
         * Level-like: while upcall_pending stays set (the handler has not
         * run yet, and a handler may leave it set) it is offered again as
         * soon as the guest can take it, after the handler's IRET if not
         * before (as Xen does; Linux pays one exit per upcall for it).
         */
        hvm_ops->intr_window(v, true);
    } else {
        inject_vlapic(v);
    }
}

void hvm_intr_after_exit(struct vcpu *v)
{
    u8 vtpr = hvm_ops->get_vtpr(v);
    unsigned long flags;

    if (vtpr == v->hvm.vtpr)
        return;
    /* The guest wrote CR8 (TPR bits 7:4). */
    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    vlapic_set_tpr(&v->hvm.vlapic, (u8)(vtpr << 4));
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
    v->hvm.vtpr = vtpr;
}
