/*
 * Virtual local APIC (see lares/vlapic.h). Register semantics from the
 * Intel SDM vol. 3 ch. 10/11 (x2APIC MSR interface, reserved-bit #GP rules)
 * and the AMD APM vol. 2 ch. 16; reset values and the choices hardware
 * leaves open follow Xen's vlapic so guests see what they see under Xen.
 */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/string.h>
#include <lares/vcpu_topology.h>
#include <lares/vlapic.h>

/* x2APIC MSR numbers: 0x800 + (xAPIC MMIO offset >> 4). */
#define X2APIC_ID 0x802
#define X2APIC_VERSION 0x803
#define X2APIC_TPR 0x808
#define X2APIC_PPR 0x80a
#define X2APIC_EOI 0x80b
#define X2APIC_LDR 0x80d
#define X2APIC_SVR 0x80f
#define X2APIC_ISR0 0x810
#define X2APIC_TMR0 0x818
#define X2APIC_IRR0 0x820
#define X2APIC_ESR 0x828
#define X2APIC_LVT_CMCI 0x82f
#define X2APIC_ICR 0x830
#define X2APIC_LVT_TIMER 0x832 /* ... 0x837 LVT error, in enum lvt order */
#define X2APIC_TMICT 0x838
#define X2APIC_TMCCT 0x839
#define X2APIC_TDCR 0x83e
#define X2APIC_SELF_IPI 0x83f

enum lvt { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_CMCI, NR_LVT };

#define LVT_VECTOR 0xffu
#define LVT_DM (7u << 8)
#define LVT_DELIVERY_STATUS (1u << 12) /* read-only: always idle here */
#define LVT_POLARITY (1u << 13)
#define LVT_REMOTE_IRR (1u << 14) /* read-only: no level-triggered LINT sources */
#define LVT_LEVEL (1u << 15)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE (3u << LVT_TIMER_MODE_SHIFT)

enum timer_mode { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE, TIMER_RESERVED };

#define SVR_VECTOR 0xffu
#define SVR_ENABLE (1u << 8)
#define SVR_FOCUS_DISABLE (1u << 9)

#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)

#define ICR_VECTOR 0xffu
#define ICR_DM_SHIFT 8
#define ICR_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND_SHIFT 18
/* x2APIC has no delivery-status bit: everything else in the low half is reserved. */
#define ICR_VALID                                                                                  \
    (ICR_VECTOR | (7u << ICR_DM_SHIFT) | ICR_LOGICAL | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL |      \
     (3u << ICR_SHORTHAND_SHIFT))

#define TDCR_VALID 0xbu
#define BROADCAST_ID 0xffffffffu

/* What each LVT stores, and the read-only bits a write may carry without #GP. */
static const u32 lvt_storable[NR_LVT] = {
    [LVT_TIMER] = LVT_VECTOR | LVT_MASKED | LVT_TIMER_MODE,
    [LVT_THERMAL] = LVT_VECTOR | LVT_DM | LVT_MASKED,
    [LVT_PERF] = LVT_VECTOR | LVT_DM | LVT_MASKED,
    [LVT_LINT0] = LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_LEVEL | LVT_MASKED,
    [LVT_LINT1] = LVT_VECTOR | LVT_DM | LVT_POLARITY | LVT_LEVEL | LVT_MASKED,
    [LVT_ERROR] = LVT_VECTOR | LVT_MASKED,
    [LVT_CMCI] = LVT_VECTOR | LVT_DM | LVT_MASKED,
};
#define LVT_READ_ONLY (LVT_DELIVERY_STATUS | LVT_REMOTE_IRR)

/* ---------------------------------------------------------------- vector sets */

static bool vec_test(const u32 *set, u8 v)
{
    return set[v / 32] & (1u << (v % 32));
}

static void vec_set(u32 *set, u8 v)
{
    set[v / 32] |= 1u << (v % 32);
}

static void vec_clear(u32 *set, u8 v)
{
    set[v / 32] &= ~(1u << (v % 32));
}

