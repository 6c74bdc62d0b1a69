/*
 * bzImage to ELF (lares/kernel_unpack.h). The payload is the compressed
 * vmlinux followed by its uncompressed size as a little-endian u32 (the
 * kernel build's size_append); for xz the stream's index records the size
 * too, and both must agree before any memory is committed to the output.
 */
#include <lares/errno.h>
#include <lares/format.h>
#include <lares/kernel_unpack.h>
#include <lares/string.h>

/* Say why in ku->why; return rc. */
static __printf(3, 4) int fail(struct kernel_unpack *ku, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(ku->why, sizeof(ku->why), fmt, ap);
    va_end(ap);
    return rc;
}

int kernel_unpack_inspect(const u8 *img, size_t len, struct xz_decoder *dec,
                          struct kernel_unpack *ku)
{
    enum bzimage_status bst;
    enum bzimage_codec codec;
    enum xz_status xst;
    u32 appended;

    memset(ku, 0, sizeof(*ku));
    bst = bzimage_header_parse(img, len, &ku->hdr);
    if (bst)
        return fail(ku, -EINVAL, "bzImage: %s", bzimage_status_text(bst));
    bzimage_kernel_release(img, len, &ku->hdr, ku->release, sizeof(ku->release));
    codec = bzimage_codec_detect(ku->hdr.payload, ku->hdr.payload_length);
    if (codec != BZIMAGE_CODEC_XZ) {
        if (codec == BZIMAGE_CODEC_UNKNOWN)
            return fail(ku, -EOPNOTSUPP,
                        "bzImage payload is in an unknown format; Lares decodes xz only "
                        "-- extract it with tools/vmlinux-extract");
        return fail(ku, -EOPNOTSUPP,
                    "bzImage payload is %s-compressed; Lares decodes xz only "
                    "-- extract it with tools/vmlinux-extract",
                    bzimage_codec_name(codec));
    }
    if (!bzimage_appended_size(&ku->hdr, &appended, &ku->stream_len))
        return fail(ku, -EINVAL, "bzImage payload is too short for its size field");
    ku->stream = ku->hdr.payload;
    xst = xz_uncompressed_size(dec, ku->stream, ku->stream_len, &ku->size);
    if (xst)
        return fail(ku, -EINVAL, "bzImage xz payload: %s (%s)", xz_status_text(xst),
                    dec->why ? dec->why : "?");
    if (ku->size != appended)
        return fail(ku, -EINVAL,
                    "bzImage payload: the appended size says %u bytes, the xz index %llu", appended,
                    (unsigned long long)ku->size);
    if (!ku->size || ku->size > KERNEL_UNPACK_MAX)
        return fail(ku, -EINVAL, "bzImage payload: implausible kernel size %llu bytes",
                    (unsigned long long)ku->size);
    return 0;
}

int kernel_unpack_decode(struct kernel_unpack *ku, struct xz_decoder *dec, u8 *out)
{
    struct xz_info info;
    enum xz_status st = xz_decode(dec, ku->stream, ku->stream_len, out, (size_t)ku->size, &info);

    if (st)
        return fail(ku, -EINVAL, "bzImage xz payload: %s (%s)", xz_status_text(st),
                    dec->why ? dec->why : "?");
    /* The index was checked against the blocks, so this is only a belt to those braces. */
    if (info.out_len != ku->size)
        return fail(ku, -EINVAL, "bzImage xz payload decodes to another size than recorded");
    ku->unchecked = info.check_skipped;
    return 0;
}
