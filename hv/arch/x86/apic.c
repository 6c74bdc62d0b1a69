/*
 * Local APIC driver (see asm/apic.h). Register offsets are the xAPIC MMIO
 * ones; in x2APIC mode the same register is MSR 0x800 + offset / 16.
 */
#include <lares/console.h>
#include <lares/firmware.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/param.h>
#include <lares/string.h>
#include <lares/time.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/platform.h>

#define APIC_ID 0x020
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310 /* xAPIC: destination in bits 24-31 */
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_LEVEL (1u << 15)
#define APIC_LVT_ACTIVE_LOW (1u << 13)
#define APIC_LVT_TIMER_DEADLINE (2u << 17)
#define APIC_ICR_BUSY (1u << 12)
#define APIC_ICR_ASSERT (1u << 14)
#define APIC_DEST_ALL_BUT_SELF (3u << 18)
#define APIC_TDCR_DIV_1 0xb

#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10)
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_ADDR 0x000ffffffffff000ULL

#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* MPS INTI flags (polarity bits 0-1, trigger bits 2-3): 3 = active low / level */
#define INTI_POLARITY_LOW 0x3
#define INTI_TRIGGER_LEVEL 0xc

static bool opt_x2apic = true;
boolean_param("x2apic", opt_x2apic);

static char opt_lapic_timer[16] = "auto";
string_param("lapic_timer", opt_lapic_timer);

static bool x2apic;
static bool tsc_deadline;
static volatile u32 *xapic_mmio;
u64 apic_timer_hz;
static struct time_scale ns_to_apic;

static u32 apic_read(u32 reg)
{
    if (x2apic)
        return (u32)rdmsr(0x800 + (reg >> 4));
    return xapic_mmio[reg / 4];
}

static void apic_write(u32 reg, u32 v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        xapic_mmio[reg / 4] = v;
}

bool apic_x2apic_mode(void)
{
    return x2apic;
}

