/* Command-line tokenising and value parsing (see lares/cmdline.h). */
#include <lares/cmdline.h>
#include <lares/errno.h>
#include <lares/string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cmdline_next(const char **p, struct cmdline_opt *opt)
{
    const char *s = *p;
    size_t klen = 0, vlen = 0;
    char quote = 0;
    bool in_value = false;

    while (*s && is_space(*s))
        s++;
    if (!*s) {
        *p = s;
        return false;
    }

    opt->key[0] = opt->value[0] = '\0';
    opt->has_value = false;
    opt->truncated = false;

    for (; *s; s++) {
        char c = *s;

        if (!quote && is_space(c))
            break;
        if (quote && c == quote)
            quote = 0;
        else if (!quote && (c == '"' || c == '\''))
            quote = c;

        if (!in_value && !quote && c == '=') {
            in_value = true;
            opt->has_value = true;
            continue;
        }
        if (in_value) {
            if (vlen + 1 < sizeof(opt->value))
                opt->value[vlen++] = c;
            else
                opt->truncated = true;
        } else if (c != '"' && c != '\'') {
            if (klen + 1 < sizeof(opt->key))
                opt->key[klen++] = c;
            else
                opt->truncated = true;
        }
    }
    opt->key[klen] = '\0';
    opt->value[vlen] = '\0';
    *p = s;
    return true;
}

bool cmdline_list_next(const char **p, char *item, size_t size, bool *truncated)
{
    const char *s = *p;
    size_t n = 0;
    char quote = 0;

    if (truncated)
        *truncated = false;
    if (!*s)
        return false;

    for (; *s; s++) {
        char c = *s;

        if (!quote && c == ',')
            break;
        if (quote && c == quote) {
            quote = 0;
            continue;
        }
        if (!quote && (c == '"' || c == '\'')) {
            quote = c;
            continue;
        }
        if (n + 1 < size)
            item[n++] = c;
        else if (truncated)
            *truncated = true;
    }
    if (size)
        item[n < size ? n : size - 1] = '\0';
    if (*s == ',')
        s++;
    *p = s;
    return true;
}

void cmdline_unquote(char *s)
{
    char *d = s;
    char quote = 0;

    for (; *s; s++) {
        if (quote && *s == quote) {
            quote = 0;
            continue;
        }
        if (!quote && (*s == '"' || *s == '\'')) {
            quote = *s;
            continue;
        }
        *d++ = *s;
    }
    *d = '\0';
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse the longest numeric prefix; *end points after it. */
static int parse_uint_prefix(const char *s, u64 *out, const char **end)
{
    unsigned base = 10;
    u64 v = 0;
    const char *start;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    start = s;
    for (; *s; s++) {
        int d = digit_value(*s);

        if (d < 0 || (unsigned)d >= base)
            break;
        if (v > (UINT64_MAX - (u64)d) / base)
            return -ERANGE;
        v = v * base + (u64)d;
    }
    if (s == start)
        return -EINVAL;
    *out = v;
    *end = s;
    return 0;
}

int parse_uint(const char *s, u64 *out)
{
    const char *end;
    int rc = parse_uint_prefix(s, out, &end);

    if (rc)
        return rc;
    return *end ? -EINVAL : 0;
}

int parse_size(const char *s, u64 *out)
{
    const char *end;
    u64 v;
    unsigned shift = 0;
    int rc = parse_uint_prefix(s, &v, &end);

    if (rc)
        return rc;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    case 'b': case 'B': break;
    default: return -EINVAL;
    }
    if (*end) {
        end++;
        /* Accept an optional trailing 'B' or "iB" after a unit: 256MB, 1GiB. */
        if (*end == 'i')
            end++;
        if ((*end == 'b' || *end == 'B') && shift)
            end++;
        if (*end)
            return -EINVAL;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return -ERANGE;
    *out = v << shift;
    return 0;
}

int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return 0;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -EINVAL;
}
