/*
 * bzImage setup-header parsing (hv/lib/bzimage.c) and unpacking a bzImage
 * to its kernel (hv/lib/kernel_unpack.c), on synthetic bzImages whose xz
 * payload comes from liblzma as the kernel build makes it.
 */
#include "unit.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include <lares/bzimage.h>
#include <lares/errno.h>
#include <lares/kernel_unpack.h>
#include <lares/unaligned.h>

#define SETUP_SECTS 3
#define PM_START ((SETUP_SECTS + 1) * 512)
#define PAYLOAD_OFFSET 0x100
#define PAYLOAD_START (PM_START + PAYLOAD_OFFSET)
#define VERSION_AT 0x500

static struct xz_decoder dec;

/* A bzImage around payload[0..n), which goes in unchanged (size field included). */
static uint8_t *make_bzimage(const uint8_t *payload, size_t n, uint16_t version, size_t *len)
{
    uint8_t *img = calloc(1, PAYLOAD_START + n + 64);

    img[0x1f1] = SETUP_SECTS;
    put_unaligned_u16(img + 0x1fe, 0xaa55);
    memcpy(img + 0x202, "HdrS", 4);
    put_unaligned_u16(img + 0x206, version);
    put_unaligned_u16(img + 0x20e, VERSION_AT - 0x200);
    strcpy((char *)img + VERSION_AT, "6.1.0-99-test (someone@example) #1 SMP");
    put_unaligned_u32(img + 0x248, PAYLOAD_OFFSET);
    put_unaligned_u32(img + 0x24c, (uint32_t)n);
    memcpy(img + PAYLOAD_START, payload, n);
    *len = PAYLOAD_START + n + 64; /* trailing bytes after the payload, as real images have */
    return img;
}

/* The kernel build's payload: xz --x86 --lzma2 --check=crc32, then the size (LE u32). */
static uint8_t *xz_payload(const uint8_t *data, size_t n, uint32_t appended, size_t *out_n)
{
    lzma_options_lzma lz;
    lzma_filter filters[3] = {{.id = LZMA_FILTER_X86},
                              {.id = LZMA_FILTER_LZMA2, .options = &lz},
                              {.id = LZMA_VLI_UNKNOWN}};
    size_t cap = lzma_stream_buffer_bound(n) + 8, pos = 0;
    uint8_t *out = malloc(cap);

    lzma_lzma_preset(&lz, 6);
    assert_int_equal(
        lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, data, n, out, &pos, cap - 4),
        LZMA_OK);
    put_unaligned_u32(out + pos, appended);
    *out_n = pos + 4;
    return out;
}

static uint8_t *kernel_bytes(size_t n)
{
    uint8_t *p = malloc(n);

    /* ELF-ish: a header, then code-like bytes with calls in them. */
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i % 13 == 0 ? 0xe8 : (i * 2654435761u) >> 24);
    memcpy(p,
           "\x7f"
           "ELF",
           4);
    return p;
}

/* ------------------------------------------------------------ header */

static void header_fields(void **state)
{
    uint8_t payload[32] = {1, 2, 3};
    size_t len;
    uint8_t *img = make_bzimage(payload, sizeof(payload), 0x020f, &len);
    struct bzimage_header bz;
    char rel[32];

    assert_true(bzimage_probe(img, len));
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_OK);
    assert_int_equal(bz.version, 0x020f);
    assert_int_equal(bz.setup_sects, SETUP_SECTS);
    assert_int_equal(bz.payload_start, PAYLOAD_START);
    assert_int_equal(bz.payload_length, sizeof(payload));
    assert_ptr_equal(bz.payload, img + PAYLOAD_START);
    bzimage_kernel_release(img, len, &bz, rel, sizeof(rel));
    assert_string_equal(rel, "6.1.0-99-test");
    /* A short buffer truncates the release; no version pointer gives "". */
    bzimage_kernel_release(img, len, &bz, rel, 6);
    assert_string_equal(rel, "6.1.0");
    put_unaligned_u16(img + 0x20e, 0);
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_OK);
    bzimage_kernel_release(img, len, &bz, rel, sizeof(rel));
    assert_string_equal(rel, "");
    /* A version pointer beyond the file is ignored. */
    put_unaligned_u16(img + 0x20e, 0xfff0);
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_OK);
    bzimage_kernel_release(img, len, &bz, rel, sizeof(rel));
    assert_string_equal(rel, "");
    free(img);
}

