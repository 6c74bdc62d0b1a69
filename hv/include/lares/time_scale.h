/*
 * Converting tick counts between clocks with a 32.32 fixed-point
 * multiplier and a binary shift: the format Xen gives guests in
 * vcpu_time_info (tsc_to_system_mul, tsc_shift), so one scale computed
 * here serves both the hypervisor's NOW() and guests' system time.
 *
 *   out = ((shift >= 0 ? delta << shift : delta >> -shift) * mul) >> 32
 *
 * mul is normalised (top bit set) so the scale keeps 31-32 significant
 * bits: the conversion error is below 2^-31 of the value, plus one unit.
 * Pure code, unit-tested on the host.
 */
#ifndef LARES_TIME_SCALE_H
#define LARES_TIME_SCALE_H

#include <lares/types.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* Largest frequency a scale may be built from or to (1 THz). */
#define TIME_SCALE_MAX_HZ (1ULL << 40)

struct time_scale {
    u32 mul;
    s8 shift;
};

/*
 * Scale converting ticks of a from_hz clock into ticks of a to_hz clock
 * (e.g. TSC ticks to nanoseconds: from_hz = TSC frequency, to_hz = 10^9).
 * Returns 0, or -EINVAL if either frequency is 0 or above TIME_SCALE_MAX_HZ.
 */
int time_scale_init(struct time_scale *s, u64 from_hz, u64 to_hz);

static inline u64 time_scale_apply(const struct time_scale *s, u64 delta)
{
    if (s->shift < 0)
        delta >>= -s->shift;
    else
        delta <<= s->shift;
    return (u64)(((unsigned __int128)delta * s->mul) >> 32);
}

/*
 * a * b / c without intermediate overflow (128-bit product). The result
 * saturates at UINT64_MAX if it does not fit; c == 0 also gives UINT64_MAX.
 */
u64 mul_div_u64(u64 a, u64 b, u64 c);

#endif
