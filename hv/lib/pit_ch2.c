/* i8254 channel 2 as a guest sees it (see lares/pit_ch2.h). */
#include <lares/pit_ch2.h>

#define NS_PER_SEC 1000000000ull
#define REFRESH_NS 15085 /* port 0x61 bit 4 toggles every 15.085 us on a PC */

static bool gate(const struct pit_ch2 *p)
{
    return p->port61 & 1;
}

/* PIT clock ticks in [0, ns), without overflowing for any ns >= 0. */
static u64 ticks(s64 ns)
{
    u64 d = ns > 0 ? (u64)ns : 0;

    return d / NS_PER_SEC * PIT_HZ + d % NS_PER_SEC * PIT_HZ / NS_PER_SEC;
}

/* The counter's value now, 1..65536 (65536 shows as 0). */
static u32 current(const struct pit_ch2 *p, s64 now)
{
    u64 t;

    if (!p->counting)
        return p->base;
    if (!gate(p))
        return p->held;
    t = ticks(now - p->start);
    if (p->mode == 2 || p->mode == 3) {
        /* Periodic: base..1, then reload..1 again and again. */
        if (t < p->base)
            return p->base - (u32)t;
        return p->reload - (u32)((t - p->base) % p->reload);
    }
    /* One-shot modes count down through 0 and on from 0xffff. */
    return (u32)((p->base - t % 65536 + 65536) % 65536);
}

/* OUT2: mode 0 goes high at terminal count; square wave is high in the first half. */
static bool out2(const struct pit_ch2 *p, s64 now)
{
    u64 t;

    if (!p->counting || !gate(p))
        return p->mode != 0;
    t = ticks(now - p->start);
    switch (p->mode) {
    case 0:
        return t >= p->base;
    case 3:
        return current(p, now) > p->reload / 2;
    default:
        return true;
    }
}

u16 pit_ch2_count(const struct pit_ch2 *p, s64 now)
{
    return (u16)current(p, now);
}

void pit_ch2_init(struct pit_ch2 *p)
{
    *p = (struct pit_ch2){.mode = 0, .access = 3, .reload = 65536, .base = 65536, .held = 65536};
}

static void load(struct pit_ch2 *p, u32 count, s64 now)
{
    p->reload = count ? count : 65536;
    p->base = p->reload;
    p->held = p->reload;
    p->start = now;
    p->counting = true;
}

static void control(struct pit_ch2 *p, u8 val, s64 now)
{
    u8 access = (val >> 4) & 3;

    if ((val >> 6) != 2)
        return; /* channels 0/1 and read-back: not modelled */
    if (access == 0) {
        if (!p->latched) {
            p->latched = true;
            p->latch = (u16)current(p, now);
            p->latch_msb = false;
        }
        return;
    }
    p->access = access;
    p->mode = (val >> 1) & 7;
    if (p->mode > 5)
        p->mode -= 4; /* 6 and 7 are aliases of 2 and 3 */
    p->write_msb = false;
    p->read_msb = false;
    p->latched = false;
    p->counting = false; /* a new control word stops the count until it is loaded */
}

static void write_count(struct pit_ch2 *p, u8 val, s64 now)
{
    switch (p->access) {
    case 1:
        load(p, val, now);
        break;
    case 2:
        load(p, (u32)val << 8, now);
        break;
    default:
        if (!p->write_msb) {
            p->lsb_written = val;
            p->write_msb = true;
        } else {
            p->write_msb = false;
            load(p, p->lsb_written | (u32)val << 8, now);
        }
        break;
    }
}

static u8 read_count(struct pit_ch2 *p, s64 now)
{
    u16 c;
    bool msb;

    if (p->latched) {
        c = p->latch;
        msb = p->access == 2 || (p->access == 3 && p->latch_msb);
        if (p->access == 3 && !p->latch_msb) {
            p->latch_msb = true;
        } else {
            p->latched = false;
        }
    } else {
        c = (u16)current(p, now);
        msb = p->access == 2 || (p->access == 3 && p->read_msb);
        if (p->access == 3)
            p->read_msb = !p->read_msb;
    }
    return msb ? (u8)(c >> 8) : (u8)c;
}

static void set_port61(struct pit_ch2 *p, u8 val, s64 now)
{
    bool was = gate(p), is = val & 1;

    if (was && !is && p->counting)
        p->held = current(p, now);
    p->port61 = val & 3;
    if (!was && is && p->counting) {
        /* Rising gate: modes 1, 2, 3 and 5 restart from the count; 0 and 4 resume. */
        p->base = (p->mode == 0 || p->mode == 4) ? p->held : p->reload;
        p->start = now;
    }
}

bool pit_ch2_read(struct pit_ch2 *p, u16 port, s64 now, u8 *val)
{
    switch (port) {
    case PIT_PORT_CH2:
        *val = read_count(p, now);
        return true;
    case PIT_PORT_CONTROL:
        *val = 0xff; /* the control register cannot be read */
        return true;
    case PIT_PORT_SPEAKER:
        *val = p->port61 | (out2(p, now) ? 0x20 : 0) |
               (((u64)(now > 0 ? now : 0) / REFRESH_NS) & 1 ? 0x10 : 0);
        return true;
    default:
        return false;
    }
}

bool pit_ch2_write(struct pit_ch2 *p, u16 port, u8 val, s64 now)
{
    switch (port) {
    case PIT_PORT_CH2:
        write_count(p, val, now);
        return true;
    case PIT_PORT_CONTROL:
        control(p, val, now);
        return true;
    case PIT_PORT_SPEAKER:
        set_port61(p, val, now);
        return true;
    default:
        return false;
    }
}