static int vec_highest(const u32 *set)
{
    for (int i = 7; i >= 0; i--)
        if (set[i])
            return i * 32 + 31 - __builtin_clz(set[i]);
    return -1;
}

/* ---------------------------------------------------------------- state queries */

bool vlapic_hw_enabled(const struct vlapic *vl)
{
    return vl->apic_base & VLAPIC_BASE_EN;
}

bool vlapic_x2apic_mode(const struct vlapic *vl)
{
    return (vl->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) ==
           (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
}

bool vlapic_sw_enabled(const struct vlapic *vl)
{
    return vl->svr & SVR_ENABLE;
}

/* Accepts fixed interrupts: enabled both globally and in the SVR. */
static bool vlapic_enabled(const struct vlapic *vl)
{
    return vlapic_hw_enabled(vl) && vlapic_sw_enabled(vl);
}

u32 vlapic_id(const struct vlapic *vl)
{
    return vl->id;
}

static u32 x2apic_ldr(u32 id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xf));
}

u32 vlapic_ppr(const struct vlapic *vl)
{
    int isr = vec_highest(vl->isr);
    u32 isr_class = isr < 0 ? 0 : (u32)isr & 0xf0;

    return (vl->tpr & 0xf0) >= isr_class ? vl->tpr : isr_class;
}

u8 vlapic_tpr(const struct vlapic *vl)
{
    return vl->tpr;
}

void vlapic_set_tpr(struct vlapic *vl, u8 tpr)
{
    vl->tpr = tpr;
}

bool vlapic_waiting_for_sipi(const struct vlapic *vl)
{
    return vl->wait_for_sipi;
}

void vlapic_clear_wait_for_sipi(struct vlapic *vl)
{
    vl->wait_for_sipi = false;
}

/* ---------------------------------------------------------------- interrupt acceptance */

static bool accept_fixed(struct vlapic *vl, u8 vector, bool level)
{
    if (!vlapic_enabled(vl))
        return false;
    if (level)
        vec_set(vl->tmr, vector);
    else
        vec_clear(vl->tmr, vector);
    if (!vec_test(vl->irr, vector)) {
        vec_set(vl->irr, vector);
        vl->ops->kick(vl->ctx);
    }
    return true;
}

/*
 * Record an error; each newly set ESR bit raises the error LVT once (Xen's
 * per-bit choice; hardware may coalesce). An error LVT with an illegal
 * vector would loop back here, so that case only records "receive illegal".
 */
static void raise_error(struct vlapic *vl, u32 bit)
{
    u32 lvterr = vl->lvt[LVT_ERROR];

    if (vl->pending_esr & bit)
        return;
    vl->pending_esr |= bit;
    if (lvterr & LVT_MASKED)
        return;
    if ((lvterr & LVT_VECTOR) < 16)
        vl->pending_esr |= ESR_RECV_ILLEGAL;
    else
        accept_fixed(vl, lvterr & LVT_VECTOR, false);
}

bool vlapic_set_irq(struct vlapic *vl, u8 vector, bool level)
{
    if (!vlapic_enabled(vl))
        return false;
    if (vector < 16) {
        raise_error(vl, ESR_RECV_ILLEGAL);
        return false;
    }
    return accept_fixed(vl, vector, level);
}

int vlapic_pending_vector(const struct vlapic *vl)
{
    int irr;

    if (!vlapic_enabled(vl))
        return -1;
    irr = vec_highest(vl->irr);
    if (irr < 0 || ((u32)irr & 0xf0) <= (vlapic_ppr(vl) & 0xf0))
        return -1;
    return irr;
}

bool vlapic_ack(struct vlapic *vl, u8 vector)
{
    if (!vec_test(vl->irr, vector))
        return false;
    vec_clear(vl->irr, vector);
    vec_set(vl->isr, vector);
    return true;
}

/* EOI: retire the highest in-service vector; report it if it was level-triggered. */
static enum vlapic_rc do_eoi(struct vlapic *vl, struct vlapic_wrmsr_out *out)
{
    int vector = vec_highest(vl->isr);

