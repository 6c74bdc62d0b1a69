/* Boot-time domain descriptions: parsing and module resolution (see lares/domain_desc.h). */
#include <lares/cmdline.h>
#include <lares/domain_desc.h>
#include <lares/errno.h>
#include <lares/format.h>
#include <lares/string.h>

#define ITEM_MAX (DOMAIN_CMDLINE_MAX + 16)

/* strlcpy semantics; local so the file links on hosts whose libc lacks it. */
static size_t copy_str(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size) {
        size_t k = n < size - 1 ? n : size - 1;

        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        char c = *s;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static int parse_action(const char *v, enum domain_action *out)
{
    static const char *const names[] = {
        [ACTION_DESTROY] = "destroy", [ACTION_RESTART] = "restart", [ACTION_PRESERVE] = "preserve"};

    for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(v, names[i])) {
            *out = (enum domain_action)i;
            return 0;
        }
    }
    return -EINVAL;
}

static int copy_value(char *dst, size_t size, const char *v)
{
    if (!*v || copy_str(dst, v, size) >= size)
        return -EINVAL;
    return 0;
}

int domain_desc_parse_cpus(const char *s, u64 *mask)
{
    u64 m = 0;

    if (!*s)
        return -EINVAL;
    while (*s) {
        unsigned first = 0, last;

        if (*s < '0' || *s > '9')
            return -EINVAL;
        while (*s >= '0' && *s <= '9' && first < DOMAIN_CPUS_MAX)
            first = first * 10 + (unsigned)(*s++ - '0');
        last = first;
        if (*s == '-') {
            s++;
            if (*s < '0' || *s > '9')
                return -EINVAL;
            last = 0;
            while (*s >= '0' && *s <= '9' && last < DOMAIN_CPUS_MAX)
                last = last * 10 + (unsigned)(*s++ - '0');
        }
        if (first >= DOMAIN_CPUS_MAX || last >= DOMAIN_CPUS_MAX || last < first)
            return -EINVAL;
        for (unsigned c = first; c <= last; c++)
            m |= 1ull << c;
        if (*s == ',' && s[1])
            s++;
        else if (*s)
            return -EINVAL;
    }
    *mask = m;
    return 0;
}

/* Apply one key=value; err is filled on failure. */
static int apply(struct domain_desc *d, const char *key, const char *v, char *err, size_t errlen)
{
    u64 n;

    if (!strcmp(key, "kernel") || !strcmp(key, "initrd")) {
        char *dst = key[0] == 'k' ? d->kernel : d->initrd;

        if (copy_value(dst, BOOT_MODNAME_MAX, v))
            goto bad;
    } else if (!strcmp(key, "memory")) {
        if (parse_size(v, &n) || !IS_ALIGNED(n, 4096ull)) {
            format(err, errlen, "memory=%s: not a size in whole 4 KiB pages (e.g. 64M)", v);
            return -EINVAL;
        }
        if (n < DOMAIN_MEM_MIN || n > DOMAIN_MEM_MAX) {
            format(err, errlen, "memory=%s: must be between %llu MiB and %llu MiB", v,
                   DOMAIN_MEM_MIN >> 20, DOMAIN_MEM_MAX >> 20);
            return -EINVAL;
        }
        d->memory = n;
    } else if (!strcmp(key, "vcpus")) {
        if (parse_uint(v, &n) || n < 1 || n > DOMAIN_MAX_VCPUS) {
            format(err, errlen, "vcpus=%s: must be a number from 1 to %d", v, DOMAIN_MAX_VCPUS);
            return -EINVAL;
        }
        d->vcpus = (unsigned)n;
    } else if (!strcmp(key, "cmdline")) {
        if (copy_str(d->cmdline, v, sizeof(d->cmdline)) >= sizeof(d->cmdline)) {
            format(err, errlen, "cmdline is longer than %d characters", DOMAIN_CMDLINE_MAX - 1);
            return -EINVAL;
        }
        d->has_cmdline = true;
    } else if (!strcmp(key, "timeout")) {
        if (parse_uint(v, &n) || n < 1 || n > DOMAIN_TIMEOUT_MAX) {
            format(err, errlen, "timeout=%s: must be a number of seconds from 1 to %d", v,
                   DOMAIN_TIMEOUT_MAX);
            return -EINVAL;
        }
        d->timeout = (unsigned)n;
    } else if (!strcmp(key, "weight")) {
        if (parse_uint(v, &n) || n < 1 || n > 65535) {
            format(err, errlen, "weight=%s: must be a number from 1 to 65535", v);
            return -EINVAL;
        }
        d->weight = (unsigned)n;
    } else if (!strcmp(key, "cap")) {
        if (parse_uint(v, &n) || n > DOMAIN_CAP_MAX) {
            format(err, errlen, "cap=%s: must be a percentage of one CPU from 0 (none) to %d", v,
                   DOMAIN_CAP_MAX);
            return -EINVAL;
        }
        d->cap = (unsigned)n;
    } else if (!strcmp(key, "cpus")) {
        if (domain_desc_parse_cpus(v, &d->cpus)) {
            format(err, errlen, "cpus=%s: not a list of CPUs 0-%d (e.g. 0, 0-3, \"0,2\")", v,
                   DOMAIN_CPUS_MAX - 1);
            return -EINVAL;
        }
    } else if (!strcmp(key, "on_reboot") || !strcmp(key, "on_crash")) {
        if (parse_action(v, key[3] == 'r' ? &d->on_reboot : &d->on_crash)) {
            format(err, errlen, "%s=%s: must be destroy, restart or preserve", key, v);
            return -EINVAL;
        }
    } else {
        format(err, errlen, "unknown key '%s'", key);
        return -EINVAL;
    }
    return 0;
bad:
    format(err, errlen, "%s=%s: invalid value", key, v);
    return -EINVAL;
}

