/*
 * Decoding the CMOS real-time clock's registers into a calendar time and
 * seconds since the Unix epoch (the wall clock Xen gives guests as
 * wc_sec/wc_nsec). The RTC stores its fields in BCD or binary and the
 * hour in 24- or 12-hour form (PM in bit 7), as status register B says.
 * Pure code, unit-tested on the host; reading the hardware is arch code.
 */
#ifndef LARES_RTC_H
#define LARES_RTC_H

#include <lares/types.h>

#define RTC_B_24H (1u << 1)    /* status B: hours are 0-23 (else 1-12 + PM bit) */
#define RTC_B_BINARY (1u << 2) /* status B: binary values (else BCD) */
#define RTC_HOUR_PM 0x80

/* The registers as read (CMOS 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, century, 0x0b). */
struct rtc_raw {
    u8 sec, min, hour, mday, mon, year;
    u8 century; /* the FADT's century register, 0 if there is none */
    u8 status_b;
};

struct rtc_time {
    u32 year; /* e.g. 2026 */
    u8 mon;   /* 1-12 */
    u8 mday;  /* 1-31 */
    u8 hour, min, sec;
};

/*
 * Decode raw registers; returns 0, or -EINVAL for a digit that is not BCD
 * or a field out of range. Without a usable century register, years 70-99
 * are 19xx and 00-69 are 20xx.
 */
int rtc_decode(const struct rtc_raw *raw, struct rtc_time *t);

/* Seconds since 1970-01-01 00:00:00 UTC (the RTC is assumed to keep UTC). */
s64 rtc_to_unix(const struct rtc_time *t);

#endif
