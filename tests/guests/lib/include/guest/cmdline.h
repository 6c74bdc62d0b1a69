/* Parsing "key=value" options out of a command line. Pure; unit-tested on
 * the host (tests/unit/test_guest_cmdline.c). */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <lares/types.h>

/*
 * Find the first space-separated word "key=value" in cmdline. If found,
 * copy the value (truncated to size - 1 bytes, NUL-terminated when
 * size > 0) into buf and return true. "key" alone, or "keyX=", does not
 * match.
 */
bool cmdline_find(const char *cmdline, const char *key, char *buf, size_t size);

/*
 * The number in s: decimal, or hexadecimal after "0x". False (and *val
 * untouched) if s is empty, has anything else, or does not fit 64 bits.
 */
bool cmdline_parse_number(const char *s, u64 *val);

#endif
