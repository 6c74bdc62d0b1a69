/*
 * The virtual local APIC (hv/lib/vlapic.c) driven the way the vCPU code
 * drives it: four vCPUs' vlapics, fake host timers and kick counters, and a
 * router that delivers IPIs as the caller would. Covers every x2APIC
 * register's read/write/#GP rule, IA32_APIC_BASE transitions, priority and
 * pending selection, ISR/EOI order, every ICR mode and shorthand, the timer
 * in all modes, INIT/SIPI with the ICR values Linux 6.1 writes (taken from
 * a real Xen trace), and software disable.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/vlapic.h>

#define NV 4 /* vCPUs 0..3: APIC IDs 0, 2, 4, 6 */

#define SVR 0x80f
#define TPR 0x808
#define PPR 0x80a
#define EOI 0x80b
#define LDR 0x80d
#define ESR 0x828
#define ICR 0x830
#define LVTT 0x832
#define LVT_THERMAL 0x833
#define LVT_PERF 0x834
#define LVT_LINT0 0x835
#define LVT_LINT1 0x836
#define LVT_ERR 0x837
#define LVT_CMCI 0x82f
#define TMICT 0x838
#define TMCCT 0x839
#define TDCR 0x83e
#define SELF_IPI 0x83f
#define ISR0 0x810
#define TMR0 0x818
#define IRR0 0x820

#define MASKED 0x10000u
#define ONESHOT 0u
#define PERIODIC (1u << 17)
#define TSC_DEADLINE (2u << 17)
#define DIV1 0xb

#define NOT_MATCHED (-1)
#define US 1000

struct fake_host {
    int kicks, arms, cancels;
    bool armed;
    s64 deadline;
};

static struct vlapic vl[NV];
static struct fake_host host[NV];
static s64 now_ns;
static u64 tsc_per_ns = 2; /* guest TSC at 2 GHz in TSC-deadline tests */

static void fake_kick(void *ctx)
{
    ((struct fake_host *)ctx)->kicks++;
}

static void fake_arm(void *ctx, s64 deadline)
{
    struct fake_host *h = ctx;

    h->arms++;
    h->armed = true;
    h->deadline = deadline;
}

static void fake_cancel(void *ctx)
{
    struct fake_host *h = ctx;

    assert_true(h->armed); /* only cancels what it armed */
    h->cancels++;
    h->armed = false;
}

static const struct vlapic_ops ops = {fake_kick, fake_arm, fake_cancel};

static void init_all(bool tsc_deadline, u32 bus_cycle_ns)
{
    memset(host, 0, sizeof(host));
    now_ns = 0;
    for (unsigned i = 0; i < NV; i++) {
        struct vlapic_config cfg = {
            .vcpu_id = i,
            .bus_cycle_ns = bus_cycle_ns,
            .tsc_deadline = tsc_deadline,
            .tsc_khz = tsc_deadline ? (u32)(tsc_per_ns * 1000000) : 0,
        };
        assert_int_equal(vlapic_init(&vl[i], &cfg, &ops, &host[i]), 0);
    }
}

static int setup(void **state)
{
    tsc_per_ns = 2;
    init_all(false, 0);
    return 0;
}

static int setup_tdt(void **state)
{
    tsc_per_ns = 2;
    init_all(true, 0);
    return 0;
}

static struct vlapic_clock clk(void)
{
    return (struct vlapic_clock){.ns = now_ns, .tsc = (u64)now_ns * tsc_per_ns};
}

static enum vlapic_rc rdmsr(struct vlapic *v, u32 msr, u64 *val)
{
    struct vlapic_clock c = clk();

    return vlapic_rdmsr(v, msr, &c, val);
}

static u64 rd(struct vlapic *v, u32 msr)
{
    u64 val = 0xdeadbeef;

    assert_int_equal(rdmsr(v, msr, &val), VLAPIC_OK);
    return val;
}

static struct vlapic_wrmsr_out last_out;

static enum vlapic_rc wr(struct vlapic *v, u32 msr, u64 val)
{
    struct vlapic_clock c = clk();

    memset(&last_out, 0xa5, sizeof(last_out));
    return vlapic_wrmsr(v, msr, val, &c, &last_out);
}

static void wr_ok(struct vlapic *v, u32 msr, u64 val)
{
    assert_int_equal(wr(v, msr, val), VLAPIC_OK);
}

static void sw_enable(struct vlapic *v)
{
    enum vlapic_rc rc = wr(v, SVR, 0x1ff);

    assert_true(rc == VLAPIC_OK || rc == VLAPIC_SW_ENABLED);
}

/* The caller's side of an ICR write: every vCPU that matches receives it. */
static void route(const struct vlapic_ipi *ipi, int effect[NV])
{
    for (unsigned i = 0; i < NV; i++)
        effect[i] =
            vlapic_ipi_matches(&vl[i], ipi) ? (int)vlapic_receive_ipi(&vl[i], ipi) : NOT_MATCHED;
}

/* Write the ICR of vl[from], expect an IPI and route it. */
static void send(unsigned from, u64 icr, int effect[NV])
{
    assert_int_equal(wr(&vl[from], ICR, icr), VLAPIC_SEND_IPI);
    route(&last_out.ipi, effect);
}

static bool irr_has(struct vlapic *v, u8 vec)
{
    return rd(v, IRR0 + vec / 32) & (1u << (vec % 32));
}

static bool isr_has(struct vlapic *v, u8 vec)
{
    return rd(v, ISR0 + vec / 32) & (1u << (vec % 32));
}

/* Inject everything deliverable, as the VM-entry path would; returns the count. */
static int drain(struct vlapic *v)
{
    int n = 0, vec;

    while ((vec = vlapic_pending_vector(v)) >= 0) {
        assert_true(vlapic_ack(v, (u8)vec));
        n++;
    }
    return n;
}

/* ---------------------------------------------------------------- reset state */

static void test_reset_state(void **state)
{
    static const u32 lvts[] = {LVTT,      LVT_THERMAL, LVT_PERF, LVT_LINT0,
                               LVT_LINT1, LVT_ERR,     LVT_CMCI};
    u64 base;

    assert_int_equal(rdmsr(&vl[0], VLAPIC_MSR_APIC_BASE, &base), VLAPIC_OK);
    assert_int_equal(base, 0xfee00d00); /* EN | EXTD | BSP */
    assert_int_equal(rdmsr(&vl[1], VLAPIC_MSR_APIC_BASE, &base), VLAPIC_OK);
    assert_int_equal(base, 0xfee00c00);

    for (unsigned i = 0; i < NV; i++) {
        struct vlapic *v = &vl[i];

        assert_true(vlapic_x2apic_mode(v));
        assert_int_equal(rd(v, 0x802), 2 * i);
        assert_int_equal(vlapic_id(v), 2 * i);
        assert_int_equal(rd(v, 0x803), 0x50014);
        assert_int_equal(rd(v, LDR), 1u << (2 * i));
        assert_int_equal(rd(v, SVR), 0xff);
        assert_int_equal(rd(v, TPR), 0);
        assert_int_equal(rd(v, PPR), 0);
        assert_int_equal(rd(v, ESR), 0);
        assert_int_equal(rd(v, ICR), 0);
        assert_int_equal(rd(v, TMICT), 0);
        assert_int_equal(rd(v, TMCCT), 0);
        assert_int_equal(rd(v, TDCR), 0);
        for (unsigned r = 0; r < 8; r++) {
            assert_int_equal(rd(v, ISR0 + r), 0);
            assert_int_equal(rd(v, TMR0 + r), 0);
            assert_int_equal(rd(v, IRR0 + r), 0);
        }
        for (unsigned l = 0; l < sizeof(lvts) / sizeof(lvts[0]); l++)
            assert_int_equal(rd(v, lvts[l]), MASKED);
        assert_false(vlapic_sw_enabled(v));
        /* Only the BSP runs from reset; APs wait for a SIPI. */
        assert_int_equal(vlapic_waiting_for_sipi(v), i != 0);
        assert_int_equal(host[i].arms + host[i].kicks + host[i].cancels, 0);
    }
}

