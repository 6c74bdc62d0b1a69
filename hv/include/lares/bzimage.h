/*
 * The x86 bzImage setup header (Linux's Documentation/arch/x86/boot.rst):
 * where the compressed kernel lies in the file, which codec packed it, and
 * the size it unpacks to. Pure code (hv/lib/bzimage.c), shared by the
 * hypervisor's domain builder and the host tool tools/vmlinux-extract.
 */
#ifndef LARES_BZIMAGE_H
#define LARES_BZIMAGE_H

#include <lares/types.h>

/* Boot protocol 2.08 introduced payload_offset/payload_length. */
#define BZIMAGE_MIN_VERSION 0x0208

enum bzimage_status {
    BZIMAGE_OK = 0,
    BZIMAGE_TOO_SHORT,      /* shorter than a setup header */
    BZIMAGE_NO_BOOT_FLAG,   /* no 0xaa55 at 0x1fe */
    BZIMAGE_NO_HDRS,        /* no "HdrS" at 0x202: boot protocol before 2.00 */
    BZIMAGE_OLD_PROTOCOL,   /* before 2.08: no payload fields */
    BZIMAGE_EMPTY_PAYLOAD,  /* payload_length is 0 */
    BZIMAGE_PAYLOAD_BEYOND, /* the payload runs past the end of the file */
};

enum bzimage_codec {
    BZIMAGE_CODEC_UNKNOWN,
    BZIMAGE_CODEC_GZIP,
    BZIMAGE_CODEC_XZ,
    BZIMAGE_CODEC_LZMA,
    BZIMAGE_CODEC_ZSTD,
    BZIMAGE_CODEC_LZ4,
    BZIMAGE_CODEC_BZIP2,
    BZIMAGE_CODEC_LZO,
};

struct bzimage_header {
    u16 boot_flag;          /* as found, for messages */
    u16 version;            /* boot protocol, e.g. 0x020f */
    unsigned setup_sects;   /* after the "0 means 4" rule */
    u64 payload_start;      /* file offset */
    u32 payload_length;     /* bytes, including the appended size */
    const u8 *payload;      /* points into the image */
    u16 kernel_version_off; /* file offset of the version string, 0 if none */
};

/* Whether img starts with an x86 boot sector and setup header (boot flag and "HdrS"). */
bool bzimage_probe(const u8 *img, size_t len);

/* Validate the setup header of img and locate the payload in it. */
enum bzimage_status bzimage_header_parse(const u8 *img, size_t len, struct bzimage_header *bz);
const char *bzimage_status_text(enum bzimage_status st);

/* Identify a compressed stream by its leading magic bytes. */
enum bzimage_codec bzimage_codec_detect(const u8 *p, size_t len);
const char *bzimage_codec_name(enum bzimage_codec c);

/*
 * The kernel build appends the uncompressed size as a little-endian u32
 * after the compressed stream (inside payload_length). False if the payload
 * is too short to hold it; *stream_len is what precedes it.
 */
bool bzimage_appended_size(const struct bzimage_header *bz, u32 *size, size_t *stream_len);

/*
 * Copy the kernel release (the first word of the setup header's version
 * string, e.g. "6.1.0-56-amd64") into buf; "" if there is none.
 */
void bzimage_kernel_release(const u8 *img, size_t len, const struct bzimage_header *bz, char *buf,
                            size_t size);

#endif
