/* CMOS RTC register decoding (see lares/rtc.h). */
#include <lares/errno.h>
#include <lares/rtc.h>

/* One field to binary; -1 if it is not valid BCD. */
static int field(u8 v, bool binary)
{
    if (binary)
        return v;
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}

static bool leap(u32 y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static u8 days_in_month(u32 year, u8 mon)
{
    static const u8 days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return mon == 2 && leap(year) ? 29 : days[mon - 1];
}

static int decode_hour(u8 raw, u8 status_b)
{
    bool binary = status_b & RTC_B_BINARY;
    int h;

    if (status_b & RTC_B_24H)
        return field(raw, binary);
    h = field(raw & ~RTC_HOUR_PM, binary);
    if (h < 1 || h > 12)
        return -1;
    /* 12 AM is midnight (0), 12 PM is noon (12). */
    if (h == 12)
        h = 0;
    return raw & RTC_HOUR_PM ? h + 12 : h;
}

int rtc_decode(const struct rtc_raw *raw, struct rtc_time *t)
{
    bool binary = raw->status_b & RTC_B_BINARY;
    int sec = field(raw->sec, binary), min = field(raw->min, binary);
    int hour = decode_hour(raw->hour, raw->status_b);
    int mday = field(raw->mday, binary), mon = field(raw->mon, binary);
    int year = field(raw->year, binary);
    int century = raw->century ? field(raw->century, binary) : -1;

    if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 || hour > 23 || mon < 1 ||
        mon > 12 || year < 0 || year > 99 || mday < 1)
        return -EINVAL;
    if (century >= 19 && century <= 21)
        t->year = (u32)(century * 100 + year);
    else
        t->year = (u32)(year < 70 ? 2000 + year : 1900 + year);
    if (mday > days_in_month(t->year, (u8)mon))
        return -EINVAL;
    t->mon = (u8)mon;
    t->mday = (u8)mday;
    t->hour = (u8)hour;
    t->min = (u8)min;
    t->sec = (u8)sec;
    return 0;
}

/* Days from 1970-01-01 to the given date (proleptic Gregorian, year >= 1900). */
static s64 days_since_epoch(u32 year, u8 mon, u8 mday)
{
    /* Count March-based years so that the leap day falls at the end of a year. */
    s64 y = (s64)year - (mon <= 2);
    s64 era_days = y * 365 + y / 4 - y / 100 + y / 400;
    unsigned m = mon <= 2 ? mon + 9 : mon - 3; /* March = 0 */
    s64 day_of_year = (153 * m + 2) / 5 + mday - 1;

    /* 719468 = days from 0000-03-01 to 1970-01-01 in this counting */
    return era_days + day_of_year - 719468;
}

s64 rtc_to_unix(const struct rtc_time *t)
{
    return days_since_epoch(t->year, t->mon, t->mday) * 86400 + t->hour * 3600 + t->min * 60 +
           t->sec;
}