    if (vector < 0)
        return VLAPIC_OK;
    vec_clear(vl->isr, (u8)vector);
    if (!vec_test(vl->tmr, (u8)vector))
        return VLAPIC_OK;
    out->eoi_vector = (u8)vector;
    return VLAPIC_EOI_LEVEL;
}

/* ---------------------------------------------------------------- LVT timer */

static enum timer_mode timer_mode(const struct vlapic *vl)
{
    return (vl->lvt[LVT_TIMER] & LVT_TIMER_MODE) >> LVT_TIMER_MODE_SHIFT;
}

static bool timer_counts(const struct vlapic *vl)
{
    return timer_mode(vl) == TIMER_ONESHOT || timer_mode(vl) == TIMER_PERIODIC;
}

/* TDCR bits 3,1,0: 000 = /2 ... 110 = /128, 111 = /1. */
static u64 tdcr_divisor(u32 tdcr)
{
    u32 code = (tdcr & 3) | ((tdcr & 8) >> 1);

    return 1ull << ((code + 1) & 7);
}

static u64 timer_tick_ns(const struct vlapic *vl)
{
    return vl->bus_cycle_ns * tdcr_divisor(vl->tdcr);
}

/* At most 2^32 * 128 * 1000 ns: no overflow. */
static u64 timer_period_ns(const struct vlapic *vl)
{
    return vl->tmict * timer_tick_ns(vl);
}

static u32 current_count(const struct vlapic *vl, s64 now)
{
    u64 ticks;

    if (!timer_counts(vl) || !vl->timer_running || !vl->tmict)
        return 0;
    ticks = now > vl->timer_start_ns ? (u64)(now - vl->timer_start_ns) / timer_tick_ns(vl) : 0;
    if (timer_mode(vl) == TIMER_PERIODIC)
        return vl->tmict - (u32)(ticks % vl->tmict);
    return ticks < vl->tmict ? vl->tmict - (u32)ticks : 0;
}

/* Restart counting so that the count at now is ccr (after a divisor or mode change). */
static void timer_rebase(struct vlapic *vl, s64 now, u32 ccr)
{
    if (!ccr) {
        vl->timer_running = false;
        return;
    }
    vl->timer_start_ns = now - (s64)((vl->tmict - ccr) * timer_tick_ns(vl));
    vl->timer_next_ns = vl->timer_start_ns + (s64)timer_period_ns(vl);
}

static void timer_deliver(struct vlapic *vl)
{
    u32 lvtt = vl->lvt[LVT_TIMER];

    if (!(lvtt & LVT_MASKED))
        vlapic_set_irq(vl, lvtt & LVT_VECTOR, false);
}

/*
 * Deliver an expiry that is due by now. Called before every change to the
 * timer so that an expiry the host timer has not reported yet is not lost,
 * and so that one that happened while masked is not delivered later.
 */
static void timer_sync(struct vlapic *vl, s64 now)
{
    if (timer_counts(vl) && vl->timer_running && now >= vl->timer_next_ns) {
        timer_deliver(vl);
        vl->timer_last_ns = now;
        if (timer_mode(vl) == TIMER_PERIODIC) {
            u64 period = timer_period_ns(vl);
            u64 n = (u64)(now - vl->timer_start_ns) / period;

            vl->timer_next_ns = vl->timer_start_ns + (s64)((n + 1) * period);
        } else {
            vl->timer_running = false;
        }
    }
    if (timer_mode(vl) == TIMER_TSC_DEADLINE && vl->tdt_tsc && now >= vl->tdt_ns) {
        timer_deliver(vl);
        vl->tdt_tsc = 0;
    }
}

