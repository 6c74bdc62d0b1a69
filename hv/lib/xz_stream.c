/*
 * The .xz container around LZMA2 data (lares/xz.h):
 *
 *   stream   = header(12) block* index footer(12), then zero padding in
 *              multiples of 4 bytes before another stream or the end
 *   block    = block header, filtered data, zero padding to 4 bytes, check
 *   index    = 0x00, record count, (unpadded size, uncompressed size) per
 *              block, zero padding to 4 bytes, CRC32
 *
 * Sizes are variable-length integers of 7 bits a byte. The index is
 * compared with the blocks actually decoded through a digest of the record
 * list (count, sums and a CRC32 of the records), so no table is needed.
 */
#include <lares/compiler.h>
#include <lares/string.h>
#include <lares/unaligned.h>

#include "xz_internal.h"

#define HEADER_SIZE 12
#define FOOTER_SIZE 12
#define VLI_MAX_BYTES 9

#define CHECK_NONE 0x0
#define CHECK_CRC32 0x1
#define CHECK_CRC64 0x4
#define CHECK_SHA256 0xa

#define FILTER_X86 0x04
#define FILTER_LZMA2 0x21
#define MAX_FILTERS 4

#define BLOCK_FLAG_FILTERS 0x03
#define BLOCK_FLAG_RESERVED 0x3c
#define BLOCK_FLAG_CSIZE 0x40
#define BLOCK_FLAG_USIZE 0x80

static const u8 header_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
static const u8 footer_magic[2] = {'Y', 'Z'};

/* Input cursor: every read checks the end. */
struct cursor {
    const u8 *in;
    size_t pos, end;
};

/* Digest of a list of index records, built from the blocks and from the index. */
struct index_digest {
    u64 count;
    u64 unpadded_sum;
    u64 padded_sum; /* what the blocks occupy: each unpadded size rounded up to 4 */
    u64 uncompressed_sum;
    u32 crc;
};

static enum xz_status fail(struct xz_decoder *dec, enum xz_status st, const char *why)
{
    dec->why = why;
    return st;
}

static size_t check_size(unsigned type)
{
    switch (type) {
    case CHECK_NONE:
        return 0;
    case CHECK_CRC32:
        return 4;
    case CHECK_CRC64:
        return 8;
    case CHECK_SHA256:
        return 32;
    default:
        return (size_t)-1;
    }
}

static size_t round4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static enum xz_status read_vli(struct xz_decoder *dec, struct cursor *c, u64 *value)
{
    u64 v = 0;

    for (unsigned i = 0; i < VLI_MAX_BYTES; i++) {
        u8 b;

        if (c->pos >= c->end)
            return fail(dec, XZ_ERR_TRUNCATED, "input ends inside a size field");
        b = c->in[c->pos++];
        v |= (u64)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (i && !b)
                return fail(dec, XZ_ERR_DATA, "size field is not minimally encoded");
            *value = v;
            return XZ_OK;
        }
    }
    return fail(dec, XZ_ERR_DATA, "size field is longer than 9 bytes");
}

/* False if a sum would pass 2^63 (the largest size the format can express). */
/* Field by field: the struct's padding bytes have no defined value. */
static bool digests_equal(const struct index_digest *a, const struct index_digest *b)
{
    return a->count == b->count && a->unpadded_sum == b->unpadded_sum &&
           a->padded_sum == b->padded_sum && a->uncompressed_sum == b->uncompressed_sum &&
           a->crc == b->crc;
}

static bool digest_add(const struct xz_decoder *dec, struct index_digest *d, u64 unpadded,
                       u64 uncompressed)
{
    const u64 limit = 1ull << 63;
    u64 padded = ROUNDUP(unpadded, 4);
    u8 rec[16];

    if (unpadded >= limit || uncompressed >= limit || padded > limit - d->padded_sum ||
        uncompressed > limit - d->uncompressed_sum)
        return false;
    memcpy(rec, &unpadded, 8);
    memcpy(rec + 8, &uncompressed, 8);
    d->count++;
    d->unpadded_sum += unpadded;
    d->padded_sum += padded;
    d->uncompressed_sum += uncompressed;
    d->crc = xz_crc32(dec, rec, sizeof(rec), d->crc);
    return true;
}

