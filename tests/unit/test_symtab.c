/* Function-symbol table lookup, including malformed tables. */
#include "unit.h"

#include <string.h>
#include <stdlib.h>
#include <lares/symtab.h>

#define BASE 0xffffffff80000000ULL

/* A table with three functions: a at +0x1000 (0x20), b at +0x1020 (0x10), c at +0x2000 (0x8). */
static size_t build(u8 *buf)
{
    struct symtab_header h = {.base = BASE, .count = 3};
    struct symtab_entry e[3] = {
        {0x1000, 0x20, 0},
        {0x1020, 0x10, 6},
        {0x2000, 0x8, 12},
    };
    const char names[] = "alpha\0beta_\0gamma";

    h.names_off = sizeof(h) + sizeof(e);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), e, sizeof(e));
    memcpy(buf + h.names_off, names, sizeof(names));
    return h.names_off + sizeof(names);
}

static void finds_containing_function(void **state)
{
    u8 buf[256];
    size_t len = build(buf);
    struct symbol s;

    assert_true(symtab_lookup(buf, len, BASE + 0x1000, &s));
    assert_string_equal(s.name, "alpha");
    assert_int_equal(s.start, BASE + 0x1000);
    assert_int_equal(s.size, 0x20);
    assert_true(symtab_lookup(buf, len, BASE + 0x101f, &s));
    assert_string_equal(s.name, "alpha");
    assert_true(symtab_lookup(buf, len, BASE + 0x1020, &s));
    assert_string_equal(s.name, "beta_");
    assert_true(symtab_lookup(buf, len, BASE + 0x2007, &s));
    assert_string_equal(s.name, "gamma");
}

static void gaps_and_outside_addresses_are_not_found(void **state)
{
    u8 buf[256];
    size_t len = build(buf);
    struct symbol s;

    assert_false(symtab_lookup(buf, len, BASE + 0x1030, &s)); /* after beta, before gamma */
    assert_false(symtab_lookup(buf, len, BASE + 0xfff, &s));
    assert_false(symtab_lookup(buf, len, BASE + 0x2008, &s));
    assert_false(symtab_lookup(buf, len, 0, &s));
    assert_false(symtab_lookup(buf, len, BASE + 0x100000000ULL + 0x1000, &s));
}

static void malformed_tables_are_rejected_without_overreading(void **state)
{
    u8 buf[256];
    size_t len = build(buf);
    struct symtab_header *h = (struct symtab_header *)buf;
    struct symbol s;
    u8 *exact;

    assert_false(symtab_lookup(NULL, 0, BASE + 0x1000, &s));
    assert_false(symtab_lookup(buf, sizeof(*h) - 1, BASE + 0x1000, &s));

    h->count = 1000; /* more entries than the table holds */
    assert_false(symtab_lookup(buf, len, BASE + 0x1000, &s));
    h->count = 3;
    h->names_off = (u32)len + 1;
    assert_false(symtab_lookup(buf, len, BASE + 0x1000, &s));
    h->names_off = 8; /* names overlapping the entries */
    assert_false(symtab_lookup(buf, len, BASE + 0x1000, &s));
    build(buf);

    /* An unterminated last name at the very end of the table (heap copy: ASan checks reads). */
    exact = malloc(len - 1);
    memcpy(exact, buf, len - 1);
    assert_false(symtab_lookup(exact, len - 1, BASE + 0x2000, &s));
    assert_true(symtab_lookup(exact, len - 1, BASE + 0x1000, &s));
    free(exact);

    /* A name offset beyond the names. */
    ((struct symtab_entry *)(buf + sizeof(*h)))[0].name = 500;
    assert_false(symtab_lookup(buf, len, BASE + 0x1000, &s));
}

static void empty_table(void **state)
{
    struct symtab_header h = {.base = BASE, .count = 0, .names_off = sizeof(h)};
    struct symbol s;

    assert_false(symtab_lookup(&h, sizeof(h), BASE, &s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_containing_function),
        cmocka_unit_test(gaps_and_outside_addresses_are_not_found),
        cmocka_unit_test(malformed_tables_are_rejected_without_overreading),
        cmocka_unit_test(empty_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