static void test_bad_config(void **state)
{
    struct vlapic v;
    struct vlapic_config cfg = {.vcpu_id = 0};
    struct vlapic_ops no_kick = {NULL, fake_arm, fake_cancel};

    assert_int_equal(vlapic_init(&v, &cfg, NULL, NULL), -EINVAL);
    assert_int_equal(vlapic_init(&v, &cfg, &no_kick, NULL), -EINVAL);
    cfg.vcpu_id = 128;
    assert_int_equal(vlapic_init(&v, &cfg, &ops, NULL), -EINVAL);
    cfg.vcpu_id = 127;
    assert_int_equal(vlapic_init(&v, &cfg, &ops, NULL), 0);
    assert_int_equal(vlapic_id(&v), 254);
    cfg.tsc_deadline = true; /* without a TSC frequency */
    assert_int_equal(vlapic_init(&v, &cfg, &ops, NULL), -EINVAL);
    cfg.tsc_deadline = false;
    cfg.bus_cycle_ns = 1001;
    assert_int_equal(vlapic_init(&v, &cfg, &ops, NULL), -EINVAL);
    cfg.bus_cycle_ns = 0;
    cfg.phys_addr_bits = 53;
    assert_int_equal(vlapic_init(&v, &cfg, &ops, NULL), -EINVAL);
}

static void test_ldr_from_id(void **state)
{
    static const struct {
        unsigned vcpu;
        u32 ldr;
    } cases[] = {{0, 0x1}, {1, 0x4}, {7, 0x4000}, {8, 0x10001}, {15, 0x14000}, {127, 0xf4000}};
    struct vlapic v;

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vlapic_config cfg = {.vcpu_id = cases[i].vcpu};

        assert_int_equal(vlapic_init(&v, &cfg, &ops, &host[0]), 0);
        assert_int_equal(rd(&v, LDR), cases[i].ldr);
    }
}

/* ---------------------------------------------------------------- #GP rules */

static bool in(u32 msr, const u32 *set, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (set[i] == msr)
            return true;
    return false;
}

static const u32 readable[] = {0x802,     0x803,     TPR,     PPR,   LDR,         SVR,
                               ESR,       LVT_CMCI,  ICR,     LVTT,  LVT_THERMAL, LVT_PERF,
                               LVT_LINT0, LVT_LINT1, LVT_ERR, TMICT, TMCCT,       TDCR};
static const u32 writable[] = {TPR,       EOI,     SVR,         ESR,      LVT_CMCI,
                               ICR,       LVTT,    LVT_THERMAL, LVT_PERF, LVT_LINT0,
                               LVT_LINT1, LVT_ERR, TMICT,       TDCR,     SELF_IPI};

static bool is_block(u32 msr)
{
    return msr >= ISR0 && msr < IRR0 + 8; /* ISR, TMR, IRR */
}

static void test_read_gp_map(void **state)
{
    for (u32 msr = VLAPIC_MSR_X2APIC_FIRST; msr <= VLAPIC_MSR_X2APIC_LAST; msr++) {
        u64 val = 0;
        bool ok = in(msr, readable, sizeof(readable) / 4) || is_block(msr);

        assert_int_equal(rdmsr(&vl[0], msr, &val), ok ? VLAPIC_OK : VLAPIC_GP);
    }
    /* Write-only registers in particular. */
    u64 val;
    assert_int_equal(rdmsr(&vl[0], EOI, &val), VLAPIC_GP);
    assert_int_equal(rdmsr(&vl[0], SELF_IPI, &val), VLAPIC_GP);
    /* xAPIC-only registers do not exist in x2APIC mode: APR, RRD, DFR, ICR2. */
    assert_int_equal(rdmsr(&vl[0], 0x809, &val), VLAPIC_GP);
    assert_int_equal(rdmsr(&vl[0], 0x80c, &val), VLAPIC_GP);
    assert_int_equal(rdmsr(&vl[0], 0x80e, &val), VLAPIC_GP);
    assert_int_equal(rdmsr(&vl[0], 0x831, &val), VLAPIC_GP);
    /* Not ours. */
    assert_int_equal(rdmsr(&vl[0], 0x900, &val), VLAPIC_GP);
    assert_false(vlapic_handles_msr(0x900));
    assert_false(vlapic_handles_msr(0x7ff));
    assert_true(vlapic_handles_msr(0x800));
    assert_true(vlapic_handles_msr(0x8ff));
    assert_true(vlapic_handles_msr(VLAPIC_MSR_APIC_BASE));
    assert_true(vlapic_handles_msr(VLAPIC_MSR_TSC_DEADLINE));
}

static void test_write_gp_map(void **state)
{
    for (u32 msr = VLAPIC_MSR_X2APIC_FIRST; msr <= VLAPIC_MSR_X2APIC_LAST; msr++) {
        bool ok = in(msr, writable, sizeof(writable) / 4);
        enum vlapic_rc rc;

        init_all(false, 0);
        rc = wr(&vl[0], msr, msr == SVR ? 0x1ff : 0);
        if (ok)
            assert_true(rc == VLAPIC_OK || rc == VLAPIC_SW_ENABLED);
        else
            assert_int_equal(rc, VLAPIC_GP);
    }
    /* Read-only registers keep their value after the refused write. */
    init_all(false, 0);
    assert_int_equal(wr(&vl[1], 0x802, 5), VLAPIC_GP);
    assert_int_equal(rd(&vl[1], 0x802), 2);
    assert_int_equal(wr(&vl[1], 0x803, 0), VLAPIC_GP);
    assert_int_equal(wr(&vl[1], LDR, 0x10), VLAPIC_GP);
    assert_int_equal(rd(&vl[1], LDR), 4);
    assert_int_equal(wr(&vl[1], PPR, 0), VLAPIC_GP);
    assert_int_equal(wr(&vl[1], IRR0 + 2, 1), VLAPIC_GP);
    assert_int_equal(wr(&vl[1], TMCCT, 1), VLAPIC_GP);
}

