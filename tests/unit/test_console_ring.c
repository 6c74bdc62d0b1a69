/* PV console page backend: draining output, pushing input, wrap-around and lying guests. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/console_ring.h>
#include <lares/errno.h>

/* A whole page, as the guest gets it; the interface sits at its start. */
static union {
    struct xencons_interface intf;
    char page[4096];
} * pg;
static struct xencons_interface *intf;

/* What the sink received, and in how many pieces. */
static char got[16384];
static size_t got_len;
static int sink_calls;

static void sink(void *ctx, const char *buf, size_t len)
{
    assert_true(len > 0);
    assert_true(got_len + len <= sizeof(got));
    /* Nothing the sink is given may point into guest memory. */
    assert_true(buf + len <= pg->page || buf >= pg->page + sizeof(pg->page));
    memcpy(got + got_len, buf, len);
    got_len += len;
    sink_calls++;
}

static int setup(void **state)
{
    pg = calloc(1, sizeof(*pg));
    assert_non_null(pg);
    intf = &pg->intf;
    got_len = 0;
    sink_calls = 0;
    return 0;
}

static int teardown(void **state)
{
    free(pg);
    return 0;
}

/* The frontend's write: what Linux's hvc_xen __write_console does. */
static u32 guest_write(const char *s, u32 len)
{
    XENCONS_RING_IDX cons = intf->out_cons, prod = intf->out_prod;
    u32 sent = 0;

    while (sent < len && prod - cons < sizeof(intf->out))
        intf->out[MASK_XENCONS_IDX(prod++, intf->out)] = s[sent++];
    __atomic_store_n(&intf->out_prod, prod, __ATOMIC_RELEASE);
    return sent;
}

/* The frontend's read of input. */
static u32 guest_read(char *buf, u32 size)
{
    XENCONS_RING_IDX cons = intf->in_cons, prod = intf->in_prod;
    u32 n = 0;

    while (cons != prod && n < size)
        buf[n++] = intf->in[MASK_XENCONS_IDX(cons++, intf->in)];
    __atomic_store_n(&intf->in_cons, cons, __ATOMIC_RELEASE);
    return n;
}

static void test_layout(void **state)
{
    /* The offsets the guest uses (Xen's public/io/console.h). */
    assert_int_equal(offsetof(struct xencons_interface, in), 0);
    assert_int_equal(offsetof(struct xencons_interface, out), 1024);
    assert_int_equal(offsetof(struct xencons_interface, in_cons), 3072);
    assert_int_equal(offsetof(struct xencons_interface, in_prod), 3076);
    assert_int_equal(offsetof(struct xencons_interface, out_cons), 3080);
    assert_int_equal(offsetof(struct xencons_interface, out_prod), 3084);
}

static void test_drain_empty(void **state)
{
    assert_int_equal(console_ring_output_pending(intf), 0);
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), 0);
    assert_int_equal(sink_calls, 0);
}

static void test_drain_simple(void **state)
{
    assert_int_equal(guest_write("hello\n", 6), 6);
    assert_int_equal(console_ring_output_pending(intf), 6);
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), 6);
    assert_int_equal(got_len, 6);
    assert_memory_equal(got, "hello\n", 6);
    assert_int_equal(intf->out_cons, 6);
    assert_int_equal(console_ring_output_pending(intf), 0);
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), 0);
}

static void test_drain_full_ring_and_wrap(void **state)
{
    char msg[2048], more[1000];

    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof(more); i++)
        more[i] = (char)('A' + i % 26);

    /* Start near the end of the index space so the u32 counters wrap too. */
    intf->out_cons = intf->out_prod = 0xffffff00u;
    assert_int_equal(guest_write(msg, sizeof(msg)), sizeof(msg));
    assert_int_equal(guest_write("x", 1), 0); /* full */
    assert_int_equal(console_ring_output_pending(intf), 2048);
    assert_int_equal(console_ring_drain(intf, 100000, sink, NULL), 2048);
    assert_memory_equal(got, msg, sizeof(msg));
    assert_int_equal(intf->out_cons, 0xffffff00u + 2048);

    got_len = 0;
    assert_int_equal(guest_write(more, sizeof(more)), sizeof(more));
    assert_int_equal(console_ring_drain(intf, 100000, sink, NULL), sizeof(more));
    assert_memory_equal(got, more, sizeof(more));
}

static void test_drain_bounded(void **state)
{
    char msg[1500];

    memset(msg, 'z', sizeof(msg));
    assert_int_equal(guest_write(msg, sizeof(msg)), sizeof(msg));
    /* At most max bytes per call; the rest stays for the next. */
    assert_int_equal(console_ring_drain(intf, 1000, sink, NULL), 1000);
    assert_int_equal(console_ring_output_pending(intf), 500);
    assert_int_equal(intf->out_cons, 1000);
    assert_int_equal(console_ring_drain(intf, 0, sink, NULL), 0);
    assert_int_equal(console_ring_drain(intf, 1000, sink, NULL), 500);
    assert_int_equal(got_len, 1500);
}

