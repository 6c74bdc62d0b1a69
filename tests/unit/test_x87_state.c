/* x87_area_is_init(): which legacy FXSAVE/XSAVE areas hold the x87 init state. */
#include "unit.h"

#include <string.h>
#include <lares/x87_state.h>

/* A 512-byte legacy area as FXSAVE writes it after FNINIT with zeroed registers. */
static unsigned char area[512];

static int setup(void **state)
{
    (void)state;
    memset(area, 0, sizeof(area));
    area[0] = 0x7f; /* FCW 0x037f */
    area[1] = 0x03;
    area[24] = 0x80; /* MXCSR 0x1f80: SSE state, irrelevant here */
    area[25] = 0x1f;
    return 0;
}

static void test_reset_state_is_init(void **state)
{
    (void)state;
    assert_true(x87_area_is_init(area));
}

static void test_sse_state_does_not_matter(void **state)
{
    (void)state;
    memset(area + 24, 0xff, 8);    /* MXCSR, MXCSR_MASK */
    memset(area + 160, 0xa5, 256); /* XMM0-XMM15 */
    memset(area + 416, 0x5a, 96);  /* reserved / available */
    assert_true(x87_area_is_init(area));
}

static void test_any_x87_field_set_is_not_init(void **state)
{
    (void)state;
    /* Each byte of FCW..FDP and ST0-ST7 on its own. */
    for (unsigned i = 0; i < X87_LEGACY_BYTES; i++) {
        if (i >= 24 && i < 32)
            continue; /* MXCSR */
        setup(NULL);
        area[i] ^= 0x01;
        assert_false(x87_area_is_init(area));
    }
}

static void test_typical_non_init_states(void **state)
{
    (void)state;
    area[0] = 0x7f, area[1] = 0x02; /* FCW 0x027f: double precision */
    assert_false(x87_area_is_init(area));
    setup(NULL);
    area[3] = 0x38; /* FSW TOP = 7: one value pushed */
    area[4] = 0x80; /* abridged FTW: ST7 valid */
    assert_false(x87_area_is_init(area));
    setup(NULL);
    area[32 + 7] = 0x80; /* ST0 = 1.0 */
    area[32 + 8] = 0xff;
    area[32 + 9] = 0x3f;
    assert_false(x87_area_is_init(area));
    setup(NULL);
    area[0] = 0; /* an all-zero area (FCW 0): not what FNINIT leaves */
    area[1] = 0;
    assert_false(x87_area_is_init(area));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state_is_init, setup),
        cmocka_unit_test_setup(test_sse_state_does_not_matter, setup),
        cmocka_unit_test_setup(test_any_x87_field_set_is_not_init, setup),
        cmocka_unit_test_setup(test_typical_non_init_states, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
