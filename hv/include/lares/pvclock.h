/*
 * Guest time records in Xen's pvclock format (struct vcpu_time_info) and
 * the rule of Xen's periodic vCPU timer. Pure code, host-tested.
 *
 * A guest reads a record as
 *     ns = system_time + scale(TSC - tsc_timestamp)
 * with scale() = time_scale_apply() of (tsc_to_system_mul, tsc_shift).
 * Because scale() rounds down, scale(a) + scale(b) <= scale(a + b): a
 * record anchored at some time T after boot gives the guest a clock up to
 * a few ns behind the hypervisor's NOW() = scale(TSC - tsc_at_boot), and a
 * timer set for guest time D, fired at NOW() >= D, could look early to the
 * guest. Anchored at boot (system_time 0, tsc_timestamp = the guest's TSC
 * at boot) the two are the same computation and agree exactly.
 */
#ifndef LARES_PVCLOCK_H
#define LARES_PVCLOCK_H

#include <lares/time_scale.h>
#include <lares/types.h>
#include <public/xen.h>

/*
 * Write a record: version odd, the fields, version even again (each
 * version store ordered after/before the field stores), so that a reader
 * retrying while the version is odd or changed never sees a mix.
 */
void pvclock_write(struct vcpu_time_info *t, u64 tsc_timestamp, u64 system_time,
                   const struct time_scale *scale, u8 flags);

/* What a guest computes from a (consistent) record at TSC value @tsc. */
u64 pvclock_read(const struct vcpu_time_info *t, u64 tsc);

/*
 * Xen's periodic timer, evaluated at @now (when it fires, or when it is
 * set): a tick is due once @period has passed since the last one (at once
 * the first time: @last starts at 0). If due, *fire is set and *last
 * becomes @now. Returns when to evaluate it next.
 */
s64 periodic_timer_next(s64 *last, s64 period, s64 now, bool *fire);

#endif
