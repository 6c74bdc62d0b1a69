/*
 * Clock scales in Xen's vcpu_time_info format, checked against exact
 * 128-bit arithmetic, and against the formula a Linux guest applies to
 * the same (mul, shift) pair.
 */
#include "unit.h"

#include <lares/errno.h>
#include <lares/time_scale.h>

typedef unsigned __int128 u128;

/* What a guest does with vcpu_time_info (written out independently). */
static u64 guest_scale(u64 delta, u32 mul, s8 shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (u64)(((u128)delta * mul) >> 32);
}

static u64 exact(u64 delta, u64 from, u64 to)
{
    return (u64)((u128)delta * to / from);
}

/* |got - want| within 2^-30 of want, plus the truncations (a few units). */
static void assert_close(u64 got, u64 want)
{
    u64 diff = got > want ? got - want : want - got;
    u64 bound = (want >> 30) + 4;

    if (diff > bound)
        fail_msg("got %llu want %llu (diff %llu > %llu)", (unsigned long long)got,
                 (unsigned long long)want, (unsigned long long)diff, (unsigned long long)bound);
}

static const u64 freqs[] = {
    32768,      1193182,    3579545,       14318180,      100000000,     999999999,
    1000000000, 1000000001, 2596000000ULL, 2596123456ULL, 3700000000ULL, 5000000000ULL,
};

static void tsc_to_ns_is_accurate(void **state)
{
    static const u64 deltas[] = {0, 1, 7, 1000, 123456789, 1ULL << 32, 3600ULL * 4000000000ULL};

    for (unsigned f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        struct time_scale s;

        assert_int_equal(time_scale_init(&s, freqs[f], NSEC_PER_SEC), 0);
        assert_true(s.mul & 0x80000000u); /* normalised: full precision */
        for (unsigned d = 0; d < sizeof(deltas) / sizeof(deltas[0]); d++) {
            u64 got = time_scale_apply(&s, deltas[d]);

            assert_int_equal(got, guest_scale(deltas[d], s.mul, s.shift));
            assert_close(got, exact(deltas[d], freqs[f], NSEC_PER_SEC));
        }
    }
}

static void ns_to_ticks_is_accurate(void **state)
{
    static const u64 ns[] = {1, 999, 1000000, 10000000, 1000000000, 60000000000ULL};

    for (unsigned f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++) {
        struct time_scale s;

        assert_int_equal(time_scale_init(&s, NSEC_PER_SEC, freqs[f]), 0);
        for (unsigned i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
            assert_close(time_scale_apply(&s, ns[i]), exact(ns[i], NSEC_PER_SEC, freqs[f]));
    }
}

static void known_scales(void **state)
{
    struct time_scale s;

    /* 1 GHz -> ns is exactly 1: 1/2 with shift 1 */
    assert_int_equal(time_scale_init(&s, 1000000000, NSEC_PER_SEC), 0);
    assert_int_equal(s.mul, 0x80000000u);
    assert_int_equal(s.shift, 1);
    /* 100 MHz (QEMU's HPET) -> ns is 10 = 0.625 * 2^4 */
    assert_int_equal(time_scale_init(&s, 100000000, NSEC_PER_SEC), 0);
    assert_int_equal(s.mul, 0xa0000000u);
    assert_int_equal(s.shift, 4);
    assert_int_equal(time_scale_apply(&s, 123), 1230);
    /* 2 GHz -> ns is 1/2: shift -1 applied to the delta first, then 1/2... */
    assert_int_equal(time_scale_init(&s, 2000000000, NSEC_PER_SEC), 0);
    assert_int_equal(s.mul, 0x80000000u);
    assert_int_equal(s.shift, 0);
    assert_int_equal(time_scale_apply(&s, 4000000000ULL), 2000000000ULL);
}

static void ratio_rounding_up_to_one(void **state)
{
    struct time_scale s;
    u64 f = (1ULL << 40) - 1;

    /* (2^40-1)/2^40 rounds to exactly 1.0 in 32 fraction bits */
    assert_int_equal(time_scale_init(&s, 1ULL << 40, f), 0);
    assert_int_equal(s.mul, 0x80000000u);
    assert_int_equal(s.shift, 1);
    assert_close(time_scale_apply(&s, 1ULL << 40), f);
}

static void bad_frequencies(void **state)
{
    struct time_scale s;

    assert_int_equal(time_scale_init(&s, 0, NSEC_PER_SEC), -EINVAL);
    assert_int_equal(time_scale_init(&s, NSEC_PER_SEC, 0), -EINVAL);
    assert_int_equal(time_scale_init(&s, TIME_SCALE_MAX_HZ + 1, NSEC_PER_SEC), -EINVAL);
    assert_int_equal(time_scale_init(&s, 1, TIME_SCALE_MAX_HZ), 0);
    assert_int_equal(s.shift, 41); /* 2^40 = 1/2 * 2^41 */
}

static void mul_div(void **state)
{
    assert_int_equal(mul_div_u64(26000000, 100000000, 1000000), 2600000000ULL);
    assert_int_equal(mul_div_u64(UINT64_MAX, UINT64_MAX, UINT64_MAX), UINT64_MAX);
    assert_int_equal(mul_div_u64(1ULL << 63, 6, 3), UINT64_MAX); /* 2^64 does not fit */
    assert_int_equal(mul_div_u64((1ULL << 63) - 1, 6, 3), UINT64_MAX - 1);
    assert_int_equal(mul_div_u64(1ULL << 63, 4, 3), 0xaaaaaaaaaaaaaaaaULL); /* 2^65 / 3 fits */
    assert_int_equal(mul_div_u64(5, 7, 0), UINT64_MAX);
    assert_int_equal(mul_div_u64(1ULL << 62, 12, 16), 3ULL << 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tsc_to_ns_is_accurate), cmocka_unit_test(ns_to_ticks_is_accurate),
        cmocka_unit_test(known_scales),          cmocka_unit_test(ratio_rounding_up_to_one),
        cmocka_unit_test(bad_frequencies),       cmocka_unit_test(mul_div),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
