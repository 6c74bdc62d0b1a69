/* bzImage setup-header parsing and payload codec detection (see bzimage.h). */
#include "bzimage.h"

#include <string.h>

#include "le.h"

/* Absolute file offsets of setup-header fields. */
#define OFF_SETUP_SECTS 0x1f1
#define OFF_BOOT_FLAG 0x1fe
#define OFF_HEADER 0x202
#define OFF_VERSION 0x206
#define OFF_PAYLOAD_OFFSET 0x248
#define OFF_PAYLOAD_LENGTH 0x24c
#define SETUP_HEADER_END 0x250 /* enough to read every field above */

#define BOOT_FLAG 0xaa55
#define SECTOR 512

enum vx_status bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
                             struct vx_error *err)
{
    uint32_t payload_offset;
    uint64_t pm_start;

    memset(bz, 0, sizeof(*bz));
    if (len < SETUP_HEADER_END)
        return vx_fail(err, VX_NOT_BZIMAGE,
                       "not a bzImage: %zu bytes is too short for an x86 setup header", len);
    if (le16(img + OFF_BOOT_FLAG) != BOOT_FLAG)
        return vx_fail(err, VX_NOT_BZIMAGE,
                       "not a bzImage: boot_flag at 0x1fe is 0x%04x, not 0xaa55",
                       le16(img + OFF_BOOT_FLAG));
    if (memcmp(img + OFF_HEADER, "HdrS", 4) != 0)
        return vx_fail(err, VX_NOT_BZIMAGE,
                       "not a bzImage: no \"HdrS\" signature at 0x202 (boot protocol < 2.00)");

    bz->version = le16(img + OFF_VERSION);
    if (bz->version < BZIMAGE_MIN_VERSION)
        return vx_fail(err, VX_OLD_PROTOCOL,
                       "boot protocol %u.%02u is too old: payload fields need 2.08 or later",
                       bz->version >> 8, bz->version & 0xff);

    /* A zero setup_sects means 4 for historical reasons. */
    bz->setup_sects = img[OFF_SETUP_SECTS] ? img[OFF_SETUP_SECTS] : 4;
    pm_start = (uint64_t)(bz->setup_sects + 1) * SECTOR;
    payload_offset = le32(img + OFF_PAYLOAD_OFFSET);
    bz->payload_length = le32(img + OFF_PAYLOAD_LENGTH);
    bz->payload_start = pm_start + payload_offset;

    if (bz->payload_length == 0)
        return vx_fail(err, VX_CORRUPT, "setup header says the payload is empty");
    if (bz->payload_start > len || bz->payload_length > len - bz->payload_start)
        return vx_fail(err, VX_CORRUPT,
                       "payload [%#llx, %#llx) lies beyond the end of the file (%zu bytes): "
                       "truncated bzImage?",
                       (unsigned long long)bz->payload_start,
                       (unsigned long long)(bz->payload_start + bz->payload_length), len);
    bz->payload = img + bz->payload_start;
    return VX_OK;
}

static const struct {
    enum codec codec;
    const char *name;
    size_t len;
    uint8_t magic[6];
} codecs[] = {
    {CODEC_XZ, "xz", 6, {0xfd, '7', 'z', 'X', 'Z', 0x00}},
    {CODEC_GZIP, "gzip", 2, {0x1f, 0x8b}},
    {CODEC_ZSTD, "zstd", 4, {0x28, 0xb5, 0x2f, 0xfd}},
    {CODEC_LZ4, "lz4", 4, {0x02, 0x21, 0x4c, 0x18}}, /* legacy frame */
    {CODEC_LZMA, "lzma", 3, {0x5d, 0x00, 0x00}},
    {CODEC_BZIP2, "bzip2", 3, {'B', 'Z', 'h'}},
    {CODEC_LZO, "lzo", 4, {0x89, 'L', 'Z', 'O'}},
};

enum codec codec_detect(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
        if (len >= codecs[i].len && memcmp(p, codecs[i].magic, codecs[i].len) == 0)
            return codecs[i].codec;
    return CODEC_UNKNOWN;
}

const char *codec_name(enum codec c)
{
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
        if (codecs[i].codec == c)
            return codecs[i].name;
    return "unknown";
}
