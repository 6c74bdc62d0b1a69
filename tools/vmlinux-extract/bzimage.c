/*
 * bzImage parsing for vmlinux-extract: the pure parser is the hypervisor's
 * (hv/lib/bzimage.c, compiled into this tool too, so both read bzImages
 * the same way); this file turns its results into the tool's statuses and
 * messages.
 */
#include "bzimage.h"

enum vx_status bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
                             struct vx_error *err)
{
    struct bzimage_header h;
    enum bzimage_status st = bzimage_header_parse(img, len, &h);

    bz->version = h.version;
    bz->setup_sects = h.setup_sects;
    bz->payload_start = h.payload_start;
    bz->payload_length = h.payload_length;
    bz->payload = h.payload;
    switch (st) {
    case BZIMAGE_OK:
        return VX_OK;
    case BZIMAGE_TOO_SHORT:
        return vx_fail(err, VX_NOT_BZIMAGE,
                       "not a bzImage: %zu bytes is too short for an x86 setup header", len);
    case BZIMAGE_NO_BOOT_FLAG:
        return vx_fail(err, VX_NOT_BZIMAGE,
                       "not a bzImage: boot_flag at 0x1fe is 0x%04x, not 0xaa55", h.boot_flag);
    case BZIMAGE_NO_HDRS:
        return vx_fail(err, VX_NOT_BZIMAGE, "not a bzImage: %s", bzimage_status_text(st));
    case BZIMAGE_OLD_PROTOCOL:
        return vx_fail(err, VX_OLD_PROTOCOL,
                       "boot protocol %u.%02u is too old: payload fields need 2.08 or later",
                       h.version >> 8, h.version & 0xff);
    case BZIMAGE_EMPTY_PAYLOAD:
        return vx_fail(err, VX_CORRUPT, "setup header says the payload is empty");
    case BZIMAGE_PAYLOAD_BEYOND:
        return vx_fail(err, VX_CORRUPT,
                       "payload [%#llx, %#llx) lies beyond the end of the file (%zu bytes): "
                       "truncated bzImage?",
                       (unsigned long long)h.payload_start,
                       (unsigned long long)(h.payload_start + h.payload_length), len);
    }
    return vx_fail(err, VX_CORRUPT, "bzImage: %s", bzimage_status_text(st));
}
