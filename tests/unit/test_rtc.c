/* CMOS RTC decoding: BCD/binary, 12/24-hour, century, calendar and epoch conversion. */
#include "unit.h"

#include <lares/errno.h>
#include <lares/rtc.h>
#include <stdlib.h>
#include <time.h>

static const struct rtc_raw bcd_24h = {
    .sec = 0x56,
    .min = 0x34,
    .hour = 0x23,
    .mday = 0x21,
    .mon = 0x11,
    .year = 0x26,
    .century = 0x20,
    .status_b = RTC_B_24H,
};

static void bcd_24_hour(void **state)
{
    struct rtc_time t;

    assert_int_equal(rtc_decode(&bcd_24h, &t), 0);
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.mon, 11);
    assert_int_equal(t.mday, 21);
    assert_int_equal(t.hour, 23);
    assert_int_equal(t.min, 34);
    assert_int_equal(t.sec, 56);
    assert_int_equal(rtc_to_unix(&t), 1795304096); /* date -u -d '2026-11-21 23:34:56' +%s */
}

static void binary_mode(void **state)
{
    struct rtc_raw r = {.sec = 59,
                        .min = 0,
                        .hour = 7,
                        .mday = 1,
                        .mon = 1,
                        .year = 0,
                        .century = 20,
                        .status_b = RTC_B_24H | RTC_B_BINARY};
    struct rtc_time t;

    assert_int_equal(rtc_decode(&r, &t), 0);
    assert_int_equal(t.year, 2000);
    assert_int_equal(t.hour, 7);
    assert_int_equal(t.sec, 59);
    assert_int_equal(rtc_to_unix(&t), 946710059);
}

static void twelve_hour_mode(void **state)
{
    static const struct {
        u8 raw, want;
    } cases[] = {
        {0x12, 0}, /* 12 AM: midnight */
        {0x01, 1},
        {0x11, 11},
        {0x12 | RTC_HOUR_PM, 12}, /* 12 PM: noon */
        {0x01 | RTC_HOUR_PM, 13},
        {0x11 | RTC_HOUR_PM, 23},
    };
    struct rtc_raw r = bcd_24h;
    struct rtc_time t;

    r.status_b = 0;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r.hour = cases[i].raw;
        assert_int_equal(rtc_decode(&r, &t), 0);
        assert_int_equal(t.hour, cases[i].want);
    }
    /* the same in binary */
    r.status_b = RTC_B_BINARY;
    r.sec = r.min = 0;
    r.mday = 1;
    r.mon = 1;
    r.year = 26;
    r.century = 20;
    r.hour = 12 | RTC_HOUR_PM;
    assert_int_equal(rtc_decode(&r, &t), 0);
    assert_int_equal(t.hour, 12);
    r.hour = 0; /* hour 0 does not exist on a 12-hour clock */
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r.hour = 13;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
}

static void without_century_register(void **state)
{
    struct rtc_raw r = bcd_24h;
    struct rtc_time t;

    r.century = 0;
    assert_int_equal(rtc_decode(&r, &t), 0);
    assert_int_equal(t.year, 2026);
    r.year = 0x69;
    assert_int_equal(rtc_decode(&r, &t), 0);
    assert_int_equal(t.year, 2069);
    r.year = 0x70;
    assert_int_equal(rtc_decode(&r, &t), 0);
    assert_int_equal(t.year, 1970);
    r.century = 0x99; /* implausible century: ignored */
    assert_int_equal(rtc_decode(&r, &t), 0);
    assert_int_equal(t.year, 1970);
}

static void invalid_values(void **state)
{
    struct rtc_raw r;
    struct rtc_time t;

    r = bcd_24h, r.sec = 0x5a; /* not BCD */
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.sec = 0x60;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.min = 0xa0;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.hour = 0x24;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.mon = 0x13;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.mon = 0;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.mday = 0;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.mon = 0x04, r.mday = 0x31; /* April has 30 days */
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r = bcd_24h, r.mon = 0x02, r.mday = 0x29, r.year = 0x26;
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r.year = 0x28; /* 2028 is a leap year */
    assert_int_equal(rtc_decode(&r, &t), 0);
    r.year = 0x00, r.century = 0x21; /* 2100 is not */
    assert_int_equal(rtc_decode(&r, &t), -EINVAL);
    r.century = 0x20; /* 2000 is */
    assert_int_equal(rtc_decode(&r, &t), 0);
}

/* Every day from 1970 to 2199 agrees with the C library's timegm(). */
static void epoch_matches_timegm(void **state)
{
    struct rtc_time t = {.hour = 13, .min = 14, .sec = 15};

    for (t.year = 1970; t.year < 2200; t.year++) {
        for (t.mon = 1; t.mon <= 12; t.mon++) {
            for (t.mday = 1; t.mday <= 31; t.mday++) {
                struct tm tm = {.tm_year = (int)t.year - 1900,
                                .tm_mon = t.mon - 1,
                                .tm_mday = t.mday,
                                .tm_hour = 13,
                                .tm_min = 14,
                                .tm_sec = 15};
                time_t want = timegm(&tm);

                if (tm.tm_mday != t.mday)
                    continue; /* no such day */
                assert_int_equal(rtc_to_unix(&t), want);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bcd_24_hour),      cmocka_unit_test(binary_mode),
        cmocka_unit_test(twelve_hour_mode), cmocka_unit_test(without_century_register),
        cmocka_unit_test(invalid_values),   cmocka_unit_test(epoch_matches_timegm),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