/* Keep the host timer armed exactly when an unmasked expiry is ahead. */
static void timer_program(struct vlapic *vl)
{
    bool want = false;
    s64 deadline = 0;

    if (!(vl->lvt[LVT_TIMER] & LVT_MASKED)) {
        if (timer_counts(vl) && vl->timer_running) {
            want = true;
            deadline = vl->timer_next_ns;
            if (timer_mode(vl) == TIMER_PERIODIC)
                deadline = MAX(deadline, vl->timer_last_ns + VLAPIC_MIN_PERIOD_NS);
        } else if (timer_mode(vl) == TIMER_TSC_DEADLINE && vl->tdt_tsc) {
            want = true;
            deadline = vl->tdt_ns;
        }
    }
    if (want) {
        if (!vl->host_armed || vl->host_deadline_ns != deadline) {
            vl->ops->timer_arm(vl->ctx, deadline);
            vl->host_armed = true;
            vl->host_deadline_ns = deadline;
        }
    } else if (vl->host_armed) {
        vl->ops->timer_cancel(vl->ctx);
        vl->host_armed = false;
    }
}

void vlapic_timer_expired(struct vlapic *vl, s64 now_ns)
{
    vl->host_armed = false; /* the caller's timer is one-shot */
    timer_sync(vl, now_ns);
    timer_program(vl);
}

static void write_tmict(struct vlapic *vl, u32 val, s64 now)
{
    if (!timer_counts(vl))
        return; /* ignored in TSC-deadline mode */
    vl->tmict = val;
    vl->timer_running = val != 0;
    vl->timer_start_ns = now;
    vl->timer_last_ns = now;
    vl->timer_next_ns = now + (s64)timer_period_ns(vl);
}

static void write_tdcr(struct vlapic *vl, u32 val, s64 now)
{
    u32 ccr = current_count(vl, now);
    bool running = timer_counts(vl) && vl->timer_running;

    vl->tdcr = val;
    if (running)
        timer_rebase(vl, now, ccr);
}

static void write_lvt_timer(struct vlapic *vl, u32 val, s64 now)
{
    enum timer_mode old = timer_mode(vl);
    enum timer_mode new = (val & LVT_TIMER_MODE) >> LVT_TIMER_MODE_SHIFT;
    u32 ccr = current_count(vl, now);

    vl->lvt[LVT_TIMER] = val;
    if ((old == TIMER_TSC_DEADLINE) != (new == TIMER_TSC_DEADLINE)) {
        /* Entering or leaving TSC-deadline mode disarms both kinds. */
        vl->tmict = 0;
        vl->timer_running = false;
        vl->tdt_tsc = 0;
    } else if (old != new && vl->timer_running) {
        timer_rebase(vl, now, ccr); /* one-shot <-> periodic keeps the count */
    }
}

static u64 tsc_delta_to_ns(const struct vlapic *vl, u64 delta)
{
    unsigned __int128 ns = (unsigned __int128)delta * vl->ns_per_tsc_frac;

    ns = (ns + 0xffffffffu) >> 32; /* round up: never early */
    return ns > (u64)INT64_MAX ? (u64)INT64_MAX : (u64)ns;
}

/* now + delta, clamped to the far future; now is never negative. */
static s64 add_saturating(s64 now, u64 delta)
{
    u64 room = (u64)INT64_MAX - (u64)MAX(now, 0);

    return MAX(now, 0) + (s64)MIN(delta, room);
}

static void write_tsc_deadline(struct vlapic *vl, u64 val, const struct vlapic_clock *now)
{
    if (timer_mode(vl) != TIMER_TSC_DEADLINE)
        return; /* ignored in the other modes */
    vl->tdt_tsc = 0;
    if (!val)
        return;
    if (val <= now->tsc) {
        timer_deliver(vl);
        return;
    }
    vl->tdt_tsc = val;
    vl->tdt_ns = add_saturating(now->ns, tsc_delta_to_ns(vl, val - now->tsc));
}

/* ---------------------------------------------------------------- reset */

