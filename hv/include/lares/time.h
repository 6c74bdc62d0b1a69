/*
 * System time: nanoseconds since boot (NOW()), and the TSC-to-nanoseconds
 * scale in Xen's pvclock form: ns = ((tsc_delta << shift) * mul) >> 32
 * (a negative shift shifts right).
 */
#ifndef LARES_TIME_H
#define LARES_TIME_H

#include <lares/types.h>

s_time_t NOW(void);
void time_tsc_scale(u32 *mul, s8 *shift);

#endif
