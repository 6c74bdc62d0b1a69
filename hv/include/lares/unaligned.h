/*
 * Little-endian loads and stores in byte buffers at any alignment (firmware
 * tables, ELF images, boot information, compressed streams), without the
 * undefined behaviour of a misaligned pointer cast.
 */
#ifndef LARES_UNALIGNED_H
#define LARES_UNALIGNED_H

#include <lares/string.h>
#include <lares/types.h>

static inline u16 get_unaligned_u16(const u8 *p)
{
    u16 v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline u32 get_unaligned_u32(const u8 *p)
{
    u32 v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline u64 get_unaligned_u64(const u8 *p)
{
    u64 v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline void put_unaligned_u16(u8 *p, u16 v)
{
    memcpy(p, &v, sizeof(v));
}

static inline void put_unaligned_u32(u8 *p, u32 v)
{
    memcpy(p, &v, sizeof(v));
}

static inline void put_unaligned_u64(u8 *p, u64 v)
{
    memcpy(p, &v, sizeof(v));
}

#endif
