/* pvclock records and the periodic-timer rule (see <lares/pvclock.h>). */
#include <lares/pvclock.h>

void pvclock_write(struct vcpu_time_info *t, u64 tsc_timestamp, u64 system_time,
                   const struct time_scale *scale, u8 flags)
{
    u32 odd = (__atomic_load_n(&t->version, __ATOMIC_RELAXED) + 1) | 1;

    __atomic_store_n(&t->version, odd, __ATOMIC_RELAXED);
    /* The odd version is visible before any field changes ... */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->tsc_timestamp = tsc_timestamp;
    t->system_time = system_time;
    t->tsc_to_system_mul = scale->mul;
    t->tsc_shift = scale->shift;
    t->flags = flags;
    /* ... and the even one only after all of them. */
    __atomic_store_n(&t->version, odd + 1, __ATOMIC_RELEASE);
}

u64 pvclock_read(const struct vcpu_time_info *t, u64 tsc)
{
    struct time_scale s = {.mul = t->tsc_to_system_mul, .shift = t->tsc_shift};

    return t->system_time + time_scale_apply(&s, tsc - t->tsc_timestamp);
}

s64 periodic_timer_next(s64 *last, s64 period, s64 now, bool *fire)
{
    s64 next = *last + period;

    *fire = now >= next;
    if (*fire) {
        *last = now; /* the next tick counts from this one, late or not */
        next = now + period;
    }
    return next;
}
