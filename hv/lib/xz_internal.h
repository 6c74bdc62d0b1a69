/* Pieces of the XZ decoder (lares/xz.h) that its files share. */
#ifndef LARES_XZ_INTERNAL_H
#define LARES_XZ_INTERNAL_H

#include <lares/xz.h>

/* xz_check.c: CRC32 (IEEE 802.3) and CRC64 (ECMA-182), both bit-reflected. */
void xz_crc_init(struct xz_decoder *dec);
u32 xz_crc32(const struct xz_decoder *dec, const u8 *p, size_t n, u32 crc);
u64 xz_crc64(const struct xz_decoder *dec, const u8 *p, size_t n, u64 crc);

/* xz_lzma.c: the LZMA decoder under LZMA2. */
bool xz_lzma_set_props(struct xz_lzma_state *s, u8 props);
void xz_lzma_reset(struct xz_lzma_state *s);

/*
 * Decode one LZMA chunk: exactly in[0..in_len) into out[*pos..end), where
 * the dictionary begins at out[dict_start]. The chunk must end exactly
 * there, with its range coder finished.
 */
enum xz_status xz_lzma_decode_chunk(struct xz_lzma_state *s, const u8 *in, size_t in_len, u8 *out,
                                    size_t dict_start, size_t *pos, size_t end, const char **why);

/*
 * xz_lzma2.c: decode one LZMA2 stream from in[0..in_len) to out[start..cap);
 * *in_used and *out_len say how much of each it took.
 */
enum xz_status xz_lzma2_decode(struct xz_decoder *dec, const u8 *in, size_t in_len, size_t *in_used,
                               u8 *out, size_t start, size_t cap, size_t *out_len);

/* The LZMA2 filter's property byte: dictionary size, or false if invalid. */
bool xz_lzma2_dict_size(u8 prop, u32 *size);

/* xz_bcj_x86.c: undo the x86 branch conversion on a whole block's output. */
void xz_bcj_x86_decode(u8 *buf, size_t len, u32 start_offset);

#endif
