/*
 * pvclock records: a record anchored at boot gives the guest exactly the
 * hypervisor's NOW() (so a timer fired at NOW() >= deadline never looks
 * early to the guest), one anchored later can lag by a few ns; the version
 * protocol; Xen's periodic-timer rule.
 */
#include "unit.h"

#include <stdlib.h>
#include <lares/pvclock.h>

static const u64 freqs[] = {1000000000ull, 2445400000ull, 2596000000ull,
                            3999999999ull, 1193182ull,    100000000ull};

/* The hypervisor's clock: ns since boot from the TSC. */
static u64 now_ns(const struct time_scale *s, u64 tsc, u64 boot)
{
    return time_scale_apply(s, tsc - boot);
}

static u64 next_rand(u64 *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void anchored_at_boot_is_exact(void **state)
{
    u64 seed = 88172645463325252ull;

    for (unsigned f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        struct time_scale s;
        struct vcpu_time_info t = {0};
        u64 boot = next_rand(&seed) >> 8, offset = next_rand(&seed);

        assert_int_equal(time_scale_init(&s, freqs[f], 1000000000ull), 0);
        /* The guest's TSC is the host's plus an offset; the anchor is in the guest's. */
        pvclock_write(&t, boot + offset, 0, &s, 0);
        for (int i = 0; i < 100000; i++) {
            u64 tsc = boot + (next_rand(&seed) >> (i % 40 + 4)); /* up to centuries */

            assert_int_equal(pvclock_read(&t, tsc + offset), now_ns(&s, tsc, boot));
        }
    }
}

static void anchored_later_lags_a_little(void **state)
{
    u64 seed = 1234567, behind = 0;

    for (unsigned f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        struct time_scale s;
        struct vcpu_time_info t = {0};
        u64 boot = 1000, anchor = boot + (next_rand(&seed) >> 20);

        time_scale_init(&s, freqs[f], 1000000000ull);
        pvclock_write(&t, anchor, now_ns(&s, anchor, boot), &s, 0);
        for (int i = 0; i < 100000; i++) {
            u64 tsc = anchor + (next_rand(&seed) >> 24);
            u64 guest = pvclock_read(&t, tsc), hv = now_ns(&s, tsc, boot);

            assert_true(guest <= hv);     /* never ahead ... */
            assert_true(hv - guest <= 2); /* ... and behind by rounding only */
            behind += guest < hv;
        }
    }
    /* Behind often enough that anchoring at boot matters for "never early". */
    assert_true(behind > 0);
}

static void version_protocol(void **state)
{
    struct time_scale s = {.mul = 0x80000000u, .shift = 1};
    struct vcpu_time_info t = {0};

    t.version = 7; /* odd: a previous writer was interrupted (or garbage) */
    pvclock_write(&t, 1, 2, &s, XEN_PVCLOCK_TSC_STABLE_BIT);
    assert_int_equal(t.version % 2, 0);
    assert_true(t.version > 7);
    assert_int_equal(t.tsc_timestamp, 1);
    assert_int_equal(t.system_time, 2);
    assert_int_equal(t.tsc_to_system_mul, 0x80000000u);
    assert_int_equal(t.tsc_shift, 1);
    assert_int_equal(t.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    for (u32 v = t.version, i = 0; i < 5; i++, v += 2) {
        pvclock_write(&t, 1, 2, &s, 0);
        assert_int_equal(t.version, v + 2);
    }
    t.version = 0xffffffffu; /* wraps to an even value */
    pvclock_write(&t, 1, 2, &s, 0);
    assert_int_equal(t.version % 2, 0);
}

static void periodic_rule(void **state)
{
    s64 last = 0, next;
    bool fire;

    /* Set at time 50 ms with a 10 ms period: the first tick is due at once. */
    next = periodic_timer_next(&last, 10, 50, &fire);
    assert_true(fire);
    assert_int_equal(last, 50);
    assert_int_equal(next, 60);
    /* Evaluated early (a stale interrupt): nothing, same deadline. */
    next = periodic_timer_next(&last, 10, 59, &fire);
    assert_false(fire);
    assert_int_equal(next, 60);
    /* On time. */
    next = periodic_timer_next(&last, 10, 60, &fire);
    assert_true(fire);
    assert_int_equal(next, 70);
    /* Late by 25: one tick, and the next counts from now (no catching up). */
    next = periodic_timer_next(&last, 10, 95, &fire);
    assert_true(fire);
    assert_int_equal(last, 95);
    assert_int_equal(next, 105);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(anchored_at_boot_is_exact),
        cmocka_unit_test(anchored_later_lags_a_little),
        cmocka_unit_test(version_protocol),
        cmocka_unit_test(periodic_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