static void set_defaults(struct domain_desc *d)
{
    memset(d, 0, sizeof(*d));
    d->memory = DOMAIN_MEM_DEFAULT;
    d->vcpus = 1;
    d->weight = DOMAIN_WEIGHT_DEFAULT;
    d->on_reboot = ACTION_RESTART;
    d->on_crash = ACTION_DESTROY;
    d->kernel_module = -1;
    d->initrd_module = -1;
}

int domain_desc_parse(const char *value, struct domain_desc *d, char *err, size_t errlen)
{
    static const char *const keys[] = {"kernel",  "initrd",    "memory",  "vcpus",
                                       "cmdline", "timeout",   "weight",  "cap",
                                       "cpus",    "on_reboot", "on_crash"};
    static char item[ITEM_MAX]; /* big: keep it off the stack (boot CPU only) */
    unsigned seen = 0;
    const char *p = value;
    bool truncated;

    set_defaults(d);
    err[0] = '\0';
    if (!cmdline_list_next(&p, item, sizeof(item), &truncated) || !item[0]) {
        format(err, errlen, "the value must start with the domain's name");
        return -EINVAL;
    }
    if (truncated || strlen(item) >= DOMAIN_NAME_MAX || !valid_name(item) || strchr(item, '=')) {
        format(err, errlen,
               "'%.40s' is not a valid name (letters, digits, '-', '_', '.'; at most %d)", item,
               DOMAIN_NAME_MAX - 1);
        return -EINVAL;
    }
    copy_str(d->name, item, sizeof(d->name));

    while (cmdline_list_next(&p, item, sizeof(item), &truncated)) {
        char *eq = strchr(item, '=');
        unsigned k;

        if (truncated) {
            format(err, errlen, "option '%.20s...' is too long", item);
            return -EINVAL;
        }
        if (!eq) {
            format(err, errlen, "'%s' is not key=value", item);
            return -EINVAL;
        }
        *eq = '\0';
        for (k = 0; k < ARRAY_SIZE(keys) && strcmp(item, keys[k]); k++)
            ;
        if (k < ARRAY_SIZE(keys)) {
            if (seen & (1u << k)) {
                format(err, errlen, "%s= given twice", item);
                return -EINVAL;
            }
            seen |= 1u << k;
        }
        if (apply(d, item, eq + 1, err, errlen))
            return -EINVAL;
    }
    if (!d->kernel[0]) {
        format(err, errlen, "kernel= is missing");
        return -EINVAL;
    }
    return 0;
}

static int find_module(const char *ref, const struct boot_module *mods, unsigned nr, int *out)
{
    u64 n;

    if (!parse_uint(ref, &n)) {
        if (n >= nr)
            return -ENOENT;
        *out = (int)n;
        return 0;
    }
    for (unsigned i = 0; i < nr; i++) {
        if (mods[i].name[0] && !strcmp(mods[i].name, ref)) {
            *out = (int)i;
            return 0;
        }
    }
    return -ENOENT;
}

int domain_desc_resolve(struct domain_desc *d, const struct boot_module *mods, unsigned nr_mods,
                        char *err, size_t errlen)
{
    if (find_module(d->kernel, mods, nr_mods, &d->kernel_module)) {
        format(err, errlen, "kernel=%s: no such boot module (%u loaded)", d->kernel, nr_mods);
        return -ENOENT;
    }
    d->initrd_module = -1;
    if (d->initrd[0] && find_module(d->initrd, mods, nr_mods, &d->initrd_module)) {
        format(err, errlen, "initrd=%s: no such boot module (%u loaded)", d->initrd, nr_mods);
        return -ENOENT;
    }
    return 0;
}

const char *domain_desc_cmdline(const struct domain_desc *d, const struct boot_module *mods)
{
    if (d->has_cmdline || d->kernel_module < 0)
        return d->cmdline;
    return mods[d->kernel_module].args;
}
