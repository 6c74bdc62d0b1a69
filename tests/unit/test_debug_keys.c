/* Debug keys: registration rules, dispatch, built-in help. */
#include "unit.h"

#include <string.h>
#include <lares/debug_keys.h>
#include <lares/errno.h>

static char printed[16][160];
static unsigned int nprinted;

static void print(void *ctx, const char *line)
{
    assert_true(nprinted < 16);
    assert_true(strlen(line) < sizeof(printed[0]));
    strcpy(printed[nprinted++], line);
}

static unsigned char last_key;
static void *last_ctx;
static int calls;

static void handler(void *ctx, unsigned char key)
{
    last_key = key;
    last_ctx = ctx;
    calls++;
}

static struct debug_keys dk;
static int ctx_q, ctx_r;

static int setup(void **state)
{
    debug_keys_init(&dk, print, NULL);
    nprinted = 0;
    calls = 0;
    last_key = 0;
    last_ctx = NULL;
    return 0;
}

static void test_dispatch(void **state)
{
    assert_int_equal(debug_keys_register(&dk, 'q', handler, &ctx_q, "dump domains and vCPUs"), 0);
    assert_int_equal(debug_keys_register(&dk, 'r', handler, &ctx_r, "dump run queues"), 0);
    assert_int_equal(debug_keys_handle(&dk, 'q'), 0);
    assert_int_equal(last_key, 'q');
    assert_ptr_equal(last_ctx, &ctx_q);
    assert_int_equal(debug_keys_handle(&dk, 'r'), 0);
    assert_ptr_equal(last_ctx, &ctx_r);
    assert_int_equal(calls, 2);
    /* Unknown keys, including every byte outside ASCII, reach nobody. */
    assert_int_equal(debug_keys_handle(&dk, 'z'), -ENOENT);
    assert_int_equal(debug_keys_handle(&dk, 0x01), -ENOENT);
    assert_int_equal(debug_keys_handle(&dk, 0x80), -ENOENT);
    assert_int_equal(debug_keys_handle(&dk, 0xff), -ENOENT);
    assert_int_equal(calls, 2);
    assert_int_equal(nprinted, 0);
}

static void test_register_rules(void **state)
{
    assert_int_equal(debug_keys_register(&dk, 'q', handler, NULL, "x"), 0);
    assert_int_equal(debug_keys_register(&dk, 'q', handler, NULL, "y"), -EEXIST);
    assert_int_equal(debug_keys_register(&dk, 'h', handler, NULL, "mine"), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, ' ', handler, NULL, "space"), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, '\r', handler, NULL, "cr"), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, 0x7f, handler, NULL, "del"), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, 0xe9, handler, NULL, "high"), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, 'x', NULL, NULL, "no fn"), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, 'x', handler, NULL, NULL), -EINVAL);
    assert_int_equal(debug_keys_register(&dk, '~', handler, NULL, "tilde"), 0);
    assert_int_equal(debug_keys_register(&dk, '!', handler, NULL, "bang"), 0);
}

static void test_help(void **state)
{
    assert_int_equal(debug_keys_register(&dk, 'r', handler, NULL, "dump run queues"), 0);
    assert_int_equal(debug_keys_register(&dk, 'q', handler, NULL, "dump domains and vCPUs"), 0);
    assert_int_equal(debug_keys_handle(&dk, 'h'), 0);
    assert_int_equal(calls, 0);
    assert_int_equal(nprinted, 4);
    assert_string_equal(printed[0], "'h' pressed -> showing installed handlers");
    assert_string_equal(printed[1], " key 'h' => show this list");
    /* In key order. */
    assert_string_equal(printed[2], " key 'q' => dump domains and vCPUs");
    assert_string_equal(printed[3], " key 'r' => dump run queues");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_dispatch, setup),
        cmocka_unit_test_setup(test_register_rules, setup),
        cmocka_unit_test_setup(test_help, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
