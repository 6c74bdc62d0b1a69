/*
 * The x86 bzImage setup header (Documentation/arch/x86/boot.rst in Linux):
 * where the compressed kernel payload lies and which codec packed it.
 */
#ifndef VX_BZIMAGE_H
#define VX_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Boot protocol 2.08 introduced payload_offset/payload_length. */
#define BZIMAGE_MIN_VERSION 0x0208

enum codec {
    CODEC_UNKNOWN,
    CODEC_GZIP,
    CODEC_XZ,
    CODEC_LZMA,
    CODEC_ZSTD,
    CODEC_LZ4,
    CODEC_BZIP2,
    CODEC_LZO,
};

struct bzimage {
    uint16_t version;       /* boot protocol, e.g. 0x020f */
    unsigned setup_sects;   /* after the "0 means 4" rule */
    uint64_t payload_start; /* absolute file offset */
    uint32_t payload_length;
    const uint8_t *payload; /* points into the image */
};

/* Validate the setup header of img and locate the payload inside it. */
enum vx_status bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
                             struct vx_error *err);

/* Identify a compressed stream by its leading magic bytes. */
enum codec codec_detect(const uint8_t *p, size_t len);
const char *codec_name(enum codec c);

#endif
