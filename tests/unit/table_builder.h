/* Building firmware tables byte by byte for parser tests (header-only). */
#ifndef TABLE_BUILDER_H
#define TABLE_BUILDER_H

#include <string.h>
#include <lares/types.h>

struct tb {
    u8 b[16384];
    size_t len;
};

static inline void tb_bytes(struct tb *t, const void *p, size_t n)
{
    memcpy(t->b + t->len, p, n);
    t->len += n;
}

static inline void tb_u8(struct tb *t, u8 v)
{
    tb_bytes(t, &v, 1);
}

static inline void tb_u16(struct tb *t, u16 v)
{
    tb_bytes(t, &v, 2);
}

static inline void tb_u32(struct tb *t, u32 v)
{
    tb_bytes(t, &v, 4);
}

static inline void tb_u64(struct tb *t, u64 v)
{
    tb_bytes(t, &v, 8);
}

/* Make the bytes [from, from+n) sum to zero by adjusting the byte at csum_off. */
static inline void tb_fix_sum(u8 *b, size_t n, size_t csum_off)
{
    u8 s = 0;

    b[csum_off] = 0;
    for (size_t i = 0; i < n; i++)
        s += b[i];
    b[csum_off] = (u8)-s;
}

/* A 36-byte ACPI header; tb_acpi_finish() fills in length and checksum. */
static inline void tb_acpi_header(struct tb *t, const char *sig)
{
    t->len = 0;
    tb_bytes(t, sig, 4);
    tb_u32(t, 0);
    tb_u8(t, 1);
    tb_u8(t, 0);
    tb_bytes(t, "LARES ", 6);
    tb_bytes(t, "UNITTEST", 8);
    tb_u32(t, 1);
    tb_u32(t, 0);
    tb_u32(t, 0);
}

static inline void tb_acpi_finish(struct tb *t)
{
    u32 len = (u32)t->len;

    memcpy(t->b + 4, &len, 4);
    tb_fix_sum(t->b, t->len, 9);
}

#endif
