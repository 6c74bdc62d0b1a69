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

static int fail(struct kernel_unpack *ku, int rc, const char *why)
{
    format(ku->why, sizeof(ku->why), "%s", why);
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
    if (bst) {
        format(ku->why, sizeof(ku->why), "bzImage: %s", bzimage_status_text(bst));
        return -EINVAL;
    }
    bzimage_kernel_release(img, len, &ku->hdr, ku->release, sizeof(ku->release));
    codec = bzimage_codec_detect(ku->hdr.payload, ku->hdr.payload_length);
    if (codec != BZIMAGE_CODEC_XZ) {
        if (codec == BZIMAGE_CODEC_UNKNOWN)
            return fail(ku, -EOPNOTSUPP,
                        "bzImage payload is in an unknown format; Lares decodes xz only "
                        "-- extract it with tools/vmlinux-extract");
        format(ku->why, sizeof(ku->why),
               "bzImage payload is %s-compressed; Lares decodes xz only "
               "-- extract it with tools/vmlinux-extract",
               bzimage_codec_name(codec));
        return -EOPNOTSUPP;
    }
    if (!bzimage_appended_size(&ku->hdr, &appended, &ku->stream_len))
        return fail(ku, -EINVAL, "bzImage payload is too short for its size field");
    ku->stream = ku->hdr.payload;
    xst = xz_uncompressed_size(dec, ku->stream, ku->stream_len, &ku->size);
    if (xst) {
        format(ku->why, sizeof(ku->why), "bzImage xz payload: %s (%s)", xz_status_text(xst),
               dec->why ? dec->why : "?");
        return -EINVAL;
    }
    if (ku->size != appended) {
        format(ku->why, sizeof(ku->why),
               "bzImage payload: the appended size says %u bytes, the xz index %llu", appended,
               (unsigned long long)ku->size);
        return -EINVAL;
    }
    if (!ku->size || ku->size > KERNEL_UNPACK_MAX) {
        format(ku->why, sizeof(ku->why), "bzImage payload: implausible kernel size %llu bytes",
               (unsigned long long)ku->size);
        return -EINVAL;
    }
    return 0;
}

int kernel_unpack_decode(struct kernel_unpack *ku, struct xz_decoder *dec, u8 *out)
{
    struct xz_info info;
    enum xz_status st = xz_decode(dec, ku->stream, ku->stream_len, out, (size_t)ku->size, &info);

    if (st) {
        format(ku->why, sizeof(ku->why), "bzImage xz payload: %s (%s)", xz_status_text(st),
               dec->why ? dec->why : "?");
        return -EINVAL;
    }
    /* The index was checked against the blocks, so this is only a belt to those braces. */
    if (info.out_len != ku->size)
        return fail(ku, -EINVAL, "bzImage xz payload decodes to another size than recorded");
    ku->unchecked = info.check_skipped;
    return 0;
}
