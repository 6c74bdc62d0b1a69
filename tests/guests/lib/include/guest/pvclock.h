/*
 * Reading Xen's per-vCPU time (struct vcpu_time_info, public/xen.h).
 * pvclock_scale() is pure and unit-tested on the host.
 */
#ifndef GUEST_PVCLOCK_H
#define GUEST_PVCLOCK_H

#include <lares/types.h>
#include <public/xen.h>

/* ns = (delta shifted by `shift`) * mul / 2^32, as Xen and Linux compute it. */
static inline u64 pvclock_scale(u64 delta, u32 mul, s8 shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (u64)(((unsigned __int128)delta * mul) >> 32);
}

/* TSC frequency in kHz that (mul, shift) describe (0 if mul is 0). */
static inline u64 pvclock_tsc_khz(u32 mul, s8 shift)
{
    u64 khz;

    if (!mul)
        return 0;
    khz = (1000000ull << 32) / mul;
    return shift < 0 ? khz << -shift : khz >> shift;
}

/* Consistent copy of *t (retrying while the hypervisor updates it).
 * Returns false if the version stayed odd for max_tries reads. */
bool pvclock_snapshot(const volatile struct vcpu_time_info *t, struct vcpu_time_info *snap,
                      unsigned long max_tries);

/* System time (ns) at TSC value tsc, from a snapshot. */
static inline u64 pvclock_ns(const struct vcpu_time_info *snap, u64 tsc)
{
    return snap->system_time +
           pvclock_scale(tsc - snap->tsc_timestamp, snap->tsc_to_system_mul, snap->tsc_shift);
}

#endif
