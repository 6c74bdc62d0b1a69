/*
 * What domains need from the platform's time keeping: system time in
 * nanoseconds since boot (NOW()), the TSC-to-nanoseconds scale in Xen's
 * pvclock form (ns = ((tsc_delta << shift) * mul) >> 32, a negative shift
 * shifts right), the TSC frequency, and the wall-clock time at boot.
 */
#ifndef LARES_TIME_H
#define LARES_TIME_H

#include <lares/types.h>

s_time_t NOW(void);
void time_tsc_scale(u32 *mul, s8 *shift);
u32 time_tsc_khz(void);
/* Wall-clock time (seconds and nanoseconds since 1970) when system time was 0. */
void time_wallclock_at_boot(u64 *sec, u32 *nsec);

#endif
