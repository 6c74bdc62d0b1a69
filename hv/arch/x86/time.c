/*
 * System time (lares/time.h): TSC calibration, NOW(), the LAPIC timer's
 * rate, and the wall clock from the RTC.
 */
#include <lares/console.h>
#include <lares/param.h>
#include <lares/shutdown.h>
#include <lares/string.h>
#include <lares/time.h>
#include <asm/apic.h>
#include <asm/calibrate.h>
#include <asm/cpu.h>
#include <asm/platform.h>
#include <asm/rtc.h>

#define CALIBRATION_WINDOW_NS MILLISECS(10)

/* calibrate=pit skips the HPET (to test the fallback, or for a broken HPET). */
static char opt_calibrate[8] = "auto";
string_param("calibrate", opt_calibrate);

u64 tsc_hz;
u64 tsc_at_boot;
struct time_scale tsc_to_ns;
struct time_scale ns_to_tsc;
static bool ready;
static u64 wc_boot_ns; /* Unix time in ns at system time 0 */

void time_mark_boot(void)
{
    tsc_at_boot = rdtsc();
}

bool time_ready(void)
{
    return ready;
}

s_time_t NOW(void)
{
    if (!ready)
        return 0;
    return (s_time_t)time_scale_apply(&tsc_to_ns, rdtsc() - tsc_at_boot);
}

s64 console_timestamp_ns(void)
{
    return NOW();
}

u64 stime_to_tsc(s_time_t t)
{
    return tsc_at_boot + time_scale_apply(&ns_to_tsc, t > 0 ? (u64)t : 0);
}

void udelay(u64 us)
{
    u64 start = rdtsc(), ticks = mul_div_u64(us, tsc_hz, 1000000);

    while (rdtsc() - start < ticks)
        cpu_relax();
}

static const char *calibrate_tsc(void)
{
    if (strcmp(opt_calibrate, "pit") && acpi_info.has_hpet && acpi_info.hpet.space_id == 0) {
        tsc_hz = tsc_calibrate_hpet(acpi_info.hpet.address, CALIBRATION_WINDOW_NS);
        if (tsc_hz)
            return "HPET";
    }
    tsc_hz = tsc_calibrate_pit(CALIBRATION_WINDOW_NS);
    return tsc_hz ? "PIT" : NULL;
}

static void read_wallclock(void)
{
    struct rtc_time t;

    if (rtc_read(acpi_info.rtc_century, &t)) {
        pr_warn("RTC: unreadable or invalid date; wall clock starts at 1970-01-01\n");
        return;
    }
    wc_boot_ns = (u64)rtc_to_unix(&t) * NSEC_PER_SEC - (u64)NOW();
    printk("RTC: %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.mon, t.mday, t.hour, t.min, t.sec);
}

void wallclock_at_boot(u64 *sec, u32 *nsec)
{
    *sec = wc_boot_ns / NSEC_PER_SEC;
    *nsec = (u32)(wc_boot_ns % NSEC_PER_SEC);
}

void time_init(void)
{
    const char *ref = calibrate_tsc();

    if (!ref)
        panic("Cannot calibrate the TSC: no usable HPET or PIT\n");
    if (time_scale_init(&tsc_to_ns, tsc_hz, NSEC_PER_SEC) ||
        time_scale_init(&ns_to_tsc, NSEC_PER_SEC, tsc_hz))
        panic("Implausible TSC frequency %llu Hz\n", (unsigned long long)tsc_hz);
    ready = true;
    printk("TSC: %llu.%llu MHz (calibrated against %s)\n", (unsigned long long)tsc_hz / 1000000,
           (unsigned long long)(tsc_hz / 100000) % 10, ref);

    apic_timer_calibrate(tsc_hz);
    printk("APIC timer: %llu.%llu MHz\n", (unsigned long long)apic_timer_hz / 1000000,
           (unsigned long long)(apic_timer_hz / 100000) % 10);
    read_wallclock();
}
