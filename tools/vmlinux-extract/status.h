/*
 * Outcome of each extraction step: a status that is also the process exit
 * code, plus a message that says what was wrong with the input.
 */
#ifndef VX_STATUS_H
#define VX_STATUS_H

#include <stddef.h>

/* Exit codes of vmlinux-extract; scripts and tests rely on these values. */
enum vx_status {
    VX_OK = 0,
    VX_USAGE = 1,        /* bad arguments, or reading/writing a file failed */
    VX_NOT_BZIMAGE = 2,  /* no boot_flag 0xAA55 / "HdrS" setup header */
    VX_OLD_PROTOCOL = 3, /* boot protocol older than 2.08: no payload fields */
    VX_UNSUPPORTED = 4,  /* payload compressed with a codec we do not decode */
    VX_CORRUPT = 5,      /* payload out of bounds, undecodable or wrong size */
    VX_NOT_ELF = 6,      /* decompressed data is not a valid ELF64 x86-64 image */
    VX_NO_PVH_NOTE = 7,  /* ELF without a Xen PHYS32_ENTRY note: not PVH-bootable */
};

struct vx_error {
    char msg[512];
};

/* Record a formatted message in err (if non-NULL) and return status. */
enum vx_status vx_fail(struct vx_error *err, enum vx_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
