/*
 * The hypervisor's XZ decoder (hv/lib/xz_*.c) against the reference
 * encoder, liblzma: streams of many shapes decode byte for byte, and
 * truncated, corrupted or unsupported ones fail with an error (under
 * ASan/UBSan, so any stray access shows).
 */
#include "unit.h"

#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lares/xz.h>

static struct xz_decoder dec;

/* ------------------------------------------------------------ inputs */

/* A small deterministic generator, so failures reproduce. */
static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static uint8_t *random_bytes(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n ? n : 1);

    rng_state = seed;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
    return p;
}

/* Text-like data with long and short repeats: exercises matches and all length ranges. */
static uint8_t *texty_bytes(size_t n, uint64_t seed)
{
    static const char *words[] = {"the ", "hypervisor ", "decodes ", "xz ",        "streams ",
                                  "of ",  "LZMA2 ",      "chunks\n", "0123456789", "\t"};
    uint8_t *p = malloc(n ? n : 1);
    size_t i = 0;

    rng_state = seed;
    while (i < n) {
        uint32_t r = rng();

        if (r % 7 == 0 && i > 300) {
            /* copy an earlier run, at a far or near distance */
            size_t len = 4 + r % 290, from = rng() % (i - 1);

            for (size_t k = 0; k < len && i < n; k++)
                p[i++] = p[from + k];
        } else if (r % 11 == 0) {
            p[i++] = (uint8_t)rng();
        } else {
            const char *w = words[r % 10];

            for (size_t k = 0; w[k] && i < n; k++)
                p[i++] = (uint8_t)w[k];
        }
    }
    return p;
}

