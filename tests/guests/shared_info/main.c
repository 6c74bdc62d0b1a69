/*
 * shared_info: map the shared_info page and read time from it.
 *
 * The hypervisor must: map the domain's shared_info at the GFN given to
 * XENMEM_add_to_physmap(XENMAPSPACE_shared_info); keep vcpu_info[0].time
 * valid from then on (even version, non-zero tsc_to_system_mul, a
 * tsc_timestamp in the guest's TSC domain, so that the pvclock formula
 * gives a system time that never goes backwards and advances with RDTSC);
 * and publish a plausible wall clock (wc_sec/wc_nsec, year >= 2024).
 */
#include <guest.h>
#include <guest/pvclock.h>
#include <public/memory.h>

const char test_title[] = "shared_info: mapping, pvclock, wall clock";

#define MAX_TRIES 1000000
#define SAMPLES 1000
#define YEAR_2024 1704067200ull /* 2024-01-01T00:00:00Z */
#define YEAR_2100 4102444800ull

static u8 shared_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(s64 z, int *y, unsigned int *m, unsigned int *d)
{
    z += 719468;
    s64 era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned int doe = (unsigned int)(z - era * 146097);
    unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned int mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

static bool map_shared_info(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (u64)shared_page >> XEN_PAGE_SHIFT,
    };
    long rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);

    return check(rc == 0, "XENMEM_add_to_physmap(shared_info): rc %ld", rc);
}

static void check_time(const struct shared_info *s)
{
    const volatile struct vcpu_time_info *t = &s->vcpu_info[0].time;
    struct vcpu_time_info snap;
    u64 khz, prev = 0, first, tsc;

    if (!check(pvclock_snapshot(t, &snap, MAX_TRIES), "vcpu_time_info.version stays odd"))
        return;
    khz = pvclock_tsc_khz(snap.tsc_to_system_mul, snap.tsc_shift);
    printk("  time: version %u, system_time %lu ns, mul %#x, shift %d, flags %#x (%lu kHz)\n",
           snap.version, snap.system_time, snap.tsc_to_system_mul, snap.tsc_shift, snap.flags, khz);
    if (!check(snap.tsc_to_system_mul != 0, "tsc_to_system_mul is 0"))
        return;
    check(khz >= 1000 && khz <= 100000000, "implied TSC frequency %lu kHz is implausible", khz);

    /* tsc_timestamp must be in the guest's TSC domain: never ahead of it. */
    tsc = rdtsc();
    check((s64)(tsc - snap.tsc_timestamp) >= 0, "tsc_timestamp %#lx is ahead of RDTSC %#lx",
          snap.tsc_timestamp, tsc);

    first = 0;
    for (unsigned int i = 0; i < SAMPLES; i++) {
        u64 now;

        if (!pvclock_snapshot(t, &snap, MAX_TRIES)) {
            test_failure("vcpu_time_info.version stays odd");
            return;
        }
        now = pvclock_ns(&snap, rdtsc());
        if (!check(now >= prev, "system time went back: %lu after %lu", now, prev))
            return;
        if (!first)
            first = now;
        prev = now;
    }
    check(prev > first, "system time did not advance over %u reads (%lu)", SAMPLES, prev);
    printk("  system time advanced by %lu ns over %u reads, never backwards\n", prev - first,
           SAMPLES);
}

static void check_wallclock(const volatile struct shared_info *s)
{
    u32 version, sec_lo, sec_hi, nsec;
    unsigned long tries = 0;
    struct vcpu_time_info snap;
    unsigned int m, d;
    u64 sec;
    int y;

    do {
        version = s->wc_version;
        __asm__ __volatile__("lfence" ::: "memory");
        sec_lo = s->wc_sec;
        sec_hi = s->wc_sec_hi;
        nsec = s->wc_nsec;
        __asm__ __volatile__("lfence" ::: "memory");
    } while (((version & 1) || version != s->wc_version) && ++tries < MAX_TRIES);
    if (!check(tries < MAX_TRIES, "wc_version stays odd"))
        return;
    if (!pvclock_snapshot(&s->vcpu_info[0].time, &snap, MAX_TRIES))
        return;
    sec = ((u64)sec_hi << 32 | sec_lo) + (nsec + pvclock_ns(&snap, rdtsc())) / 1000000000ull;
    civil_from_days((s64)(sec / 86400), &y, &m, &d);
    printk("  wall clock: %lu s since 1970 (%04d-%02u-%02u), boot at %u.%09u\n", sec, y, m, d,
           sec_lo, nsec);
    check(nsec < 1000000000u, "wc_nsec %u out of range", nsec);
    check(sec >= YEAR_2024 && sec < YEAR_2100, "wall clock %lu is not in 2024..2099", sec);
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    memset(shared_page, 0xff, sizeof(shared_page));
    if (!map_shared_info())
        return;
    check_time((const struct shared_info *)shared_page);
    check_wallclock((const volatile struct shared_info *)shared_page);
    test_success();
}
