/* printf-style formatter (see lares/format.h). */
#include <lares/format.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far (may exceed size) */
};

enum {
    F_LEFT = 1 << 0,
    F_ZERO = 1 << 1,
    F_PLUS = 1 << 2,
    F_SPACE = 1 << 3,
    F_ALT = 1 << 4,
    F_UPPER = 1 << 5,
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, int width, int prec, unsigned flags)
{
    int len = 0;

    if (!s)
        s = "(null)";
    while (s[len] && (prec < 0 || len < prec))
        len++;
    if (!(flags & F_LEFT))
        pad(o, ' ', width - len);
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (flags & F_LEFT)
        pad(o, ' ', width - len);
}

static void put_num(struct out *o, unsigned long long v, bool negative, unsigned base,
                    int width, int prec, unsigned flags)
{
    const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    char sign = 0;
    const char *prefix = "";
    int prefix_len = 0;

    if (negative)
        sign = '-';
    else if (flags & F_PLUS)
        sign = '+';
    else if (flags & F_SPACE)
        sign = ' ';

    if ((flags & F_ALT) && v != 0) {
        if (base == 16) {
            prefix = (flags & F_UPPER) ? "0X" : "0x";
            prefix_len = 2;
        } else if (base == 8) {
            prefix = "0";
            prefix_len = 1;
        }
    }

    /* Precision 0 with value 0 prints no digits, as in C. */
    if (!(v == 0 && prec == 0)) {
        do {
            tmp[n++] = digits[v % base];
            v /= base;
        } while (v);
    }

    int zeros = prec > n ? prec - n : 0;
    int total = n + zeros + prefix_len + (sign ? 1 : 0);

    if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT) && width > total) {
        zeros += width - total;
        total = width;
    }
    if (!(flags & F_LEFT))
        pad(o, ' ', width - total);
    if (sign)
        put(o, sign);
    for (int i = 0; i < prefix_len; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        pad(o, ' ', width - total);
}

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_PTRDIFF, L_INTMAX };

static unsigned long long get_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case L_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
    case L_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case L_LONG: return va_arg(*ap, unsigned long);
    case L_LLONG: return va_arg(*ap, unsigned long long);
    case L_SIZE: return va_arg(*ap, size_t);
    case L_PTRDIFF: return (unsigned long long)va_arg(*ap, ptrdiff_t);
    case L_INTMAX: return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static long long get_signed(va_list *ap, enum length len)
{
    switch (len) {
    case L_CHAR: return (signed char)va_arg(*ap, int);
    case L_SHORT: return (short)va_arg(*ap, int);
    case L_LONG: return va_arg(*ap, long);
    case L_LLONG: return va_arg(*ap, long long);
    case L_SIZE: return (long long)va_arg(*ap, size_t);
    case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    case L_INTMAX: return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

static int parse_int(const char **p)
{
    int v = 0;

    while (**p >= '0' && **p <= '9') {
        if (v < 100000)
            v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

int vformat(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, ap_in);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;

        unsigned flags = 0;
        for (;; p++) {
            if (*p == '-') flags |= F_LEFT;
            else if (*p == '0') flags |= F_ZERO;
            else if (*p == '+') flags |= F_PLUS;
            else if (*p == ' ') flags |= F_SPACE;
            else if (*p == '#') flags |= F_ALT;
            else break;
        }

        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            p++;
        } else {
            width = parse_int(&p);
        }

        int prec = -1;
        if (*p == '.') {
            p++;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                prec = parse_int(&p);
            }
            if (prec < 0)
                prec = -1;
        }

        enum length len = L_INT;
        if (*p == 'h') {
            p++;
            len = L_SHORT;
            if (*p == 'h') { p++; len = L_CHAR; }
        } else if (*p == 'l') {
            p++;
            len = L_LONG;
            if (*p == 'l') { p++; len = L_LLONG; }
        } else if (*p == 'z') {
            p++; len = L_SIZE;
        } else if (*p == 't') {
            p++; len = L_PTRDIFF;
        } else if (*p == 'j') {
            p++; len = L_INTMAX;
        }

        switch (*p) {
        case 'd':
        case 'i': {
            long long v = get_signed(&ap, len);
            unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
            put_num(&o, mag, v < 0, 10, width, prec, flags);
            break;
        }
        case 'u':
            put_num(&o, get_unsigned(&ap, len), false, 10, width, prec, flags);
            break;
        case 'X':
            flags |= F_UPPER;
            /* fall through */
        case 'x':
            put_num(&o, get_unsigned(&ap, len), false, 16, width, prec, flags);
            break;
        case 'o':
            put_num(&o, get_unsigned(&ap, len), false, 8, width, prec, flags);
            break;
        case 'p':
            put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, width, prec, flags | F_ALT);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(flags & F_LEFT))
                pad(&o, ' ', width - 1);
            put(&o, c);
            if (flags & F_LEFT)
                pad(&o, ' ', width - 1);
            break;
        }
        case 's':
            put_str(&o, va_arg(ap, const char *), width, prec, flags);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--; /* lone '%' at the end: stop after the loop increment */
            break;
        default:
            /* Unknown conversion: print it literally so the mistake is visible. */
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    va_end(ap);

    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > (size_t)INT32_MAX ? INT32_MAX : (int)o.len;
}

int format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