/* The two flag bytes shared by header and footer: 0x00, then the check type. */
static enum xz_status check_flags(struct xz_decoder *dec, const u8 *flags, unsigned *check)
{
    if (flags[0] || (flags[1] & 0xf0))
        return fail(dec, XZ_ERR_UNSUPPORTED, "stream flags have reserved bits set");
    *check = flags[1];
    if (check_size(*check) == (size_t)-1)
        return fail(dec, XZ_ERR_UNSUPPORTED, "check type is not none, CRC32, CRC64 or SHA-256");
    return XZ_OK;
}

static enum xz_status read_stream_header(struct xz_decoder *dec, struct cursor *c, unsigned *check)
{
    const u8 *h = c->in + c->pos;

    if (c->end - c->pos < HEADER_SIZE)
        return fail(dec,
                    c->end - c->pos >= sizeof(header_magic) &&
                            !memcmp(h, header_magic, sizeof(header_magic))
                        ? XZ_ERR_TRUNCATED
                        : XZ_ERR_FORMAT,
                    "input is too short for an .xz stream header");
    if (memcmp(h, header_magic, sizeof(header_magic)))
        return fail(dec, XZ_ERR_FORMAT, "no .xz magic bytes");
    if (xz_crc32(dec, h + 6, 2, 0) != get_unaligned_u32(h + 8))
        return fail(dec, XZ_ERR_CHECK, "stream header CRC32 does not match");
    c->pos += HEADER_SIZE;
    return check_flags(dec, h + 6, check);
}

struct block_header {
    size_t size;
    u64 csize, usize; /* ~0: not recorded */
    bool x86;
    u32 x86_start;
};

static enum xz_status parse_filters(struct xz_decoder *dec, struct cursor *c, unsigned n,
                                    struct block_header *b)
{
    for (unsigned i = 0; i < n; i++) {
        u64 id, psize;
        enum xz_status st;

        if ((st = read_vli(dec, c, &id)) || (st = read_vli(dec, c, &psize)))
            return st;
        if (psize > c->end - c->pos)
            return fail(dec, XZ_ERR_DATA, "filter properties run past the block header");
        if (id == FILTER_LZMA2) {
            u32 dict;

            if (i != n - 1)
                return fail(dec, XZ_ERR_UNSUPPORTED, "LZMA2 is not the last filter");
            if (psize != 1 || !xz_lzma2_dict_size(c->in[c->pos], &dict))
                return fail(dec, XZ_ERR_DATA, "LZMA2 filter properties are invalid");
        } else if (id == FILTER_X86) {
            if (i != n - 2 || b->x86)
                return fail(dec, XZ_ERR_UNSUPPORTED, "x86 BCJ filter is not just before LZMA2");
            if (psize != 0 && psize != 4)
                return fail(dec, XZ_ERR_DATA, "x86 BCJ filter properties are invalid");
            b->x86 = true;
            b->x86_start = psize ? get_unaligned_u32(c->in + c->pos) : 0;
        } else {
            return fail(dec, XZ_ERR_UNSUPPORTED,
                        "block uses a filter other than x86 BCJ and LZMA2");
        }
        c->pos += psize;
    }
    return XZ_OK;
}

static enum xz_status read_block_header(struct xz_decoder *dec, struct cursor *c,
                                        struct block_header *b)
{
    const u8 *h = c->in + c->pos;
    struct cursor hc;
    u8 flags;
    enum xz_status st;