static void test_reserved_bits(void **state)
{
    static const struct {
        u32 msr;
        u64 val;
        enum vlapic_rc rc;
    } cases[] = {
        {TPR, 0xff, VLAPIC_OK},
        {TPR, 0x100, VLAPIC_GP},
        {EOI, 1, VLAPIC_GP},
        {ESR, 1, VLAPIC_GP},
        {SVR, 0x3ff, VLAPIC_OK},              /* vector, enable, focus-disable (already enabled) */
        {SVR, 0x1ff | (1u << 12), VLAPIC_GP}, /* EOI-broadcast suppression not offered */
        {SVR, 0x1ff | (1u << 10), VLAPIC_GP},
        {LVTT, MASKED | PERIODIC | 0xff, VLAPIC_OK},
        {LVTT, 0x30 | (1u << 19), VLAPIC_GP},
        {LVTT, 0x30 | (3u << 17), VLAPIC_GP},   /* reserved timer mode */
        {LVTT, 0x30 | TSC_DEADLINE, VLAPIC_GP}, /* not advertised here */
        {LVTT, 0x30 | (4u << 8), VLAPIC_GP},    /* no delivery mode in the timer LVT */
        {LVT_THERMAL, 0x30 | (4u << 8), VLAPIC_OK},
        {LVT_THERMAL, 0x30 | (1u << 13), VLAPIC_GP},
        {LVT_PERF, 0x30 | (4u << 8), VLAPIC_OK},
        {LVT_PERF, 0x30 | (1u << 15), VLAPIC_GP},
        {LVT_CMCI, 0x30 | (2u << 8), VLAPIC_OK},
        {LVT_CMCI, 0x30 | (1u << 17), VLAPIC_GP},
        {LVT_LINT0, 0x700 | (1u << 13) | (1u << 15), VLAPIC_OK},
        {LVT_LINT0, 0x30 | (1u << 17), VLAPIC_GP},
        {LVT_LINT1, 0x400, VLAPIC_OK},
        {LVT_ERR, 0xfe, VLAPIC_OK},
        {LVT_ERR, 0xfe | (4u << 8), VLAPIC_GP},
        {TDCR, 0xb, VLAPIC_OK},
        {TDCR, 0x4, VLAPIC_GP},
        {TDCR, 0x10, VLAPIC_GP},
        {TMICT, 0xffffffffull, VLAPIC_OK},
        {TMICT, 1ull << 32, VLAPIC_GP}, /* the upper half of 32-bit registers is reserved */
        {TPR, 1ull << 40, VLAPIC_GP},
        {SELF_IPI, 0xff, VLAPIC_OK},
        {SELF_IPI, 0x100, VLAPIC_GP},
        {ICR, 1u << 12, VLAPIC_GP}, /* no delivery-status bit in x2APIC mode */
        {ICR, 1u << 13, VLAPIC_GP},
        {ICR, 1u << 16, VLAPIC_GP},
        {ICR, 1u << 17, VLAPIC_GP},
        {ICR, 1u << 20, VLAPIC_GP},
        {ICR, 1u << 31, VLAPIC_GP},
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        u64 before = 0, after = 0;
        bool readable_reg = cases[i].msr != EOI && cases[i].msr != SELF_IPI;

        init_all(false, 0);
        sw_enable(&vl[1]);
        if (readable_reg)
            before = rd(&vl[1], cases[i].msr);
        assert_int_equal(wr(&vl[1], cases[i].msr, cases[i].val), cases[i].rc);
        if (cases[i].rc == VLAPIC_GP && readable_reg) {
            after = rd(&vl[1], cases[i].msr);
            assert_int_equal(before, after); /* a refused write changes nothing */
        }
    }
}

static void test_lvt_read_only_bits(void **state)
{
    sw_enable(&vl[0]);
    /* Delivery status (12) and remote IRR (14) may be written but read back as 0. */
    wr_ok(&vl[0], LVT_LINT0, 0x700 | (1u << 12) | (1u << 14));
    assert_int_equal(rd(&vl[0], LVT_LINT0), 0x700);
    wr_ok(&vl[0], LVT_ERR, 0xfe | (1u << 12));
    assert_int_equal(rd(&vl[0], LVT_ERR), 0xfe);
    wr_ok(&vl[0], LVT_CMCI, 0x31);
    assert_int_equal(rd(&vl[0], LVT_CMCI), 0x31);
}

static void test_not_x2apic_mode_gp(void **state)
{
    u64 val;

    /* x2APIC -> disabled */
    wr_ok(&vl[1], VLAPIC_MSR_APIC_BASE, 0xfee00000);
    assert_false(vlapic_hw_enabled(&vl[1]));
    assert_int_equal(rdmsr(&vl[1], 0x802, &val), VLAPIC_GP);
    assert_int_equal(wr(&vl[1], TPR, 0), VLAPIC_GP);
    /* disabled -> xAPIC: MMIO registers only, none of the MSRs */
    wr_ok(&vl[1], VLAPIC_MSR_APIC_BASE, 0xfee00800);
    assert_true(vlapic_hw_enabled(&vl[1]));
    assert_false(vlapic_x2apic_mode(&vl[1]));
    assert_int_equal(rdmsr(&vl[1], 0x802, &val), VLAPIC_GP);
    assert_int_equal(wr(&vl[1], EOI, 0), VLAPIC_GP);
    /* xAPIC -> x2APIC, and the ID is the x2APIC one again */
    wr_ok(&vl[1], VLAPIC_MSR_APIC_BASE, 0xfee00c00);
    assert_int_equal(rd(&vl[1], 0x802), 2);
}

/* ---------------------------------------------------------------- IA32_APIC_BASE */

static void test_apic_base_transitions(void **state)
{
    u64 base;
    struct vlapic *v = &vl[0];

    /* x2APIC -> xAPIC is illegal, as are x2APIC -> invalid (EN=0, EXTD=1). */
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00900), VLAPIC_GP);
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00500), VLAPIC_GP);
    /* Reserved bits: 0-7, 9, and above MAXPHYADDR (52 by default). */
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00d01), VLAPIC_GP);
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00f00), VLAPIC_GP);
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00d00 | (1ull << 52)), VLAPIC_GP);
    assert_int_equal(rdmsr(v, VLAPIC_MSR_APIC_BASE, &base), VLAPIC_OK);
    assert_int_equal(base, 0xfee00d00);
    /* Rewriting the same value is fine. */
    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00d00);

    /* x2APIC -> disabled -> (x2APIC illegal, invalid illegal) -> xAPIC -> x2APIC */
    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00100);
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00d00), VLAPIC_GP);
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfee00500), VLAPIC_GP);
    /* The xAPIC window cannot move: nothing would be behind it. */
    assert_int_equal(wr(v, VLAPIC_MSR_APIC_BASE, 0xfed00900), VLAPIC_GP);
    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00900);
    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00d00);
    assert_true(vlapic_x2apic_mode(v));

    /* A smaller MAXPHYADDR reserves more bits. */
    struct vlapic_config cfg = {.vcpu_id = 3, .phys_addr_bits = 36};
    struct vlapic w;
    assert_int_equal(vlapic_init(&w, &cfg, &ops, &host[3]), 0);
    assert_int_equal(wr(&w, VLAPIC_MSR_APIC_BASE, 0xfee00c00 | (1ull << 36)), VLAPIC_GP);
    wr_ok(&w, VLAPIC_MSR_APIC_BASE, 0xfee00c00 | (1ull << 35));
}

static void test_apic_base_disable_resets(void **state)
{
    struct vlapic *v = &vl[1];
    struct vlapic_ipi ipi = {.dest = 2, .vector = 0x40, .mode = VLAPIC_DM_FIXED};

    sw_enable(v);
    wr_ok(v, TPR, 0x20);
    assert_true(vlapic_set_irq(v, 0x50, false));
    wr_ok(v, LVTT, 0x30);
    wr_ok(v, TMICT, 1000);
    assert_true(host[1].armed);

    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00000); /* globally disabled */
    assert_false(host[1].armed);                /* the timer stopped */
    assert_false(vlapic_set_irq(v, 0x51, false));
    assert_false(vlapic_ipi_matches(v, &ipi)); /* receives nothing at all */
    assert_int_equal(vlapic_pending_vector(v), -1);

    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00800);
    wr_ok(v, VLAPIC_MSR_APIC_BASE, 0xfee00c00);
    assert_int_equal(rd(v, SVR), 0xff); /* back to the reset state */
    assert_int_equal(rd(v, TPR), 0);
    assert_int_equal(rd(v, LVTT), MASKED);
    assert_int_equal(rd(v, TMICT), 0);
    assert_false(irr_has(v, 0x50));
    assert_int_equal(rd(v, 0x802), 2);
}

/* ---------------------------------------------------------------- priorities */

