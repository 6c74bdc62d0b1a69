/*
 * System time: nanoseconds since Lares started, from the TSC. The TSC is
 * calibrated once at boot (against the HPET, else the PIT) and is assumed
 * to run at a constant rate, in step on all CPUs (true for the invariant
 * TSC of current CPUs and under QEMU).
 *
 *   NOW() = scale(rdtsc() - tsc_at_boot)   with the scale in Xen's
 *                                          vcpu_time_info format
 *
 * The wall clock (CMOS RTC, read once at boot) is kept as the time of
 * day at system time 0, which is what Xen's shared_info wc_sec/wc_nsec
 * hold.
 */
#ifndef LARES_TIME_H
#define LARES_TIME_H

#include <lares/time_scale.h>
#include <lares/types.h>

#define STIME_MAX ((s_time_t)INT64_MAX)

#define MILLISECS(ms) ((s_time_t)(ms)*1000000LL)
#define MICROSECS(us) ((s_time_t)(us)*1000LL)
#define SECONDS(s) ((s_time_t)(s)*1000000000LL)

extern u64 tsc_hz;                  /* calibrated TSC frequency */
extern u64 tsc_at_boot;             /* TSC value at system time 0 */
extern struct time_scale tsc_to_ns; /* TSC ticks -> ns (vcpu_time_info format) */
extern struct time_scale ns_to_tsc; /* ns -> TSC ticks */

/* Remember the TSC at entry: system time 0. First thing start_lares() does. */
void time_mark_boot(void);

/* Calibrate the TSC and the LAPIC timer, read the RTC; prints the "TSC:" line. */
void time_init(void);

/* True once NOW() is meaningful. */
bool time_ready(void);

/* System time in ns (0 before time_init). */
s_time_t NOW(void);

/* The TSC value at system time t. */
u64 stime_to_tsc(s_time_t t);

/* Busy-wait (TSC-based; needs time_init). */
void udelay(u64 us);

/* Wall-clock time (Unix epoch) at system time 0; 0/0 if the RTC was unreadable. */
void wallclock_at_boot(u64 *sec, u32 *nsec);

#endif
