/*
 * Command-line tokenising and value parsing (pure; unit-tested on the host).
 *
 * A command line is a sequence of whitespace-separated options "key" or
 * "key=value". Double or single quotes group whitespace into one option
 * (cmdline="console=hvc0 loglevel=8") and are kept in the raw value, so
 * that nested lists (a,b="x,y") can be split later with cmdline_list_next().
 */
#ifndef LARES_CMDLINE_H
#define LARES_CMDLINE_H

#include <lares/types.h>

#define CMDLINE_KEY_MAX   64
#define CMDLINE_VALUE_MAX 2048

struct cmdline_opt {
    char key[CMDLINE_KEY_MAX];
    char value[CMDLINE_VALUE_MAX]; /* raw, quotes kept; "" if no '=' */
    bool has_value;
    bool truncated;                /* key or value was too long */
};

/* Next option from *p (advanced past it). Returns false at the end. */
bool cmdline_next(const char **p, struct cmdline_opt *opt);

/*
 * Next item of a comma-separated list from *p, honouring quotes, with the
 * quotes removed. Returns false at the end; -E2BIG-like truncation sets
 * *truncated if non-NULL.
 */
bool cmdline_list_next(const char **p, char *item, size_t size, bool *truncated);

/* Remove quote characters in place (a"b c"d -> ab cd). */
void cmdline_unquote(char *s);

/* Parsers: return 0 on success, -EINVAL on a malformed value, -ERANGE on overflow. */
int parse_uint(const char *s, u64 *out);     /* decimal, 0x hex */
int parse_size(const char *s, u64 *out);     /* bytes with optional K/M/G/T suffix (binary) */
int parse_bool(const char *s, bool *out);    /* 1/0 yes/no on/off true/false enable/disable */

#endif
