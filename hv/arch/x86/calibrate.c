/*
 * TSC calibration (asm/calibrate.h). Each method counts TSC ticks across a
 * window measured by the reference clock. Reads of the reference are
 * bracketed by two TSC reads and the midpoint is used, so the cost of a
 * (possibly emulated, slow) device access does not bias the result.
 *
 * The window is short: under QEMU -icount every poll of an emulated device
 * is expensive, so a 10 ms window already takes about a second there.
 */
#include <lares/console.h>
#include <lares/mm.h>
#include <lares/time_scale.h>
#include <asm/calibrate.h>
#include <asm/cpu.h>
#include <asm/io.h>

#define HPET_CAPS 0x000
#define HPET_CONFIG 0x010
#define HPET_COUNTER 0x0f0
#define HPET_CFG_ENABLE (1u << 0)
#define HPET_MAX_PERIOD_FS 100000000ULL /* the spec's bound: at least 10 MHz */
#define FS_PER_NS 1000000ULL
#define FS_PER_SEC 1000000000000000ULL

#define PIT_HZ 1193182ULL
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE_PORT 0x61
#define PIT_GATE 0x01 /* channel 2 gate */
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20 /* channel 2 output, readable at port 0x61 */

static volatile u32 *hpet;

static u32 hpet_read_stamped(u64 *tsc)
{
    u64 before = rdtsc();
    u32 v = hpet[HPET_COUNTER / 4];
    u64 after = rdtsc();

    *tsc = before + (after - before) / 2;
    return v;
}

u64 tsc_calibrate_hpet(u64 hpet_pa, u64 window_ns)
{
    u64 period_fs, target, t0, t1;
    u32 h0, h1;

    if (!hpet)
        hpet = ioremap(hpet_pa, 1024);
    if (!hpet)
        return 0;
    period_fs = hpet[HPET_CAPS / 4 + 1]; /* upper half of the capabilities register */
    if (!period_fs || period_fs > HPET_MAX_PERIOD_FS) {
        pr_warn("HPET at %#llx reports a counter period of %llu fs; not using it\n",
                (unsigned long long)hpet_pa, (unsigned long long)period_fs);
        return 0;
    }
    if (!(hpet[HPET_CONFIG / 4] & HPET_CFG_ENABLE))
        hpet[HPET_CONFIG / 4] |= HPET_CFG_ENABLE;

    /* The low 32 bits suffice: the window is far shorter than their wrap. */
    target = window_ns * FS_PER_NS / period_fs;
    h0 = hpet_read_stamped(&t0);
    do {
        h1 = hpet_read_stamped(&t1);
        if (h1 == h0 && t1 - t0 > (1ULL << 34)) {
            pr_warn("HPET counter does not advance; not using it\n");
            return 0;
        }
    } while ((u32)(h1 - h0) < target);

    return mul_div_u64(t1 - t0, FS_PER_SEC, (u64)(u32)(h1 - h0) * period_fs);
}

u64 tsc_calibrate_pit(u64 window_ns)
{
    u64 latch = PIT_HZ * window_ns / NSEC_PER_SEC, t0, t1;
    u8 gate = inb(PIT_GATE_PORT);

    if (latch < 1 || latch > 0xffff)
        return 0;
    /* Gate low while loading, speaker off; mode 0 counts down once, then raises OUT2. */
    outb(PIT_GATE_PORT, gate & ~(PIT_GATE | PIT_SPEAKER));
    outb(PIT_MODE, 0xb0); /* channel 2, low then high byte, mode 0, binary */
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    outb(PIT_GATE_PORT, (gate & ~PIT_SPEAKER) | PIT_GATE);
    t0 = rdtsc();
    do {
        t1 = rdtsc();
        if (t1 - t0 > (1ULL << 36)) {
            outb(PIT_GATE_PORT, gate);
            pr_warn("PIT channel 2 never finished counting\n");
            return 0;
        }
    } while (!(inb(PIT_GATE_PORT) & PIT_OUT2));
    outb(PIT_GATE_PORT, gate);
    return mul_div_u64(t1 - t0, PIT_HZ, latch);
}
