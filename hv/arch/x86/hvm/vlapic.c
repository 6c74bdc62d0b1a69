/*
 * The virtual local APIC of each vCPU: lib/vlapic.c's state machine
 * wired to MSR exits, a host timer for the LVT timer, and IPIs between the
 * domain's vCPUs (fixed, lowest priority, NMI, INIT, SIPI). Injection of
 * what it has pending is in intr.c.
 *
 * Locking (lares/vlapic.h's rules): v->hvm.vlapic_lock protects one
 * vlapic; it is taken with interrupts off, and never two at once: an IPI
 * is decoded under the sender's lock and delivered to each target under
 * that target's lock afterwards. The vlapic's callbacks run under its
 * lock; they only wake or kick the vCPU (the scheduler lock nests inside)
 * or program the host timer (the timer queue lock nests inside).
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/time.h>
#include <lares/timer.h>
#include <lares/vlapic.h>
#include <asm/hvm/hvm.h>
#include <asm/msr.h>
#include <asm/percpu.h>

static void vlapic_kick(void *ctx)
{
    struct vcpu *v = ctx;

    /* An interrupt entered the IRR: wake it from HLT, or make it exit to take it. */
    vcpu_unblock(v);
    vcpu_kick(v);
}

static void vlapic_timer_arm(void *ctx, s64 deadline_ns)
{
    struct vcpu *v = ctx;

    set_timer(&v->hvm.vlapic_timer, deadline_ns);
}

static void vlapic_timer_cancel(void *ctx)
{
    struct vcpu *v = ctx;

    stop_timer(&v->hvm.vlapic_timer);
}

static const struct vlapic_ops ops = {
    .kick = vlapic_kick,
    .timer_arm = vlapic_timer_arm,
    .timer_cancel = vlapic_timer_cancel,
};

/* Host timer callback (interrupt context, on the timer's CPU). */
static void vlapic_timer_fn(void *data)
{
    struct vcpu *v = data;
    unsigned long flags;

    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    vlapic_timer_expired(&v->hvm.vlapic, NOW());
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
}

int hvm_vlapic_init(struct vcpu *v)
{
    struct vlapic_config cfg = {
        .vcpu_id = v->vcpu_id,
        .bus_cycle_ns = 0,     /* 1 GHz timer input, as Xen's */
        .tsc_deadline = false, /* not advertised in CPUID */
    };

    spin_lock_init(&v->hvm.vlapic_lock);
    /* It moves to the vCPU's CPU when the vCPU runs there (hvm_vlapic_follow()). */
    init_timer(&v->hvm.vlapic_timer, vlapic_timer_fn, v, smp_processor_id());
    return vlapic_init(&v->hvm.vlapic, &cfg, &ops, v);
}

void hvm_vlapic_follow(struct vcpu *v)
{
    unsigned cpu = smp_processor_id();

    /* Its interrupt then needs no IPI to reach the vCPU (pending deadlines are kept). */
    if (READ_ONCE(v->hvm.vlapic_timer.cpu) != cpu)
        migrate_timer(&v->hvm.vlapic_timer, cpu);
}

void hvm_vlapic_destroy(struct vcpu *v)
{
    kill_timer(&v->hvm.vlapic_timer);
}

bool hvm_vlapic_enabled(struct vcpu *v)
{
    return vlapic_hw_enabled(&v->hvm.vlapic);
}

static struct vlapic_clock now_for(struct vcpu *v)
{
    u64 tsc = 0;

    hvm_ops->msr_read(v, MSR_IA32_TSC, &tsc);
    return (struct vlapic_clock){.ns = NOW(), .tsc = tsc};
}

int hvm_vlapic_rdmsr(struct vcpu *v, u32 msr, u64 *val)
{
    struct vlapic_clock now;
    unsigned long flags;
    enum vlapic_rc rc;

    if (!vlapic_handles_msr(msr))
        return -ENOENT;
    now = now_for(v);
    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    rc = vlapic_rdmsr(&v->hvm.vlapic, msr, &now, val);
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
    return rc == VLAPIC_OK ? 0 : -EINVAL;
}