/* Real x86 code: this test program's own file. */
static uint8_t *own_executable(size_t *n)
{
    FILE *f = fopen("/proc/self/exe", "rb");
    uint8_t *p;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc(*n);
    assert_int_equal(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

/* ------------------------------------------------------------ encoding with liblzma */

struct enc_opts {
    lzma_check check;
    bool x86;
    uint32_t x86_start;
    uint32_t lc, lp, pb; /* used if set_lclppb */
    bool set_lclppb;
    size_t block_size;  /* 0: one block */
    uint32_t dict_size; /* 0: 1 MiB */
};

/* Feed all of data through an initialised liblzma encoder; the bytes it wrote to out. */
static size_t run_encoder(lzma_stream *s, const uint8_t *data, size_t n, uint8_t *out, size_t cap)
{
    size_t written;

    s->next_in = data;
    s->avail_in = n;
    s->next_out = out;
    s->avail_out = cap;
    assert_int_equal(lzma_code(s, LZMA_FINISH), LZMA_STREAM_END);
    written = cap - s->avail_out;
    lzma_end(s);
    return written;
}

static uint8_t *encode(const uint8_t *data, size_t n, const struct enc_opts *o, size_t *out_n)
{
    lzma_options_lzma lz;
    lzma_options_bcj bcj = {.start_offset = o->x86_start};
    lzma_filter filters[3];
    size_t cap = lzma_stream_buffer_bound(n) + 4096, pos = 0;
    uint8_t *out = malloc(cap);
    unsigned f = 0;

    assert_false(lzma_lzma_preset(&lz, 6));
    lz.dict_size = o->dict_size ? o->dict_size : 1u << 20;
    if (o->set_lclppb) {
        lz.lc = o->lc;
        lz.lp = o->lp;
        lz.pb = o->pb;
    }
    if (o->x86)
        filters[f++] = (lzma_filter){.id = LZMA_FILTER_X86, .options = o->x86_start ? &bcj : NULL};
    filters[f++] = (lzma_filter){.id = LZMA_FILTER_LZMA2, .options = &lz};
    filters[f] = (lzma_filter){.id = LZMA_VLI_UNKNOWN};

    if (!o->block_size) {
        assert_int_equal(
            lzma_stream_buffer_encode(filters, o->check, NULL, data, n, out, &pos, cap), LZMA_OK);
    } else {
        lzma_mt mt = {
            .threads = 1, .block_size = o->block_size, .filters = filters, .check = o->check};
        lzma_stream s = LZMA_STREAM_INIT;

        assert_int_equal(lzma_stream_encoder_mt(&s, &mt), LZMA_OK);
        pos = run_encoder(&s, data, n, out, cap);
    }
    *out_n = pos;
    return out;
}

/* ------------------------------------------------------------ checking */

static void decodes_to(const uint8_t *xz, size_t xz_n, const uint8_t *data, size_t n,
                       unsigned streams, unsigned min_blocks)
{
    uint8_t *out = malloc(n + 1);
    struct xz_info info;
    enum xz_status st = xz_decode(&dec, xz, xz_n, out, n, &info);
    uint64_t size = 0;

    if (st)
        fail_msg("xz_decode: %s: %s", xz_status_text(st), dec.why);
    assert_int_equal(info.out_len, n);
    assert_memory_equal(out, data, n);
    assert_int_equal(info.streams, streams);
    assert_true(info.blocks >= min_blocks);
    assert_int_equal(xz_uncompressed_size(&dec, xz, xz_n, &size), XZ_OK);
    assert_int_equal(size, n);
    /* One byte less room must fail, not overflow (when there is data at all). */
    if (n)
        assert_int_equal(xz_decode(&dec, xz, xz_n, out, n - 1, &info), XZ_ERR_OUTPUT_FULL);
    free(out);
}

static void round_trip(const uint8_t *data, size_t n, const struct enc_opts *o, unsigned min_blocks)
{
    size_t xz_n;
    uint8_t *xz = encode(data, n, o, &xz_n);

    decodes_to(xz, xz_n, data, n, 1, min_blocks);
    free(xz);
}

static const struct enc_opts crc32_opts = {.check = LZMA_CHECK_CRC32};

/* ------------------------------------------------------------ shapes */

static void empty_input(void **state)
{
    round_trip((const uint8_t *)"", 0, &crc32_opts, 0);
}

static void tiny_inputs(void **state)
{
    for (size_t n = 1; n <= 40; n++) {
        uint8_t *d = texty_bytes(n, n);

        round_trip(d, n, &crc32_opts, 1);
        free(d);
    }
}

static void text_larger_than_one_chunk(void **state)
{
    /* An LZMA2 chunk holds at most 2 MiB of output: this takes several. */
    size_t n = 5u << 20;
    uint8_t *d = texty_bytes(n, 7);

    round_trip(d, n, &crc32_opts, 1);
    free(d);
}

static void long_runs_and_repeats(void **state)
{
    size_t n = 3u << 20;
    uint8_t *d = malloc(n);

    /* Zeros, then a short repeating pattern: maximal match lengths, rep0 matches. */
    memset(d, 0, n / 2);
    for (size_t i = n / 2; i < n; i++)
        d[i] = (uint8_t) "abcabcabd"[i % 9];
    round_trip(d, n, &crc32_opts, 1);
    free(d);
}

static void incompressible_data(void **state)
{
    /* Random bytes end up in stored (uncompressed) LZMA2 chunks. */
    size_t n = 300000;
    uint8_t *d = random_bytes(n, 42);

    round_trip(d, n, &crc32_opts, 1);
    free(d);
}

static void mixed_stored_and_lzma_chunks(void **state)
{
    size_t n = 4u << 20;
    uint8_t *d = texty_bytes(n, 3);
    uint8_t *r = random_bytes(n / 4, 9);

    /* Random stretches between compressible ones: LZMA chunks follow stored ones. */
    memcpy(d + n / 8, r, n / 8);
    memcpy(d + n / 2, r + n / 8, n / 8);
    round_trip(d, n, &crc32_opts, 1);
    free(d);
    free(r);
}

static void every_check_type(void **state)
{
    static const lzma_check checks[] = {LZMA_CHECK_NONE, LZMA_CHECK_CRC32, LZMA_CHECK_CRC64};
    size_t n = 100000;
    uint8_t *d = texty_bytes(n, 5);

    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        struct enc_opts o = {.check = checks[i]};
        struct xz_info info;
        size_t xz_n;
        uint8_t *xz = encode(d, n, &o, &xz_n);
        uint8_t *out = malloc(n);

        decodes_to(xz, xz_n, d, n, 1, 1);
        assert_int_equal(xz_decode(&dec, xz, xz_n, out, n, &info), XZ_OK);
        assert_int_equal(info.check, checks[i]);
        assert_false(info.check_skipped);
        free(out);
        free(xz);
    }
    free(d);
}

static void sha256_is_skipped_and_said_so(void **state)
{
    struct enc_opts o = {.check = LZMA_CHECK_SHA256};
    size_t n = 5000, xz_n;
    uint8_t *d = texty_bytes(n, 6), *out = malloc(n);
    uint8_t *xz = encode(d, n, &o, &xz_n);
    struct xz_info info;

    assert_int_equal(xz_decode(&dec, xz, xz_n, out, n, &info), XZ_OK);
    assert_memory_equal(out, d, n);
    assert_int_equal(info.check, 10);
    assert_true(info.check_skipped);
    free(out);
    free(xz);
    free(d);
}

static void literal_and_position_contexts(void **state)
{
    static const uint32_t lclppb[][3] = {{0, 0, 0}, {4, 0, 2}, {0, 4, 4},
                                         {1, 3, 1}, {3, 1, 0}, {2, 2, 3}};
    size_t n = 200000;
    uint8_t *d = texty_bytes(n, 8);

    for (size_t i = 0; i < sizeof(lclppb) / sizeof(lclppb[0]); i++) {
        struct enc_opts o = {.check = LZMA_CHECK_CRC32,
                             .set_lclppb = true,
                             .lc = lclppb[i][0],
                             .lp = lclppb[i][1],
                             .pb = lclppb[i][2]};

        round_trip(d, n, &o, 1);
        /* Blocks at odd offsets: the contexts count from each block's start. */
        o.block_size = 65537;
        round_trip(d, n, &o, 3);
    }
    free(d);
}

static void x86_code_with_bcj(void **state)
{
    size_t n;
    uint8_t *d = own_executable(&n);
    struct enc_opts o = {.check = LZMA_CHECK_CRC32, .x86 = true};
    struct enc_opts shifted = {.check = LZMA_CHECK_CRC64, .x86 = true, .x86_start = 0x12345};

    round_trip(d, n, &o, 1);
    round_trip(d, n, &shifted, 1);
    free(d);
}

static void bcj_on_call_heavy_patterns(void **state)
{
    /* Dense E8/E9 bytes in every arrangement, with 00/FF around them: every history case. */
    size_t n = 1u << 20;
    uint8_t *d = random_bytes(n, 77);
    static const uint8_t pick[] = {0xe8, 0xe9, 0x00, 0xff, 0xe8, 0x00, 0xff, 0x12};
    struct enc_opts o = {.check = LZMA_CHECK_CRC32, .x86 = true};

    for (size_t i = 0; i < n; i++)
        d[i] = pick[d[i] & 7];
    round_trip(d, n, &o, 1);
    for (size_t len = 0; len < 12; len++)
        round_trip(d, len, &o, 0);
    free(d);
}

static void multiple_blocks(void **state)
{
    size_t n = 3u << 20;
    uint8_t *d = texty_bytes(n, 11);
    struct enc_opts o = {.check = LZMA_CHECK_CRC64, .block_size = 256u << 10};
    struct enc_opts bcj = {.check = LZMA_CHECK_CRC32, .x86 = true, .block_size = 100000};

    round_trip(d, n, &o, 12);
    round_trip(d, n, &bcj, 31);
    free(d);
}

static void concatenated_streams_with_padding(void **state)
{
    size_t n1 = 70000, n2 = 5000, a_n, b_n;
    uint8_t *d = texty_bytes(n1 + n2, 12);
    struct enc_opts o1 = {.check = LZMA_CHECK_CRC32};
    struct enc_opts o2 = {.check = LZMA_CHECK_CRC64, .x86 = true};
    uint8_t *a = encode(d, n1, &o1, &a_n), *b = encode(d + n1, n2, &o2, &b_n);
    uint8_t *cat = calloc(1, a_n + b_n + 16);

    memcpy(cat, a, a_n);
    memcpy(cat + a_n + 8, b, b_n); /* 8 bytes of stream padding between */
    decodes_to(cat, a_n + 8 + b_n + 4, d, n1 + n2, 2, 2);
    decodes_to(cat, a_n, d, n1, 1, 1); /* the first alone */

    /* Padding that is not a multiple of 4 is an error. */
    {
        struct xz_info info;
        uint8_t *out = malloc(n1 + n2);

        memmove(cat + a_n + 6, cat + a_n + 8, b_n);
        memset(cat + a_n, 0, 6);
        assert_int_equal(xz_decode(&dec, cat, a_n + 6 + b_n, out, n1 + n2, &info), XZ_ERR_DATA);
        assert_int_equal(xz_decode(&dec, cat, a_n + 3, out, n1 + n2, &info), XZ_ERR_DATA);
        free(out);
    }
    free(cat);
    free(a);
    free(b);
    free(d);
}

/* ------------------------------------------------------------ bad input */

static enum xz_status try_decode(const uint8_t *xz, size_t n, size_t cap)
{
    uint8_t *out = malloc(cap ? cap : 1);
    struct xz_info info;
    enum xz_status st = xz_decode(&dec, xz, n, out, cap, &info);

    if (st == XZ_OK)
        assert_true(info.out_len <= cap);
    else
        assert_non_null(dec.why);
    free(out);
    return st;
}

static void every_truncation_fails(void **state)
{
    size_t n = 3000, xz_n;
    uint8_t *d = texty_bytes(n, 13);
    struct enc_opts o = {.check = LZMA_CHECK_CRC32, .x86 = true};
    uint8_t *xz = encode(d, n, &o, &xz_n);

    for (size_t len = 0; len < xz_n; len++) {
        /* A copy of exactly len bytes, so ASan sees any read beyond it. */
        uint8_t *cut = malloc(len ? len : 1);
        uint64_t size;

        memcpy(cut, xz, len);
        assert_int_not_equal(try_decode(cut, len, n), XZ_OK);
        assert_int_not_equal(xz_uncompressed_size(&dec, cut, len, &size), XZ_OK);
        free(cut);
    }
    free(xz);
    free(d);
}

static void every_single_bit_flip_fails(void **state)
{
    /* With CRC32 on the headers and CRC64 on the data, no flipped bit goes unnoticed. */
    size_t n = 2000, xz_n;
    uint8_t *d = texty_bytes(n, 14);
    struct enc_opts o = {.check = LZMA_CHECK_CRC64};
    uint8_t *xz = encode(d, n, &o, &xz_n);

    for (size_t bit = 0; bit < xz_n * 8; bit++) {
        xz[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (try_decode(xz, xz_n, n) == XZ_OK)
            fail_msg("flipping bit %zu of %zu bytes went unnoticed", bit, xz_n);
        xz[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    free(xz);
    free(d);
}

static void random_damage_never_crashes(void **state)
{
    /* Without a data check a damaged stream may decode to something: only safety counts. */
    static const lzma_check checks[] = {LZMA_CHECK_NONE, LZMA_CHECK_CRC32};
    size_t n = 60000;
    uint8_t *d = texty_bytes(n, 15);

    for (size_t c = 0; c < 2; c++) {
        struct enc_opts o = {.check = checks[c], .x86 = c == 1, .block_size = c ? 20000 : 0};
        size_t xz_n;
        uint8_t *xz = encode(d, n, &o, &xz_n);
        uint8_t *bad = malloc(xz_n);

        rng_state = 99 + c;
        for (int round = 0; round < 400; round++) {
            enum xz_status st;

            memcpy(bad, xz, xz_n);
            for (uint32_t k = 1 + rng() % 8; k; k--)
                bad[rng() % xz_n] ^= (uint8_t)(1u << (rng() % 8));
            st = try_decode(bad, xz_n, round % 2 ? n : n / 2);
            (void)xz_uncompressed_size(&dec, bad, xz_n, &(uint64_t){0}); /* safety only */
            if (checks[c] != LZMA_CHECK_NONE && st == XZ_OK && memcmp(bad, xz, xz_n))
                fail_msg("round %d: damaged stream decoded", round);
        }
        free(bad);
        free(xz);
    }
    free(d);
}

static void garbage_is_not_xz(void **state)
{
    uint8_t *junk = random_bytes(4096, 16);
    uint64_t size;

    assert_int_equal(try_decode(junk, 4096, 4096), XZ_ERR_FORMAT);
    assert_int_equal(xz_uncompressed_size(&dec, junk, 4096, &size), XZ_ERR_FORMAT);
    /* The magic followed by garbage is corrupt or unsupported, never decoded. */
    memcpy(junk,
           "\xfd"
           "7zXZ\0",
           6);
    for (int i = 0; i < 200; i++) {
        for (size_t k = 6; k < 64; k++)
            junk[k] = (uint8_t)rng();
        assert_int_not_equal(try_decode(junk, 64 + (size_t)i * 8, 4096), XZ_OK);
    }
    free(junk);
}

static void unsupported_filters_and_formats(void **state)
{
    size_t n = 1000, xz_n, pos = 0, cap = 4096;
    uint8_t *d = texty_bytes(n, 17), *out = malloc(cap);
    lzma_options_lzma lz;
    lzma_options_delta delta = {.type = LZMA_DELTA_TYPE_BYTE, .dist = 4};
    lzma_filter filters[3] = {{.id = LZMA_FILTER_DELTA, .options = &delta},
                              {.id = LZMA_FILTER_LZMA2, .options = &lz},
                              {.id = LZMA_VLI_UNKNOWN}};
    lzma_stream s = LZMA_STREAM_INIT;

    lzma_lzma_preset(&lz, 1);
    assert_int_equal(
        lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, d, n, out, &pos, cap), LZMA_OK);
    assert_int_equal(try_decode(out, pos, n), XZ_ERR_UNSUPPORTED);
    assert_non_null(strstr(dec.why, "filter"));

    /* The old .lzma format is not .xz. */
    assert_int_equal(lzma_alone_encoder(&s, &lz), LZMA_OK);
    xz_n = run_encoder(&s, d, n, out, cap);
    assert_int_equal(try_decode(out, xz_n, n), XZ_ERR_FORMAT);
    free(out);
    free(d);
}

static void status_texts(void **state)
{
    for (int st = XZ_OK; st <= XZ_ERR_OUTPUT_FULL; st++)
        assert_string_not_equal(xz_status_text((enum xz_status)st), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_input),
        cmocka_unit_test(tiny_inputs),
        cmocka_unit_test(text_larger_than_one_chunk),
        cmocka_unit_test(long_runs_and_repeats),
        cmocka_unit_test(incompressible_data),
        cmocka_unit_test(mixed_stored_and_lzma_chunks),
        cmocka_unit_test(every_check_type),
        cmocka_unit_test(sha256_is_skipped_and_said_so),
        cmocka_unit_test(literal_and_position_contexts),
        cmocka_unit_test(x86_code_with_bcj),
        cmocka_unit_test(bcj_on_call_heavy_patterns),
        cmocka_unit_test(multiple_blocks),
        cmocka_unit_test(concatenated_streams_with_padding),
        cmocka_unit_test(every_truncation_fails),
        cmocka_unit_test(every_single_bit_flip_fails),
        cmocka_unit_test(random_damage_never_crashes),
        cmocka_unit_test(garbage_is_not_xz),
        cmocka_unit_test(unsupported_filters_and_formats),
        cmocka_unit_test(status_texts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
