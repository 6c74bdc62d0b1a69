/*
 * include/public/io/ring.h: ring index arithmetic, including wrap-around
 * of the free-running 32-bit indices and peers that publish impossible
 * indices. Also checks that a ring declared with XEN_DEFINE_SRING has the
 * header layout Xen's frontends expect.
 */
#include "unit.h"

#include <public/io/console.h>
#include <public/io/ring.h>
#include <public/io/xs_wire.h>

struct req32 {
    uint64_t id;
    uint8_t body[24];
};
struct rsp16 {
    uint64_t id;
    int16_t status;
    uint8_t pad[6];
};
XEN_DEFINE_SRING(test, struct req32, struct rsp16);

static void sring_layout(void **state)
{
    assert_int_equal(offsetof(struct test_sring, req_prod), 0);
    assert_int_equal(offsetof(struct test_sring, req_event), 4);
    assert_int_equal(offsetof(struct test_sring, rsp_prod), 8);
    assert_int_equal(offsetof(struct test_sring, rsp_event), 12);
    assert_int_equal(offsetof(struct test_sring, pvt), 16);
    assert_int_equal(offsetof(struct test_sring, ring), XEN_SRING_HEADER_SIZE);
    assert_int_equal(sizeof(union test_sring_entry), 32);
}

static void nr_entries_are_powers_of_two(void **state)
{
    /* One page of 32-byte entries: (4096 - 64) / 32 = 126 -> 64. */
    assert_int_equal(xen_ring_nr_entries(4096, 32), 64);
    /* blkif: 112-byte entries, 32 per page (Linux and Xen agree). */
    assert_int_equal(xen_ring_nr_entries(4096, 112), 32);
    /* netif tx: 12-byte entries -> 256. */
    assert_int_equal(xen_ring_nr_entries(4096, 12), 256);
    assert_int_equal(xen_ring_nr_entries(4 * 4096, 112), 128);
    assert_int_equal(xen_ring_nr_entries(64, 8), 0);
    assert_int_equal(xen_ring_nr_entries(0, 8), 0);
    assert_int_equal(xen_ring_nr_entries(4096, 0), 0);
    assert_int_equal(xen_ring_nr_entries(4096, 5000), 0);
    assert_int_equal(xen_ring_rounddown_pow2(0), 0);
    assert_int_equal(xen_ring_rounddown_pow2(1), 1);
    assert_int_equal(xen_ring_rounddown_pow2(0xffffffffu), 0x80000000u);
}

static void frontend_counts_across_wrap(void **state)
{
    const uint32_t n = 32;
    RING_IDX prod = 0xfffffff0u, cons = 0xfffffff0u;

    assert_int_equal(xen_ring_free_requests(n, prod, cons), 32);
    prod += 20; /* wraps past 0 */
    assert_int_equal(prod, 4);
    assert_int_equal(xen_ring_free_requests(n, prod, cons), 12);
    assert_int_equal(xen_ring_unconsumed_responses(prod, cons), 20);
    assert_int_equal(xen_ring_slot(prod, n), (0xfffffff0u + 20) % 32);
    assert_int_equal(xen_ring_slot(0xffffffffu, n), 31);
}

static void backend_never_trusts_req_prod(void **state)
{
    const uint32_t n = 32;

    /* Normal: 5 requests after the last response. */
    assert_int_equal(xen_ring_unconsumed_requests(n, 105, 100, 100), 5);
    /* A frontend claiming 1000 requests: at most a ring's worth. */
    assert_int_equal(xen_ring_unconsumed_requests(n, 1100, 100, 100), 32);
    /* Backend consumed 10 but answered only 2: 8 slots busy, 24 usable. */
    assert_int_equal(xen_ring_unconsumed_requests(n, 1100, 110, 102), 24);
    /* req_prod behind req_cons (garbage): still bounded. */
    assert_int_equal(xen_ring_unconsumed_requests(n, 90, 100, 100), 32);
    assert_false(xen_ring_request_cons_overflow(n, 131, 100));
    assert_true(xen_ring_request_cons_overflow(n, 132, 100));
}