    memset(b, 0, sizeof(*b));
    b->csize = b->usize = ~0ull;
    b->size = ((size_t)h[0] + 1) * 4;
    if (b->size > c->end - c->pos)
        return fail(dec, XZ_ERR_TRUNCATED, "input ends inside a block header");
    if (xz_crc32(dec, h, b->size - 4, 0) != get_unaligned_u32(h + b->size - 4))
        return fail(dec, XZ_ERR_CHECK, "block header CRC32 does not match");
    flags = h[1];
    if (flags & BLOCK_FLAG_RESERVED)
        return fail(dec, XZ_ERR_UNSUPPORTED, "block flags have reserved bits set");
    /* Parse within the header only (its CRC32 excluded). */
    hc = (struct cursor){.in = h, .pos = 2, .end = b->size - 4};
    if ((flags & BLOCK_FLAG_CSIZE) && (st = read_vli(dec, &hc, &b->csize)))
        return st;
    if ((flags & BLOCK_FLAG_USIZE) && (st = read_vli(dec, &hc, &b->usize)))
        return st;
    if ((flags & BLOCK_FLAG_CSIZE) && b->csize == 0)
        return fail(dec, XZ_ERR_DATA, "block header records a compressed size of 0");
    st = parse_filters(dec, &hc, (flags & BLOCK_FLAG_FILTERS) + 1, b);
    if (st)
        return st == XZ_ERR_TRUNCATED ? fail(dec, XZ_ERR_DATA, "block header is too short") : st;
    for (; hc.pos < hc.end; hc.pos++)
        if (h[hc.pos])
            return fail(dec, XZ_ERR_UNSUPPORTED, "block header padding is not zero");
    c->pos += b->size;
    return XZ_OK;
}

static enum xz_status verify_check(struct xz_decoder *dec, unsigned check, const u8 *data,
                                   size_t len, const u8 *stored, struct xz_info *info)
{
    switch (check) {
    case CHECK_CRC32:
        if (xz_crc32(dec, data, len, 0) != get_unaligned_u32(stored))
            return fail(dec, XZ_ERR_CHECK, "block data CRC32 does not match");
        break;
    case CHECK_CRC64:
        if (xz_crc64(dec, data, len, 0) != get_unaligned_u64(stored))
            return fail(dec, XZ_ERR_CHECK, "block data CRC64 does not match");
        break;
    case CHECK_SHA256:
        info->check_skipped = true; /* no SHA-256 here: the data goes unchecked */
        break;
    }
    return XZ_OK;
}

static enum xz_status decode_block(struct xz_decoder *dec, struct cursor *c, unsigned check,
                                   u8 *out, size_t cap, struct xz_info *info,
                                   struct index_digest *blocks)
{
    struct block_header b;
    size_t data_start, in_used, produced, out_start = info->out_len, end, csize_max;
    enum xz_status st = read_block_header(dec, c, &b);

    if (st)
        return st;
    data_start = c->pos;
    csize_max = c->end - data_start;
    if (b.csize < csize_max)
        csize_max = (size_t)b.csize;
    st = xz_lzma2_decode(dec, c->in + data_start, csize_max, &in_used, out, out_start, cap,
                         &produced);
    if (st)
        return st == XZ_ERR_TRUNCATED && b.csize != ~0ull && csize_max < c->end - data_start
                   ? fail(dec, XZ_ERR_DATA, "block data is longer than its header says")
                   : st;
    if (b.csize != ~0ull && in_used != b.csize)
        return fail(dec, XZ_ERR_DATA, "block data is shorter than its header says");
    if (b.usize != ~0ull && produced != b.usize)
        return fail(dec, XZ_ERR_DATA, "block decodes to a size other than its header says");
    if (b.x86)
        xz_bcj_x86_decode(out + out_start, produced, b.x86_start);

    /* Header and data are padded to a multiple of 4; the header's size is one already. */
    end = data_start + round4(in_used);
    if (end > c->end)
        return fail(dec, XZ_ERR_TRUNCATED, "input ends inside block padding");
    for (size_t i = data_start + in_used; i < end; i++)
        if (c->in[i])
            return fail(dec, XZ_ERR_DATA, "block padding is not zero");
    if (check_size(check) > c->end - end)
        return fail(dec, XZ_ERR_TRUNCATED, "input ends inside a block check");
    st = verify_check(dec, check, out + out_start, produced, c->in + end, info);
    if (st)
        return st;
    c->pos = end + check_size(check);
    info->out_len += produced;
    info->blocks++;
    if (!digest_add(dec, blocks, b.size + in_used + check_size(check), produced))
        return fail(dec, XZ_ERR_DATA, "block sizes add up to more than 2^63");
    return XZ_OK;
}

/* The index from its indicator byte on; *size is its length in bytes. */
static enum xz_status read_index(struct xz_decoder *dec, struct cursor *c,
                                 struct index_digest *records, size_t *size)
{
    size_t start = c->pos;
    u64 count;
    enum xz_status st;