static void zero_setup_sects_means_four(void **state)
{
    uint8_t payload[1024] = {0};
    size_t len;
    uint8_t *img = make_bzimage(payload, sizeof(payload), 0x0208, &len);
    struct bzimage_header bz;

    img[0x1f1] = 0;
    put_unaligned_u32(img + 0x24c, 8); /* the payload moved by a sector: keep it inside the file */
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_OK);
    assert_int_equal(bz.setup_sects, 4);
    assert_int_equal(bz.payload_start, 5 * 512 + PAYLOAD_OFFSET);
    free(img);
}

static void bad_headers(void **state)
{
    uint8_t payload[8] = {0};
    size_t len;
    uint8_t *img = make_bzimage(payload, sizeof(payload), 0x020f, &len);
    struct bzimage_header bz;

    assert_int_equal(bzimage_header_parse(img, 0x24f, &bz), BZIMAGE_TOO_SHORT);
    assert_false(bzimage_probe(img, 0x24f));

    img[0x1fe] = 0x56;
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_NO_BOOT_FLAG);
    assert_int_equal(bz.boot_flag, 0xaa56);
    assert_false(bzimage_probe(img, len));
    img[0x1fe] = 0x55;

    img[0x205] = 'Z';
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_NO_HDRS);
    assert_false(bzimage_probe(img, len));
    img[0x205] = 'S';

    put_unaligned_u16(img + 0x206, 0x0207);
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_OLD_PROTOCOL);
    assert_true(bzimage_probe(img, len)); /* a bzImage, just too old */
    put_unaligned_u16(img + 0x206, 0x020f);

    put_unaligned_u32(img + 0x24c, 0);
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_EMPTY_PAYLOAD);

    /* Payload one byte past the end; offset past the end; offset + length wrapping. */
    put_unaligned_u32(img + 0x24c, (uint32_t)(len - PAYLOAD_START + 1));
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_PAYLOAD_BEYOND);
    put_unaligned_u32(img + 0x24c, (uint32_t)(len - PAYLOAD_START));
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_OK);
    put_unaligned_u32(img + 0x248, 0xffffff00);
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_PAYLOAD_BEYOND);
    put_unaligned_u32(img + 0x248, 0x10);
    put_unaligned_u32(img + 0x24c, 0xffffffff);
    assert_int_equal(bzimage_header_parse(img, len, &bz), BZIMAGE_PAYLOAD_BEYOND);

    for (int st = BZIMAGE_OK; st <= BZIMAGE_PAYLOAD_BEYOND; st++)
        assert_string_not_equal(bzimage_status_text((enum bzimage_status)st), "unknown status");
    free(img);
}

static void codecs_by_magic(void **state)
{
    static const struct {
        const char *bytes;
        size_t len;
        enum bzimage_codec codec;
        const char *name;
    } cases[] = {
        {"\xfd"
         "7zXZ\0\0",
         7, BZIMAGE_CODEC_XZ, "xz"},
        {"\x1f\x8b\x08", 3, BZIMAGE_CODEC_GZIP, "gzip"},
        {"\x28\xb5\x2f\xfd\x00", 5, BZIMAGE_CODEC_ZSTD, "zstd"},
        {"\x02\x21\x4c\x18\x00", 5, BZIMAGE_CODEC_LZ4, "lz4"},
        {"\x5d\x00\x00\x80\x00", 5, BZIMAGE_CODEC_LZMA, "lzma"},
        {"BZh91AY", 7, BZIMAGE_CODEC_BZIP2, "bzip2"},
        {"\x89LZO\0", 5, BZIMAGE_CODEC_LZO, "lzo"},
        {"\x7f"
         "ELF",
         4, BZIMAGE_CODEC_UNKNOWN, "unknown"},
        {"\xfd"
         "7zX",
         4, BZIMAGE_CODEC_UNKNOWN, "unknown"}, /* too short for the xz magic */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum bzimage_codec c = bzimage_codec_detect((const uint8_t *)cases[i].bytes, cases[i].len);

        assert_int_equal(c, cases[i].codec);
        assert_string_equal(bzimage_codec_name(c), cases[i].name);
    }
}

/* ------------------------------------------------------------ unpacking */

