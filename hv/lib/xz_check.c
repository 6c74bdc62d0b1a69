/*
 * The integrity checks of the .xz format: CRC32 guards every header and
 * the index, and CRC32 or CRC64 may guard each block's data. Table-driven,
 * one byte at a time; the tables live in the caller's decoder so that this
 * code has no state of its own.
 */
#include "xz_internal.h"

/* Reversed polynomials: CRC32 as in Ethernet and zlib, CRC64 from ECMA-182. */
#define CRC32_POLY 0xedb88320u
#define CRC64_POLY 0xc96c5795d7870f42ull

void xz_crc_init(struct xz_decoder *dec)
{
    for (unsigned i = 0; i < 256; i++) {
        u32 c32 = i;
        u64 c64 = i;

        for (int bit = 0; bit < 8; bit++) {
            c32 = (c32 >> 1) ^ (c32 & 1 ? CRC32_POLY : 0);
            c64 = (c64 >> 1) ^ (c64 & 1 ? CRC64_POLY : 0);
        }
        dec->crc32_table[i] = c32;
        dec->crc64_table[i] = c64;
    }
}

/* crc is the result for the data before p (0 to start); returns the result including p. */
u32 xz_crc32(const struct xz_decoder *dec, const u8 *p, size_t n, u32 crc)
{
    crc = ~crc;
    while (n--)
        crc = dec->crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

u64 xz_crc64(const struct xz_decoder *dec, const u8 *p, size_t n, u64 crc)
{
    crc = ~crc;
    while (n--)
        crc = dec->crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