/* INIT: everything but the ID and IA32_APIC_BASE (so x2APIC mode survives). */
static void init_reset(struct vlapic *vl)
{
    memset(vl->irr, 0, sizeof(vl->irr));
    memset(vl->isr, 0, sizeof(vl->isr));
    memset(vl->tmr, 0, sizeof(vl->tmr));
    for (int i = 0; i < NR_LVT; i++)
        vl->lvt[i] = LVT_MASKED;
    vl->tpr = 0;
    vl->svr = 0xff;
    vl->esr = 0;
    vl->pending_esr = 0;
    vl->icr = 0;
    vl->tdcr = 0;
    vl->tmict = 0;
    vl->timer_running = false;
    vl->tdt_tsc = 0;
    if (vl->host_armed) {
        vl->ops->timer_cancel(vl->ctx);
        vl->host_armed = false;
    }
}

int vlapic_init(struct vlapic *vl, const struct vlapic_config *cfg, const struct vlapic_ops *ops,
                void *ctx)
{
    u8 pa_bits = cfg->phys_addr_bits ? cfg->phys_addr_bits : 52;
    u32 cycle = cfg->bus_cycle_ns ? cfg->bus_cycle_ns : 1;

    BUILD_BUG_ON(ARRAY_SIZE(vl->lvt) != NR_LVT);
    if (!ops || !ops->kick || !ops->timer_arm || !ops->timer_cancel)
        return -EINVAL;
    if (cfg->vcpu_id >= GUEST_MAX_VCPUS || cycle > 1000 || pa_bits < 32 || pa_bits > 52)
        return -EINVAL;
    if (cfg->tsc_deadline && !cfg->tsc_khz)
        return -EINVAL;

    memset(vl, 0, sizeof(*vl));
    vl->ops = ops;
    vl->ctx = ctx;
    vl->id = vcpu_apic_id(cfg->vcpu_id);
    vl->bus_cycle_ns = cycle;
    vl->tsc_deadline_ok = cfg->tsc_deadline;
    if (cfg->tsc_khz)
        vl->ns_per_tsc_frac = ((1000000ull << 32) + cfg->tsc_khz - 1) / cfg->tsc_khz;
    /* Bits 0-7 and 9 are reserved, and so is everything above MAXPHYADDR. */
    vl->base_rsvd = 0x2ffull | ~((1ull << pa_bits) - 1);

    /* x2APIC from reset; see the header for why. */
    vl->apic_base = VLAPIC_DEFAULT_BASE | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD;
    if (cfg->vcpu_id == 0)
        vl->apic_base |= VLAPIC_BASE_BSP;
    init_reset(vl);
    vl->wait_for_sipi = cfg->vcpu_id != 0;
    return 0;
}

/* ---------------------------------------------------------------- IA32_APIC_BASE */

/*
 * States: disabled (EN=0, EXTD=0), xAPIC (EN=1, EXTD=0), x2APIC (EN=1,
 * EXTD=1); EN=0 with EXTD=1 is invalid. Legal moves: disabled <-> xAPIC,
 * xAPIC -> x2APIC, x2APIC -> disabled. Moving the xAPIC window is refused
 * (as Xen does): nothing could be mapped there.
 */
static enum vlapic_rc write_apic_base(struct vlapic *vl, u64 val)
{
    u64 changed = vl->apic_base ^ val;

    if (val & vl->base_rsvd)
        return VLAPIC_GP;
    if ((val & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) == VLAPIC_BASE_EN &&
        (val & ~0xfffull) != VLAPIC_DEFAULT_BASE)
        return VLAPIC_GP;
    if (changed & VLAPIC_BASE_EN) {
        if (val & VLAPIC_BASE_EXTD)
            return VLAPIC_GP; /* disabled -> x2APIC, x2APIC/xAPIC -> invalid */
        init_reset(vl);       /* both directions start from the reset state */
    } else if ((changed & VLAPIC_BASE_EXTD) &&
               (vl->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) != VLAPIC_BASE_EN) {
        return VLAPIC_GP; /* only xAPIC -> x2APIC changes EXTD without EN */
    }
    vl->apic_base = val;
    return VLAPIC_OK;
}

/* ---------------------------------------------------------------- IPIs */

