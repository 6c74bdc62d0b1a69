/*
 * LZMA decoding, one LZMA2 chunk at a time, straight into the output
 * buffer (which is the dictionary: a match copies bytes from earlier in the
 * same buffer).
 *
 * LZMA is a range coder driving an adaptive binary model. Every bit has an
 * 11-bit probability of being 0 that moves 1/32 of the way towards what
 * was seen. A packet is a literal byte, a match (length, then a new
 * distance) or a repeat of one of the four most recent distances, and a
 * 12-value state remembers the kinds of the last few packets to pick
 * probabilities. Contexts: the low bits of the position (pb for packet
 * flags and lengths, lp for literals) and the high bits of the previous
 * byte (lc) for literals.
 *
 * Safety: the range coder never reads past the chunk (it notes the overrun
 * and the chunk fails), distances are checked against the bytes decoded
 * since the last dictionary reset, and a match may not run past the end of
 * the chunk, so every loop is bounded by the chunk's output size.
 */
#include <lares/compiler.h>
#include <lares/string.h>

#include "xz_internal.h"

#define PROB_BITS 11
#define PROB_INIT (1u << (PROB_BITS - 1)) /* even odds */
#define PROB_SHIFT 5                      /* adaptation speed */
#define RC_TOP (1u << 24)                 /* below this the coder takes another byte */

#define LIT_STATES 7 /* states 0..6 follow a literal; 7..11 follow a match or repeat */
#define MATCH_MIN 2
#define LEN_LOW 8
#define LEN_MID 8

struct range_decoder {
    u32 range;
    u32 code;
    const u8 *in;
    size_t pos, end;
    bool overrun; /* wanted a byte beyond the chunk: the chunk is corrupt */
};

static inline void rc_normalize(struct range_decoder *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        rc->code <<= 8;
        if (likely(rc->pos < rc->end))
            rc->code |= rc->in[rc->pos++];
        else
            rc->overrun = true;
    }
}

