/*
 * Channel 2 of an i8254 PIT (ports 0x42 and 0x43) and its gate in port
 * 0x61, as a guest sees them: just enough of a real timer for Linux's
 * early CPU-frequency calibration to behave as on hardware.
 *
 * Why a PVH domain has it (Xen's PVH domains do not): on an AMD CPU Linux
 * 6.1 finds cpu_khz at tsc_early_init() through native_calibrate_cpu_early(),
 * whose CPUID (leaf 0x15/0x16) and MSR paths are Intel-only, so it always
 * runs quick_pit_calibrate() -- before ACPI could tell it there is no PIC
 * (acpi_generic_reduced_hw_init() comes later). That loop reads port 0x42
 * until the count's high byte changes, up to 50,000 times per step; with
 * nothing there every read is 0xff, so it spins through 100,000 trapped
 * reads (Xen's PVH boot: 100,004 of its 180k exits, about 6 s under TCG)
 * before giving up. A counter that really counts ends it within
 * milliseconds. The TSC frequency Linux uses comes from the pvclock
 * (xen_tsc_khz) either way.
 *
 * Modelled: the control word for channel 2 (latch, access mode LSB/MSB/
 * both, counting mode; BCD is ignored), loading the count, reading it
 * (latched or live), counting at 1,193,182 Hz while the gate is high
 * (modes 0/1/4/5 count down through 0 and wrap; 2/3 reload), OUT2 in port
 * 0x61 bit 5 and the refresh toggle in bit 4. Writes to channels 0/1 and
 * read-back commands are ignored; reading port 0x40/0x41 is not ours.
 * Pure code: time (ns) is passed in; the caller serialises.
 */
#ifndef LARES_PIT_CH2_H
#define LARES_PIT_CH2_H

#include <lares/types.h>

#define PIT_HZ 1193182ull
#define PIT_PORT_CH2 0x42
#define PIT_PORT_CONTROL 0x43
#define PIT_PORT_SPEAKER 0x61

struct pit_ch2 {
    u8 mode;        /* counting mode 0-5 */
    u8 access;      /* 1: LSB only, 2: MSB only, 3: LSB then MSB */
    bool write_msb; /* access 3: the next count byte written is the MSB */
    bool read_msb;  /* access 3: the next byte read is the MSB */
    u8 lsb_written; /* access 3: the LSB waiting for its MSB */
    bool latched;   /* a latch command froze the count for reading */
    u16 latch;
    bool latch_msb; /* access 3: the next latched byte read is the MSB */
    u32 reload;     /* the programmed count, 1..65536 (0 written means 65536) */
    bool counting;  /* a count was loaded */
    u8 port61;      /* bits 0 (gate) and 1 (speaker) as the guest wrote them */
    s64 start;      /* ns: when the counter (re)started at `base` */
    u32 base;       /* the count at `start` */
    u32 held;       /* the count while the gate is low */
};

void pit_ch2_init(struct pit_ch2 *p);

/* Port 0x42, 0x43 or 0x61. Returns true if the port is one of them. */
bool pit_ch2_read(struct pit_ch2 *p, u16 port, s64 now, u8 *val);
bool pit_ch2_write(struct pit_ch2 *p, u16 port, u8 val, s64 now);

/* The count as the hardware would show it now (tests, reports). */
u16 pit_ch2_count(const struct pit_ch2 *p, s64 now);

#endif
