/* Basic fixed-width types. Builds freestanding (hypervisor) and hosted (unit tests). */
#ifndef LARES_TYPES_H
#define LARES_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 paddr_t;  /* host-physical address */
typedef u64 mfn_t;    /* host (machine) frame number */
typedef u64 gfn_t;    /* guest frame number */
typedef u64 s_time_t_unsigned;
typedef s64 s_time_t; /* system time in nanoseconds since boot */

#endif