static inline unsigned rc_bit(struct range_decoder *rc, u16 *prob)
{
    u32 bound;

    rc_normalize(rc);
    bound = (rc->range >> PROB_BITS) * *prob;
    if (rc->code < bound) {
        rc->range = bound;
        *prob += ((1u << PROB_BITS) - *prob) >> PROB_SHIFT;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *prob -= *prob >> PROB_SHIFT;
    return 1;
}

/* A bit with fixed even odds (the middle bits of long distances). */
static inline unsigned rc_direct_bit(struct range_decoder *rc)
{
    rc_normalize(rc);
    rc->range >>= 1;
    if (rc->code < rc->range)
        return 0;
    rc->code -= rc->range;
    return 1;
}

/* nbits bits, most significant first, each coded with the probability of the prefix so far. */
static inline unsigned rc_tree(struct range_decoder *rc, u16 *probs, unsigned nbits)
{
    unsigned node = 1;

    for (unsigned i = 0; i < nbits; i++)
        node = (node << 1) | rc_bit(rc, &probs[node]);
    return node - (1u << nbits);
}

/* The same tree walked from the least significant bit. */
static inline unsigned rc_tree_reverse(struct range_decoder *rc, u16 *probs, unsigned nbits)
{
    unsigned node = 1, value = 0;

    for (unsigned i = 0; i < nbits; i++) {
        unsigned b = rc_bit(rc, &probs[node]);

        node = (node << 1) | b;
        value |= b << i;
    }
    return value;
}

bool xz_lzma_set_props(struct xz_lzma_state *s, u8 props)
{
    unsigned lc = props % 9, lp = (props / 9) % 5, pb = props / 45;

    /* 9 * 5 * 5 combinations; LZMA2 further limits lc + lp to 4. */
    if (props >= 9 * 5 * 5 || lc + lp > 4)
        return false;
    s->lc = lc;
    s->lp_mask = (1u << lp) - 1;
    s->pb_mask = (1u << pb) - 1;
    return true;
}

void xz_lzma_reset(struct xz_lzma_state *s)
{
    struct xz_lzma_probs *p = &s->probs;
    size_t literals = ((size_t)(s->lp_mask + 1) << s->lc) * XZ_LZMA_LITERAL_SIZE;
    u16 *all = (u16 *)p;

    s->state = 0;
    s->rep[0] = s->rep[1] = s->rep[2] = s->rep[3] = 0;
    /* Every table is u16, so the model is one array; only the literal coders in use matter. */
    for (size_t i = 0; i < offsetof(struct xz_lzma_probs, literal) / sizeof(u16) + literals; i++)
        all[i] = PROB_INIT;
}

static inline unsigned decode_len(struct range_decoder *rc, struct xz_lzma_len_probs *l,
                                  unsigned pos_state)
{
    if (!rc_bit(rc, &l->choice))
        return MATCH_MIN + rc_tree(rc, l->low[pos_state], 3);
    if (!rc_bit(rc, &l->choice2))
        return MATCH_MIN + LEN_LOW + rc_tree(rc, l->mid[pos_state], 3);
    return MATCH_MIN + LEN_LOW + LEN_MID + rc_tree(rc, l->high, 8);
}

/*
 * A new match distance (minus one). A 6-bit slot, chosen by the length
 * (2, 3, 4, 5+), gives the top two bits and the bit count; the rest come
 * from a small reverse tree for short distances, or from direct bits and
 * a 4-bit reverse tree for the lowest bits of long ones.
 */
static inline u32 decode_dist(struct range_decoder *rc, struct xz_lzma_probs *p, unsigned len)
{
    unsigned len_state = MIN(len - MATCH_MIN, XZ_LZMA_DIST_STATES - 1u);
    unsigned slot = rc_tree(rc, p->dist_slot[len_state], 6);
    unsigned extra;
    u32 dist;

    if (slot < 4)
        return slot;
    extra = (slot >> 1) - 1;
    dist = (u32)(2 | (slot & 1)) << extra;
    if (slot < XZ_LZMA_DIST_MODEL_END)
        /* The trees of all these slots share one array; each starts at dist - slot. */
        return dist + rc_tree_reverse(rc, p->dist_special + dist - slot - 1, extra);
    for (unsigned i = extra - 4; i > 0; i--)
        dist += (u32)rc_direct_bit(rc) << (i + 3);
    return dist + rc_tree_reverse(rc, p->dist_align, 4);
}

static inline u8 decode_literal(struct range_decoder *rc, u16 *probs, bool after_match,
                                u8 match_byte)
{
    unsigned sym = 1;

    /*
     * After a match the byte at the last distance predicts this one: its
     * bits select one of two extra trees until the first bit that differs.
     */
    if (after_match) {
        while (sym < 0x100) {
            unsigned mbit = (match_byte >> 7) & 1;
            unsigned b;

            match_byte <<= 1;
            b = rc_bit(rc, &probs[0x100 + (mbit << 8) + sym]);
            sym = (sym << 1) | b;
            if (b != mbit)
                break;
        }
    }
    while (sym < 0x100)
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    return (u8)sym;
}

static inline unsigned next_state_literal(unsigned st)
{
    return st < 4 ? 0 : st < 10 ? st - 3 : st - 6;
}

enum xz_status xz_lzma_decode_chunk(struct xz_lzma_state *s, const u8 *in, size_t in_len, u8 *out,
                                    size_t dict_start, size_t *pos, size_t end, const char **why)
{
    struct range_decoder rc = {.range = 0xffffffffu, .in = in, .pos = 5, .end = in_len};
    struct xz_lzma_probs *p = &s->probs;
    unsigned st = s->state;
    u32 rep0 = s->rep[0], rep1 = s->rep[1], rep2 = s->rep[2], rep3 = s->rep[3];
    size_t at = *pos;

    /* The encoder's first output byte is always 0; then 4 bytes of code, big-endian. */
    if (in_len < 5 || in[0] != 0) {
        *why = "LZMA chunk does not start a range coder";
        return XZ_ERR_DATA;
    }
    rc.code = (u32)in[1] << 24 | (u32)in[2] << 16 | (u32)in[3] << 8 | in[4];

    while (at < end && !rc.overrun) {
        size_t have = at - dict_start; /* bytes a distance may reach back to */
        unsigned ps = have & s->pb_mask;
        unsigned len;

        if (!rc_bit(&rc, &p->is_match[st][ps])) {
            unsigned prev = have ? out[at - 1] : 0;
            u16 *probs = p->literal[((have & s->lp_mask) << s->lc) + (prev >> (8 - s->lc))];
            bool after_match = st >= LIT_STATES;

            if (after_match && rep0 >= have)
                goto bad_dist;
            out[at] = decode_literal(&rc, probs, after_match, after_match ? out[at - rep0 - 1] : 0);
            at++;
            st = next_state_literal(st);
            continue;
        }
        if (!rc_bit(&rc, &p->is_rep[st])) {
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            len = decode_len(&rc, &p->match_len, ps);
            st = st < LIT_STATES ? 7 : 10;
            rep0 = decode_dist(&rc, p, len);
        } else if (!rc_bit(&rc, &p->is_rep0[st])) {
            if (!rc_bit(&rc, &p->is_rep0_long[st][ps])) {
                st = st < LIT_STATES ? 9 : 11; /* one byte from the last distance */
                len = 1;
                goto copy;
            }
            len = decode_len(&rc, &p->rep_len, ps);
            st = st < LIT_STATES ? 8 : 11;
        } else {
            u32 dist;

            if (!rc_bit(&rc, &p->is_rep1[st])) {
                dist = rep1;
            } else {
                if (!rc_bit(&rc, &p->is_rep2[st])) {
                    dist = rep2;
                } else {
                    dist = rep3;
                    rep3 = rep2;
                }
                rep2 = rep1;
            }
            rep1 = rep0;
            rep0 = dist;
            len = decode_len(&rc, &p->rep_len, ps);
            st = st < LIT_STATES ? 8 : 11;
        }
    copy:
        /* Also catches the end marker (distance 0xffffffff), which LZMA2 does not use. */
        if (rep0 >= have)
            goto bad_dist;
        if (len > end - at) {
            *why = "LZMA match runs past the end of its chunk";
            return XZ_ERR_DATA;
        }
        for (const u8 *from = out + at - rep0 - 1; len; len--)
            out[at++] = *from++;
    }
    /* Take the byte the last symbol's normalisation is owed; then all must be used. */
    rc_normalize(&rc);
    if (rc.overrun || rc.pos != rc.end || rc.code != 0) {
        *why = rc.overrun ? "LZMA chunk ends before its data" : "LZMA chunk has data left over";
        return XZ_ERR_DATA;
    }
    s->state = st;
    s->rep[0] = rep0;
    s->rep[1] = rep1;
    s->rep[2] = rep2;
    s->rep[3] = rep3;
    *pos = at;
    return XZ_OK;

bad_dist:
    *why = "LZMA distance reaches before the start of the dictionary";
    return XZ_ERR_DATA;
}