static void test_ppr(void **state)
{
    struct vlapic *v = &vl[0];

    sw_enable(v);
    wr_ok(v, TPR, 0x20);
    assert_int_equal(rd(v, PPR), 0x20);
    assert_true(vlapic_set_irq(v, 0x45, false));
    assert_true(vlapic_ack(v, 0x45)); /* in service: class 4 */
    assert_int_equal(rd(v, PPR), 0x40);
    wr_ok(v, TPR, 0x4f);
    assert_int_equal(rd(v, PPR), 0x4f); /* TPR class equal: TPR wins with its low bits */
    wr_ok(v, TPR, 0x5a);
    assert_int_equal(rd(v, PPR), 0x5a);
    wr_ok(v, TPR, 0x3f);
    assert_int_equal(rd(v, PPR), 0x40);
    assert_int_equal(vlapic_ppr(v), 0x40);
    assert_int_equal(wr(v, EOI, 0), VLAPIC_OK);
    assert_int_equal(rd(v, PPR), 0x3f);
}

static void test_pending_selection(void **state)
{
    struct vlapic *v = &vl[0];

    sw_enable(v);
    assert_int_equal(vlapic_pending_vector(v), -1);
    vlapic_set_irq(v, 0x31, false);
    vlapic_set_irq(v, 0x52, false);
    assert_int_equal(vlapic_pending_vector(v), 0x52); /* highest first */
    assert_true(vlapic_ack(v, 0x52));
    assert_false(irr_has(v, 0x52));
    assert_true(isr_has(v, 0x52));
    assert_int_equal(vlapic_pending_vector(v), -1); /* 0x31 is below the in-service class */

    vlapic_set_irq(v, 0x55, false);
    assert_int_equal(vlapic_pending_vector(v), -1); /* same class as in service: waits */
    vlapic_set_irq(v, 0x61, false);
    assert_int_equal(vlapic_pending_vector(v), 0x61); /* higher class nests */
    assert_true(vlapic_ack(v, 0x61));

    /* EOIs retire the highest in-service vector first. */
    assert_int_equal(wr(v, EOI, 0), VLAPIC_OK);
    assert_false(isr_has(v, 0x61));
    assert_true(isr_has(v, 0x52));
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(wr(v, EOI, 0), VLAPIC_OK);
    assert_false(isr_has(v, 0x52));
    assert_int_equal(vlapic_pending_vector(v), 0x55);
    assert_true(vlapic_ack(v, 0x55));
    assert_int_equal(wr(v, EOI, 0), VLAPIC_OK);

    /* TPR: the IRR class must be strictly above TPR[7:4]. */
    wr_ok(v, TPR, 0x30);
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr_ok(v, TPR, 0x2f);
    assert_int_equal(vlapic_pending_vector(v), 0x31);
    vlapic_set_tpr(v, 0x30); /* the CR8 path */
    assert_int_equal(vlapic_tpr(v), 0x30);
    assert_int_equal(rd(v, TPR), 0x30);
    assert_int_equal(vlapic_pending_vector(v), -1);
    vlapic_set_tpr(v, 0);

    /* Extremes of the vector range. */
    assert_true(vlapic_ack(v, 0x31));
    wr_ok(v, EOI, 0);
    vlapic_set_irq(v, 0x10, false);
    vlapic_set_irq(v, 0xff, false);
    assert_int_equal(vlapic_pending_vector(v), 0xff);
    assert_int_equal(drain(v), 1); /* 0xff in service blocks 0x10 */
    assert_int_equal(rd(v, ISR0 + 7), 0x80000000u);
    wr_ok(v, EOI, 0);
    assert_int_equal(drain(v), 1);
    assert_int_equal(rd(v, ISR0), 0x10000);

    /* Acking something not pending is refused; EOI with nothing in service is a no-op. */
    assert_false(vlapic_ack(v, 0x77));
    wr_ok(v, EOI, 0);
    wr_ok(v, EOI, 0);
    assert_int_equal(vlapic_pending_vector(v), -1);
}

static void test_irr_isr_tmr_registers(void **state)
{
    struct vlapic *v = &vl[2];

    sw_enable(v);
    assert_true(vlapic_set_irq(v, 0x41, false));
    assert_int_equal(rd(v, IRR0 + 2), 0x2);
    assert_int_equal(host[2].kicks, 1);
    assert_true(vlapic_set_irq(v, 0x41, false)); /* already pending: no second kick */
    assert_int_equal(host[2].kicks, 1);
    assert_true(vlapic_set_irq(v, 0x80, true)); /* level-triggered */
    assert_int_equal(rd(v, TMR0 + 4), 0x1);
    assert_int_equal(host[2].kicks, 2);

    assert_true(vlapic_ack(v, 0x80));
    assert_int_equal(rd(v, IRR0 + 4), 0);
    assert_int_equal(rd(v, ISR0 + 4), 0x1);
    /* A level-triggered EOI is reported so an IO-APIC model can re-check its pin. */
    assert_int_equal(wr(v, EOI, 0), VLAPIC_EOI_LEVEL);
    assert_int_equal(last_out.eoi_vector, 0x80);
    assert_int_equal(rd(v, ISR0 + 4), 0);

    assert_true(vlapic_ack(v, 0x41));
    assert_int_equal(wr(v, EOI, 0), VLAPIC_OK); /* edge */

    /* Accepting a vector edge-triggered clears its TMR bit. */
    assert_true(vlapic_set_irq(v, 0x80, false));
    assert_int_equal(rd(v, TMR0 + 4), 0);
}

/* ---------------------------------------------------------------- errors */

static void test_esr_and_error_lvt(void **state)
{
    struct vlapic *v = &vl[0];

    sw_enable(v);
    assert_false(vlapic_set_irq(v, 0x0f, false)); /* illegal vector */
    assert_int_equal(rd(v, ESR), 0);              /* not visible until ESR is written */
    wr_ok(v, ESR, 0);
    assert_int_equal(rd(v, ESR), 0x40); /* receive illegal vector */
    wr_ok(v, ESR, 0);
    assert_int_equal(rd(v, ESR), 0); /* the write also cleared the pending errors */

    /* Sending an illegal vector: send-illegal error, no IPI. */
    assert_int_equal(wr(v, ICR, 0x200000005ull), VLAPIC_OK);
    assert_int_equal(wr(v, SELF_IPI, 3), VLAPIC_OK);
    wr_ok(v, ESR, 0);
    assert_int_equal(rd(v, ESR), 0x20);

    /* With the error LVT unmasked, an error raises its vector. */
    wr_ok(v, LVT_ERR, 0xfe);
    vlapic_set_irq(v, 0x01, false);
    assert_int_equal(vlapic_pending_vector(v), 0xfe);
    assert_true(vlapic_ack(v, 0xfe));
    wr_ok(v, EOI, 0);
    vlapic_set_irq(v, 0x02, false); /* same ESR bit still pending: no second error interrupt */
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr_ok(v, ESR, 0);

    /* An error LVT with an illegal vector must not loop: it only records the error. */
    wr_ok(v, LVT_ERR, 0x05);
    assert_int_equal(wr(v, SELF_IPI, 1), VLAPIC_OK);
    wr_ok(v, ESR, 0);
    assert_int_equal(rd(v, ESR), 0x60);
    assert_int_equal(vlapic_pending_vector(v), -1);
}

/* ---------------------------------------------------------------- software disable */

