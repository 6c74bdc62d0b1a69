/*
 * Decompress a bzImage payload with the codec's reference library
 * (liblzma, liblz4, libzstd, zlib), the same way the kernel's boot
 * decompressor reads it: one stream, then the 4-byte uncompressed size that
 * the kernel build appends.
 */
#ifndef VX_DECOMPRESS_H
#define VX_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "status.h"

/* A growable output buffer; free data with free(). */
struct buf {
    uint8_t *data;
    size_t len, cap;
};

/* Refuse to produce more than this: a vmlinux is well under 1 GiB. */
#define DECOMPRESS_MAX_OUTPUT (1ull << 30)

/*
 * Decode payload[0..len) with codec into out and check the result against
 * the size recorded in the payload's last 4 bytes.
 * VX_UNSUPPORTED for codecs without a decoder here, VX_CORRUPT otherwise.
 */
enum vx_status decompress_payload(enum bzimage_codec codec, const uint8_t *payload, size_t len,
                                  struct buf *out, struct vx_error *err);

#endif
