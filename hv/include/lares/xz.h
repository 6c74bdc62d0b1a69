/*
 * XZ decompression in one call (hv/lib/xz_*.c): the whole compressed input
 * and the whole output buffer are in memory, and the output buffer is also
 * the LZMA2 dictionary, so the decoder needs no allocation -- only the
 * caller's struct xz_decoder (about 30 KiB: probability tables and CRC
 * tables).
 *
 * Supported: the .xz container (one or more streams with stream padding,
 * any number of blocks, the index checked against the blocks), the LZMA2
 * filter, optionally preceded by the x86 BCJ filter -- what the Linux
 * build uses for an x86 bzImage -- and the checks none, CRC32 and CRC64.
 * SHA-256 checks are skipped (not verified; xz_info says so). Other filters
 * and check types are refused.
 *
 * Every malformed input ends in an error status; the decoder never reads
 * outside the input, writes outside the output, or loops without
 * consuming input or producing output.
 */
#ifndef LARES_XZ_H
#define LARES_XZ_H

#include <lares/types.h>

enum xz_status {
    XZ_OK = 0,
    XZ_ERR_FORMAT,      /* not an .xz stream: magic bytes or stream flags wrong */
    XZ_ERR_UNSUPPORTED, /* valid, but a filter, check type or flag we do not handle */
    XZ_ERR_DATA,        /* compressed data or a header is corrupt */
    XZ_ERR_TRUNCATED,   /* the input ends before the stream does */
    XZ_ERR_CHECK,       /* a CRC of a header or of the data does not match */
    XZ_ERR_INDEX,       /* the index does not describe the blocks that were decoded */
    XZ_ERR_OUTPUT_FULL, /* the data does not fit in the output buffer */
};

/* LZMA's probability model (for the caller's allocation; layout is internal). */
#define XZ_LZMA_STATES 12
#define XZ_LZMA_POS_STATES 16     /* pb <= 4 */
#define XZ_LZMA_LITERAL_CODERS 16 /* LZMA2: lc + lp <= 4 */
#define XZ_LZMA_LITERAL_SIZE 0x300
#define XZ_LZMA_DIST_STATES 4
#define XZ_LZMA_DIST_SLOTS 64
#define XZ_LZMA_DIST_MODEL_END 14 /* slots below this code their low bits with probabilities */
#define XZ_LZMA_FULL_DISTANCES 128
#define XZ_LZMA_ALIGN_SIZE 16

struct xz_lzma_len_probs {
    u16 choice;
    u16 choice2;
    u16 low[XZ_LZMA_POS_STATES][8];
    u16 mid[XZ_LZMA_POS_STATES][8];
    u16 high[256];
};

struct xz_lzma_probs {
    u16 is_match[XZ_LZMA_STATES][XZ_LZMA_POS_STATES];
    u16 is_rep[XZ_LZMA_STATES];
    u16 is_rep0[XZ_LZMA_STATES];
    u16 is_rep1[XZ_LZMA_STATES];
    u16 is_rep2[XZ_LZMA_STATES];
    u16 is_rep0_long[XZ_LZMA_STATES][XZ_LZMA_POS_STATES];
    u16 dist_slot[XZ_LZMA_DIST_STATES][XZ_LZMA_DIST_SLOTS];
    u16 dist_special[XZ_LZMA_FULL_DISTANCES - XZ_LZMA_DIST_MODEL_END];
    u16 dist_align[XZ_LZMA_ALIGN_SIZE];
    struct xz_lzma_len_probs match_len;
    struct xz_lzma_len_probs rep_len;
    u16 literal[XZ_LZMA_LITERAL_CODERS][XZ_LZMA_LITERAL_SIZE];
};

/* LZMA state that lives across the chunks of one LZMA2 stream. */
struct xz_lzma_state {
    unsigned state;   /* 0..11: what the last symbols were */
    u32 rep[4];       /* the last four match distances (minus one) */
    unsigned lc;      /* literal context bits */
    unsigned lp_mask; /* literal position mask */
    unsigned pb_mask; /* position mask for the match flags and lengths */
    struct xz_lzma_probs probs;
};

struct xz_decoder {
    struct xz_lzma_state lzma;
    u32 crc32_table[256];
    u64 crc64_table[256];
    const char *why; /* after an error: what was wrong, for messages */
};

/* What a successful decode found. */
struct xz_info {
    size_t out_len;     /* bytes written to the output buffer */
    unsigned streams;   /* concatenated .xz streams */
    unsigned blocks;    /* blocks over all streams */
    unsigned check;     /* check type of the last stream: 0 none, 1 CRC32, 4 CRC64, 10 SHA-256 */
    bool check_skipped; /* some block's check was not verified (SHA-256) */
};

/* Decode in[0..in_len) into out[0..out_cap). dec is scratch space (no setup needed). */
enum xz_status xz_decode(struct xz_decoder *dec, const u8 *in, size_t in_len, u8 *out,
                         size_t out_cap, struct xz_info *info);

/*
 * The total uncompressed size that the index (or indexes, for
 * concatenated streams) records, read backwards from the end of the input
 * without decoding any block: enough to size the output buffer. The index
 * CRCs are verified; the blocks are not looked at.
 */
enum xz_status xz_uncompressed_size(struct xz_decoder *dec, const u8 *in, size_t in_len, u64 *size);

/* A short lower-case description of a status ("corrupt data", ...). */
const char *xz_status_text(enum xz_status st);

#endif
