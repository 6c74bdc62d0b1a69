/*
 * The x86 bzImage setup header (Documentation/arch/x86/boot.rst in Linux):
 * where the compressed kernel payload lies and which codec packed it.
 */
#ifndef VX_BZIMAGE_H
#define VX_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* The parser and codec detection themselves, shared with the hypervisor. */
#include <lares/bzimage.h>

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

#endif
