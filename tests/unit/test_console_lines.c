/* Guest console lines: assembly, interleaving of domains, idle flush, sanitising, history. */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <lares/console_lines.h>

#define MS 1000000ll

/* Everything that reached the "serial port". */
static char screen[65536];
static size_t screen_len;

static void screen_write(void *ctx, const char *s, size_t len)
{
    assert_true(screen_len + len < sizeof(screen));
    memcpy(screen + screen_len, s, len);
    screen_len += len;
    screen[screen_len] = '\0';
}

static void reset_screen(void)
{
    screen_len = 0;
    screen[0] = '\0';
}

static struct console_mux mux;
static struct console_lines web, db;

static int setup(void **state)
{
    reset_screen();
    console_mux_init(&mux, screen_write, NULL);
    console_lines_init(&web, "web");
    console_lines_init(&db, "db");
    return 0;
}

static void put(struct console_lines *cl, const char *s, s64 now)
{
    console_lines_write(cl, &mux, s, strlen(s), now);
}

#define assert_screen(expected) assert_string_equal(screen, expected)

/* ------------------------------------------------------------ lines */
static void test_whole_lines(void **state)
{
    put(&web, "hello\n", 0);
    assert_screen("(web) hello\n");
    put(&web, "two\nlines\n", 0);
    assert_screen("(web) hello\n(web) two\n(web) lines\n");
    put(&web, "\n", 0);
    assert_screen("(web) hello\n(web) two\n(web) lines\n(web) \n");
    assert_null(mux.open);
}

static void test_crlf(void **state)
{
    put(&web, "a\r\nb\r\n", 0);
    put(&web, "c\r", 0);
    put(&web, "\n", 0);
    /* A lone CR (progress output) does not break the line either. */
    put(&web, "10%\r20%\n", 0);
    assert_screen("(web) a\n(web) b\n(web) c\n(web) 10%20%\n");
}

static void test_line_held_until_newline(void **state)
{
    put(&web, "hel", 0);
    put(&web, "lo", 1 * MS);
    assert_screen("");
    put(&web, " world\n", 2 * MS);
    assert_screen("(web) hello world\n");
}

static void test_domains_interleave_by_line(void **state)
{
    put(&web, "GET /", 0);
    put(&db, "select 1;\nsel", 0);
    put(&web, "index.html\n", 0);
    put(&db, "ect 2;\n", 0);
    assert_screen("(db) select 1;\n(web) GET /index.html\n(db) select 2;\n");
}

static void test_long_lines_split(void **state)
{
    char in[CONSOLE_LINE_MAX + 50], want[2 * CONSOLE_LINE_MAX + 64];

    memset(in, 'a', sizeof(in));
    console_lines_write(&web, &mux, in, sizeof(in), 0);
    /* The first CONSOLE_LINE_MAX bytes are shown once the next byte arrives. */
    snprintf(want, sizeof(want), "(web) %.*s\n", CONSOLE_LINE_MAX, in);
    assert_screen(want);
    put(&web, "\n", 0);
    snprintf(want, sizeof(want), "(web) %.*s\n(web) %.*s\n", CONSOLE_LINE_MAX, in, 50, in);
    assert_screen(want);

    /* Exactly CONSOLE_LINE_MAX then a newline: one line, no empty one after it. */
    reset_screen();
    console_lines_write(&db, &mux, in, CONSOLE_LINE_MAX, 0);
    assert_screen("");
    put(&db, "\n", 0);
    snprintf(want, sizeof(want), "(db) %.*s\n", CONSOLE_LINE_MAX, in);
    assert_screen(want);
}

