/* Serial input focus: Ctrl-A x3 cycling, held-back Ctrl-A, vanished domains. */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <lares/console_focus.h>
#include <lares/errno.h>

/* The domains that exist: ids in ascending order, with names. */
struct fake_domain {
    u16 id;
    const char *name;
    bool alive;
};
static struct fake_domain doms[8];
static unsigned int ndoms;
static int lookups;

static int next_domain(void *ctx, int after, u16 *domid, char *name, size_t size)
{
    lookups++;
    for (unsigned int i = 0; i < ndoms; i++) {
        if (doms[i].alive && (int)doms[i].id > after) {
            *domid = doms[i].id;
            snprintf(name, size, "%s", doms[i].name);
            return 0;
        }
    }
    return -ENOENT;
}

static const struct console_focus_ops ops = {.next_domain = next_domain};
static struct console_focus focus;
static struct console_input in;

static void add_domain(u16 id, const char *name)
{
    doms[ndoms].id = id;
    doms[ndoms].name = name;
    doms[ndoms].alive = true;
    ndoms++;
}

static int setup(void **state)
{
    ndoms = 0;
    lookups = 0;
    add_domain(1, "web");
    add_domain(2, "db");
    add_domain(5, "test");
    console_focus_init(&focus, &ops);
    return 0;
}

#define HINT " (type CTRL-a three times to switch input)"

/* Three Ctrl-A: the first two say nothing, the third switches. */
static void press_switch(void)
{
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_int_equal(in.target, CONSOLE_INPUT_NONE);
    assert_false(in.switched);
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_int_equal(in.target, CONSOLE_INPUT_NONE);
    assert_false(in.switched);
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_int_equal(in.target, CONSOLE_INPUT_NONE);
    assert_int_equal(in.len, 0);
    assert_true(in.switched);
}

static void assert_key_goes_to(unsigned char key, enum console_input_target target, u16 domid)
{
    console_focus_input(&focus, key, &in);
    assert_int_equal(in.target, target);
    if (target == CONSOLE_INPUT_DOMAIN)
        assert_int_equal(in.domid, domid);
    assert_int_equal(in.len, 1);
    assert_int_equal((unsigned char)in.bytes[0], key);
    assert_false(in.switched);
}

static void test_starts_on_hypervisor(void **state)
{
    assert_key_goes_to('q', CONSOLE_INPUT_HYPERVISOR, 0);
    assert_key_goes_to('\r', CONSOLE_INPUT_HYPERVISOR, 0);
    assert_int_equal(lookups, 0); /* nobody asked about domains for plain input */
}

static void test_cycle(void **state)
{
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'web'" HINT);
    assert_key_goes_to('l', CONSOLE_INPUT_DOMAIN, 1);

    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'db'" HINT);
    assert_key_goes_to('s', CONSOLE_INPUT_DOMAIN, 2);

    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'test'" HINT);
    assert_key_goes_to('x', CONSOLE_INPUT_DOMAIN, 5);

    press_switch();
    assert_string_equal(in.announce, "*** Serial input to Lares" HINT);
    assert_key_goes_to('h', CONSOLE_INPUT_HYPERVISOR, 0);

    /* And round again. */
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'web'" HINT);
}

static void test_skips_vanished_domains(void **state)
{
    press_switch();        /* web */
    doms[1].alive = false; /* db is gone */
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'test'" HINT);
    doms[0].alive = false;
    doms[2].alive = false;
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to Lares" HINT);
    /* No domains at all: the switch stays on the hypervisor and says so. */
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to Lares" HINT);
    assert_key_goes_to('q', CONSOLE_INPUT_HYPERVISOR, 0);
}

static void test_new_domain_joins_cycle(void **state)
{
    press_switch(); /* web */
    add_domain(9, "late");
    press_switch(); /* db */
    press_switch(); /* test */
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'late'" HINT);
    assert_key_goes_to('y', CONSOLE_INPUT_DOMAIN, 9);
}

static void test_fewer_ctrl_a_delivered(void **state)
{
    press_switch(); /* web */

    /* One Ctrl-A then a key: both go to the domain, Ctrl-A first. */
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_int_equal(in.target, CONSOLE_INPUT_NONE);
    console_focus_input(&focus, 'c', &in);
    assert_int_equal(in.target, CONSOLE_INPUT_DOMAIN);
    assert_int_equal(in.domid, 1);
    assert_int_equal(in.len, 2);
    assert_memory_equal(in.bytes,
                        "\x01"
                        "c",
                        2);

    /* Two, then a key. */
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    console_focus_input(&focus, 'e', &in);
    assert_int_equal(in.len, 3);
    assert_memory_equal(in.bytes,
                        "\x01\x01"
                        "e",
                        3);
    assert_false(in.switched);

    /* The count starts again after a delivered key: two + key + two is no switch. */
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    console_focus_input(&focus, 'z', &in);
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_false(in.switched);
    console_focus_input(&focus, 'w', &in);
    assert_int_equal(in.domid, 1);
    assert_memory_equal(in.bytes,
                        "\x01\x01"
                        "w",
                        3);
}