u32 apic_id(void)
{
    return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

static void xapic_wait_idle(void)
{
    /* Bounded: a stuck delivery must not hang the sender forever. */
    for (unsigned i = 0; i < 1000000 && (apic_read(APIC_ICR) & APIC_ICR_BUSY); i++)
        cpu_relax();
}

static void send_icr(u32 dest, u32 low)
{
    unsigned long flags = local_irq_save();

    if (x2apic) {
        /* One 64-bit write; x2APIC has no delivery-status bit to wait for. */
        __asm__ __volatile__("mfence" ::: "memory"); /* x2APIC MSR writes are not serialising */
        wrmsr(0x800 + (APIC_ICR >> 4), (u64)dest << 32 | low);
    } else {
        xapic_wait_idle();
        apic_write(APIC_ICR2, dest << 24);
        apic_write(APIC_ICR, low);
        xapic_wait_idle();
    }
    local_irq_restore(flags);
}

static u32 icr_low(u32 mode, u8 vector)
{
    u32 low = mode | APIC_ICR_ASSERT;

    if (mode == APIC_DM_FIXED || mode == APIC_DM_SIPI)
        low |= vector;
    return low;
}

void apic_send_ipi(u32 dest_apic_id, u32 mode, u8 vector)
{
    send_icr(dest_apic_id, icr_low(mode, vector));
}

void apic_send_ipi_all_but_self(u32 mode, u8 vector)
{
    send_icr(0, icr_low(mode, vector) | APIC_DEST_ALL_BUT_SELF);
}

/*
 * The 8259 PICs stay in the machine but are not used: move their vectors
 * off the exception range (the BIOS leaves IRQ 0 on vector 8, #DF) and
 * mask every line.
 */
static void mask_8259_pics(void)
{
    outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
    outb(0xa0, 0x11);
    outb(0x21, LEGACY_PIC_VECTOR_BASE);
    outb(0xa1, LEGACY_PIC_VECTOR_BASE + 8);
    outb(0x21, 0x04); /* master: slave on IRQ 2 */
    outb(0xa1, 0x02); /* slave: cascade identity */
    outb(0x21, 0x01); /* 8086 mode */
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static void apic_error_interrupt(struct cpu_user_regs *regs)
{
    u32 esr;

    apic_write(APIC_ESR, 0); /* latch the current errors into the register */
    esr = apic_read(APIC_ESR);
    apic_eoi();
    pr_warn("CPU%u: local APIC error, ESR %#x\n", smp_processor_id(), esr);
}

static void apic_spurious_interrupt(struct cpu_user_regs *regs)
{
    /* No EOI for the spurious vector, and nothing to do. */
}

/* LINT1 (or LINT0) carries NMI where the firmware says so; everything else is masked. */
static void setup_lvts(void)
{
    u8 nmi_lint = 1;
    u16 nmi_flags = 0;
    u32 nmi_lvt;

    if (platform)
        fw_lapic_nmi_for(platform, apic_id(), &nmi_lint, &nmi_flags);
    nmi_lvt = APIC_DM_NMI;
    if ((nmi_flags & 3) == INTI_POLARITY_LOW)
        nmi_lvt |= APIC_LVT_ACTIVE_LOW;
    apic_write(APIC_LVT0, nmi_lint == 0 ? nmi_lvt : APIC_LVT_MASKED);
    apic_write(APIC_LVT1, nmi_lint == 1 ? nmi_lvt : APIC_LVT_MASKED);
    apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
    apic_write(APIC_LVTPC, APIC_LVT_MASKED);
    apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
}

/* The timer's mode is set once; arming it is then a single register write. */
static void timer_lvt_setup(void)
{
    apic_write(APIC_TMICT, 0);
    apic_write(APIC_LVTT, (tsc_deadline ? APIC_LVT_TIMER_DEADLINE : 0) | LOCAL_TIMER_VECTOR);
    if (tsc_deadline)
        wrmsr(MSR_IA32_TSC_DEADLINE, 0);
}

static void apic_setup_this_cpu(void)
{
    u64 base = rdmsr(MSR_IA32_APIC_BASE);

    /* x2APIC mode may only be entered from enabled xAPIC mode: two steps. */
    base |= APIC_BASE_ENABLE;
    wrmsr(MSR_IA32_APIC_BASE, base);
    if (x2apic)
        wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
    setup_lvts();
    apic_write(APIC_ESR, 0); /* clear stale errors (the write latches, a second clears) */
    apic_write(APIC_ESR, 0);
    apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
    timer_lvt_setup();
    this_cpu()->apic_id = apic_id();
}

void apic_init_boot(void)
{
    struct cpuid_regs r;
    u64 base = rdmsr(MSR_IA32_APIC_BASE);

    cpuid(1, &r);
    x2apic = opt_x2apic && (r.ecx & CPUID1_ECX_X2APIC);
    if ((base & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) == (APIC_BASE_ENABLE | APIC_BASE_EXTD)) {
        /* Leaving x2APIC mode would need a full APIC reset: stay in it. */
        if (!x2apic)
            pr_warn("APIC: the firmware left x2APIC mode on; staying in it\n");
        x2apic = true;
    }
    tsc_deadline = (r.ecx & CPUID1_ECX_TSC_DEADLINE) && strcmp(opt_lapic_timer, "oneshot");
    if (!strcmp(opt_lapic_timer, "deadline") && !tsc_deadline)
        pr_warn("lapic_timer=deadline: this CPU has no TSC-deadline timer; using one-shot\n");

    if (platform && platform->pcat_compat)
        mask_8259_pics();
    if (!x2apic) {
        paddr_t pa = base & APIC_BASE_ADDR;

        if (!(base & APIC_BASE_ENABLE) && platform)
            pa = platform->lapic_addr;
        xapic_mmio = ioremap(pa, PAGE_SIZE);
        if (!xapic_mmio)
            panic("Cannot map the local APIC at %#llx\n", (unsigned long long)pa);
    }
    if (set_irq_handler(ERROR_APIC_VECTOR, apic_error_interrupt) ||
        set_irq_handler(SPURIOUS_APIC_VECTOR, apic_spurious_interrupt))
        panic("Local APIC vectors already taken\n");
    apic_setup_this_cpu();
    printk("APIC: %s mode, boot CPU APIC id %u, timer in %s mode\n", x2apic ? "x2APIC" : "xAPIC",
           apic_id(), tsc_deadline ? "TSC-deadline" : "one-shot");
}

void apic_init_secondary(void)
{
    apic_setup_this_cpu();
}

bool apic_timer_tsc_deadline(void)
{
    return tsc_deadline;
}

void apic_timer_calibrate(u64 hz_tsc)
{
    u64 t0, t1, window = hz_tsc / 200; /* 5 ms, timed with the TSC (cheap to poll) */
    u32 left;

    apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_TDCR, APIC_TDCR_DIV_1);
    t0 = rdtsc();
    apic_write(APIC_TMICT, 0xffffffffu);
    while ((t1 = rdtsc()) - t0 < window)
        cpu_relax();
    left = apic_read(APIC_TMCCT);
    t1 = rdtsc();
    timer_lvt_setup();
    apic_timer_hz = mul_div_u64(0xffffffffu - left, hz_tsc, t1 - t0);
    if (!apic_timer_hz || time_scale_init(&ns_to_apic, NSEC_PER_SEC, apic_timer_hz))
        panic("The local APIC timer does not count (measured %llu Hz)\n",
              (unsigned long long)apic_timer_hz);
}

void apic_timer_arm(s64 deadline_ns)
{
    if (tsc_deadline) {
        /* A deadline already passed fires at once (0 would disarm instead). */
        wrmsr(MSR_IA32_TSC_DEADLINE, stime_to_tsc(deadline_ns > 0 ? deadline_ns : 1));
    } else {
        s64 delta = deadline_ns - NOW();
        u64 ticks = delta > 0 ? time_scale_apply(&ns_to_apic, (u64)delta) : 1;

        apic_write(APIC_TMICT, ticks > 0xffffffffu ? 0xffffffffu : ticks ? (u32)ticks : 1);
    }
}

void apic_timer_stop(void)
{
    if (tsc_deadline)
        wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    else
        apic_write(APIC_TMICT, 0);
}
