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
 * If the guest cannot take it now (RFLAGS.IF clear, an interrupt shadow,
 * another event being injected), the vendor arms the interrupt window and
 * the decision is made again at the exit that follows.
 */
#include <lares/domain.h>
#include <lares/event.h>
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
        block = hvm_ops->intr_blocked(v, true);
        if (block == HVM_INTR_OK) {
            __atomic_store_n(&v->hvm.nmi_pending, false, __ATOMIC_SEQ_CST);
            hvm_ops->inject_intr(v, 2, true);
            return;
        }
        if (block != HVM_INTR_BLOCKED_NMI) {
            /* Shadow or event: the window opens after it (NMIs need no IF). */
            hvm_ops->intr_window(v, true);
            return;
        }
        /* In the NMI handler: its IRET exit lets the NMI through. */
    }

    vec = callback_vector_pending(v);
    if (vec < 0 && vlapic_vector(v) < 0)
        return;
    block = hvm_ops->intr_blocked(v, false);
    if (block != HVM_INTR_OK) {
        hvm_ops->intr_window(v, true);
        return;
    }
    if (vec >= 0)
        hvm_ops->inject_intr(v, (unsigned)vec, false);
    else
        inject_vlapic(v);
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
