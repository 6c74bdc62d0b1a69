/*
 * The vCPU run loop: enter the guest, let the vendor's exit table decide
 * what the exit means, carry out the disposition, repeat -- until the vCPU
 * blocks, its domain stops, or the scheduler wants this CPU back.
 */
#include <lares/domain.h>
#include <lares/sched.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>

static void advance(struct vcpu *v, unsigned len)
{
    struct guest_regs *r = &v->hvm.regs;

    r->rip += len;
    if (hvm_ops->guest_mode(v) != HVM_MODE_64)
        r->rip &= 0xffffffffull;
    hvm_ops->clear_interrupt_shadow(v);
}

void hvm_run(struct vcpu *v)
{
    hvm_vlapic_follow(v);
    for (;;) {
        enum hvm_disposition disp;
        unsigned len = 0;

        local_irq_disable();
        if (!vcpu_runnable(v) || schedule_preempt_pending())
            break;
        hvm_vcpu_load_start_state(v); /* after INIT/SIPI or VCPUOP_initialise */
        hvm_intr_assist(v);
        /* Odd from before the TLB-flush check at entry until after the exit: see p2m.c. */
        __atomic_fetch_add(&v->hvm.guest_entries, 1, __ATOMIC_SEQ_CST);
        hvm_ops->enter(v);
        __atomic_fetch_add(&v->hvm.guest_entries, 1, __ATOMIC_SEQ_CST);
        local_irq_enable(); /* a physical interrupt that caused the exit is taken here */
        hvm_intr_after_exit(v);

        disp = hvm_ops->handle_exit(v, &len);
        switch (disp) {
        case HVM_ADVANCE:
            advance(v, len);
            break;
        case HVM_CRASH:
            if (!v->domain->is_shutting_down)
                domain_crash(v->domain, "v%u: exit not handled", v->vcpu_id);
            break;
        case HVM_RESUME:
        case HVM_INJECT:
            break;
        }
    }
    local_irq_enable();
}
