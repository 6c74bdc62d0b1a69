/*
 * Reading the CMOS real-time clock once at boot. The registers change
 * while the RTC updates (once a second), so they are read when no update
 * is in progress, twice, until two reads agree.
 */
#include <lares/rtc.h>
#include <lares/string.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/rtc.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_A_UIP 0x80 /* update in progress */

static u8 cmos_read(u8 reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static void read_once(struct rtc_raw *r, u8 century_reg)
{
    /* Bounded wait: a missing RTC must not hang the boot. */
    for (unsigned i = 0; i < 100000 && (cmos_read(RTC_REG_A) & RTC_A_UIP); i++)
        cpu_relax();
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->mday = cmos_read(0x07);
    r->mon = cmos_read(0x08);
    r->year = cmos_read(0x09);
    r->century = century_reg ? cmos_read(century_reg) : 0;
    r->status_b = cmos_read(RTC_REG_B);
}

int rtc_read(u8 century_reg, struct rtc_time *t)
{
    struct rtc_raw a, b;
    unsigned tries = 0;

    read_once(&b, century_reg);
    do {
        a = b;
        read_once(&b, century_reg);
    } while (memcmp(&a, &b, sizeof(a)) && ++tries < 10);
    return rtc_decode(&b, t);
}
