/*
 * The shared_info page's time fields. They are valid from the moment the
 * guest maps the page: system time now, the TSC it corresponds to, and
 * the TSC-to-nanoseconds scale, in Xen's pvclock format.
 */
#include <lares/domain.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <public/xen.h>

void shared_info_update_time(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    u32 mul, wc_nsec;
    s8 shift;
    u64 wc_sec;

    mul = tsc_to_ns.mul;
    shift = tsc_to_ns.shift;
    for (unsigned i = 0; i < d->max_vcpus && i < XEN_LEGACY_MAX_VCPUS; i++) {
        struct vcpu_time_info *t = &s->vcpu_info[i].time;

        /* Odd version: an update is in progress (the guest retries). */
        __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
        t->tsc_timestamp = rdtsc();
        t->system_time = (u64)NOW();
        t->tsc_to_system_mul = mul;
        t->tsc_shift = shift;
        t->flags = 0;
        __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
    }
    wallclock_at_boot(&wc_sec, &wc_nsec);
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELEASE);
    s->wc_sec = (u32)wc_sec;
    s->wc_sec_hi = (u32)(wc_sec >> 32);
    s->wc_nsec = wc_nsec;
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_RELEASE);
}