static void notify_only_when_event_is_crossed(void **state)
{
    /* Peer waits for index 11 (event = 11): moving 10 -> 11 crosses it. */
    assert_true(xen_ring_need_notify(10, 11, 11));
    assert_true(xen_ring_need_notify(10, 15, 11));
    assert_false(xen_ring_need_notify(10, 15, 16));
    assert_false(xen_ring_need_notify(10, 15, 10)); /* already past before */
    assert_false(xen_ring_need_notify(10, 10, 10)); /* nothing produced */
    /* Across the wrap. */
    assert_true(xen_ring_need_notify(0xfffffffeu, 2, 0));
    assert_false(xen_ring_need_notify(0xfffffffeu, 2, 3));
}

static void byte_rings(void **state)
{
    const uint32_t out = XENCONS_OUT_SIZE;

    assert_int_equal(xen_byte_ring_used(10, 4), 6);
    assert_int_equal(xen_byte_ring_free(out, 10, 4), out - 6);
    assert_true(xen_byte_ring_sane(out, 4 + out, 4));
    assert_false(xen_byte_ring_sane(out, 5 + out, 4));
    assert_int_equal(xen_byte_ring_free(out, 5 + out, 4), 0); /* insane: nothing free */
    /* Wrapped indices. */
    assert_int_equal(xen_byte_ring_used(3, 0xfffffffdu), 6);
    /* Contiguous pieces stop at the array's end. */
    assert_int_equal(xen_byte_ring_read_chunk(out, out + 100, out - 10), 10);
    assert_int_equal(xen_byte_ring_read_chunk(out, out + 100, out), 100);
    assert_int_equal(xen_byte_ring_read_chunk(out, 2 * out + 50, 10), 0); /* insane */
    assert_int_equal(xen_byte_ring_write_chunk(out, out - 10, 0), 10);
    assert_int_equal(xen_byte_ring_write_chunk(out, out - 10, out - 20), 10);
    assert_int_equal(xen_byte_ring_write_chunk(out, out, 0), 0); /* full */
    assert_int_equal(xen_byte_ring_write_chunk(out, 5, 5), out - 5);
    assert_int_equal(xen_byte_ring_offset(XENSTORE_RING_SIZE + 3, XENSTORE_RING_SIZE), 3);
    assert_int_equal(MASK_XENSTORE_IDX(XENSTORE_RING_SIZE + 3), 3);
}

/* Stream bytes through a console-sized ring with wrapping indices, using
 * only the chunk helpers, and check that every byte arrives in order. */
static void byte_ring_stream(void **state)
{
    char ring[XENCONS_OUT_SIZE];
    RING_IDX prod = 0xffffff00u, cons = 0xffffff00u;
    uint32_t sent = 0, received = 0;

    while (received < 100000) {
        uint32_t w = xen_byte_ring_write_chunk(sizeof(ring), prod, cons);

        w = w > 777 ? 777 : w;
        for (uint32_t i = 0; i < w; i++)
            ring[xen_byte_ring_offset(prod + i, sizeof(ring))] = (char)(sent + i);
        prod += w;
        sent += w;
        assert_true(xen_byte_ring_sane(sizeof(ring), prod, cons));

        uint32_t r = xen_byte_ring_read_chunk(sizeof(ring), prod, cons);
        r = r > 500 ? 500 : r;
        for (uint32_t i = 0; i < r; i++)
            assert_int_equal((unsigned char)ring[xen_byte_ring_offset(cons + i, sizeof(ring))],
                             (unsigned char)(received + i));
        cons += r;
        received += r;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sring_layout),
        cmocka_unit_test(nr_entries_are_powers_of_two),
        cmocka_unit_test(frontend_counts_across_wrap),
        cmocka_unit_test(backend_never_trusts_req_prod),
        cmocka_unit_test(notify_only_when_event_is_crossed),
        cmocka_unit_test(byte_rings),
        cmocka_unit_test(byte_ring_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
