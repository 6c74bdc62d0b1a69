/*
 * The x86 BCJ filter, decoding side. Before compression the encoder
 * turned the 32-bit relative displacement of each plausible near CALL
 * (E8) and JMP (E9) into an absolute address (displacement plus the
 * position after the instruction), so that repeated calls to one function
 * become repeated bytes. Here the same candidates are found and the
 * addresses turned back into displacements.
 *
 * Which E8/E9 bytes count is a heuristic that both sides must apply
 * identically: the displacement's top byte must be 0x00 or 0xff (a target
 * within +-16 MiB), and an E8/E9 byte shortly after an earlier candidate
 * that was *not* converted is looked at more carefully, because it may be
 * part of that candidate's displacement. A 3-bit history of such
 * unconverted candidates among the previous three bytes drives that
 * decision, with the constant tables of the format.
 *
 * The whole block is in memory, so one pass over it suffices; the last
 * four bytes cannot hold a complete displacement and stay as they are.
 */
#include <lares/unaligned.h>

#include "xz_internal.h"

/* Would b be the top byte of a sign-extended 25-bit value? */
static bool top_byte_ok(u8 b)
{
    return b == 0x00 || b == 0xff;
}

/* For each history of unconverted candidates: may this one still be converted... */
static const bool history_allows[8] = {true, true, true, false, true, false, false, false};
/* ...and which byte of the displacement (counted from its top) the history points at. */
static const u8 history_byte[8] = {0, 1, 2, 2, 3, 3, 3, 3};

void xz_bcj_x86_decode(u8 *buf, size_t len, u32 start_offset)
{
    size_t last = 0;      /* position of the previous candidate */
    bool seen = false;    /* whether there was one */
    unsigned history = 0; /* bit k: an unconverted candidate k+1 bytes before the last one */

    if (len < 5)
        return;
    for (size_t i = 0; i < len - 4; i++) {
        size_t gap;
        u32 addr, disp;

        if ((buf[i] & 0xfe) != 0xe8)
            continue;
        gap = seen ? i - last : 4;
        if (gap > 3) {
            history = 0;
        } else {
            history = (history << (gap - 1)) & 7;
            if (history &&
                (!history_allows[history] || top_byte_ok(buf[i + 4 - history_byte[history]]))) {
                /* Too close to, or inside the displacement of, an earlier candidate. */
                last = i;
                seen = true;
                history = (history << 1) | 1;
                continue;
            }
        }
        last = i;
        seen = true;
        if (!top_byte_ok(buf[i + 4])) {
            history = (history << 1) | 1;
            continue;
        }

        addr = get_unaligned_u32(buf + i + 1);
        for (;;) {
            unsigned shift;

            disp = addr - (start_offset + (u32)i + 5);
            if (!history)
                break;
            /* The encoder converted again where a byte of its result looked like a candidate. */
            shift = 24 - history_byte[history] * 8;
            if (!top_byte_ok((u8)(disp >> shift)))
                break;
            addr = disp ^ ((1u << (32 - history_byte[history] * 8)) - 1);
        }
        /* Sign-extend from bit 24: the top byte is 0x00 or 0xff again. */
        disp &= 0x01ffffff;
        disp |= 0u - (disp & 0x01000000);
        put_unaligned_u32(buf + i + 1, disp);
        i += 4;
    }
}
