/* Command-line tokenising, value parsing and the parameter table. */
#include "unit.h"

#include <string.h>
#include <lares/cmdline.h>
#include <lares/errno.h>
#include <lares/param.h>

static void tokenises_keys_values_and_quotes(void **state)
{
    const char *p = "  console=com1 noreboot  cmdline=\"a b  c\" x='y z'w k=";
    struct cmdline_opt o;

    assert_true(cmdline_next(&p, &o));
    assert_string_equal(o.key, "console");
    assert_string_equal(o.value, "com1");
    assert_true(o.has_value);
    assert_true(cmdline_next(&p, &o));
    assert_string_equal(o.key, "noreboot");
    assert_false(o.has_value);
    assert_true(cmdline_next(&p, &o));
    assert_string_equal(o.key, "cmdline");
    assert_string_equal(o.value, "\"a b  c\"");
    assert_true(cmdline_next(&p, &o));
    assert_string_equal(o.key, "x");
    assert_string_equal(o.value, "'y z'w");
    assert_true(cmdline_next(&p, &o));
    assert_string_equal(o.key, "k");
    assert_true(o.has_value);
    assert_string_equal(o.value, "");
    assert_false(cmdline_next(&p, &o));
}

static void overlong_option_is_flagged(void **state)
{
    static char line[CMDLINE_VALUE_MAX + 100];
    const char *p = line;
    struct cmdline_opt o;

    memset(line, 'a', sizeof(line) - 1);
    line[3] = '=';
    assert_true(cmdline_next(&p, &o));
    assert_true(o.truncated);
    assert_false(cmdline_next(&p, &o));
}

static void splits_lists_honouring_quotes(void **state)
{
    const char *p = "web,kernel=vmlinux,cmdline=\"console=hvc0,115200 quiet\",vcpus=2";
    char item[128];

    assert_true(cmdline_list_next(&p, item, sizeof(item), NULL));
    assert_string_equal(item, "web");
    assert_true(cmdline_list_next(&p, item, sizeof(item), NULL));
    assert_string_equal(item, "kernel=vmlinux");
    assert_true(cmdline_list_next(&p, item, sizeof(item), NULL));
    assert_string_equal(item, "cmdline=console=hvc0,115200 quiet");
    assert_true(cmdline_list_next(&p, item, sizeof(item), NULL));
    assert_string_equal(item, "vcpus=2");
    assert_false(cmdline_list_next(&p, item, sizeof(item), NULL));

    bool trunc;
    p = "abcdefgh";
    assert_true(cmdline_list_next(&p, item, 4, &trunc));
    assert_true(trunc);
    assert_string_equal(item, "abc");
}

static void parses_numbers_sizes_and_bools(void **state)
{
    u64 v;
    bool b;

    assert_int_equal(parse_uint("123", &v), 0);
    assert_int_equal(v, 123);
    assert_int_equal(parse_uint("0x1F", &v), 0);
    assert_int_equal(v, 31);
    assert_int_equal(parse_uint("", &v), -EINVAL);
    assert_int_equal(parse_uint("12a", &v), -EINVAL);
    assert_int_equal(parse_uint("0x", &v), -EINVAL);
    assert_int_equal(parse_uint("18446744073709551616", &v), -ERANGE);

    assert_int_equal(parse_size("256M", &v), 0);
    assert_int_equal(v, 256ULL << 20);
    assert_int_equal(parse_size("1G", &v), 0);
    assert_int_equal(v, 1ULL << 30);
    assert_int_equal(parse_size("64k", &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(parse_size("2GiB", &v), 0);
    assert_int_equal(v, 2ULL << 30);
    assert_int_equal(parse_size("512MB", &v), 0);
    assert_int_equal(v, 512ULL << 20);
    assert_int_equal(parse_size("4096", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(parse_size("12Q", &v), -EINVAL);
    assert_int_equal(parse_size("M", &v), -EINVAL);
    assert_int_equal(parse_size("99999999999999T", &v), -ERANGE);

    assert_int_equal(parse_bool("yes", &b), 0);
    assert_true(b);
    assert_int_equal(parse_bool("off", &b), 0);
    assert_false(b);
    assert_int_equal(parse_bool("maybe", &b), -EINVAL);
}

static bool flag_a = false, flag_b = true;
static u32 num;
static u8 small;
static u64 size;
static char str[8];
static char custom_seen[64];
static int custom_handler(const char *v)
{
    if (!strcmp(v, "bad"))
        return -EINVAL;
    strcpy(custom_seen, v);
    return 0;
}

static const struct kernel_param table[] = {
    { .name = "a", .type = PARAM_BOOL, .var = &flag_a, .size = sizeof(bool) },
    { .name = "b", .type = PARAM_BOOL, .var = &flag_b, .size = sizeof(bool) },
    { .name = "num", .type = PARAM_UINT, .var = &num, .size = sizeof(num) },
    { .name = "small", .type = PARAM_UINT, .var = &small, .size = sizeof(small) },
    { .name = "mem", .type = PARAM_SIZE, .var = &size, .size = sizeof(size) },
    { .name = "str", .type = PARAM_STRING, .var = str, .size = sizeof(str) },
    { .name = "dom", .type = PARAM_CUSTOM, .handler = custom_handler },
};
#define END (table + sizeof(table) / sizeof(table[0]))

static void applies_parameters(void **state)
{
    assert_int_equal(param_apply(table, END, "a", "", false), 0);
    assert_true(flag_a);
    assert_int_equal(param_apply(table, END, "no-b", "", false), 0);
    assert_false(flag_b);
    assert_int_equal(param_apply(table, END, "a", "off", true), 0);
    assert_false(flag_a);
    assert_int_equal(param_apply(table, END, "a", "perhaps", true), -EINVAL);
    assert_int_equal(param_apply(table, END, "num", "0x10", true), 0);
    assert_int_equal(num, 16);
    assert_int_equal(param_apply(table, END, "num", "", false), -EINVAL);
    assert_int_equal(param_apply(table, END, "small", "256", true), -ERANGE);
    assert_int_equal(param_apply(table, END, "mem", "1G", true), 0);
    assert_int_equal(size, 1ULL << 30);
    assert_int_equal(param_apply(table, END, "str", "\"ab c\"", true), 0);
    assert_string_equal(str, "ab c");
    assert_int_equal(param_apply(table, END, "str", "too-long-value", true), -EINVAL);
    assert_string_equal(str, "ab c");
    assert_int_equal(param_apply(table, END, "dom", "x,cmdline=\"a b\"", true), 0);
    assert_string_equal(custom_seen, "x,cmdline=\"a b\"");
    assert_int_equal(param_apply(table, END, "dom", "bad", true), -EINVAL);
    assert_int_equal(param_apply(table, END, "nope", "1", true), -ENOENT);
    assert_int_equal(param_apply(table, END, "no-num", "", false), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokenises_keys_values_and_quotes),
        cmocka_unit_test(overlong_option_is_flagged),
        cmocka_unit_test(splits_lists_honouring_quotes),
        cmocka_unit_test(parses_numbers_sizes_and_bools),
        cmocka_unit_test(applies_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
