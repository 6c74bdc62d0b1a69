/*
 * Virtual local APIC of one guest vCPU: pure state machine, no hardware
 * access and no globals, so it builds and is tested on the host
 * (tests/unit/test_vlapic.c).
 *
 * Guest interface: the x2APIC MSRs 0x800-0x8FF, IA32_APIC_BASE (0x1B) and,
 * when the CPUID policy advertises it, IA32_TSC_DEADLINE (0x6E0). The
 * caller's MSR exit handler forwards those (vlapic_handles_msr()) to
 * vlapic_rdmsr()/vlapic_wrmsr() and injects #GP when told to.
 *
 * Decision: no xAPIC MMIO page. Every vCPU comes out of reset in x2APIC
 * mode (IA32_APIC_BASE = 0xFEE00000 | EN | EXTD, | BSP on vCPU 0) and the
 * CPUID policy advertises x2APIC, so Linux 6.1 prints "x2apic: enabled by
 * BIOS" and only ever uses MSRs: no MMIO decoding is needed. A guest that
 * deliberately leaves x2APIC mode (disable, then enable in xAPIC mode) has
 * an APIC that still accepts interrupts but whose registers it cannot
 * reach. INIT keeps the x2APIC mode (EXTD stays set), as on hardware, which
 * is also what Linux's AP bring-up expects.
 *
 * Locking: none inside. Each struct vlapic must be protected by a lock the
 * caller owns (e.g. one per vCPU); every function below that takes a
 * struct vlapic needs that vlapic's lock held, including vlapic_receive_ipi()
 * on the target. The ops callbacks are called with the lock held: they must
 * not call back into this vlapic or take its lock (kick = set a flag or send
 * a host IPI; timer_arm/timer_cancel = program a host timer whose handler
 * later takes the lock and calls vlapic_timer_expired()). Sending an IPI is
 * two-phase so no two vlapic locks are ever held at once: vlapic_wrmsr()
 * returns the IPI, the caller drops the sender's lock and delivers it to the
 * targets one at a time.
 *
 * Wiring, for vCPU v with its vlapic lock L(v):
 *   MSR exit     if vlapic_handles_msr(msr): under L(v) call vlapic_rdmsr/wrmsr with
 *                now = {NOW(), guest TSC}; then act on the result outside L(v):
 *                VLAPIC_GP -> inject #GP; VLAPIC_SEND_IPI -> for each vCPU t of the
 *                domain, under L(t): if vlapic_ipi_matches(t, ipi) act on
 *                vlapic_receive_ipi(t, ipi) (NMI / INIT / SIPI, see below).
 *   VM entry     under L(v): vec = vlapic_pending_vector(); if vec >= 0 and the guest
 *                can take an interrupt, inject vec and vlapic_ack(vec). (The Xen
 *                callback vector does not go through here: it has no IRR/ISR/EOI.)
 *   HLT          the vCPU is runnable again once vlapic_pending_vector() >= 0.
 *   host timer   under L(v): vlapic_timer_expired(v, NOW()).
 *   CR8 / V_TPR  keep vlapic_tpr()/vlapic_set_tpr() in sync around VM entry/exit.
 *   CPUID        leaf 1 EDX[9] follows vlapic_hw_enabled(); set cfg.tsc_deadline
 *                exactly when leaf 1 ECX[24] is advertised (it is not today).
 */
#ifndef LARES_VLAPIC_H
#define LARES_VLAPIC_H

#include <lares/types.h>

#define VLAPIC_MSR_APIC_BASE 0x0000001b
#define VLAPIC_MSR_TSC_DEADLINE 0x000006e0
#define VLAPIC_MSR_X2APIC_FIRST 0x00000800
#define VLAPIC_MSR_X2APIC_LAST 0x000008ff

#define VLAPIC_BASE_BSP (1ull << 8)
#define VLAPIC_BASE_EXTD (1ull << 10)
#define VLAPIC_BASE_EN (1ull << 11)
#define VLAPIC_DEFAULT_BASE 0xfee00000ull

/* Version register: version 0x14 (integrated APIC), max LVT entry 5, as Xen reports. */
#define VLAPIC_VERSION 0x00050014u

