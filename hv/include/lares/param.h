/*
 * Hypervisor command-line options, Xen style ("console=com1 loglvl=all
 * noreboot"). Each option is declared next to the code that uses it with one
 * of the macros below; the descriptors are gathered by the linker in the
 * .data.params section and matched by parse_cmdline().
 *
 * Unknown options print a warning and are ignored; a malformed value prints
 * an error naming the option and leaves the variable unchanged.
 * Boolean options also accept "no-<name>" and "<name>=0/no/off/false".
 */
#ifndef LARES_PARAM_H
#define LARES_PARAM_H

#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/types.h>

enum param_type {
    PARAM_BOOL,   /* bool */
    PARAM_UINT,   /* unsigned integer of size 1/2/4/8 */
    PARAM_SIZE,   /* u64 bytes, K/M/G suffixes */
    PARAM_STRING, /* char array, NUL-terminated, quotes removed */
    PARAM_CUSTOM, /* handler(value): 0, or -errno for "malformed" */
};

struct kernel_param {
    const char *name;
    enum param_type type;
    void *var;
    size_t size;
    int (*handler)(const char *value); /* value is "" when no '=' was given */
};

#define __param_attr __used __section(".data.params") __aligned(8)

#define boolean_param(_name, _var)                                              \
    static const struct kernel_param __param_##_var __param_attr = {           \
        .name = (_name), .type = PARAM_BOOL, .var = &(_var), .size = sizeof(_var) }
#define integer_param(_name, _var)                                              \
    static const struct kernel_param __param_##_var __param_attr = {           \
        .name = (_name), .type = PARAM_UINT, .var = &(_var), .size = sizeof(_var) }
#define size_param(_name, _var)                                                 \
    static const struct kernel_param __param_##_var __param_attr = {           \
        .name = (_name), .type = PARAM_SIZE, .var = &(_var), .size = sizeof(_var) }
#define string_param(_name, _var)                                               \
    static const struct kernel_param __param_##_var __param_attr = {           \
        .name = (_name), .type = PARAM_STRING, .var = (_var), .size = sizeof(_var) }
#define custom_param(_name, _fn)                                                \
    static const struct kernel_param __param_##_fn __param_attr = {            \
        .name = (_name), .type = PARAM_CUSTOM, .handler = (_fn) }

/* Parse the whole command line; returns the number of problems found. */
int parse_cmdline(const char *cmdline);

/* Apply one option to a descriptor table (exported for unit tests). */
int param_apply(const struct kernel_param *start, const struct kernel_param *end,
                const char *key, const char *value, bool has_value);

#endif
