/* Payload decoders on top of the real compression libraries (see decompress.h). */
#include "decompress.h"

#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "le.h"

/* The legacy LZ4 frame (lz4 -l): magic, then blocks of at most 8 MiB output. */
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK_SIZE (8u << 20)

/* Make room for at least `more` bytes after out->len. */
static enum vx_status buf_reserve(struct buf *out, size_t more, struct vx_error *err)
{
    size_t want = out->len + more, cap = out->cap ? out->cap : (1u << 20);
    uint8_t *p;

    if (want < out->len || want > DECOMPRESS_MAX_OUTPUT)
        return vx_fail(err, VX_CORRUPT, "payload expands beyond %llu MiB: corrupt?",
                       DECOMPRESS_MAX_OUTPUT >> 20);
    if (want <= out->cap)
        return VX_OK;
    while (cap < want)
        cap *= 2;
    if (cap > DECOMPRESS_MAX_OUTPUT)
        cap = DECOMPRESS_MAX_OUTPUT;
    p = realloc(out->data, cap);
    if (!p)
        return vx_fail(err, VX_USAGE, "out of memory (%zu bytes)", cap);
    out->data = p;
    out->cap = cap;
    return VX_OK;
}

static const char *lzma_strerror(lzma_ret ret)
{
    switch (ret) {
    case LZMA_DATA_ERROR:
        return "compressed data is corrupt";
    case LZMA_BUF_ERROR:
        return "stream is truncated";
    case LZMA_FORMAT_ERROR:
        return "not in the expected format";
    case LZMA_OPTIONS_ERROR:
        return "unsupported filter or options";
    case LZMA_MEM_ERROR:
        return "out of memory";
    default:
        return "decoder error";
    }
}

/* xz (one stream only: the kernel's size trailer follows it) and legacy .lzma. */
static enum vx_status decode_lzma_family(bool alone, const uint8_t *in, size_t len, struct buf *out,
                                         struct vx_error *err)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret ret;
    enum vx_status rc = VX_OK;

    ret = alone ? lzma_alone_decoder(&s, UINT64_MAX) : lzma_stream_decoder(&s, UINT64_MAX, 0);
    if (ret != LZMA_OK)
        return vx_fail(err, VX_USAGE, "liblzma: cannot initialise decoder (%d)", ret);
    s.next_in = in;
    s.avail_in = len;
    do {
        rc = buf_reserve(out, 1u << 20, err);
        if (rc)
            break;
        s.next_out = out->data + out->len;
        s.avail_out = out->cap - out->len;
        ret = lzma_code(&s, LZMA_FINISH);
        out->len = out->cap - s.avail_out;
    } while (ret == LZMA_OK);
    if (!rc && ret != LZMA_STREAM_END)
        rc = vx_fail(err, VX_CORRUPT, "%s payload: %s (at input byte %zu)", alone ? "lzma" : "xz",
                     lzma_strerror(ret), len - s.avail_in);
    lzma_end(&s);
    return rc;
}

/* One zstd frame; the size trailer after it is not read. */
static enum vx_status decode_zstd(const uint8_t *in, size_t len, struct buf *out,
                                  struct vx_error *err)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_inBuffer src = {in, len, 0};
    enum vx_status rc = VX_OK;
    size_t ret = 1;

    if (!dctx)
        return vx_fail(err, VX_USAGE, "libzstd: cannot create a decoder");
    /*
     * The kernel compresses with --ultra -22, whose window may exceed the
     * decoder's default limit; allow the format's 64-bit maximum (2^31).
     */
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 31);
    while (ret != 0) {
        ZSTD_outBuffer dst;

        rc = buf_reserve(out, 1u << 20, err);
        if (rc)
            break;
        dst = (ZSTD_outBuffer){out->data + out->len, out->cap - out->len, 0};
        ret = ZSTD_decompressStream(dctx, &dst, &src);
        out->len += dst.pos;
        if (ZSTD_isError(ret)) {
            rc = vx_fail(err, VX_CORRUPT, "zstd payload: %s (at input byte %zu)",
                         ZSTD_getErrorName(ret), src.pos);
            break;
        }
        if (ret != 0 && src.pos == src.size && dst.pos < dst.size) {
            rc = vx_fail(err, VX_CORRUPT, "zstd payload: stream is truncated");
            break;
        }
    }
    ZSTD_freeDCtx(dctx);
    return rc;
}

/*
 * Legacy LZ4 frame: magic, then (le32 compressed size, block) pairs. It
 * has no end marker, so like the kernel stop at the size trailer.
 */