/*
 * Periodic-timer interrupts are at least this far apart (Xen's virtual
 * platform timers clamp periods the same way), so a guest cannot flood the
 * host with timer events; the current-count register still runs at the
 * programmed rate.
 */
#define VLAPIC_MIN_PERIOD_NS 100000

/* "Now" on the guest's clocks, given by the caller on every timed access. */
struct vlapic_clock {
    s64 ns;  /* the caller's monotonic clock (host timer deadlines use it) */
    u64 tsc; /* the guest's TSC at the same instant (TSC-deadline mode only) */
};

struct vlapic_ops {
    /* An interrupt entered the IRR: wake the vCPU if halted, or force a VM exit. */
    void (*kick)(void *ctx);
    /* Arm the vCPU's LAPIC host timer at deadline_ns (replaces any armed one). */
    void (*timer_arm)(void *ctx, s64 deadline_ns);
    void (*timer_cancel)(void *ctx);
};

struct vlapic_config {
    unsigned int vcpu_id; /* APIC ID = vcpu_apic_id(vcpu_id); vCPU 0 is the BSP */
    u32 bus_cycle_ns;     /* timer input clock period before the divider; 0 = 1 ns (Xen's) */
    bool tsc_deadline;    /* CPUID.1:ECX[24] advertised: LVT timer mode 2 and MSR 0x6E0 */
    u32 tsc_khz;          /* guest TSC frequency; required with tsc_deadline */
    u8 phys_addr_bits;    /* guest MAXPHYADDR (IA32_APIC_BASE reserved bits); 0 = 52 */
};

/* Delivery modes and shorthands as encoded in ICR bits 10:8 and 19:18. */
enum vlapic_dm {
    VLAPIC_DM_FIXED = 0,
    VLAPIC_DM_LOWEST = 1, /* the caller delivers to one match: lowest vlapic_ppr() */
    VLAPIC_DM_SMI = 2,
    VLAPIC_DM_NMI = 4,
    VLAPIC_DM_INIT = 5,
    VLAPIC_DM_STARTUP = 6,
};

enum vlapic_shorthand {
    VLAPIC_SH_NONE = 0,
    VLAPIC_SH_SELF = 1,
    VLAPIC_SH_ALL_INC = 2,
    VLAPIC_SH_ALL_BUT = 3,
};

/* An IPI decoded from an ICR write, for the caller to route. */
struct vlapic_ipi {
    u32 dest;      /* ICR[63:32]: x2APIC ID, or cluster<<16|bitmap if logical */
    u32 source_id; /* APIC ID of the sender */
    u8 vector;
    u8 mode;      /* enum vlapic_dm */
    u8 shorthand; /* enum vlapic_shorthand */
    bool logical;
};

enum vlapic_rc {
    VLAPIC_OK = 0,     /* done */
    VLAPIC_GP,         /* inject #GP(0); nothing changed */
    VLAPIC_SEND_IPI,   /* out->ipi: for every vCPU of the domain (sender included)
                          with vlapic_ipi_matches(), call vlapic_receive_ipi() */
    VLAPIC_EOI_LEVEL,  /* out->eoi_vector was level-triggered: forward the EOI */
    VLAPIC_SW_ENABLED, /* SVR bit 8 went 0->1: re-raise level-like sources that the
                          disabled APIC dropped (e.g. a per-vCPU upcall vector) */
};

struct vlapic_wrmsr_out {
    struct vlapic_ipi ipi;
    u8 eoi_vector;
};

enum vlapic_ipi_effect {
    VLAPIC_IPI_NONE, /* nothing more to do (fixed: IRR set and kicked, or dropped) */
    VLAPIC_IPI_NMI,  /* inject an NMI into the target vCPU, waking it */
    VLAPIC_IPI_INIT, /* target's LAPIC is INIT-reset: stop the vCPU, reset its
                        registers, and keep it in wait-for-SIPI */
    VLAPIC_IPI_SIPI, /* target leaves wait-for-SIPI: start it in real mode at
                        CS.sel = vector << 8, CS.base = vector << 12, IP = 0 */
};

