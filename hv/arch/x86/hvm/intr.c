/*
 * Interrupt delivery to a vCPU, decided before each VM entry.
 *
 * The only source so far is Xen's callback vector (HVM_PARAM_CALLBACK_IRQ
 * of type "vector"): it is due while the vCPU's evtchn_upcall_pending is
 * set, like a level-triggered line the guest lowers by clearing that flag.
 * It is injected directly as an external interrupt, bypassing the virtual
 * LAPIC (no IRR/ISR, no TPR, no EOI), as Xen does. When the guest cannot
 * take it now (interrupts off, an STI shadow, another event in flight),
 * the vendor opens an interrupt window: an exit as soon as it can, after
 * which the next entry injects it. The vLAPIC's vectors come after it.
 */
#include <lares/domain.h>
#include <lares/event.h>
#include <asm/hvm/hvm.h>

/* The vector due for v, or -1. */
static int pending_vector(struct vcpu *v)
{
    int vector = domain_callback_vector(v->domain);

    if (vector >= 0 && vcpu_upcall_pending(v))
        return vector;
    return -1;
}

void hvm_intr_assist(struct vcpu *v)
{
    int vector = pending_vector(v);

    if (vector < 0) {
        hvm_ops->set_intr_window(v, false);
        return;
    }
    if (hvm_ops->intr_blocked(v)) {
        hvm_ops->set_intr_window(v, true);
        return;
    }
    hvm_ops->set_intr_window(v, false);
    hvm_ops->inject_intr(v, (u8)vector);
}

bool hvm_vcpu_has_pending_irq(struct vcpu *v)
{
    /*
     * Any raised upcall counts, whatever the callback type: a guest that
     * polls its event bits sleeps in SCHEDOP_block until an event comes.
     */
    return vcpu_upcall_pending(v);
}