static void send_self(struct vlapic *vl, u8 vector)
{
    if (vector < 16)
        raise_error(vl, ESR_SEND_ILLEGAL);
    else
        accept_fixed(vl, vector, false);
}

static enum vlapic_rc write_icr(struct vlapic *vl, u64 val, struct vlapic_wrmsr_out *out)
{
    u32 lo = (u32)val;
    u8 vector = lo & ICR_VECTOR;
    u8 mode = (lo >> ICR_DM_SHIFT) & 7;
    u8 shorthand = (lo >> ICR_SHORTHAND_SHIFT) & 3;

    if (lo & ~ICR_VALID)
        return VLAPIC_GP;
    vl->icr = val;

    switch (mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        if (vector < 16) {
            raise_error(vl, ESR_SEND_ILLEGAL);
            return VLAPIC_OK;
        }
        break;
    case VLAPIC_DM_INIT:
        /* Level de-assert (trigger level, level 0): no effect since the Pentium 4. */
        if ((lo & (ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT)) == ICR_TRIGGER_LEVEL)
            return VLAPIC_OK;
        break;
    case VLAPIC_DM_NMI:
    case VLAPIC_DM_STARTUP:
        break;
    default:
        return VLAPIC_OK; /* SMI (no SMM in guests) and the two reserved modes */
    }

    if (shorthand == VLAPIC_SH_SELF) {
        /* Only fixed delivery is valid to self; it needs nobody else's lock. */
        if (mode == VLAPIC_DM_FIXED)
            send_self(vl, vector);
        return VLAPIC_OK;
    }
    out->ipi = (struct vlapic_ipi){
        .dest = (u32)(val >> 32),
        .source_id = vl->id,
        .vector = vector,
        .mode = mode,
        .shorthand = shorthand,
        .logical = lo & ICR_LOGICAL,
    };
    return VLAPIC_SEND_IPI;
}

bool vlapic_ipi_matches(const struct vlapic *target, const struct vlapic_ipi *ipi)
{
    if (!vlapic_hw_enabled(target))
        return false; /* a globally disabled APIC receives nothing */

    switch (ipi->shorthand) {
    case VLAPIC_SH_NONE:
        if (ipi->dest == BROADCAST_ID)
            return true;
        if (!ipi->logical)
            return ipi->dest == target->id;
        /* x2APIC logical: cluster in 31:16, member bitmap in 15:0. */
        if (!vlapic_x2apic_mode(target))
            return false;
        return (ipi->dest >> 16) == (x2apic_ldr(target->id) >> 16) &&
               (ipi->dest & x2apic_ldr(target->id) & 0xffff);
    case VLAPIC_SH_SELF:
        return target->id == ipi->source_id;
    case VLAPIC_SH_ALL_INC:
        return true;
    default:
        return target->id != ipi->source_id;
    }
}

enum vlapic_ipi_effect vlapic_receive_ipi(struct vlapic *target, const struct vlapic_ipi *ipi)
{
    switch (ipi->mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        vlapic_set_irq(target, ipi->vector, false);
        return VLAPIC_IPI_NONE;
    case VLAPIC_DM_NMI:
        /* A CPU waiting for SIPI only reacts to INIT and SIPI. */
        return target->wait_for_sipi ? VLAPIC_IPI_NONE : VLAPIC_IPI_NMI;
    case VLAPIC_DM_INIT:
        init_reset(target);
        target->wait_for_sipi = true;
        return VLAPIC_IPI_INIT;
    case VLAPIC_DM_STARTUP:
        /* Linux sends two SIPIs; the second finds the CPU running and is ignored. */
        if (!target->wait_for_sipi)
            return VLAPIC_IPI_NONE;
        target->wait_for_sipi = false;
        return VLAPIC_IPI_SIPI;
    default:
        return VLAPIC_IPI_NONE;
    }
}

/* ---------------------------------------------------------------- MSR interface */

bool vlapic_handles_msr(u32 msr)
{
    return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
           (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST);
}

