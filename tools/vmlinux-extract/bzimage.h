/*
 * The x86 bzImage setup header (Documentation/arch/x86/boot.rst in Linux):
 * where the compressed kernel payload lies and which codec packed it.
 */
#ifndef VX_BZIMAGE_H
#define VX_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#include <lares/bzimage.h> /* the parser itself, shared with the hypervisor */

/* The tool's names for the shared codec identifiers. */
enum codec {
    CODEC_UNKNOWN = BZIMAGE_CODEC_UNKNOWN,
    CODEC_GZIP = BZIMAGE_CODEC_GZIP,
    CODEC_XZ = BZIMAGE_CODEC_XZ,
    CODEC_LZMA = BZIMAGE_CODEC_LZMA,
    CODEC_ZSTD = BZIMAGE_CODEC_ZSTD,
    CODEC_LZ4 = BZIMAGE_CODEC_LZ4,
    CODEC_BZIP2 = BZIMAGE_CODEC_BZIP2,
    CODEC_LZO = BZIMAGE_CODEC_LZO,
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