static void test_software_disable(void **state)
{
    struct vlapic *v = &vl[0];
    int effect[NV];

    /* Reset state is software-disabled: fixed interrupts are dropped. */
    assert_false(vlapic_set_irq(v, 0x40, false));
    assert_int_equal(host[0].kicks, 0);
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr_ok(v, LVTT, 0x30); /* LVT writes stay masked */
    assert_int_equal(rd(v, LVTT), 0x30 | MASKED);
    wr_ok(v, TMICT, 100);
    assert_false(host[0].armed);

    assert_int_equal(wr(v, SVR, 0x1ff), VLAPIC_SW_ENABLED);
    assert_int_equal(wr(v, SVR, 0x1ff), VLAPIC_OK); /* no transition */
    assert_int_equal(rd(v, LVTT), 0x30 | MASKED);   /* enabling does not unmask */
    wr_ok(v, LVTT, 0x30);
    wr_ok(v, LVT_LINT0, 0x700);
    wr_ok(v, LVT_ERR, 0xfe);
    assert_true(host[0].armed);
    assert_true(vlapic_set_irq(v, 0x40, false));

    /* Disabling masks every LVT, stops the timer, and holds the IRR undelivered. */
    wr_ok(v, SVR, 0xff);
    assert_int_equal(rd(v, LVTT), 0x30 | MASKED);
    assert_int_equal(rd(v, LVT_LINT0), 0x700 | MASKED);
    assert_int_equal(rd(v, LVT_ERR), 0xfe | MASKED);
    assert_int_equal(rd(v, LVT_CMCI), MASKED);
    assert_false(host[0].armed);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_true(irr_has(v, 0x40));

    /* IPIs: fixed dropped; NMI and INIT still accepted. */
    sw_enable(&vl[1]);
    send(1, 0x0000000000000041ull, effect);
    assert_int_equal(effect[0], VLAPIC_IPI_NONE);
    assert_false(irr_has(v, 0x41));
    send(1, 0x0000000000000400ull, effect);
    assert_int_equal(effect[0], VLAPIC_IPI_NMI);

    assert_int_equal(wr(v, SVR, 0x1ff), VLAPIC_SW_ENABLED);
    assert_int_equal(vlapic_pending_vector(v), 0x40);
    send(1, 0x0000000000000500ull | (1u << 14), effect);
    assert_int_equal(effect[0], VLAPIC_IPI_INIT);
    assert_false(vlapic_sw_enabled(v));
}

/* ---------------------------------------------------------------- ICR */

static void test_icr_fixed_physical(void **state)
{
    int effect[NV];

    for (unsigned i = 0; i < NV; i++)
        sw_enable(&vl[i]);
    send(0, 0x400000061ull, effect); /* vector 0x61 to APIC ID 4 = vCPU 2 */
    assert_int_equal(last_out.ipi.dest, 4);
    assert_int_equal(last_out.ipi.source_id, 0);
    assert_int_equal(last_out.ipi.vector, 0x61);
    assert_int_equal(last_out.ipi.mode, VLAPIC_DM_FIXED);
    assert_int_equal(last_out.ipi.shorthand, VLAPIC_SH_NONE);
    assert_false(last_out.ipi.logical);
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], i == 2 ? VLAPIC_IPI_NONE : NOT_MATCHED);
    assert_true(irr_has(&vl[2], 0x61));
    assert_int_equal(host[2].kicks, 1);
    assert_int_equal(rd(&vl[0], ICR), 0x400000061ull); /* the full 64 bits read back */

    send(0, 0x300000061ull, effect); /* odd ID: nobody */
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], NOT_MATCHED);

    send(0, 0xffffffff00000062ull, effect); /* x2APIC broadcast ID */
    for (unsigned i = 0; i < NV; i++) {
        assert_int_equal(effect[i], VLAPIC_IPI_NONE);
        assert_true(irr_has(&vl[i], 0x62));
    }
}

static void test_icr_shorthands(void **state)
{
    int effect[NV];

    for (unsigned i = 0; i < NV; i++)
        sw_enable(&vl[i]);

    /* Self: handled in place, no routing needed; the destination field is ignored. */
    assert_int_equal(wr(&vl[1], ICR, 0x600040071ull), VLAPIC_OK);
    assert_true(irr_has(&vl[1], 0x71));
    assert_int_equal(host[1].kicks, 1);
    for (unsigned i = 0; i < NV; i++)
        if (i != 1)
            assert_false(irr_has(&vl[i], 0x71));
    /* Only fixed delivery is valid to self. */
    assert_int_equal(wr(&vl[1], ICR, 0x00040400ull), VLAPIC_OK);

    send(1, 0x00080072ull, effect); /* all including self */
    assert_int_equal(last_out.ipi.shorthand, VLAPIC_SH_ALL_INC);
    for (unsigned i = 0; i < NV; i++) {
        assert_int_equal(effect[i], VLAPIC_IPI_NONE);
        assert_true(irr_has(&vl[i], 0x72));
    }

    send(1, 0x000c0073ull, effect); /* all excluding self */
    for (unsigned i = 0; i < NV; i++) {
        assert_int_equal(effect[i], i == 1 ? NOT_MATCHED : VLAPIC_IPI_NONE);
        assert_int_equal(irr_has(&vl[i], 0x73), i != 1);
    }

    /* The SELF_IPI register. */
    wr_ok(&vl[3], SELF_IPI, 0x74);
    assert_true(irr_has(&vl[3], 0x74));
    assert_false(irr_has(&vl[0], 0x74));
}

static void test_icr_logical(void **state)
{
    int effect[NV];

    for (unsigned i = 0; i < NV; i++)
        sw_enable(&vl[i]);
    /* Cluster 0, members with LDR bits 0 (ID 0) and 2 (ID 2). */
    send(3, 0x0000000500000881ull, effect);
    assert_true(last_out.ipi.logical);
    assert_int_equal(effect[0], VLAPIC_IPI_NONE);
    assert_int_equal(effect[1], VLAPIC_IPI_NONE);
    assert_int_equal(effect[2], NOT_MATCHED);
    assert_int_equal(effect[3], NOT_MATCHED);
    /* Cluster 1 holds none of these vCPUs. */
    send(3, 0x0001005500000882ull, effect);
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], NOT_MATCHED);
    /* Logical broadcast. */
    send(3, 0xffffffff00000883ull, effect);
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], VLAPIC_IPI_NONE);
}

static void test_icr_other_modes(void **state)
{
    int effect[NV];

    for (unsigned i = 0; i < NV; i++) {
        sw_enable(&vl[i]);
        vlapic_clear_wait_for_sipi(&vl[i]);
    }
    send(0, 0x600000400ull, effect); /* NMI to ID 6 */
    assert_int_equal(last_out.ipi.mode, VLAPIC_DM_NMI);
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], i == 3 ? VLAPIC_IPI_NMI : NOT_MATCHED);
    assert_int_equal(vlapic_pending_vector(&vl[3]), -1); /* NMIs bypass the IRR */

    send(0, 0x000c0400ull, effect); /* NMI to all others (Linux's backtrace/stop) */
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], i == 0 ? NOT_MATCHED : VLAPIC_IPI_NMI);

    send(0, 0x200000151ull, effect); /* lowest priority: the caller arbitrates */
    assert_int_equal(last_out.ipi.mode, VLAPIC_DM_LOWEST);
    assert_int_equal(effect[1], VLAPIC_IPI_NONE);
    assert_true(irr_has(&vl[1], 0x51));

    /* SMI and the reserved modes 3 and 7 do nothing. */
    assert_int_equal(wr(&vl[0], ICR, 0x200000200ull), VLAPIC_OK);
    assert_int_equal(wr(&vl[0], ICR, 0x200000300ull), VLAPIC_OK);
    assert_int_equal(wr(&vl[0], ICR, 0x200000700ull), VLAPIC_OK);
    assert_int_equal(host[1].kicks, 1);

    /* Fixed with a vector below 16 goes nowhere. */
    assert_int_equal(wr(&vl[0], ICR, 0x200000008ull), VLAPIC_OK);
    assert_int_equal(wr(&vl[0], ICR, 0x200000108ull), VLAPIC_OK);
}

/* ---------------------------------------------------------------- INIT / SIPI */