/* ------------------------------------------------------------ idle flush, open lines */
static void test_idle_flush_prompt(void **state)
{
    put(&web, "/ # ", 100 * MS);
    assert_true(console_lines_idle(&web, &mux, 100 * MS + CONSOLE_IDLE_FLUSH_NS - 1));
    assert_screen("");
    assert_false(console_lines_idle(&web, &mux, 100 * MS + CONSOLE_IDLE_FLUSH_NS));
    assert_screen("(web) / # ");
    assert_ptr_equal(mux.open, &web);
    /* Nothing more to do. */
    assert_false(console_lines_idle(&web, &mux, 500 * MS));

    /* The echo of typed characters continues the line at once. */
    put(&web, "u", 600 * MS);
    assert_screen("(web) / # u");
    put(&web, "name -r", 700 * MS);
    assert_screen("(web) / # uname -r");
    put(&web, "\n6.1.0-56-amd64\n", 800 * MS);
    assert_screen("(web) / # uname -r\n(web) 6.1.0-56-amd64\n");
    assert_null(mux.open);
}

static void test_idle_nothing_pending(void **state)
{
    assert_false(console_lines_idle(&web, &mux, 0));
    put(&web, "x\n", 0);
    assert_false(console_lines_idle(&web, &mux, 1000 * MS));
    assert_screen("(web) x\n");
}

static void test_open_line_interrupted(void **state)
{
    put(&web, "/ # ", 0);
    console_lines_idle(&web, &mux, CONSOLE_IDLE_FLUSH_NS);
    /* Another domain's line: the open one is ended first. */
    put(&db, "ready\n", CONSOLE_IDLE_FLUSH_NS);
    assert_screen("(web) / # \n(db) ready\n");
    /* web's next text is no longer in place: held back, then shown on a new line. */
    put(&web, "ls", 2 * CONSOLE_IDLE_FLUSH_NS);
    assert_screen("(web) / # \n(db) ready\n");
    put(&web, "\n", 2 * CONSOLE_IDLE_FLUSH_NS);
    assert_screen("(web) / # \n(db) ready\n(web) ls\n");
}

static void test_hypervisor_output_breaks_line(void **state)
{
    put(&web, "/ # ", 0);
    console_lines_idle(&web, &mux, CONSOLE_IDLE_FLUSH_NS);
    console_mux_break(&mux);
    screen_write(NULL, "(XEN) hello\n", 12); /* what printk does after the break */
    console_mux_break(&mux);                 /* nothing open: nothing written */
    put(&web, "x", 2 * CONSOLE_IDLE_FLUSH_NS);
    console_lines_idle(&web, &mux, 3 * CONSOLE_IDLE_FLUSH_NS);
    assert_screen("(web) / # \n(XEN) hello\n(web) x");
}

static void test_mux_put(void **state)
{
    static const int a = 1, b = 2;

    assert_false(console_mux_put(&mux, &a, "[a] ", 4, "one", 3, false));
    assert_true(console_mux_put(&mux, &a, "[a] ", 4, " two", 4, false));
    assert_false(console_mux_put(&mux, &b, "[b] ", 4, "bee", 3, true));
    assert_false(console_mux_put(&mux, &a, "[a] ", 4, "three", 5, true));
    assert_screen("[a] one two\n[b] bee\n[a] three\n");
    assert_null(mux.open);
}

static void test_finish(void **state)
{
    console_lines_finish(&web, &mux); /* nothing at all: nothing shown */
    assert_screen("");
    put(&web, "Kernel panic - not syncing", 0);
    console_lines_finish(&web, &mux);
    assert_screen("(web) Kernel panic - not syncing\n");

    /* An open line with everything shown just gets its newline. */
    reset_screen();
    put(&db, "login: ", 0);
    console_lines_idle(&db, &mux, CONSOLE_IDLE_FLUSH_NS);
    console_lines_finish(&db, &mux);
    assert_screen("(db) login: \n");
    assert_null(mux.open);

    /* Shown, then interrupted, nothing new: no empty "(db) " line. */
    reset_screen();
    put(&db, "$ ", 0);
    console_lines_idle(&db, &mux, CONSOLE_IDLE_FLUSH_NS);
    console_mux_break(&mux);
    console_lines_finish(&db, &mux);
    assert_screen("(db) $ \n");
}