static bool is_lvt_msr(u32 msr, enum lvt *lvt)
{
    if (msr == X2APIC_LVT_CMCI) {
        *lvt = LVT_CMCI;
        return true;
    }
    if (msr >= X2APIC_LVT_TIMER && msr <= X2APIC_LVT_TIMER + LVT_ERROR) {
        *lvt = msr - X2APIC_LVT_TIMER;
        return true;
    }
    return false;
}

static enum vlapic_rc read_x2apic(struct vlapic *vl, u32 msr, s64 now, u64 *val)
{
    enum lvt lvt;

    if (!vlapic_x2apic_mode(vl))
        return VLAPIC_GP;
    if (msr >= X2APIC_ISR0 && msr < X2APIC_ISR0 + 8) {
        *val = vl->isr[msr - X2APIC_ISR0];
        return VLAPIC_OK;
    }
    if (msr >= X2APIC_TMR0 && msr < X2APIC_TMR0 + 8) {
        *val = vl->tmr[msr - X2APIC_TMR0];
        return VLAPIC_OK;
    }
    if (msr >= X2APIC_IRR0 && msr < X2APIC_IRR0 + 8) {
        *val = vl->irr[msr - X2APIC_IRR0];
        return VLAPIC_OK;
    }
    if (is_lvt_msr(msr, &lvt)) {
        *val = vl->lvt[lvt];
        return VLAPIC_OK;
    }

    switch (msr) {
    case X2APIC_ID:
        *val = vl->id;
        break;
    case X2APIC_VERSION:
        *val = VLAPIC_VERSION;
        break;
    case X2APIC_TPR:
        *val = vl->tpr;
        break;
    case X2APIC_PPR:
        *val = vlapic_ppr(vl);
        break;
    case X2APIC_LDR:
        *val = x2apic_ldr(vl->id);
        break;
    case X2APIC_SVR:
        *val = vl->svr;
        break;
    case X2APIC_ESR:
        *val = vl->esr;
        break;
    case X2APIC_ICR:
        *val = vl->icr;
        break;
    case X2APIC_TMICT:
        *val = vl->tmict;
        break;
    case X2APIC_TMCCT:
        timer_sync(vl, now);
        timer_program(vl);
        *val = current_count(vl, now);
        break;
    case X2APIC_TDCR:
        *val = vl->tdcr;
        break;
    default:
        return VLAPIC_GP; /* EOI and SELF_IPI are write-only; the rest do not exist */
    }
    return VLAPIC_OK;
}

enum vlapic_rc vlapic_rdmsr(struct vlapic *vl, u32 msr, const struct vlapic_clock *now, u64 *val)
{
    switch (msr) {
    case VLAPIC_MSR_APIC_BASE:
        *val = vl->apic_base;
        return VLAPIC_OK;
    case VLAPIC_MSR_TSC_DEADLINE:
        if (!vl->tsc_deadline_ok)
            return VLAPIC_GP;
        timer_sync(vl, now->ns); /* a passed deadline reads as 0 */
        timer_program(vl);
        *val = timer_mode(vl) == TIMER_TSC_DEADLINE ? vl->tdt_tsc : 0;
        return VLAPIC_OK;
    default:
        if (msr < VLAPIC_MSR_X2APIC_FIRST || msr > VLAPIC_MSR_X2APIC_LAST)
            return VLAPIC_GP;
        return read_x2apic(vl, msr, now->ns, val);
    }
}

static bool lvt_write_ok(const struct vlapic *vl, enum lvt lvt, u32 val)
{
    if (val & ~(lvt_storable[lvt] | LVT_READ_ONLY))
        return false;
    if (lvt == LVT_TIMER) {
        enum timer_mode mode = (val & LVT_TIMER_MODE) >> LVT_TIMER_MODE_SHIFT;

        if (mode == TIMER_RESERVED || (mode == TIMER_TSC_DEADLINE && !vl->tsc_deadline_ok))
            return false;
    }
    return true;
}

