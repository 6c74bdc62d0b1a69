/* PIT channel 2: loading, counting, latching, the gate, OUT2 -- and Linux's calibration loop. */
#include "unit.h"

#include <lares/pit_ch2.h>

#define US 1000ll

static struct pit_ch2 p;

static u8 rd(u16 port, s64 now)
{
    u8 v = 0;

    assert_true(pit_ch2_read(&p, port, now, &v));
    return v;
}

static void wr(u16 port, u8 v, s64 now)
{
    assert_true(pit_ch2_write(&p, port, v, now));
}

/* What quick_pit_calibrate() does first: gate on, mode 0, LSB/MSB, count 0xffff. */
static void program_like_linux(s64 now)
{
    wr(PIT_PORT_SPEAKER, (u8)((rd(PIT_PORT_SPEAKER, now) & ~0x02) | 0x01), now);
    wr(PIT_PORT_CONTROL, 0xb0, now);
    wr(PIT_PORT_CH2, 0xff, now);
    wr(PIT_PORT_CH2, 0xff, now);
}

static void counts_down_at_the_pit_rate(void **state)
{
    pit_ch2_init(&p);
    program_like_linux(0);
    assert_int_equal(pit_ch2_count(&p, 0), 0xffff);
    /* 1 ms is 1193 ticks. */
    assert_int_equal(pit_ch2_count(&p, 1000 * US), 0xffff - 1193);
    /* LSB then MSB of the live count. */
    u16 c = pit_ch2_count(&p, 1000 * US);
    assert_int_equal(rd(PIT_PORT_CH2, 1000 * US), c & 0xff);
    assert_int_equal(rd(PIT_PORT_CH2, 1000 * US), c >> 8);
    /* One-shot mode wraps through 0 to 0xffff. */
    assert_int_equal(pit_ch2_count(&p, 1000000000ll * 0xffff / PIT_HZ + 2 * US), 0xffff - 1);
}

static void msb_changes_after_256_ticks(void **state)
{
    s64 t = 0;
    unsigned steps = 0;
    u8 msb;

    pit_ch2_init(&p);
    program_like_linux(0);
    (void)rd(PIT_PORT_CH2, 0);
    msb = rd(PIT_PORT_CH2, 0);
    assert_int_equal(msb, 0xff);
    /* Poll every 10 us, as a fast guest would: the MSB steps down about every 214.5 us. */
    while (steps < 3) {
        u8 m;

        t += 10 * US;
        (void)rd(PIT_PORT_CH2, t);
        m = rd(PIT_PORT_CH2, t);
        if (m != msb) {
            assert_int_equal(m, (u8)(msb - 1));
            msb = m;
            steps++;
        }
    }
    assert_in_range(t, 3 * 214 * US - 20 * US, 3 * 215 * US + 20 * US);
}

static void latch_freezes_the_count(void **state)
{
    pit_ch2_init(&p);
    program_like_linux(0);
    wr(PIT_PORT_CONTROL, 0x80, 100 * US); /* latch channel 2 */
    u16 at = pit_ch2_count(&p, 100 * US);
    assert_int_equal(rd(PIT_PORT_CH2, 900 * US), at & 0xff);
    assert_int_equal(rd(PIT_PORT_CH2, 900 * US), at >> 8);
    /* Then live again. */
    assert_int_equal(rd(PIT_PORT_CH2, 900 * US), pit_ch2_count(&p, 900 * US) & 0xff);
}

static void gate_low_holds_and_out2_rises_at_terminal_count(void **state)
{
    pit_ch2_init(&p);
    wr(PIT_PORT_SPEAKER, 0x01, 0);
    wr(PIT_PORT_CONTROL, 0xb0, 0);
    wr(PIT_PORT_CH2, 100, 0);
    wr(PIT_PORT_CH2, 0, 0);
    assert_int_equal(rd(PIT_PORT_SPEAKER, 0) & 0x20, 0);
    wr(PIT_PORT_SPEAKER, 0x00, 50 * US); /* gate off after ~59 ticks */
    u16 held = pit_ch2_count(&p, 50 * US);
    assert_int_equal(pit_ch2_count(&p, 500 * US), held);
    wr(PIT_PORT_SPEAKER, 0x01, 500 * US); /* mode 0 resumes */
    assert_int_equal(pit_ch2_count(&p, 500 * US), held);
    assert_int_equal(rd(PIT_PORT_SPEAKER, 500 * US + 100 * US) & 0x20, 0x20);
    assert_int_equal(rd(PIT_PORT_SPEAKER, 0) & 0x03, 0x01);
}

static void periodic_modes_reload(void **state)
{
    pit_ch2_init(&p);
    wr(PIT_PORT_SPEAKER, 0x01, 0);
    wr(PIT_PORT_CONTROL, 0xb4, 0); /* mode 2 */
    wr(PIT_PORT_CH2, 10, 0);
    wr(PIT_PORT_CH2, 0, 0);
    for (s64 t = 0; t < 1000 * US; t += 7 * US) {
        u16 c = pit_ch2_count(&p, t);

        assert_in_range(c, 1, 10);
    }
}

static void other_ports_and_channels_are_not_ours(void **state)
{
    u8 v;

    pit_ch2_init(&p);
    assert_false(pit_ch2_read(&p, 0x40, 0, &v));
    assert_false(pit_ch2_write(&p, 0x41, 0, 0));
    wr(PIT_PORT_CONTROL, 0x30, 0); /* channel 0: ignored */
    assert_int_equal(p.access, 3);
    assert_int_equal(p.counting, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_down_at_the_pit_rate),
        cmocka_unit_test(msb_changes_after_256_ticks),
        cmocka_unit_test(latch_freezes_the_count),
        cmocka_unit_test(gate_low_holds_and_out2_rises_at_terminal_count),
        cmocka_unit_test(periodic_modes_reload),
        cmocka_unit_test(other_ports_and_channels_are_not_ours),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
