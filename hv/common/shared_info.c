/*
 * Guest time in shared memory: each vCPU's vcpu_time_info (pvclock) and
 * the domain's wall clock, in Xen's formats and update protocol (version
 * odd while the fields change).
 *
 * System time is the hypervisor's NOW(): scale(TSC - tsc_at_boot) with the
 * calibrated TSC scale (lares/time.h). Every vcpu_time_info says exactly
 * that, anchored at system time 0: tsc_timestamp = the guest-visible TSC
 * at boot (host TSC at boot + the vCPU's TSC offset), system_time = 0, and
 * the same multiplier and shift. The guest's pvclock formula then gives
 * NOW() bit for bit, with the same rounding: the same on every vCPU, never
 * behind the hypervisor's timers (a timer for time T fires at NOW() >= T,
 * and the guest reads the same value), and monotonic across vCPUs and
 * across being scheduled out or moved between CPUs, as long as the host's
 * TSCs run in step (the platform code assumes so; PVCLOCK_TSC_STABLE_BIT is
 * set only when the CPU also says its TSC is invariant).
 *
 * The fields are written when the domain is created, when the guest maps
 * shared_info, when a vCPU registers a vcpu_info, when a vCPU sets its TSC,
 * and again whenever a vCPU is scheduled in more than a second after the
 * last write (a periodic refresh; the values only change with the TSC
 * offset, but guests see a live version counter).
 */
#include <lares/domain.h>
#include <lares/event.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <public/xen.h>

#define REFRESH_NS SECONDS(1)
#define CPUID_APM_FEATURES 0x80000007
#define APM_EDX_INVARIANT_TSC (1u << 8)

static bool host_tsc_invariant(void)
{
    static int known = -1;
    struct cpuid_regs r;

    if (known < 0) {
        cpuid(0x80000000, &r);
        if (r.eax >= CPUID_APM_FEATURES) {
            cpuid(CPUID_APM_FEATURES, &r);
            known = !!(r.edx & APM_EDX_INVARIANT_TSC);
        } else {
            known = 0;
        }
    }
    return known;
}

static void write_time(struct vcpu_time_info *t, const struct vcpu *v, u8 flags)
{
    u32 version = READ_ONCE(t->version);

    /* Odd while the fields change: the guest retries. */
    __atomic_store_n(&t->version, (version + 1) | 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->tsc_timestamp = tsc_at_boot + v->hvm.tsc_offset;
    t->system_time = 0;
    t->tsc_to_system_mul = tsc_to_ns.mul;
    t->tsc_shift = tsc_to_ns.shift;
    t->flags = flags;
    __atomic_store_n(&t->version, ((version + 1) | 1) + 1, __ATOMIC_RELEASE);
}

void vcpu_time_publish(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct shared_info *sh = d->shared_info;
    u8 flags = 0;

    if (host_tsc_invariant() && !READ_ONCE(d->events.tsc_written))
        flags |= XEN_PVCLOCK_TSC_STABLE_BIT;
    /* The shared_info slot stays valid after a move: Linux reads vCPU 0's for the TSC rate. */
    write_time(&sh->vcpu_info[v->vcpu_id].time, v, flags);
    if (v->events.vcpu_info != &sh->vcpu_info[v->vcpu_id])
        write_time(&v->events.vcpu_info->time, v, flags);
    v->events.time_published = NOW();
}

void vcpu_time_refresh(struct vcpu *v)
{
    if (NOW() - v->events.time_published >= REFRESH_NS)
        vcpu_time_publish(v);
}

void vcpu_tsc_changed(struct vcpu *v)
{
    struct domain *d = v->domain;

    WRITE_ONCE(d->events.tsc_written, true);
    /* The other vCPUs lose the stable flag too. */
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_time_publish(d->vcpu[i]);
}

static void publish_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    u32 version = READ_ONCE(s->wc_version), wc_nsec;
    u64 wc_sec;

    wallclock_at_boot(&wc_sec, &wc_nsec);
    __atomic_store_n(&s->wc_version, (version + 1) | 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    s->wc_sec = (u32)wc_sec;
    s->wc_sec_hi = (u32)(wc_sec >> 32);
    s->wc_nsec = wc_nsec;
    __atomic_store_n(&s->wc_version, ((version + 1) | 1) + 1, __ATOMIC_RELEASE);
}

void shared_info_update_time(struct domain *d)
{
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_time_publish(d->vcpu[i]);
    publish_wallclock(d);
}
