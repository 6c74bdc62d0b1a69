/*
 * bzImage setup-header parsing (lares/bzimage.h). Every field is read
 * through a bounds check against the file length: the image comes from
 * whoever configured the boot, and a bad one must only produce a message.
 */
#include <lares/bzimage.h>
#include <lares/string.h>
#include <lares/unaligned.h>

/* File offsets of setup-header fields (boot protocol). */
#define OFF_SETUP_SECTS 0x1f1
#define OFF_BOOT_FLAG 0x1fe
#define OFF_HEADER 0x202
#define OFF_VERSION 0x206
#define OFF_KERNEL_VERSION 0x20e /* version string at 0x200 + this, inside the setup code */
#define OFF_PAYLOAD_OFFSET 0x248
#define OFF_PAYLOAD_LENGTH 0x24c
#define SETUP_HEADER_END 0x250 /* enough to read every field above */

#define BOOT_FLAG 0xaa55
#define SECTOR 512

bool bzimage_probe(const u8 *img, size_t len)
{
    return len >= SETUP_HEADER_END && get_unaligned_u16(img + OFF_BOOT_FLAG) == BOOT_FLAG &&
           !memcmp(img + OFF_HEADER, "HdrS", 4);
}

enum bzimage_status bzimage_header_parse(const u8 *img, size_t len, struct bzimage_header *bz)
{
    u16 kv;

    memset(bz, 0, sizeof(*bz));
    if (len < SETUP_HEADER_END)
        return BZIMAGE_TOO_SHORT;
    bz->boot_flag = get_unaligned_u16(img + OFF_BOOT_FLAG);
    if (bz->boot_flag != BOOT_FLAG)
        return BZIMAGE_NO_BOOT_FLAG;
    if (memcmp(img + OFF_HEADER, "HdrS", 4))
        return BZIMAGE_NO_HDRS;
    bz->version = get_unaligned_u16(img + OFF_VERSION);
    if (bz->version < BZIMAGE_MIN_VERSION)
        return BZIMAGE_OLD_PROTOCOL;

    /* A zero setup_sects means 4, for historical reasons. */
    bz->setup_sects = img[OFF_SETUP_SECTS] ? img[OFF_SETUP_SECTS] : 4;
    /* payload_offset counts from the protected-mode code, after the setup sectors. */
    bz->payload_start =
        (u64)(bz->setup_sects + 1) * SECTOR + get_unaligned_u32(img + OFF_PAYLOAD_OFFSET);
    bz->payload_length = get_unaligned_u32(img + OFF_PAYLOAD_LENGTH);
    if (!bz->payload_length)
        return BZIMAGE_EMPTY_PAYLOAD;
    if (bz->payload_start > len || bz->payload_length > len - bz->payload_start)
        return BZIMAGE_PAYLOAD_BEYOND;
    bz->payload = img + bz->payload_start;
    kv = get_unaligned_u16(img + OFF_KERNEL_VERSION);
    /* The offset counts from 0x200 and must still fit the 16-bit field it is kept in. */
    bz->kernel_version_off =
        kv && kv <= 0xffffu - 0x200u && 0x200u + kv < len ? (u16)(0x200 + kv) : 0;
    return BZIMAGE_OK;
}

const char *bzimage_status_text(enum bzimage_status st)
{
    switch (st) {
    case BZIMAGE_OK:
        return "a bzImage";
    case BZIMAGE_TOO_SHORT:
        return "too short for an x86 setup header";
    case BZIMAGE_NO_BOOT_FLAG:
        return "no boot_flag 0xaa55 at 0x1fe";
    case BZIMAGE_NO_HDRS:
        return "no \"HdrS\" signature at 0x202 (boot protocol < 2.00)";
    case BZIMAGE_OLD_PROTOCOL:
        return "boot protocol too old: the payload fields need 2.08 or later";
    case BZIMAGE_EMPTY_PAYLOAD:
        return "the setup header says the payload is empty";
    case BZIMAGE_PAYLOAD_BEYOND:
        return "the payload lies beyond the end of the file (truncated bzImage?)";
    }
    return "unknown status";
}

static const struct {
    enum bzimage_codec codec;
    const char *name;
    size_t len;
    u8 magic[6];
} codecs[] = {
    {BZIMAGE_CODEC_XZ, "xz", 6, {0xfd, '7', 'z', 'X', 'Z', 0x00}},
    {BZIMAGE_CODEC_GZIP, "gzip", 2, {0x1f, 0x8b}},
    {BZIMAGE_CODEC_ZSTD, "zstd", 4, {0x28, 0xb5, 0x2f, 0xfd}},
    {BZIMAGE_CODEC_LZ4, "lz4", 4, {0x02, 0x21, 0x4c, 0x18}}, /* legacy frame */
    {BZIMAGE_CODEC_LZMA, "lzma", 3, {0x5d, 0x00, 0x00}},
    {BZIMAGE_CODEC_BZIP2, "bzip2", 3, {'B', 'Z', 'h'}},
    {BZIMAGE_CODEC_LZO, "lzo", 4, {0x89, 'L', 'Z', 'O'}},
};

enum bzimage_codec bzimage_codec_detect(const u8 *p, size_t len)
{
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
        if (len >= codecs[i].len && !memcmp(p, codecs[i].magic, codecs[i].len))
            return codecs[i].codec;
    return BZIMAGE_CODEC_UNKNOWN;
}

const char *bzimage_codec_name(enum bzimage_codec c)
{
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
        if (codecs[i].codec == c)
            return codecs[i].name;
    return "unknown";
}

bool bzimage_appended_size(const struct bzimage_header *bz, u32 *size, size_t *stream_len)
{
    if (!bz->payload || bz->payload_length < 4)
        return false;
    *stream_len = bz->payload_length - 4;
    *size = get_unaligned_u32(bz->payload + *stream_len);
    return true;
}

void bzimage_kernel_release(const u8 *img, size_t len, const struct bzimage_header *bz, char *buf,
                            size_t size)
{
    size_t n = 0;

    if (!size)
        return;
    if (bz->kernel_version_off)
        for (size_t i = bz->kernel_version_off; i < len && n + 1 < size; i++) {
            char c = (char)img[i];

            if (c <= ' ' || c > '~') /* the release ends at the first space (or the string) */
                break;
            buf[n++] = c;
        }
    buf[n] = '\0';
}