/* What an IPI does to one target, once its vlapic took it. */
static void ipi_effect(struct vcpu *t, enum vlapic_ipi_effect e, u8 vector)
{
    switch (e) {
    case VLAPIC_IPI_NONE:
        break;
    case VLAPIC_IPI_NMI:
        hvm_inject_nmi_async(t);
        break;
    case VLAPIC_IPI_INIT:
        hvm_vcpu_init_signal(t);
        break;
    case VLAPIC_IPI_SIPI:
        hvm_vcpu_sipi(t, vector);
        break;
    }
}

/* Deliver to one target: its vlapic under its own lock, the effect after. */
static void deliver(struct vcpu *t, const struct vlapic_ipi *ipi)
{
    enum vlapic_ipi_effect e;
    unsigned long flags;

    spin_lock_irqsave(&t->hvm.vlapic_lock, flags);
    e = vlapic_receive_ipi(&t->hvm.vlapic, ipi);
    spin_unlock_irqrestore(&t->hvm.vlapic_lock, flags);
    ipi_effect(t, e, ipi->vector);
}

static void send_ipi(struct vcpu *v, const struct vlapic_ipi *ipi)
{
    struct domain *d = v->domain;
    struct vcpu *lowest = NULL;
    u32 lowest_ppr = ~0u;

    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *t = d->vcpu[i];
        unsigned long flags;
        bool match;
        u32 ppr;

        spin_lock_irqsave(&t->hvm.vlapic_lock, flags);
        match = vlapic_ipi_matches(&t->hvm.vlapic, ipi);
        ppr = vlapic_ppr(&t->hvm.vlapic);
        spin_unlock_irqrestore(&t->hvm.vlapic_lock, flags);
        if (!match)
            continue;
        if (ipi->mode != VLAPIC_DM_LOWEST) {
            deliver(t, ipi);
        } else if (ppr < lowest_ppr) {
            /* Lowest priority: one target, the lowest PPR (the first on a tie). */
            lowest = t;
            lowest_ppr = ppr;
        }
    }
    if (lowest)
        deliver(lowest, ipi);
}

int hvm_vlapic_wrmsr(struct vcpu *v, u32 msr, u64 val)
{
    struct vlapic_wrmsr_out out;
    struct vlapic_clock now;
    unsigned long flags;
    enum vlapic_rc rc;

    if (!vlapic_handles_msr(msr))
        return -ENOENT;
    now = now_for(v);
    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    rc = vlapic_wrmsr(&v->hvm.vlapic, msr, val, &now, &out);
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
    switch (rc) {
    case VLAPIC_GP:
        return -EINVAL;
    case VLAPIC_SEND_IPI:
        send_ipi(v, &out.ipi);
        break;
    case VLAPIC_OK:
    case VLAPIC_EOI_LEVEL:  /* no IO-APIC to forward it to */
    case VLAPIC_SW_ENABLED: /* no per-vCPU upcall vector is offered */
        break;
    }
    return 0;
}

/* One line for debug dumps: software enable, TPR/PPR, highest IRR/ISR vectors, timer. */
void hvm_vlapic_dump(struct vcpu *v)
{
    const struct vlapic *vl = &v->hvm.vlapic;
    int irr = -1, isr = -1;
    unsigned long flags;

    spin_lock_irqsave(&v->hvm.vlapic_lock, flags);
    for (int i = 255; i >= 0 && (irr < 0 || isr < 0); i--) {
        if (irr < 0 && (vl->irr[i / 32] >> (i % 32) & 1))
            irr = i;
        if (isr < 0 && (vl->isr[i / 32] >> (i % 32) & 1))
            isr = i;
    }
    printk("    lapic: id %u %s, tpr %#x ppr %#x, irr %d isr %d, pending %d, nmi %d, timer %s\n",
           vlapic_id(vl), vlapic_sw_enabled(vl) ? "on" : "off", vlapic_tpr(vl), vlapic_ppr(vl), irr,
           isr, vlapic_pending_vector(vl), v->hvm.nmi_pending,
           vl->timer_running ? "running" : "stopped");
    spin_unlock_irqrestore(&v->hvm.vlapic_lock, flags);
}