/* Embedded in the vCPU; the fields are private to vlapic.c. */
struct vlapic {
    const struct vlapic_ops *ops;
    void *ctx;

    u64 apic_base; /* IA32_APIC_BASE */
    u32 id;
    u32 tpr;
    u32 svr;
    u32 esr;         /* latched by the last ESR write */
    u32 pending_esr; /* errors since */
    u64 icr;
    u32 lvt[7]; /* indexed by enum in vlapic.c: timer .. error, CMCI */
    u32 irr[8], isr[8], tmr[8];
    u32 tdcr;
    bool wait_for_sipi;

    /* Configuration */
    u32 bus_cycle_ns;
    bool tsc_deadline_ok;
    u64 ns_per_tsc_frac; /* ns per TSC tick, 32.32 fixed point, rounded up */
    u64 base_rsvd;       /* reserved bits of IA32_APIC_BASE */

    /* LVT timer (one-shot/periodic): the count was loaded with tmict at start_ns */
    u32 tmict;
    bool timer_running;
    s64 timer_start_ns;
    s64 timer_next_ns; /* next expiry not yet delivered */
    s64 timer_last_ns; /* last expiry delivered, or count loaded (rate limit) */
    /* TSC-deadline mode */
    u64 tdt_tsc; /* IA32_TSC_DEADLINE as the guest wrote it; 0 = disarmed */
    s64 tdt_ns;  /* the same instant on the ns clock */
    bool host_armed;
    s64 host_deadline_ns;
};

/* Power-on state; ops are not called. Returns -EINVAL for a bad configuration. */
int vlapic_init(struct vlapic *vl, const struct vlapic_config *cfg, const struct vlapic_ops *ops,
                void *ctx);

/* MSRs this module owns (0x1B, 0x6E0, 0x800-0x8FF). */
bool vlapic_handles_msr(u32 msr);

/* Reads: VLAPIC_OK with *val, or VLAPIC_GP. Writes: any enum vlapic_rc; out must be valid. */
enum vlapic_rc vlapic_rdmsr(struct vlapic *vl, u32 msr, const struct vlapic_clock *now, u64 *val);
enum vlapic_rc vlapic_wrmsr(struct vlapic *vl, u32 msr, u64 val, const struct vlapic_clock *now,
                            struct vlapic_wrmsr_out *out);

/*
 * Raise a fixed interrupt (edge or level) from a device model or the
 * hypervisor. Dropped when the APIC is disabled; a vector below 16 sets
 * the "receive illegal vector" error instead. Returns true if it was
 * accepted into the IRR.
 */
bool vlapic_set_irq(struct vlapic *vl, u8 vector, bool level);

/* Highest IRR vector whose priority class beats the PPR, or -1. */
int vlapic_pending_vector(const struct vlapic *vl);

/* The vector is being injected: move it from IRR to ISR. False if it was not pending. */
bool vlapic_ack(struct vlapic *vl, u8 vector);

/* The host timer armed through ops->timer_arm fired (late or stale calls are fine). */
void vlapic_timer_expired(struct vlapic *vl, s64 now_ns);

/* IPI routing, on the target's vlapic. */
bool vlapic_ipi_matches(const struct vlapic *target, const struct vlapic_ipi *ipi);
enum vlapic_ipi_effect vlapic_receive_ipi(struct vlapic *target, const struct vlapic_ipi *ipi);

/* Application processors start here; the BSP does not. */
bool vlapic_waiting_for_sipi(const struct vlapic *vl);
/* The vCPU was started without a SIPI (e.g. VCPUOP_up). */
void vlapic_clear_wait_for_sipi(struct vlapic *vl);

u32 vlapic_id(const struct vlapic *vl);
u32 vlapic_ppr(const struct vlapic *vl);
/* TPR, for keeping a hardware copy (CR8 = TPR >> 4, SVM V_TPR) in sync. */
u8 vlapic_tpr(const struct vlapic *vl);
void vlapic_set_tpr(struct vlapic *vl, u8 tpr);

bool vlapic_hw_enabled(const struct vlapic *vl);
bool vlapic_x2apic_mode(const struct vlapic *vl);
bool vlapic_sw_enabled(const struct vlapic *vl);

#endif