static void test_init_sipi_linux_sequence(void **state)
{
    struct vlapic *bsp = &vl[0], *ap = &vl[1];
    int effect[NV];
    u64 base;

    /* The BSP's setup as in the trace: SVR, TPR, LVTs. */
    wr_ok(bsp, SVR, 0xff);
    wr_ok(bsp, TPR, 0x10);
    assert_int_equal(wr(bsp, SVR, 0x1ff), VLAPIC_SW_ENABLED);
    wr_ok(bsp, LVT_LINT0, 0x10700);
    wr_ok(bsp, LVT_LINT1, 0x400);
    wr_ok(bsp, LVT_ERR, 0xfe);
    assert_int_equal(rd(bsp, LVT_LINT0), 0x10700);

    assert_true(vlapic_waiting_for_sipi(ap));
    /* INIT assert, level-triggered, to APIC ID 2 */
    send(0, 0x20000c500ull, effect);
    assert_int_equal(last_out.ipi.mode, VLAPIC_DM_INIT);
    for (unsigned i = 0; i < NV; i++)
        assert_int_equal(effect[i], i == 1 ? VLAPIC_IPI_INIT : NOT_MATCHED);
    assert_true(vlapic_waiting_for_sipi(ap));
    /* INIT keeps x2APIC mode (EXTD) and the ID. */
    assert_int_equal(rdmsr(ap, VLAPIC_MSR_APIC_BASE, &base), VLAPIC_OK);
    assert_int_equal(base, 0xfee00c00);
    assert_int_equal(rd(ap, 0x802), 2);
    assert_int_equal(rd(ap, LDR), 4);

    /* INIT de-assert: nothing is sent. */
    assert_int_equal(wr(bsp, ICR, 0x200008500ull), VLAPIC_OK);
    assert_true(vlapic_waiting_for_sipi(ap));

    /* STARTUP, vector 0x99 (trampoline at 0x99000) */
    send(0, 0x200000699ull, effect);
    assert_int_equal(last_out.ipi.mode, VLAPIC_DM_STARTUP);
    assert_int_equal(last_out.ipi.vector, 0x99);
    assert_int_equal(effect[1], VLAPIC_IPI_SIPI);
    assert_false(vlapic_waiting_for_sipi(ap));
    /* The second SIPI finds it running and is ignored. */
    send(0, 0x200000699ull, effect);
    assert_int_equal(effect[1], VLAPIC_IPI_NONE);

    /* The AP's own LAPIC setup then works in x2APIC mode. */
    assert_int_equal(rd(ap, 0x802), 2);
    wr_ok(ap, TPR, 0x10);
    assert_int_equal(wr(ap, SVR, 0x1ff), VLAPIC_SW_ENABLED);
    wr_ok(ap, LVT_LINT1, 0x10400);
    /* and it receives fixed IPIs */
    send(0, 0x2000000f1ull, effect);
    assert_int_equal(vlapic_pending_vector(ap), 0xf1);
}

static void test_init_resets_running_vcpu(void **state)
{
    struct vlapic *ap = &vl[2];
    int effect[NV];

    vlapic_clear_wait_for_sipi(ap); /* started some other way (VCPUOP_up) */
    assert_false(vlapic_waiting_for_sipi(ap));
    sw_enable(ap);
    wr_ok(ap, TPR, 0x20);
    vlapic_set_irq(ap, 0x50, true);
    vlapic_set_irq(ap, 0x60, false);
    assert_true(vlapic_ack(ap, 0x60));
    wr_ok(ap, LVTT, 0x30 | PERIODIC);
    wr_ok(ap, TMICT, 500000);
    wr_ok(ap, TDCR, 3);
    assert_true(host[2].armed);

    /* SIPI to a running vCPU is ignored; NMI is delivered. */
    send(0, 0x400000610ull, effect);
    assert_int_equal(effect[2], VLAPIC_IPI_NONE);
    send(0, 0x400000400ull, effect);
    assert_int_equal(effect[2], VLAPIC_IPI_NMI);

    send(0, 0x40000c500ull, effect);
    assert_int_equal(effect[2], VLAPIC_IPI_INIT);
    assert_false(host[2].armed);
    assert_int_equal(rd(ap, TPR), 0);
    assert_int_equal(rd(ap, SVR), 0xff);
    assert_int_equal(rd(ap, LVTT), MASKED);
    assert_int_equal(rd(ap, TMICT), 0);
    assert_int_equal(rd(ap, TDCR), 0);
    for (unsigned r = 0; r < 8; r++) {
        assert_int_equal(rd(ap, IRR0 + r), 0);
        assert_int_equal(rd(ap, ISR0 + r), 0);
        assert_int_equal(rd(ap, TMR0 + r), 0);
    }
    assert_true(vlapic_waiting_for_sipi(ap));

    /* Waiting for SIPI: NMIs and fixed interrupts are not taken. */
    send(0, 0x400000400ull, effect);
    assert_int_equal(effect[2], VLAPIC_IPI_NONE);
    send(0, 0x400000699ull, effect);
    assert_int_equal(effect[2], VLAPIC_IPI_SIPI);
}

/* ---------------------------------------------------------------- timer */

static void timer_setup(struct vlapic *v, u32 lvtt, u32 tdcr)
{
    sw_enable(v);
    wr_ok(v, TDCR, tdcr);
    wr_ok(v, LVTT, lvtt);
}

/* The host timer fires at its deadline (or later). */
static void fire(unsigned i, s64 at)
{
    assert_true(host[i].armed);
    assert_true(at >= host[i].deadline);
    host[i].armed = false;
    now_ns = at;
    vlapic_timer_expired(&vl[i], at);
}

static void test_timer_oneshot(void **state)
{
    struct vlapic *v = &vl[0];

    now_ns = 1000;
    timer_setup(v, 0x30 | ONESHOT, DIV1);
    assert_false(host[0].armed);
    wr_ok(v, TMICT, 1000);
    assert_true(host[0].armed);
    assert_int_equal(host[0].deadline, 2000);
    assert_int_equal(rd(v, TMICT), 1000);
    assert_int_equal(rd(v, TMCCT), 1000);
    now_ns = 1250;
    assert_int_equal(rd(v, TMCCT), 750);
    now_ns = 1999;
    assert_int_equal(rd(v, TMCCT), 1);
    assert_int_equal(vlapic_pending_vector(v), -1);

    fire(0, 2000);
    assert_int_equal(vlapic_pending_vector(v), 0x30);
    assert_int_equal(host[0].kicks, 1);
    assert_false(host[0].armed); /* one-shot: done */
    assert_int_equal(rd(v, TMCCT), 0);
    assert_int_equal(rd(v, TMICT), 1000); /* the initial count stays readable */
    now_ns = 5000;
    assert_int_equal(rd(v, TMCCT), 0);
    assert_int_equal(drain(v), 1);

    /* Rewriting TMICT restarts; writing 0 stops. */
    wr_ok(v, TMICT, 300);
    assert_int_equal(host[0].deadline, 5300);
    now_ns = 5100;
    wr_ok(v, TMICT, 300);
    assert_int_equal(host[0].deadline, 5400);
    wr_ok(v, TMICT, 0);
    assert_false(host[0].armed);
    assert_int_equal(rd(v, TMCCT), 0);
    now_ns = 10000;
    assert_int_equal(rd(v, IRR0 + 1), 0);
}

