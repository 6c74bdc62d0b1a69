/* Consistent reads of vcpu_time_info (guest/pvclock.h). */
#include <guest.h>
#include <guest/pvclock.h>

static inline void read_barrier(void)
{
    __asm__ __volatile__("lfence" ::: "memory");
}

bool pvclock_snapshot(const volatile struct vcpu_time_info *t, struct vcpu_time_info *snap,
                      unsigned long max_tries)
{
    for (unsigned long i = 0; i < max_tries; i++) {
        u32 version = t->version;

        read_barrier();
        snap->version = version;
        snap->tsc_timestamp = t->tsc_timestamp;
        snap->system_time = t->system_time;
        snap->tsc_to_system_mul = t->tsc_to_system_mul;
        snap->tsc_shift = t->tsc_shift;
        snap->flags = t->flags;
        read_barrier();
        if (!(version & 1) && version == t->version)
            return true;
    }
    return false;
}
