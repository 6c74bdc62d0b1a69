/* vformat(): the hypervisor's printf, checked against the C library's. */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <lares/format.h>

#define CHECK(...)                                                  \
    do {                                                            \
        char got[256], want[256];                                   \
        int n1 = format(got, sizeof(got), __VA_ARGS__);             \
        int n2 = snprintf(want, sizeof(want), __VA_ARGS__);         \
        assert_string_equal(got, want);                             \
        assert_int_equal(n1, n2);                                   \
    } while (0)

static void integers(void **state)
{
    CHECK("%d %i %u", -42, 17, 4000000000u);
    CHECK("%x %X %#x %#X %o %#o", 0xbeef, 0xbeef, 255, 255, 8, 8);
    CHECK("%lld %llu %llx", (long long)INT64_MIN, (unsigned long long)UINT64_MAX, 0x123456789abcdefULL);
    CHECK("%ld %lu %zu %zd %td", -1L, 3UL, (size_t)99, (ssize_t)-5, (ptrdiff_t)-7);
    CHECK("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    CHECK("%5d|%-5d|%05d|%+d|% d|%+05d", 42, 42, 42, 42, 42, -42);
    CHECK("%.3d|%8.3d|%-8.3x|%.0d|%.0x|", 7, 7, 0xa, 0, 0);
    CHECK("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
    CHECK("%#08x|%#.6x", 0x1f, 0x1f);
}

static void strings_and_chars(void **state)
{
    CHECK("%s|%10s|%-10s|%.2s|%c|%3c|%-3c|", "abc", "abc", "abc", "abc", 'z', 'y', 'x');
    CHECK("100%% %s", "done");
}

static void pointers(void **state)
{
    char buf[64];
    format(buf, sizeof(buf), "%p", (void *)0xffff830000001000ULL);
    assert_string_equal(buf, "0xffff830000001000");
}

static void truncation_keeps_nul_and_returns_full_length(void **state)
{
    char buf[8];
    int n = format(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
    assert_int_equal(n, 12);
    assert_string_equal(buf, "abcdef-");
    n = format(buf, 1, "xyz");
    assert_int_equal(n, 3);
    assert_int_equal(buf[0], '\0');
    n = format(NULL, 0, "%d", 1234);
    assert_int_equal(n, 4);
}

static void odd_formats_do_not_crash(void **state)
{
    char buf[32];
    format(buf, sizeof(buf), "%");
    assert_string_equal(buf, "");
    format(buf, sizeof(buf), "%q%d", 5);
    assert_string_equal(buf, "%q5");
    const char *volatile null_str = NULL;
    format(buf, sizeof(buf), "%s", null_str);
    assert_string_equal(buf, "(null)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers),
        cmocka_unit_test(strings_and_chars),
        cmocka_unit_test(pointers),
        cmocka_unit_test(truncation_keeps_nul_and_returns_full_length),
        cmocka_unit_test(odd_formats_do_not_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
