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