static void test_timer_divide_values(void **state)
{
    static const struct {
        u32 tdcr;
        u32 div;
    } cases[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                 {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        init_all(false, 0);
        timer_setup(&vl[1], 0x40, cases[i].tdcr);
        assert_int_equal(rd(&vl[1], TDCR), cases[i].tdcr);
        wr_ok(&vl[1], TMICT, 100);
        assert_int_equal(host[1].deadline, 100 * cases[i].div);
        now_ns = 10 * cases[i].div;
        assert_int_equal(rd(&vl[1], TMCCT), 90);
    }
    /* A slower bus clock scales everything. */
    init_all(false, 10);
    timer_setup(&vl[1], 0x40, 0x0); /* /2 at 10 ns: 20 ns per count */
    wr_ok(&vl[1], TMICT, 100);
    assert_int_equal(host[1].deadline, 2000);
    now_ns = 399;
    assert_int_equal(rd(&vl[1], TMCCT), 81);
}

static void test_timer_periodic(void **state)
{
    struct vlapic *v = &vl[1];

    timer_setup(v, 0x31 | PERIODIC, DIV1);
    wr_ok(v, TMICT, 200000);
    assert_int_equal(host[1].deadline, 200000);
    fire(1, 200000);
    assert_int_equal(vlapic_pending_vector(v), 0x31);
    assert_int_equal(host[1].deadline, 400000); /* re-armed one period on */
    assert_int_equal(rd(v, TMCCT), 200000);     /* reloaded */
    now_ns = 300000;
    assert_int_equal(rd(v, TMCCT), 100000);
    assert_int_equal(drain(v), 1);
    wr_ok(v, EOI, 0);

    /* Fired late by several periods: one interrupt, phase kept. */
    fire(1, 1050000);
    assert_int_equal(drain(v), 1);
    assert_int_equal(host[1].deadline, 1200000);
    assert_int_equal(rd(v, TMCCT), 150000);
    wr_ok(v, EOI, 0);

    /* A stale or early call does not deliver and keeps the deadline. */
    host[1].armed = false;
    vlapic_timer_expired(v, 1100000);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_true(host[1].armed);
    assert_int_equal(host[1].deadline, 1200000);

    /* Masking stops host wake-ups but the count keeps running. */
    now_ns = 1250000;
    wr_ok(v, LVTT, 0x31 | PERIODIC | MASKED);
    assert_false(host[1].armed);
    assert_int_equal(drain(v), 1); /* the 1200000 expiry happened before the mask */
    wr_ok(v, EOI, 0);
    now_ns = 1390000;
    assert_int_equal(rd(v, TMCCT), 10000);
    now_ns = 1500000;
    wr_ok(v, LVTT, 0x31 | PERIODIC); /* unmask: expiries while masked are lost */
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(host[1].deadline, 1600000);
}

static void test_timer_periodic_rate_limit(void **state)
{
    struct vlapic *v = &vl[1];

    timer_setup(v, 0x31 | PERIODIC, DIV1);
    wr_ok(v, TMICT, 10); /* 10 ns period */
    assert_int_equal(host[1].deadline, VLAPIC_MIN_PERIOD_NS);
    fire(1, VLAPIC_MIN_PERIOD_NS);
    assert_int_equal(drain(v), 1);
    assert_int_equal(host[1].deadline, 2 * VLAPIC_MIN_PERIOD_NS);
    now_ns = VLAPIC_MIN_PERIOD_NS + 3;
    assert_int_equal(rd(v, TMCCT), 7); /* the guest-visible count is exact */
    /* Accesses in between do not push the next interrupt out. */
    assert_int_equal(host[1].deadline, 2 * VLAPIC_MIN_PERIOD_NS);
    fire(1, 2 * VLAPIC_MIN_PERIOD_NS);
    assert_int_equal(vlapic_pending_vector(v), -1); /* 0x31 still in service */
    wr_ok(v, EOI, 0);
    assert_int_equal(drain(v), 1);
}

static void test_timer_mask_and_catch_up(void **state)
{
    struct vlapic *v = &vl[0];

    /* A masked one-shot counts but never interrupts, even if unmasked later. */
    timer_setup(v, 0x30 | MASKED, DIV1);
    wr_ok(v, TMICT, 1000);
    assert_false(host[0].armed);
    now_ns = 400;
    assert_int_equal(rd(v, TMCCT), 600);
    wr_ok(v, LVTT, 0x30); /* unmasked mid-count: armed for the remaining time */
    assert_int_equal(host[0].deadline, 1000);
    wr_ok(v, LVTT, 0x30 | MASKED);
    assert_false(host[0].armed);
    now_ns = 2000;
    wr_ok(v, LVTT, 0x30);
    assert_false(host[0].armed);
    assert_int_equal(vlapic_pending_vector(v), -1);

    /* An expiry the host has not reported yet is delivered on the next timer access. */
    now_ns = 3000;
    wr_ok(v, TMICT, 100);
    now_ns = 3500;
    assert_int_equal(rd(v, TMCCT), 0);
    assert_int_equal(vlapic_pending_vector(v), 0x30);
    assert_false(host[0].armed); /* the now-pointless host timer is cancelled */
    assert_int_equal(drain(v), 1);
}

static void test_timer_mode_and_divide_changes(void **state)
{
    struct vlapic *v = &vl[0];

    init_all(false, 1000); /* 1 us bus cycle: periods well above the rate limit */
    timer_setup(v, 0x30 | ONESHOT, DIV1);
    wr_ok(v, TMICT, 1000);
    now_ns = 400 * US;
    assert_int_equal(rd(v, TMCCT), 600);
    wr_ok(v, TDCR, 0x0); /* /2: same count, half the speed */
    assert_int_equal(rd(v, TMCCT), 600);
    assert_int_equal(host[0].deadline, 1600 * US);
    now_ns = 600 * US;
    assert_int_equal(rd(v, TMCCT), 500);

    /* One-shot -> periodic keeps the count and then reloads. */
    wr_ok(v, LVTT, 0x30 | PERIODIC);
    assert_int_equal(rd(v, TMCCT), 500);
    assert_int_equal(host[0].deadline, 1600 * US);
    fire(0, 1600 * US);
    assert_int_equal(drain(v), 1);
    assert_int_equal(host[0].deadline, 3600 * US);

    /* Periodic -> one-shot: the current period still ends with an interrupt, then stops. */
    now_ns = 2600 * US;
    wr_ok(v, LVTT, 0x30 | ONESHOT);
    assert_int_equal(rd(v, TMCCT), 500);
    assert_int_equal(host[0].deadline, 3600 * US);
    fire(0, 3600 * US);
    assert_int_equal(vlapic_pending_vector(v), -1); /* 0x30 is still in service */
    wr_ok(v, EOI, 0);
    assert_int_equal(drain(v), 1);
    assert_false(host[0].armed);

    /* A finished one-shot does not restart when switched to periodic. */
    wr_ok(v, LVTT, 0x30 | PERIODIC);
    assert_false(host[0].armed);
    assert_int_equal(rd(v, TMCCT), 0);
}

static void test_tsc_deadline(void **state)
{
    struct vlapic *v = &vl[0];
    u64 val;

    sw_enable(v);
    now_ns = 1000; /* guest TSC 2000 */
    wr_ok(v, LVTT, 0x32 | TSC_DEADLINE);
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), 0);
    wr_ok(v, TMICT, 500); /* ignored in this mode */
    assert_int_equal(rd(v, TMICT), 0);
    assert_false(host[0].armed);

    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 2000 + 4000); /* 2000 ns ahead at 2 GHz */
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), 6000);
    assert_int_equal(host[0].deadline, 3000);
    assert_int_equal(rd(v, TMCCT), 0);
    fire(0, 3000);
    assert_int_equal(vlapic_pending_vector(v), 0x32);
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), 0); /* disarmed after it fired */
    assert_false(host[0].armed);
    assert_int_equal(drain(v), 1);
    wr_ok(v, EOI, 0);

    /* A deadline already passed fires at once. */
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 10);
    assert_int_equal(vlapic_pending_vector(v), 0x32);
    assert_false(host[0].armed);
    assert_int_equal(drain(v), 1);
    wr_ok(v, EOI, 0);

    /* 0 disarms; so does leaving the mode. */
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 1000000);
    assert_true(host[0].armed);
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 0);
    assert_false(host[0].armed);
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 1000000);
    wr_ok(v, LVTT, 0x32 | ONESHOT);
    assert_false(host[0].armed);
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), 0);
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 1000000); /* ignored outside the mode */
    assert_false(host[0].armed);
    wr_ok(v, LVTT, 0x32 | TSC_DEADLINE);
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), 0);

    /* Masked: the deadline passes silently. */
    wr_ok(v, LVTT, 0x32 | TSC_DEADLINE | MASKED);
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, 2 * (now_ns + 100));
    assert_false(host[0].armed);
    now_ns += 200;
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), 0);
    assert_int_equal(vlapic_pending_vector(v), -1);

    /* Far-future deadlines do not overflow the ns clock. */
    wr_ok(v, LVTT, 0x32 | TSC_DEADLINE);
    wr_ok(v, VLAPIC_MSR_TSC_DEADLINE, ~0ull);
    assert_true(host[0].armed);
    assert_true(host[0].deadline > now_ns);
    assert_int_equal(rd(v, VLAPIC_MSR_TSC_DEADLINE), ~0ull);

    /* Without the CPUID bit the MSR does not exist. */
    init_all(false, 0);
    assert_int_equal(rdmsr(&vl[0], VLAPIC_MSR_TSC_DEADLINE, &val), VLAPIC_GP);
    assert_int_equal(wr(&vl[0], VLAPIC_MSR_TSC_DEADLINE, 1), VLAPIC_GP);
}

