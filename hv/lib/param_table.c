/* Applying one "key=value" option to a table of parameter descriptors. */
#include <lares/cmdline.h>
#include <lares/param.h>
#include <lares/string.h>

static int store_uint(const struct kernel_param *p, u64 v)
{
    switch (p->size) {
    case 1:
        if (v > UINT8_MAX)
            return -ERANGE;
        *(u8 *)p->var = (u8)v;
        return 0;
    case 2:
        if (v > UINT16_MAX)
            return -ERANGE;
        *(u16 *)p->var = (u16)v;
        return 0;
    case 4:
        if (v > UINT32_MAX)
            return -ERANGE;
        *(u32 *)p->var = (u32)v;
        return 0;
    case 8:
        *(u64 *)p->var = v;
        return 0;
    default:
        return -EINVAL;
    }
}

static int apply(const struct kernel_param *p, const char *value, bool has_value, bool negated)
{
    char buf[CMDLINE_VALUE_MAX];
    size_t len = strlen(value);
    u64 v;
    int rc;

    if (len >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, value, len + 1);
    cmdline_unquote(buf);

    switch (p->type) {
    case PARAM_BOOL: {
        bool b = true;

        if (has_value && (rc = parse_bool(buf, &b)))
            return rc;
        *(bool *)p->var = negated ? !b : b;
        return 0;
    }
    case PARAM_UINT:
        if (!has_value || (rc = parse_uint(buf, &v)))
            return -EINVAL;
        return store_uint(p, v);
    case PARAM_SIZE:
        if (!has_value || (rc = parse_size(buf, &v)))
            return -EINVAL;
        return store_uint(p, v);
    case PARAM_STRING:
        if (strlen(buf) >= p->size)
            return -EINVAL;
        memcpy(p->var, buf, strlen(buf) + 1);
        return 0;
    case PARAM_CUSTOM:
        /* Custom handlers get the raw value: they may split quoted lists. */
        return p->handler(value);
    }
    return -EINVAL;
}

int param_apply(const struct kernel_param *start, const struct kernel_param *end,
                const char *key, const char *value, bool has_value)
{
    for (const struct kernel_param *p = start; p < end; p++)
        if (!strcmp(p->name, key))
            return apply(p, value, has_value, false);

    /* "no-foo" (and Xen's older "nofoo" is just a separate name) */
    if (!strncmp(key, "no-", 3))
        for (const struct kernel_param *p = start; p < end; p++)
            if (p->type == PARAM_BOOL && !strcmp(p->name, key + 3))
                return apply(p, value, has_value, true);

    return -ENOENT;
}
