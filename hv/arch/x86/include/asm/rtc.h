/* The CMOS real-time clock (hv/arch/x86/rtc.c; decoding in lares/rtc.h). */
#ifndef ASM_RTC_H
#define ASM_RTC_H

#include <lares/rtc.h>

/*
 * Read the current date and time. century_reg is the CMOS index of the
 * century register (from the ACPI FADT), or 0. Returns 0 or -EINVAL.
 */
int rtc_read(u8 century_reg, struct rtc_time *t);

#endif