static enum vlapic_rc write_lvt(struct vlapic *vl, enum lvt lvt, u32 val, s64 now)
{
    if (!lvt_write_ok(vl, lvt, val))
        return VLAPIC_GP;
    val &= lvt_storable[lvt];
    if (!vlapic_sw_enabled(vl))
        val |= LVT_MASKED; /* a software-disabled APIC keeps every LVT masked */
    if (lvt == LVT_TIMER)
        write_lvt_timer(vl, val, now);
    else
        vl->lvt[lvt] = val;
    return VLAPIC_OK;
}

static enum vlapic_rc write_svr(struct vlapic *vl, u32 val)
{
    bool was_enabled = vlapic_sw_enabled(vl);

    if (val & ~(SVR_VECTOR | SVR_ENABLE | SVR_FOCUS_DISABLE))
        return VLAPIC_GP; /* bit 12 (EOI broadcast suppression) is not offered */
    vl->svr = val;
    if (!(val & SVR_ENABLE)) {
        for (int i = 0; i < NR_LVT; i++)
            vl->lvt[i] |= LVT_MASKED;
        return VLAPIC_OK;
    }
    return was_enabled ? VLAPIC_OK : VLAPIC_SW_ENABLED;
}

static enum vlapic_rc write_x2apic(struct vlapic *vl, u32 msr, u64 val, s64 now,
                                   struct vlapic_wrmsr_out *out)
{
    enum lvt lvt;
    enum vlapic_rc rc;

    if (!vlapic_x2apic_mode(vl))
        return VLAPIC_GP;
    if (msr == X2APIC_ICR)
        return write_icr(vl, val, out);
    if (val >> 32)
        return VLAPIC_GP; /* every other register is 32 bits wide */

    timer_sync(vl, now);
    if (is_lvt_msr(msr, &lvt)) {
        rc = write_lvt(vl, lvt, (u32)val, now);
        timer_program(vl);
        return rc;
    }

    switch (msr) {
    case X2APIC_TPR:
        if (val & ~0xffull)
            return VLAPIC_GP;
        vl->tpr = (u32)val;
        return VLAPIC_OK;
    case X2APIC_EOI:
        if (val)
            return VLAPIC_GP;
        return do_eoi(vl, out);
    case X2APIC_SVR:
        rc = write_svr(vl, (u32)val);
        timer_program(vl);
        return rc;
    case X2APIC_ESR:
        if (val)
            return VLAPIC_GP;
        vl->esr = vl->pending_esr; /* a write latches the errors seen so far */
        vl->pending_esr = 0;
        return VLAPIC_OK;
    case X2APIC_TMICT:
        write_tmict(vl, (u32)val, now);
        timer_program(vl);
        return VLAPIC_OK;
    case X2APIC_TDCR:
        if (val & ~(u64)TDCR_VALID)
            return VLAPIC_GP;
        write_tdcr(vl, (u32)val, now);
        timer_program(vl);
        return VLAPIC_OK;
    case X2APIC_SELF_IPI:
        if (val & ~0xffull)
            return VLAPIC_GP;
        send_self(vl, (u8)val);
        return VLAPIC_OK;
    default:
        return VLAPIC_GP; /* read-only or nonexistent */
    }
}

enum vlapic_rc vlapic_wrmsr(struct vlapic *vl, u32 msr, u64 val, const struct vlapic_clock *now,
                            struct vlapic_wrmsr_out *out)
{
    switch (msr) {
    case VLAPIC_MSR_APIC_BASE:
        return write_apic_base(vl, val);
    case VLAPIC_MSR_TSC_DEADLINE:
        if (!vl->tsc_deadline_ok)
            return VLAPIC_GP;
        if (!vlapic_hw_enabled(vl))
            return VLAPIC_OK;
        timer_sync(vl, now->ns);
        write_tsc_deadline(vl, val, now);
        timer_program(vl);
        return VLAPIC_OK;
    default:
        if (msr < VLAPIC_MSR_X2APIC_FIRST || msr > VLAPIC_MSR_X2APIC_LAST)
            return VLAPIC_GP;
        return write_x2apic(vl, msr, val, now->ns, out);
    }
}