    c->pos++; /* the 0x00 indicator */
    if ((st = read_vli(dec, c, &count)))
        return st;
    while (count--) {
        u64 unpadded, uncompressed;

        if ((st = read_vli(dec, c, &unpadded)) || (st = read_vli(dec, c, &uncompressed)))
            return st;
        if (!unpadded)
            return fail(dec, XZ_ERR_INDEX, "index records a block of size 0");
        if (!digest_add(dec, records, unpadded, uncompressed))
            return fail(dec, XZ_ERR_INDEX, "index sizes add up to more than 2^63");
    }
    while ((c->pos - start) & 3) {
        if (c->pos >= c->end)
            return fail(dec, XZ_ERR_TRUNCATED, "input ends inside the index");
        if (c->in[c->pos++])
            return fail(dec, XZ_ERR_DATA, "index padding is not zero");
    }
    if (c->end - c->pos < 4)
        return fail(dec, XZ_ERR_TRUNCATED, "input ends inside the index");
    if (xz_crc32(dec, c->in + start, c->pos - start, 0) != get_unaligned_u32(c->in + c->pos))
        return fail(dec, XZ_ERR_CHECK, "index CRC32 does not match");
    c->pos += 4;
    *size = c->pos - start;
    return XZ_OK;
}

/* The footer at f: its CRC32, the index size it records, the flags; *backward = index size. */
static enum xz_status parse_footer(struct xz_decoder *dec, const u8 *f, unsigned *check,
                                   u64 *backward)
{
    if (memcmp(f + 10, footer_magic, sizeof(footer_magic)))
        return fail(dec, XZ_ERR_DATA, "stream footer magic bytes are wrong");
    if (xz_crc32(dec, f + 4, 6, 0) != get_unaligned_u32(f))
        return fail(dec, XZ_ERR_CHECK, "stream footer CRC32 does not match");
    *backward = ((u64)get_unaligned_u32(f + 4) + 1) * 4;
    return check_flags(dec, f + 8, check);
}

static enum xz_status decode_stream(struct xz_decoder *dec, struct cursor *c, u8 *out, size_t cap,
                                    struct xz_info *info)
{
    struct index_digest blocks = {0}, records = {0};
    unsigned check, footer_check;
    size_t index_size;
    u64 backward;
    enum xz_status st = read_stream_header(dec, c, &check);

    if (st)
        return st;
    for (;;) {
        if (c->pos >= c->end)
            return fail(dec, XZ_ERR_TRUNCATED, "input ends before the index");
        if (c->in[c->pos] == 0)
            break;
        st = decode_block(dec, c, check, out, cap, info, &blocks);
        if (st)
            return st;
    }
    st = read_index(dec, c, &records, &index_size);
    if (st)
        return st;
    if (!digests_equal(&blocks, &records))
        return fail(dec, XZ_ERR_INDEX, "index does not match the blocks");
    if (c->end - c->pos < FOOTER_SIZE)
        return fail(dec, XZ_ERR_TRUNCATED, "input ends before the stream footer");
    st = parse_footer(dec, c->in + c->pos, &footer_check, &backward);
    if (st)
        return st;
    if (backward != index_size)
        return fail(dec, XZ_ERR_DATA, "stream footer records a wrong index size");
    if (footer_check != check)
        return fail(dec, XZ_ERR_DATA, "stream footer flags differ from the header's");
    c->pos += FOOTER_SIZE;
    info->streams++;
    info->check = check;
    return XZ_OK;
}

enum xz_status xz_decode(struct xz_decoder *dec, const u8 *in, size_t in_len, u8 *out,
                         size_t out_cap, struct xz_info *info)
{
    struct cursor c = {.in = in, .pos = 0, .end = in_len};
    enum xz_status st;

    memset(info, 0, sizeof(*info));
    dec->why = NULL;
    xz_crc_init(dec);
    do {
        st = decode_stream(dec, &c, out, out_cap, info);
        if (st)
            return st;
        /*
         * Stream padding: zero bytes, a multiple of 4, then the end or
         * another stream. Streams are multiples of 4 bytes themselves, so
         * the position tells whether the padding was.
         */
        while (c.pos < c.end && c.in[c.pos] == 0)
            c.pos++;
        if (c.pos & 3)
            return fail(dec, XZ_ERR_DATA, "stream padding is not a multiple of 4 bytes");
    } while (c.pos < c.end);
    return XZ_OK;
}