static enum vx_status decode_lz4_legacy(const uint8_t *in, size_t len, struct buf *out,
                                        struct vx_error *err)
{
    size_t pos = 4, end;
    enum vx_status rc;

    if (len < 8)
        return vx_fail(err, VX_CORRUPT, "lz4 payload: %zu bytes is too short", len);
    end = len - 4;
    while (pos < end) {
        uint32_t csize;
        int n;

        if (end - pos < 4)
            return vx_fail(err, VX_CORRUPT, "lz4 payload: stray bytes at %zu", pos);
        csize = le32(in + pos);
        pos += 4;
        if (csize == LZ4_LEGACY_MAGIC)
            continue; /* concatenated frames */
        if (csize > end - pos || csize > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK_SIZE))
            return vx_fail(err, VX_CORRUPT,
                           "lz4 payload: block of %u bytes at %zu runs past the end", csize,
                           pos - 4);
        rc = buf_reserve(out, LZ4_LEGACY_BLOCK_SIZE, err);
        if (rc)
            return rc;
        n = LZ4_decompress_safe((const char *)in + pos, (char *)out->data + out->len, (int)csize,
                                LZ4_LEGACY_BLOCK_SIZE);
        if (n < 0)
            return vx_fail(err, VX_CORRUPT, "lz4 payload: block at %zu does not decode", pos - 4);
        out->len += (size_t)n;
        pos += csize;
    }
    return VX_OK;
}

/* One gzip member; its ISIZE field doubles as the kernel's size trailer. */
static enum vx_status decode_gzip(const uint8_t *in, size_t len, struct buf *out,
                                  struct vx_error *err)
{
    z_stream z = {0};
    enum vx_status rc = VX_OK;
    int ret = Z_OK;

    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return vx_fail(err, VX_USAGE, "zlib: cannot initialise inflate");
    z.next_in = (Bytef *)in;
    z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
    do {
        size_t room;

        rc = buf_reserve(out, 1u << 20, err);
        if (rc)
            break;
        room = out->cap - out->len;
        z.next_out = out->data + out->len;
        z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        ret = inflate(&z, Z_NO_FLUSH);
        out->len = (size_t)(z.next_out - out->data);
    } while (ret == Z_OK);
    if (!rc && ret != Z_STREAM_END)
        rc =
            vx_fail(err, VX_CORRUPT, "gzip payload: %s",
                    ret == Z_BUF_ERROR ? "stream is truncated" : (z.msg ? z.msg : "inflate error"));
    inflateEnd(&z);
    return rc;
}

enum vx_status decompress_payload(enum bzimage_codec codec, const uint8_t *payload, size_t len,
                                  struct buf *out, struct vx_error *err)
{
    enum vx_status rc;
    uint32_t recorded;

    if (len < 4)
        return vx_fail(err, VX_CORRUPT, "payload of %zu bytes is too short", len);
    recorded = le32(payload + len - 4);
    /* Start with the recorded size so a good payload decodes without copying. */
    rc = buf_reserve(out, recorded < DECOMPRESS_MAX_OUTPUT ? recorded : 0, err);
    if (rc)
        return rc;

    switch (codec) {
    case BZIMAGE_CODEC_XZ:
        rc = decode_lzma_family(false, payload, len, out, err);
        break;
    case BZIMAGE_CODEC_LZMA:
        rc = decode_lzma_family(true, payload, len, out, err);
        break;
    case BZIMAGE_CODEC_ZSTD:
        rc = decode_zstd(payload, len, out, err);
        break;
    case BZIMAGE_CODEC_LZ4:
        rc = decode_lz4_legacy(payload, len, out, err);
        break;
    case BZIMAGE_CODEC_GZIP:
        rc = decode_gzip(payload, len, out, err);
        break;
    case BZIMAGE_CODEC_UNKNOWN:
        return vx_fail(err, VX_UNSUPPORTED,
                       "unknown compression (payload starts %02x %02x %02x %02x)", payload[0],
                       payload[1], payload[2], payload[3]);
    default:
        return vx_fail(err, VX_UNSUPPORTED,
                       "payload is %s-compressed; supported: xz, lzma, zstd, lz4, gzip",
                       bzimage_codec_name(codec));
    }
    if (rc)
        return rc;
    if ((uint32_t)out->len != recorded)
        return vx_fail(err, VX_CORRUPT,
                       "%s payload decoded to %zu bytes but the bzImage records %u",
                       bzimage_codec_name(codec), out->len, recorded);
    return VX_OK;
}