static void unpacks_an_xz_kernel(void **state)
{
    size_t n = 3u << 20, pn, len;
    uint8_t *kernel = kernel_bytes(n);
    uint8_t *payload = xz_payload(kernel, n, (uint32_t)n, &pn);
    uint8_t *img = make_bzimage(payload, pn, 0x020f, &len);
    struct kernel_unpack ku;
    uint8_t *out;

    assert_int_equal(kernel_unpack_inspect(img, len, &dec, &ku), 0);
    assert_int_equal(ku.size, n);
    assert_int_equal(ku.stream_len, pn - 4);
    assert_ptr_equal(ku.stream, img + PAYLOAD_START);
    assert_string_equal(ku.release, "6.1.0-99-test");
    out = malloc(n);
    assert_int_equal(kernel_unpack_decode(&ku, &dec, out), 0);
    assert_memory_equal(out, kernel, n);
    assert_false(ku.unchecked);
    free(out);
    free(img);
    free(payload);
    free(kernel);
}

static void foreign_codecs_are_named(void **state)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *says;
    } cases[] = {
        {"\x28\xb5\x2f\xfd", 4, "bzImage payload is zstd-compressed; Lares decodes xz only"},
        {"\x1f\x8b\x08\x00", 4, "bzImage payload is gzip-compressed"},
        {"\x02\x21\x4c\x18", 4, "is lz4-compressed"},
        {"\x5d\x00\x00\x80", 4, "is lzma-compressed"},
        {"BZh9", 4, "is bzip2-compressed"},
        {"\x89LZO", 4, "is lzo-compressed"},
        {"\x12\x34\x56\x78", 4, "unknown format"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t payload[64] = {0};
        size_t len;
        uint8_t *img;
        struct kernel_unpack ku;

        memcpy(payload, cases[i].magic, cases[i].len);
        img = make_bzimage(payload, sizeof(payload), 0x020f, &len);
        assert_int_equal(kernel_unpack_inspect(img, len, &dec, &ku), -EOPNOTSUPP);
        if (!strstr(ku.why, cases[i].says))
            fail_msg("\"%s\" does not say \"%s\"", ku.why, cases[i].says);
        assert_non_null(strstr(ku.why, "tools/vmlinux-extract"));
        free(img);
    }
}

static void sizes_must_agree(void **state)
{
    size_t n = 10000, pn, len;
    uint8_t *kernel = kernel_bytes(n);
    uint8_t *payload = xz_payload(kernel, n, (uint32_t)n + 1, &pn);
    uint8_t *img = make_bzimage(payload, pn, 0x020f, &len);
    struct kernel_unpack ku;

    assert_int_equal(kernel_unpack_inspect(img, len, &dec, &ku), -EINVAL);
    assert_non_null(strstr(ku.why, "appended size says 10001 bytes, the xz index 10000"));
    free(img);
    free(payload);
    free(kernel);
}

static void broken_payloads_fail(void **state)
{
    size_t n = 20000, pn, len;
    uint8_t *kernel = kernel_bytes(n);
    uint8_t *payload = xz_payload(kernel, n, (uint32_t)n, &pn);
    struct kernel_unpack ku;
    uint8_t *img, *out = malloc(n);

    /* Cut anywhere after the magic: the payload is no longer a whole stream plus its size. */
    for (size_t cut = 6; cut < pn; cut += 7) {
        img = make_bzimage(payload, cut, 0x020f, &len);
        assert_int_equal(kernel_unpack_inspect(img, len, &dec, &ku), -EINVAL);
        assert_true(ku.why[0]);
        free(img);
    }
    /* Damage inside the compressed blocks passes inspection but not decoding. */
    payload[40] ^= 0x10;
    img = make_bzimage(payload, pn, 0x020f, &len);
    assert_int_equal(kernel_unpack_inspect(img, len, &dec, &ku), 0);
    assert_int_equal(kernel_unpack_decode(&ku, &dec, out), -EINVAL);
    assert_non_null(strstr(ku.why, "bzImage xz payload: "));
    free(img);
    /* Header problems come through with their own text. */
    img = make_bzimage(payload, pn, 0x0206, &len);
    assert_int_equal(kernel_unpack_inspect(img, len, &dec, &ku), -EINVAL);
    assert_non_null(strstr(ku.why, "2.08"));
    free(img);
    free(out);
    free(payload);
    free(kernel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_fields),        cmocka_unit_test(zero_setup_sects_means_four),
        cmocka_unit_test(bad_headers),          cmocka_unit_test(codecs_by_magic),
        cmocka_unit_test(unpacks_an_xz_kernel), cmocka_unit_test(foreign_codecs_are_named),
        cmocka_unit_test(sizes_must_agree),     cmocka_unit_test(broken_payloads_fail),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
