/*
 * printf-style formatting into a buffer. Pure code: also built and tested on
 * the host. Supports %d %i %u %x %X %o %c %s %p %% with flags "-0+ #",
 * width, precision ('*' too) and length modifiers hh h l ll z t j.
 * Returns the length the full output would have had (like snprintf); the
 * buffer is always NUL-terminated when size > 0.
 */
#ifndef LARES_FORMAT_H
#define LARES_FORMAT_H

#include <lares/compiler.h>
#include <lares/types.h>

int vformat(char *buf, size_t size, const char *fmt, va_list ap);
int format(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