/* The guest's next write while we drain: out_cons moves as pieces are consumed. */
static int refills;

static void refilling_sink(void *ctx, const char *buf, size_t len)
{
    sink(ctx, buf, len);
    /* The space we already consumed is reusable: the frontend writes into it. */
    if (refills++ == 0)
        assert_int_equal(guest_write("NEW", 3), 3);
}

static void test_drain_space_freed_progressively(void **state)
{
    char msg[2048];

    memset(msg, 'q', sizeof(msg));
    assert_int_equal(guest_write(msg, sizeof(msg)), sizeof(msg));
    refills = 0;
    /* Only what out_prod said at the start is consumed in this call. */
    assert_int_equal(console_ring_drain(intf, 100000, refilling_sink, NULL), 2048);
    assert_int_equal(console_ring_output_pending(intf), 3);
    assert_int_equal(console_ring_drain(intf, 100000, sink, NULL), 3);
    assert_memory_equal(got + 2048, "NEW", 3);
}

static void test_drain_broken_indices(void **state)
{
    /* The guest claims more than a ring's worth: nothing is read, nothing consumed. */
    intf->out_cons = 10;
    intf->out_prod = 10 + 2049;
    assert_int_equal(console_ring_output_pending(intf), -EIO);
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), -EIO);
    assert_int_equal(sink_calls, 0);
    assert_int_equal(intf->out_cons, 10);

    /* prod behind cons is the same lie (a huge unsigned difference). */
    intf->out_prod = 5;
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), -EIO);

    /* Recovery: drop it all, then it works again. */
    console_ring_discard_output(intf);
    assert_int_equal(intf->out_cons, 5);
    assert_int_equal(console_ring_output_pending(intf), 0);
    assert_int_equal(guest_write("ok", 2), 2);
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), 2);
    assert_memory_equal(got, "ok", 2);
}

static void test_drain_exactly_full_is_sane(void **state)
{
    intf->out_cons = 0x7ffffff0u;
    intf->out_prod = 0x7ffffff0u + 2048;
    assert_int_equal(console_ring_output_pending(intf), 2048);
    assert_int_equal(console_ring_drain(intf, 4096, sink, NULL), 2048);
}

static void test_input_simple(void **state)
{
    char buf[64];

    assert_int_equal(console_ring_write_input(intf, "ls\r", 3), 3);
    assert_int_equal(intf->in_prod, 3);
    assert_int_equal(guest_read(buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "ls\r", 3);
    assert_int_equal(console_ring_write_input(intf, "", 0), 0);
    assert_int_equal(intf->in_prod, 3);
}

static void test_input_full_and_wrap(void **state)
{
    char in[1500], out[1500];

    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char)i;
    intf->in_cons = intf->in_prod = 0xfffffe00u;
    /* Only a ring's worth fits. */
    assert_int_equal(console_ring_write_input(intf, in, sizeof(in)), 1024);
    assert_int_equal(console_ring_write_input(intf, in, 1), 0);
    assert_int_equal(guest_read(out, 1000), 1000);
    assert_memory_equal(out, in, 1000);
    /* Room for 1000 more: written across the end of in[]. */
    assert_int_equal(console_ring_write_input(intf, in + 1024, 476), 476);
    assert_int_equal(guest_read(out, sizeof(out)), 24 + 476);
    assert_memory_equal(out, in + 1000, 500);
}

static void test_input_broken_indices(void **state)
{
    intf->in_cons = 0;
    intf->in_prod = 1025;
    assert_int_equal(console_ring_write_input(intf, "x", 1), -EIO);
    assert_int_equal(intf->in_prod, 1025);
    intf->in_cons = 100;
    intf->in_prod = 99;
    assert_int_equal(console_ring_write_input(intf, "x", 1), -EIO);
    /* Bytes never land outside in[] whatever the indices say. */
    for (size_t i = 0; i < sizeof(intf->out); i++)
        assert_int_equal(intf->out[i], 0);
}

static void test_huge_indices_stay_in_bounds(void **state)
{
    /* Any sane pair of indices, however large, only touches the arrays (ASan checks). */
    static const u32 starts[] = {0,    1,           1023,        1024,       2047,
                                 2048, 0x7fffffffu, 0xfffffff0u, 0xffffffffu};
    char buf[3000];

    memset(buf, 'k', sizeof(buf));
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        for (u32 used = 0; used <= 2048; used += 511) {
            intf->out_cons = starts[i];
            intf->out_prod = starts[i] + used;
            got_len = 0;
            assert_int_equal(console_ring_drain(intf, 100000, sink, NULL), (int)used);
        }
        for (u32 used = 0; used <= 1024; used += 255) {
            intf->in_cons = starts[i];
            intf->in_prod = starts[i] + used;
            assert_int_equal(console_ring_write_input(intf, buf, sizeof(buf)), (int)(1024 - used));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_simple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_full_ring_and_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_space_freed_progressively, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_broken_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_exactly_full_is_sane, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_simple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_full_and_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_broken_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_indices_stay_in_bounds, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
