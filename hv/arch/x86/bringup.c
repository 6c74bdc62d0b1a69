/*
 * FIXME(svm): TEMPORARY bring-up shims until the platform branch lands.
 * The symbols are weak so the real ones replace them when merged, and
 * then this file goes away:
 * - the legacy PICs are masked (their IRQ 0 would arrive on vector 8);
 * - the TSC is calibrated against PIT channel 2 for 10 ms, and the wall
 *   clock read once from the CMOS RTC.
 */
#include <lares/bootinfo.h>
#include <lares/compiler.h>
#include <lares/console.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <asm/io.h>

static u64 tsc_hz, tsc_at_boot, wall_sec_at_boot;
static u32 scale_mul;
static s8 scale_shift;

static u64 calibrate_tsc(void)
{
    const u16 count = 11932; /* 10 ms of the 1.193182 MHz PIT */
    u64 t0, t1;

    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(0x43, 0xb0);                       /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        ;
    t1 = rdtsc();
    return (t1 - t0) * 100;
}

static u8 cmos(u8 reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned bcd(u8 v, bool binary)
{
    return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

static u64 days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (u64)(era * 146097 + (int)doe - 719468);
}

static u64 read_rtc(void)
{
    u8 b;
    unsigned s, mi, h, d, mo, y;
    bool bin;

    while (cmos(0x0a) & 0x80)
        ; /* update in progress */
    b = cmos(0x0b);
    bin = b & 0x04;
    s = bcd(cmos(0x00), bin);
    mi = bcd(cmos(0x02), bin);
    h = bcd(cmos(0x04) & 0x7f, bin);
    if (!(b & 0x02) && (cmos(0x04) & 0x80))
        h = (h % 12) + 12;
    d = bcd(cmos(0x07), bin);
    mo = bcd(cmos(0x08), bin);
    y = bcd(cmos(0x09), bin);
    y += y < 70 ? 2000 : 1900;
    return days_from_civil((int)y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

void bringup_init(const struct boot_info *bi);
__weak void bringup_init(const struct boot_info *bi)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    tsc_hz = calibrate_tsc();
    tsc_at_boot = rdtsc();
    wall_sec_at_boot = read_rtc();
    /* ns = (ticks << shift) * mul >> 32: pick shift so that mul fits 32 bits. */
    scale_shift = 0;
    {
        u64 m = (1000000000ull << 32) / tsc_hz;

        while (m >= (1ull << 32)) {
            m >>= 1;
            scale_shift++;
        }
        while (m < (1ull << 31) && scale_shift > -31) {
            m <<= 1;
            scale_shift--;
        }
        scale_mul = (u32)m;
    }
    printk("bring-up: TSC %llu kHz (PIT), wall clock %llu s\n",
           (unsigned long long)(tsc_hz / 1000), (unsigned long long)wall_sec_at_boot);
}

__weak s_time_t NOW(void)
{
    u64 d = rdtsc() - tsc_at_boot;

    if (!tsc_hz)
        return 0;
    d = scale_shift >= 0 ? d << scale_shift : d >> -scale_shift;
    return (s_time_t)(((unsigned __int128)d * scale_mul) >> 32);
}

__weak void time_tsc_scale(u32 *mul, s8 *shift)
{
    *mul = scale_mul;
    *shift = scale_shift;
}

__weak u32 time_tsc_khz(void)
{
    return (u32)(tsc_hz / 1000);
}

__weak void time_wallclock_at_boot(u64 *sec, u32 *nsec)
{
    *sec = wall_sec_at_boot;
    *nsec = 0;
}