static char hist[CONSOLE_HISTORY_LINES + 8][CONSOLE_LINE_MAX + 1];
static unsigned int nhist;

static void collect(void *ctx, const char *line, size_t len)
{
    assert_true(nhist < CONSOLE_HISTORY_LINES + 8);
    assert_true(len <= CONSOLE_LINE_MAX);
    memcpy(hist[nhist], line, len);
    hist[nhist][len] = '\0';
    nhist++;
}

/* ------------------------------------------------------------ sanitising */
static void test_control_characters(void **state)
{
    put(&web,
        "a\x01"
        "b\x07"
        "c\td\n",
        0);
    console_lines_write(&web, &mux, "x\0y\f\v\n", 6, 0);
    assert_screen("(web) abc\td\n(web) xy\n");
}

static void test_high_bytes(void **state)
{
    put(&web,
        "caf\xc3\xa9 \x9b"
        "31m\n",
        0);
    assert_screen("(web) caf?? ?31m\n");
}

static void test_escape_sequences(void **state)
{
    put(&web, "\x1b[1;32mgreen\x1b[0m plain\x1b[K\n", 0);
    put(&web,
        "\x1b"
        "cX\x1b(B!\n",
        0);               /* ESC + one byte */
    put(&web, "\x1b", 0); /* split across writes */
    put(&web, "[", 0);
    put(&web,
        "2J"
        "after\n",
        0);
    put(&web, "\x1b\nnext\n", 0); /* ESC then a newline: the newline still counts */
    put(&web, "\x1b\x1b[0mdouble\n", 0);
    put(&web, "\x1b[12\n", 0); /* broken sequence: ended by the control char */
    assert_screen("(web) green plain\n(web) X!\n(web) after\n(web) \n(web) next\n(web) double\n"
                  "(web) \n");
}

static void test_escape_too_long(void **state)
{
    char in[64];

    /* A "sequence" that never ends swallows at most CSI_MAX bytes. */
    snprintf(in, sizeof(in), "\x1b[%s", "0123456789012345678901234567890123456789");
    put(&web, in, 0);
    put(&web, "\n", 0);
    assert_screen("(web) 23456789\n");
}

static void test_backspace(void **state)
{
    put(&web,
        "abc\b\bd\x7f"
        "e\n",
        0);
    assert_screen("(web) ae\n");
    /* Erasing more than there is does nothing. */
    put(&web, "\b\b\bz\n", 0);
    assert_screen("(web) ae\n(web) z\n");
}

static void test_backspace_on_screen(void **state)
{
    put(&web, "/ # ", 0);
    console_lines_idle(&web, &mux, CONSOLE_IDLE_FLUSH_NS);
    put(&web, "lx", CONSOLE_IDLE_FLUSH_NS);
    /* The shell's rub-out of the typo. */
    put(&web, "\b \b", CONSOLE_IDLE_FLUSH_NS);
    put(&web, "s\n", CONSOLE_IDLE_FLUSH_NS);
    assert_screen("(web) / # lx\b \bs\n");

    /* The history has the corrected line. */
    nhist = 0;
    assert_int_equal(console_lines_history(&web, collect, NULL), 1);
    assert_string_equal(hist[0], "/ # ls");
}

static void test_name_sanitised(void **state)
{
    struct console_lines cl;

    console_lines_init(&cl, "we\x1b[2Jb");
    assert_string_equal(cl.prefix, "(we?[2Jb) ");
    console_lines_init(&cl, "a-very-long-domain-name-that-goes-on-and-on");
    assert_int_equal(cl.prefix_len, 1 + CONSOLE_NAME_MAX - 1 + 2);
    assert_memory_equal(cl.prefix, "(a-very-long-domain-name-that-go) ", cl.prefix_len);
}

