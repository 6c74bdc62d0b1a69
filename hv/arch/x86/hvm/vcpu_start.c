/*
 * Starting and stopping a guest's vCPUs, as Xen does for HVM/PVH guests:
 *
 *   INIT        an initialised vCPU goes down (VPF_DOWN) and forgets its
 *               state; its vlapic waits for a SIPI (lib/vlapic.c)
 *   SIPI        a vCPU that is not initialised starts in real mode at the
 *               vector's page (ignored by one that runs already)
 *   VCPUOP_initialise  a vCPU that is not initialised gets the guest's
 *               register state (-EEXIST otherwise); VCPUOP_up starts it
 *
 * Another CPU may be running the vCPU when its INIT or SIPI arrives, so
 * the new registers are not written there: they are recorded under the
 * domain lock and loaded by whichever CPU runs the vCPU next, right before
 * its next entry (hvm_vcpu_load_start_state()).
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hvm_start.h>
#include <lares/sched.h>
#include <asm/cpu.h>
#include <asm/hvm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/msr.h>

void hvm_vcpu_init_signal(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags;
    bool was;

    spin_lock_irqsave(&d->lock, flags);
    was = v->is_initialised;
    v->is_initialised = false;
    v->hvm.start_pending = false;
    spin_unlock_irqrestore(&d->lock, flags);
    if (was) {
        vcpu_set_flag(v, VPF_DOWN); /* it stops at its next exit */
        vcpu_clear_flag(v, VPF_BLOCKED); /* a halt before the INIT is over */
    }
}

void hvm_vcpu_sipi(struct vcpu *v, u8 vector)
{
    struct domain *d = v->domain;
    unsigned long flags;
    bool start = false;

    spin_lock_irqsave(&d->lock, flags);
    if (!v->is_initialised) {
        hvm_start_state_sipi(&v->hvm.start, vector);
        __atomic_store_n(&v->hvm.start_pending, true, __ATOMIC_RELEASE);
        v->is_initialised = true;
        start = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (start)
        vcpu_clear_flag(v, VPF_DOWN);
}

int hvm_vcpu_initialise(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
    struct hvm_start_limits lim = {
        /* What every guest may set: VME..OSXMMEXCPT, and OSXSAVE with XSAVE. */
        .cr4_valid = 0x7ff | (hvm_fpu_has_xsave() ? X86_CR4_OSXSAVE : 0),
        .efer_valid = EFER_SCE | EFER_LME | EFER_NXE,
    };
    struct domain *d = v->domain;
    struct hvm_start_state st;
    unsigned long flags;
    const char *why;
    int rc = hvm_start_state_from_context(ctx, &lim, &st, &why);

    if (rc) {
        pr_debug("d%u v%u: VCPUOP_initialise refused: %s\n", d->domid, v->vcpu_id, why);
        return rc;
    }
    spin_lock_irqsave(&d->lock, flags);
    if (v->is_initialised) {
        rc = -EEXIST;
    } else {
        v->hvm.start = st;
        __atomic_store_n(&v->hvm.start_pending, true, __ATOMIC_RELEASE);
        v->is_initialised = true; /* it stays down until VCPUOP_up */
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

int hvm_vcpu_up(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags;
    bool init;

    spin_lock_irqsave(&d->lock, flags);
    init = v->is_initialised;
    spin_unlock_irqrestore(&d->lock, flags);
    if (!init)
        return -EINVAL;
    /* Started without a SIPI: a later SIPI must not restart it. */
    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    vlapic_clear_wait_for_sipi(&v->hvm.vlapic);
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
    if (READ_ONCE(v->pause_flags) & VPF_DOWN)
        vcpu_clear_flag(v, VPF_DOWN);
    return 0;
}

void hvm_vcpu_load_start_state(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct hvm_start_state st;
    unsigned long flags;
    bool load;

    if (!__atomic_load_n(&v->hvm.start_pending, __ATOMIC_ACQUIRE))
        return;
    spin_lock_irqsave(&d->lock, flags);
    load = v->hvm.start_pending;
    if (load)
        st = v->hvm.start;
    v->hvm.start_pending = false;
    spin_unlock_irqrestore(&d->lock, flags);
    if (!load)
        return;
    hvm_ops->set_start_state(v, &st);
    hvm_fpu_reset(v);
}
