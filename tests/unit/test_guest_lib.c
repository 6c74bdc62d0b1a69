/*
 * Pure parts of the test-guest framework (tests/guests/lib): command-line
 * option lookup and the pvclock arithmetic.
 */
#include "unit.h"

#include <string.h>
#include <guest/cmdline.h>
#include <guest/pvclock.h>

static void cmdline_lookup(void **state)
{
    char buf[16];

    assert_true(cmdline_find("a=1 host_vendor=AuthenticAMD b", "host_vendor", buf, sizeof(buf)));
    assert_string_equal(buf, "AuthenticAMD");
    assert_true(cmdline_find("  domid=7", "domid", buf, sizeof(buf)));
    assert_string_equal(buf, "7");
    assert_true(cmdline_find("x= y", "x", buf, sizeof(buf)));
    assert_string_equal(buf, "");
    /* First match wins. */
    assert_true(cmdline_find("k=1 k=2", "k", buf, sizeof(buf)));
    assert_string_equal(buf, "1");
}

static void cmdline_no_false_matches(void **state)
{
    char buf[8] = "unset";

    assert_false(cmdline_find("", "k", buf, sizeof(buf)));
    assert_false(cmdline_find("k", "k", buf, sizeof(buf)));
    assert_false(cmdline_find("kk=1", "k", buf, sizeof(buf)));
    assert_false(cmdline_find("xk=1", "k", buf, sizeof(buf)));
    assert_false(cmdline_find("a=k=1", "k", buf, sizeof(buf)));
    assert_false(cmdline_find("k=1", "", buf, sizeof(buf)));
    assert_string_equal(buf, "unset");
}

static void cmdline_truncates(void **state)
{
    char buf[4];

    assert_true(cmdline_find("key=abcdefgh", "key", buf, sizeof(buf)));
    assert_string_equal(buf, "abc");
    /* size 0: found, nothing written. */
    buf[0] = 'z';
    assert_true(cmdline_find("key=abc", "key", buf, 0));
    assert_int_equal(buf[0], 'z');
}

static void cmdline_numbers(void **state)
{
    u64 v = 7;

    assert_true(cmdline_parse_number("0", &v));
    assert_int_equal(v, 0);
    assert_true(cmdline_parse_number("4000", &v));
    assert_int_equal(v, 4000);
    assert_true(cmdline_parse_number("0x2545F4914f6cdd1d", &v));
    assert_true(v == 0x2545f4914f6cdd1dull);
    assert_true(cmdline_parse_number("18446744073709551615", &v));
    assert_true(v == ~0ull);
    v = 7;
    assert_false(cmdline_parse_number("", &v));
    assert_false(cmdline_parse_number("0x", &v));
    assert_false(cmdline_parse_number("12a", &v));
    assert_false(cmdline_parse_number("-1", &v));
    assert_false(cmdline_parse_number("18446744073709551616", &v));
    assert_false(cmdline_parse_number("0x10000000000000000", &v));
    assert_int_equal(v, 7);
}

/* Scales as Xen's set_time_scale() would choose them. */
static void pvclock_known_scales(void **state)
{
    /* 1 GHz: t = 1e9 doubles once -> shift 1, mul = 2^31: ns == cycles. */
    assert_int_equal(pvclock_scale(123456789, 0x80000000u, 1), 123456789);
    assert_int_equal(pvclock_tsc_khz(0x80000000u, 1), 1000000);
    /* 3 GHz: t halves once -> shift -1, mul = 10^9 * 2^32 / 1.5e9. */
    uint32_t mul3 = (uint32_t)((1000000000ull << 32) / 1500000000ull);
    assert_int_equal(mul3, 0xaaaaaaaau);
    assert_int_equal(pvclock_scale(3000000000ull, mul3, -1), 999999999);
    assert_int_equal(pvclock_tsc_khz(mul3, -1), 3000000);
    /* What Xen 4.17 gave a guest under QEMU TCG (2445427 kHz). */
    assert_int_equal(pvclock_tsc_khz(0xd15ed1c0u, -1), 2445426);
    assert_int_equal(pvclock_tsc_khz(0, 0), 0);
}

static void pvclock_large_deltas(void **state)
{
    /* An hour at 3 GHz does not overflow the 64x32-bit product. */
    uint64_t hour = 3600ull * 3000000000ull;
    uint64_t ns = pvclock_scale(hour, 0xaaaaaaaau, -1);

    assert_true(ns >= 3600ull * 1000000000ull - 1000 && ns <= 3600ull * 1000000000ull);
}

static void pvclock_time_from_snapshot(void **state)
{
    struct vcpu_time_info t = {
        .version = 2,
        .tsc_timestamp = 1000000,
        .system_time = 5000,
        .tsc_to_system_mul = 0x80000000u,
        .tsc_shift = 1,
    };

    assert_int_equal(pvclock_ns(&t, 1000000), 5000);
    assert_int_equal(pvclock_ns(&t, 1000250), 5250);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cmdline_lookup),
        cmocka_unit_test(cmdline_no_false_matches),
        cmocka_unit_test(cmdline_truncates),
        cmocka_unit_test(cmdline_numbers),
        cmocka_unit_test(pvclock_known_scales),
        cmocka_unit_test(pvclock_large_deltas),
        cmocka_unit_test(pvclock_time_from_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
