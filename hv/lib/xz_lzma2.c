/*
 * LZMA2: a sequence of chunks, each either stored bytes or LZMA data, led
 * by a control byte that also says what to reset first (the dictionary,
 * the LZMA state, the lc/lp/pb properties). A chunk produces at most
 * 2 MiB and consumes at most 64 KiB, and its sizes are in its header, so
 * a corrupt chunk cannot make us read or write beyond what it declared.
 */
#include <lares/string.h>

#include "xz_internal.h"

#define CTRL_END 0x00
#define CTRL_STORED_DICT_RESET 0x01
#define CTRL_STORED 0x02
#define CTRL_LZMA 0x80             /* bits 5-6: what to reset; bits 0-4: size bits 16-20 */
#define CTRL_LZMA_STATE_RESET 0xa0 /* at or above: the LZMA state is reset */
#define CTRL_LZMA_NEW_PROPS 0xc0   /* ...and a properties byte follows */
#define CTRL_LZMA_DICT_RESET 0xe0  /* ...and the dictionary is reset */

static u32 be16(const u8 *p)
{
    return (u32)p[0] << 8 | p[1];
}

bool xz_lzma2_dict_size(u8 prop, u32 *size)
{
    /* 40 values: 2^(n/2+12) and 3 * 2^(n/2+11) alternately from 4 KiB, then 40 = 4 GiB - 1. */
    if (prop > 40)
        return false;
    *size = prop == 40 ? 0xffffffffu : (u32)(2 | (prop & 1)) << (prop / 2 + 11);
    return true;
}

enum xz_status xz_lzma2_decode(struct xz_decoder *dec, const u8 *in, size_t in_len, size_t *in_used,
                               u8 *out, size_t start, size_t cap, size_t *out_len)
{
    size_t ip = 0, op = start, dict_start = start;
    bool need_dict_reset = true, need_props = true;
    enum xz_status st;

    for (;;) {
        u8 ctrl;
        size_t usize, csize;

        if (ip >= in_len)
            goto truncated;
        ctrl = in[ip++];
        if (ctrl == CTRL_END)
            break;
        if (ctrl >= CTRL_LZMA_DICT_RESET || ctrl == CTRL_STORED_DICT_RESET) {
            dict_start = op;
            need_dict_reset = false;
            need_props = true; /* the first LZMA chunk after a reset brings its properties */
        } else if (need_dict_reset) {
            dec->why = "LZMA2 data does not begin with a dictionary reset";
            return XZ_ERR_DATA;
        }

        if (ctrl < CTRL_LZMA) {
            if (ctrl > CTRL_STORED) {
                dec->why = "LZMA2 control byte is invalid";
                return XZ_ERR_DATA;
            }
            if (in_len - ip < 2)
                goto truncated;
            usize = be16(in + ip) + 1;
            ip += 2;
            if (in_len - ip < usize)
                goto truncated;
            if (cap - op < usize)
                goto full;
            memcpy(out + op, in + ip, usize);
            ip += usize;
            op += usize;
            continue;
        }

        if (in_len - ip < 4)
            goto truncated;
        usize = ((size_t)(ctrl & 0x1f) << 16) + be16(in + ip) + 1;
        csize = be16(in + ip + 2) + 1;
        ip += 4;
        if (ctrl >= CTRL_LZMA_NEW_PROPS) {
            if (ip >= in_len)
                goto truncated;
            if (!xz_lzma_set_props(&dec->lzma, in[ip++])) {
                dec->why = "LZMA properties byte is invalid (lc + lp > 4 or pb > 4)";
                return XZ_ERR_DATA;
            }
            need_props = false;
        } else if (need_props) {
            dec->why = "LZMA2 chunk needs properties that were never given";
            return XZ_ERR_DATA;
        }
        if (ctrl >= CTRL_LZMA_STATE_RESET)
            xz_lzma_reset(&dec->lzma);
        if (in_len - ip < csize)
            goto truncated;
        if (cap - op < usize)
            goto full;
        st = xz_lzma_decode_chunk(&dec->lzma, in + ip, csize, out, dict_start, &op, op + usize,
                                  &dec->why);
        if (st)
            return st;
        ip += csize;
    }
    *in_used = ip;
    *out_len = op - start;
    return XZ_OK;

truncated:
    dec->why = "LZMA2 data ends in the middle of a chunk";
    return XZ_ERR_TRUNCATED;
full:
    dec->why = "LZMA2 data does not fit in the output buffer";
    return XZ_ERR_OUTPUT_FULL;
}