static void test_four_ctrl_a(void **state)
{
    /* Three switch; the fourth starts a new count and is held back. */
    press_switch();
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_int_equal(in.target, CONSOLE_INPUT_NONE);
    assert_false(in.switched);
    console_focus_input(&focus, 'k', &in);
    assert_int_equal(in.target, CONSOLE_INPUT_DOMAIN);
    assert_int_equal(in.domid, 1);
    assert_memory_equal(in.bytes,
                        "\x01"
                        "k",
                        2);

    /* Six in a row: two switches. */
    for (int i = 0; i < 6; i++)
        console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    assert_true(in.switched);
    assert_string_equal(in.announce, "*** Serial input to domain 'test'" HINT);
}

static void test_ctrl_a_to_hypervisor(void **state)
{
    console_focus_input(&focus, CONSOLE_SWITCH_CHAR, &in);
    console_focus_input(&focus, 'r', &in);
    assert_int_equal(in.target, CONSOLE_INPUT_HYPERVISOR);
    assert_int_equal(in.len, 2);
    assert_memory_equal(in.bytes, "\x01r", 2);
}

static void test_switch_at_boot(void **state)
{
    console_focus_switch(&focus, &in);
    assert_true(in.switched);
    assert_string_equal(in.announce, "*** Serial input to domain 'web'" HINT);
    assert_key_goes_to('a', CONSOLE_INPUT_DOMAIN, 1);
}

static void test_focused_domain_gone(void **state)
{
    press_switch(); /* web */
    press_switch(); /* db */
    /* Another domain going away changes nothing. */
    assert_false(console_focus_domain_gone(&focus, 1, &in));
    assert_false(in.switched);
    assert_key_goes_to('a', CONSOLE_INPUT_DOMAIN, 2);
    /* The focused one: on to the next. */
    assert_true(console_focus_domain_gone(&focus, 2, &in));
    assert_true(in.switched);
    assert_string_equal(in.announce, "*** Serial input to domain 'test'" HINT);
    assert_key_goes_to('b', CONSOLE_INPUT_DOMAIN, 5);
    /* The last one: back to the hypervisor. */
    assert_true(console_focus_domain_gone(&focus, 5, &in));
    assert_string_equal(in.announce, "*** Serial input to Lares" HINT);
    assert_key_goes_to('c', CONSOLE_INPUT_HYPERVISOR, 0);
    /* With the hypervisor focused nothing is "gone". */
    assert_false(console_focus_domain_gone(&focus, 0, &in));
}

static void test_long_name_cut(void **state)
{
    ndoms = 0;
    add_domain(3, "a-domain-name-longer-than-thirty-two-bytes-for-sure");
    press_switch();
    assert_string_equal(in.announce,
                        "*** Serial input to domain 'a-domain-name-longer-than-thirt'" HINT);
    /* Names are printed: no terminal control through them. */
    ndoms = 0;
    add_domain(4, "bad\x1b[2J\n");
    press_switch();
    assert_string_equal(in.announce, "*** Serial input to domain 'bad?[2J?'" HINT);
}

static void test_all_bytes(void **state)
{
    /* Every byte value but Ctrl-A is delivered as it is, wherever the focus is. */
    for (int round = 0; round < 2; round++) {
        for (unsigned int c = 0; c < 256; c++) {
            if (c == CONSOLE_SWITCH_CHAR)
                continue;
            assert_key_goes_to((unsigned char)c,
                               round ? CONSOLE_INPUT_DOMAIN : CONSOLE_INPUT_HYPERVISOR, 1);
        }
        press_switch();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_starts_on_hypervisor, setup),
        cmocka_unit_test_setup(test_cycle, setup),
        cmocka_unit_test_setup(test_skips_vanished_domains, setup),
        cmocka_unit_test_setup(test_new_domain_joins_cycle, setup),
        cmocka_unit_test_setup(test_fewer_ctrl_a_delivered, setup),
        cmocka_unit_test_setup(test_four_ctrl_a, setup),
        cmocka_unit_test_setup(test_ctrl_a_to_hypervisor, setup),
        cmocka_unit_test_setup(test_switch_at_boot, setup),
        cmocka_unit_test_setup(test_focused_domain_gone, setup),
        cmocka_unit_test_setup(test_long_name_cut, setup),
        cmocka_unit_test_setup(test_all_bytes, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
