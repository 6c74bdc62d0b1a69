/* Command-line option lookup (guest/cmdline.h). */
#include <guest/cmdline.h>
#include <lares/string.h>

bool cmdline_find(const char *cmdline, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *p = cmdline;

    if (!klen)
        return false;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, key, klen) && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t n = 0;

            while (v[n] && v[n] != ' ')
                n++;
            if (size) {
                size_t copy = n < size - 1 ? n : size - 1;

                memcpy(buf, v, copy);
                buf[copy] = '\0';
            }
            return true;
        }
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

bool cmdline_parse_number(const char *s, u64 *val)
{
    unsigned int base = 10;
    u64 v = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned int d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned int)(*s - '0');
        else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
            d = (unsigned int)((*s | 0x20) - 'a' + 10);
        else
            return false;
        if (v > (~0ull - d) / base)
            return false;
        v = v * base + d;
    }
    *val = v;
    return true;
}