static void test_tsc_deadline_never_early(void **state)
{
    static const u64 deltas[] = {1, 2, 3, 1000, 3000, 123456789, 3000000000ull, 1ull << 40};

    tsc_per_ns = 3; /* 3 GHz: ticks are a third of a ns */
    init_all(true, 0);
    sw_enable(&vl[0]);
    wr_ok(&vl[0], LVTT, 0x33 | TSC_DEADLINE);
    for (unsigned i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
        u64 tsc = (u64)now_ns * 3 + deltas[i];
        s64 exact_ceil = now_ns + (s64)((deltas[i] + 2) / 3);

        wr_ok(&vl[0], VLAPIC_MSR_TSC_DEADLINE, tsc);
        assert_true(host[0].deadline >= exact_ceil);
        assert_true(host[0].deadline <= exact_ceil + 1 + (s64)(deltas[i] >> 32));
    }
}

/* ---------------------------------------------------------------- robustness */

/* Random MSR traffic and events: no crash (ASan/UBSan), invariants hold. */
static void test_random_traffic(void **state)
{
    static const u32 msrs[] = {0x802,
                               0x803,
                               TPR,
                               PPR,
                               EOI,
                               LDR,
                               SVR,
                               ESR,
                               LVT_CMCI,
                               ICR,
                               LVTT,
                               LVT_THERMAL,
                               LVT_PERF,
                               LVT_LINT0,
                               LVT_LINT1,
                               LVT_ERR,
                               TMICT,
                               TMCCT,
                               TDCR,
                               SELF_IPI,
                               0x810,
                               0x827,
                               0x831,
                               0x8ff,
                               VLAPIC_MSR_APIC_BASE,
                               VLAPIC_MSR_TSC_DEADLINE};
    int effect[NV];

    srand(12345);
    init_all(true, 0);
    for (unsigned n = 0; n < 200000; n++) {
        unsigned i = rand() % NV;
        struct vlapic *v = &vl[i];
        u32 msr = msrs[rand() % (sizeof(msrs) / 4)];
        u64 val = ((u64)rand() << 33) ^ ((u64)rand() << 12) ^ (u64)rand();
        enum vlapic_rc rc;

        now_ns += rand() % 5000;
        switch (rand() % 8) {
        case 0:
            val &= 0xff;
            break;
        case 1:
            val &= 0xffffffff;
            break;
        case 2:
            val &= 0x10000 | 0x600ff; /* plausible LVT values */
            break;
        case 3:
            if (msr == VLAPIC_MSR_APIC_BASE)
                val = 0xfee00000 | (rand() % 2 ? VLAPIC_BASE_EN : 0) |
                      (rand() % 2 ? VLAPIC_BASE_EXTD : 0);
            break;
        default:
            val &= 0xfffff;
            break;
        }
        if (rand() % 2) {
            rc = wr(v, msr, val);
            if (rc == VLAPIC_SEND_IPI)
                route(&last_out.ipi, effect);
        } else {
            u64 out;
            rc = rdmsr(v, msr, &out);
            assert_true(rc == VLAPIC_OK || rc == VLAPIC_GP);
        }
        if (rand() % 4 == 0)
            vlapic_set_irq(v, rand() % 256, rand() % 2);
        if (rand() % 4 == 0 && vlapic_pending_vector(v) >= 0)
            assert_true(vlapic_ack(v, (u8)vlapic_pending_vector(v)));
        if (host[i].armed && now_ns >= host[i].deadline) {
            host[i].armed = false;
            vlapic_timer_expired(v, now_ns);
        }
        /* Invariants */
        if (vlapic_x2apic_mode(v) && !vlapic_sw_enabled(v))
            for (u32 l = LVTT; l <= LVT_ERR; l++)
                assert_true(rd(v, l) & MASKED);
        if (!vlapic_hw_enabled(v) || !vlapic_sw_enabled(v))
            assert_int_equal(vlapic_pending_vector(v), -1);
        else if (vlapic_pending_vector(v) >= 0)
            assert_true(((u32)vlapic_pending_vector(v) & 0xf0) > (vlapic_ppr(v) & 0xf0));
        assert_int_equal(vlapic_id(v), 2 * i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_bad_config, setup),
        cmocka_unit_test_setup(test_ldr_from_id, setup),
        cmocka_unit_test_setup(test_read_gp_map, setup),
        cmocka_unit_test_setup(test_write_gp_map, setup),
        cmocka_unit_test_setup(test_reserved_bits, setup),
        cmocka_unit_test_setup(test_lvt_read_only_bits, setup),
        cmocka_unit_test_setup(test_not_x2apic_mode_gp, setup),
        cmocka_unit_test_setup(test_apic_base_transitions, setup),
        cmocka_unit_test_setup(test_apic_base_disable_resets, setup),
        cmocka_unit_test_setup(test_ppr, setup),
        cmocka_unit_test_setup(test_pending_selection, setup),
        cmocka_unit_test_setup(test_irr_isr_tmr_registers, setup),
        cmocka_unit_test_setup(test_esr_and_error_lvt, setup),
        cmocka_unit_test_setup(test_software_disable, setup),
        cmocka_unit_test_setup(test_icr_fixed_physical, setup),
        cmocka_unit_test_setup(test_icr_shorthands, setup),
        cmocka_unit_test_setup(test_icr_logical, setup),
        cmocka_unit_test_setup(test_icr_other_modes, setup),
        cmocka_unit_test_setup(test_init_sipi_linux_sequence, setup),
        cmocka_unit_test_setup(test_init_resets_running_vcpu, setup),
        cmocka_unit_test_setup(test_timer_oneshot, setup),
        cmocka_unit_test_setup(test_timer_divide_values, setup),
        cmocka_unit_test_setup(test_timer_periodic, setup),
        cmocka_unit_test_setup(test_timer_periodic_rate_limit, setup),
        cmocka_unit_test_setup(test_timer_mask_and_catch_up, setup),
        cmocka_unit_test_setup(test_timer_mode_and_divide_changes, setup),
        cmocka_unit_test_setup(test_tsc_deadline, setup_tdt),
        cmocka_unit_test_setup(test_tsc_deadline_never_early, setup_tdt),
        cmocka_unit_test_setup(test_random_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