/* ------------------------------------------------------------ history */
static void test_history_last_lines(void **state)
{
    char buf[32];

    nhist = 0;
    assert_int_equal(console_lines_history(&web, collect, NULL), 0);
    for (int i = 0; i < 60; i++) {
        snprintf(buf, sizeof(buf), "line %d\n", i);
        put(&web, buf, 0);
    }
    nhist = 0;
    assert_int_equal(console_lines_history(&web, collect, NULL), CONSOLE_HISTORY_LINES);
    assert_string_equal(hist[0], "line 10");
    assert_string_equal(hist[49], "line 59");

    /* The unfinished line comes last, and counts. */
    put(&web, "Kernel pan", 0);
    nhist = 0;
    assert_int_equal(console_lines_history(&web, collect, NULL), CONSOLE_HISTORY_LINES);
    assert_string_equal(hist[0], "line 11");
    assert_string_equal(hist[48], "line 59");
    assert_string_equal(hist[49], "Kernel pan");
}

static void test_history_wraps(void **state)
{
    char buf[CONSOLE_LINE_MAX + 2];
    const size_t len = 200;

    /* 30 lines of 200 bytes: more than the history holds (4096 bytes). */
    for (int i = 0; i < 30; i++) {
        memset(buf, 'a' + i % 26, len);
        buf[len] = '\n';
        console_lines_write(&web, &mux, buf, len + 1, 0);
    }
    nhist = 0;
    unsigned int n = console_lines_history(&web, collect, NULL);
    /* Only whole lines, the newest ones, in order. */
    assert_int_equal(n, (CONSOLE_HISTORY_BYTES / (len + 1)));
    for (unsigned int i = 0; i < n; i++) {
        int line_no = 30 - (int)n + (int)i;

        assert_int_equal(strlen(hist[i]), len);
        assert_int_equal(hist[i][0], 'a' + line_no % 26);
        assert_int_equal(hist[i][len - 1], 'a' + line_no % 26);
    }
}

static void test_history_keeps_split_lines(void **state)
{
    char in[CONSOLE_LINE_MAX + 10];

    memset(in, 'z', sizeof(in));
    console_lines_write(&web, &mux, in, sizeof(in), 0);
    put(&web, "\n", 0);
    nhist = 0;
    assert_int_equal(console_lines_history(&web, collect, NULL), 2);
    assert_int_equal(strlen(hist[0]), CONSOLE_LINE_MAX);
    assert_int_equal(strlen(hist[1]), 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_whole_lines, setup),
        cmocka_unit_test_setup(test_crlf, setup),
        cmocka_unit_test_setup(test_line_held_until_newline, setup),
        cmocka_unit_test_setup(test_domains_interleave_by_line, setup),
        cmocka_unit_test_setup(test_long_lines_split, setup),
        cmocka_unit_test_setup(test_idle_flush_prompt, setup),
        cmocka_unit_test_setup(test_idle_nothing_pending, setup),
        cmocka_unit_test_setup(test_open_line_interrupted, setup),
        cmocka_unit_test_setup(test_hypervisor_output_breaks_line, setup),
        cmocka_unit_test_setup(test_mux_put, setup),
        cmocka_unit_test_setup(test_finish, setup),
        cmocka_unit_test_setup(test_control_characters, setup),
        cmocka_unit_test_setup(test_high_bytes, setup),
        cmocka_unit_test_setup(test_escape_sequences, setup),
        cmocka_unit_test_setup(test_escape_too_long, setup),
        cmocka_unit_test_setup(test_backspace, setup),
        cmocka_unit_test_setup(test_backspace_on_screen, setup),
        cmocka_unit_test_setup(test_name_sanitised, setup),
        cmocka_unit_test_setup(test_history_last_lines, setup),
        cmocka_unit_test_setup(test_history_wraps, setup),
        cmocka_unit_test_setup(test_history_keeps_split_lines, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
