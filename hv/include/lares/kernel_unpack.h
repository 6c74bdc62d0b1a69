/*
 * From a bzImage to the ELF kernel inside it (hv/lib/kernel_unpack.c,
 * pure): check the setup header, accept an xz payload only, cross-check
 * the size the kernel build appended with the xz index, and decode. The
 * caller provides the output buffer (sized from the inspection) and the
 * decoder's scratch space.
 */
#ifndef LARES_KERNEL_UNPACK_H
#define LARES_KERNEL_UNPACK_H

#include <lares/bzimage.h>
#include <lares/types.h>
#include <lares/xz.h>

/* A decompressed kernel larger than this is refused: a vmlinux is well below. */
#define KERNEL_UNPACK_MAX (1ull << 30)

struct kernel_unpack {
    struct bzimage_header hdr;
    const u8 *stream;  /* the xz stream inside the payload */
    size_t stream_len; /* without the appended size */
    u64 size;          /* the decompressed kernel's size */
    char release[48];  /* e.g. "6.1.0-56-amd64", or "" */
    bool unchecked;    /* decoded, but with a check type we do not verify (SHA-256) */
    char why[200];     /* after a failure: what is wrong, for the log */
};

/*
 * Look at a bzImage without decoding it. 0, -EOPNOTSUPP (a codec other
 * than xz) or -EINVAL (a malformed bzImage or xz stream), with ku->why.
 */
int kernel_unpack_inspect(const u8 *img, size_t len, struct xz_decoder *dec,
                          struct kernel_unpack *ku);

/* Decode an inspected bzImage into out[0..ku->size). 0 or -EINVAL with ku->why. */
int kernel_unpack_decode(struct kernel_unpack *ku, struct xz_decoder *dec, u8 *out);

#endif
