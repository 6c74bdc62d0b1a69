/*
 * Freestanding string and memory functions. The compiler may emit calls to
 * memcpy/memset/memmove/memcmp itself, so these must exist with the
 * standard names. Never linked into host unit tests (libc provides them).
 */
#include <lares/string.h>

/*
 * Bulk copies move 64-byte blocks with plain 8-byte loads and stores:
 * under QEMU's TCG every iteration of a REP MOVS costs about as much as a
 * loop iteration, so REP MOVSB copies a byte per iteration (loading a
 * 64 MB kernel image took over a second that way). Unaligned 8-byte
 * accesses are fine on x86. The tail goes byte by byte.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    size_t blocks = n / 64;

    if (blocks) {
        u64 tmp;

        __asm__ __volatile__("1:\n\t"
                             "movq 0(%1), %3; movq %3, 0(%0)\n\t"
                             "movq 8(%1), %3; movq %3, 8(%0)\n\t"
                             "movq 16(%1), %3; movq %3, 16(%0)\n\t"
                             "movq 24(%1), %3; movq %3, 24(%0)\n\t"
                             "movq 32(%1), %3; movq %3, 32(%0)\n\t"
                             "movq 40(%1), %3; movq %3, 40(%0)\n\t"
                             "movq 48(%1), %3; movq %3, 48(%0)\n\t"
                             "movq 56(%1), %3; movq %3, 56(%0)\n\t"
                             "addq $64, %0; addq $64, %1; decq %2; jnz 1b"
                             : "+r"(dst), "+r"(src), "+r"(blocks), "=&r"(tmp)
                             :
                             : "memory", "cc");
        n &= 63;
    }
    __asm__ __volatile__("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    /* Overlapping with dst above src: copy backwards. */
    while (n--)
        d[n] = s[n];
    return dst;
}

/* Blocks of 8-byte stores for the bulk, as memcpy (REP STOSB is a byte per iteration under TCG). */
void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    size_t blocks = n / 64;

    if (blocks) {
        u64 v = 0x0101010101010101ull * (u8)c;

        __asm__ __volatile__(
            "1:\n\t"
            "movq %2, 0(%0); movq %2, 8(%0); movq %2, 16(%0); movq %2, 24(%0)\n\t"
            "movq %2, 32(%0); movq %2, 40(%0); movq %2, 48(%0); movq %2, 56(%0)\n\t"
            "addq $64, %0; decq %1; jnz 1b"
            : "+r"(dst), "+r"(blocks)
            : "r"(v)
            : "memory", "cc");
        n &= 63;
    }
    __asm__ __volatile__("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t dlen = strnlen(dst, size);

    if (dlen == size)
        return size + strlen(src);
    return dlen + strlcpy(dst + dlen, src, size - dlen);
}