/* The stream that ends at in[end]: its index's totals and where the stream begins. */
static enum xz_status stream_from_end(struct xz_decoder *dec, const u8 *in, size_t end,
                                      struct index_digest *records, size_t *start)
{
    struct cursor c;
    size_t index_size, index_start;
    unsigned check, header_check;
    u64 backward;
    enum xz_status st;

    if (end < HEADER_SIZE + FOOTER_SIZE)
        return fail(dec, XZ_ERR_TRUNCATED, "input is too short for an .xz stream");
    if ((st = parse_footer(dec, in + end - FOOTER_SIZE, &check, &backward)))
        return st;
    if (backward > end - FOOTER_SIZE - HEADER_SIZE)
        return fail(dec, XZ_ERR_DATA, "stream footer records an index beyond the input");
    index_start = end - FOOTER_SIZE - (size_t)backward;
    if (in[index_start] != 0)
        return fail(dec, XZ_ERR_DATA, "no index where the stream footer says");
    c = (struct cursor){.in = in, .pos = index_start, .end = end - FOOTER_SIZE};
    if ((st = read_index(dec, &c, records, &index_size)))
        return st;
    if (index_size != backward || c.pos != c.end)
        return fail(dec, XZ_ERR_DATA, "stream footer records a wrong index size");
    if (records->padded_sum > index_start - HEADER_SIZE)
        return fail(dec, XZ_ERR_DATA, "index records more blocks than the input holds");
    *start = index_start - (size_t)records->padded_sum - HEADER_SIZE;
    c = (struct cursor){.in = in, .pos = *start, .end = end};
    if ((st = read_stream_header(dec, &c, &header_check)))
        return st == XZ_ERR_FORMAT ? fail(dec, XZ_ERR_DATA,
                                          "no stream header where the index "
                                          "says the stream begins")
                                   : st;
    if (header_check != check)
        return fail(dec, XZ_ERR_DATA, "stream footer flags differ from the header's");
    return XZ_OK;
}

enum xz_status xz_uncompressed_size(struct xz_decoder *dec, const u8 *in, size_t in_len, u64 *size)
{
    size_t end = in_len;
    u64 total = 0;

    dec->why = NULL;
    xz_crc_init(dec);
    if (in_len & 3)
        return fail(dec, XZ_ERR_DATA, "input is not whole .xz streams (not a multiple of 4 bytes)");
    if (in_len < HEADER_SIZE || memcmp(in, header_magic, sizeof(header_magic)))
        return fail(dec, XZ_ERR_FORMAT, "no .xz magic bytes");
    /* From the last stream back to the first; each step moves end back by at least 24 bytes. */
    while (end > 0) {
        struct index_digest records = {0};
        size_t start;
        enum xz_status st;

        while (end >= 4 && !get_unaligned_u32(in + end - 4))
            end -= 4; /* stream padding */
        if ((st = stream_from_end(dec, in, end, &records, &start)))
            return st;
        if (records.uncompressed_sum > ~0ull - total)
            return fail(dec, XZ_ERR_DATA, "uncompressed size overflows");
        total += records.uncompressed_sum;
        end = start;
    }
    *size = total;
    return XZ_OK;
}

const char *xz_status_text(enum xz_status st)
{
    switch (st) {
    case XZ_OK:
        return "success";
    case XZ_ERR_FORMAT:
        return "not .xz data";
    case XZ_ERR_UNSUPPORTED:
        return "unsupported .xz options";
    case XZ_ERR_DATA:
        return "corrupt data";
    case XZ_ERR_TRUNCATED:
        return "truncated data";
    case XZ_ERR_CHECK:
        return "integrity check failed";
    case XZ_ERR_INDEX:
        return "index does not match the data";
    case XZ_ERR_OUTPUT_FULL:
        return "output buffer too small";
    }
    return "unknown error";
}
