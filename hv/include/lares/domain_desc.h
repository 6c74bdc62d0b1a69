/*
 * Boot-time domain descriptions: one "domain=" option on the hypervisor
 * command line per domain (syntax in docs/boot-domains.md):
 *
 *   domain=<name>,kernel=<module>[,initrd=<module>][,memory=<size>][,vcpus=<n>]
 *          [,cmdline="..."][,timeout=<seconds>][,weight=<n>][,cap=<n>][,cpus=<list>]
 *          [,on_reboot=<action>][,on_crash=<action>]
 *
 * <module> is a boot-module index (0-based) or a module's file name.
 * Parsing and module resolution are pure and unit-tested on the host.
 */
#ifndef LARES_DOMAIN_DESC_H
#define LARES_DOMAIN_DESC_H

#include <lares/bootinfo.h>
#include <lares/types.h>

#define DOMAIN_NAME_MAX 32      /* including the NUL */
#define DOMAIN_CMDLINE_MAX 1024 /* including the NUL */
#define DOMAIN_MAX_VCPUS 16
#define DOMAIN_MEM_DEFAULT (32ull << 20)
#define DOMAIN_MEM_MIN (2ull << 20)
#define DOMAIN_MEM_MAX (3ull << 30) /* RAM stays below the 4 GiB MMIO hole */
#define DOMAIN_WEIGHT_DEFAULT 256
#define DOMAIN_CAP_MAX (100 * DOMAIN_MAX_VCPUS) /* percent of one CPU */
#define DOMAIN_CPUS_MAX 64                      /* cpus= names CPUs 0..63 */
#define DOMAIN_TIMEOUT_MAX 86400

/* What happens when a domain reboots or crashes (on_reboot=, on_crash=). */
enum domain_action {
    ACTION_DESTROY = 0, /* free it (on_crash default) */
    ACTION_RESTART, /* destroy it, then build it again from its boot description (on_reboot default)
                     */
    ACTION_PRESERVE, /* keep it, stopped, with its memory, for inspection */
};

struct domain_desc {
    char name[DOMAIN_NAME_MAX];
    char kernel[BOOT_MODNAME_MAX]; /* module reference as written */
    char initrd[BOOT_MODNAME_MAX]; /* "" if none */
    u64 memory;                    /* bytes, multiple of 4 KiB */
    unsigned vcpus;
    bool has_cmdline; /* else the kernel module's own arguments */
    char cmdline[DOMAIN_CMDLINE_MAX];
    unsigned timeout;     /* seconds; 0: none (the hypervisor stops it after) */
    unsigned weight, cap; /* credit scheduler: share, and % of one CPU (0: none) */
    u64 cpus;             /* CPUs its vCPUs may run on (bit n: CPU n); 0: any */
    enum domain_action on_reboot, on_crash;
    /* Filled by domain_desc_resolve(): */
    int kernel_module, initrd_module; /* indices, -1 for none */
};

/*
 * Parse the value of one domain= option. Returns 0, or -EINVAL with a
 * message naming the problem in err (always NUL-terminated).
 */
int domain_desc_parse(const char *value, struct domain_desc *d, char *err, size_t errlen);

/*
 * A CPU list as cpus= takes it: numbers and ranges separated by commas
 * ("0", "0-3", "0,2-3"), each below DOMAIN_CPUS_MAX. 0 or -EINVAL.
 */
int domain_desc_parse_cpus(const char *s, u64 *mask);

/* Find the modules a description refers to. Returns 0 or -ENOENT with a message. */
int domain_desc_resolve(struct domain_desc *d, const struct boot_module *mods, unsigned nr_mods,
                        char *err, size_t errlen);

/* The command line the domain's kernel gets. */
const char *domain_desc_cmdline(const struct domain_desc *d, const struct boot_module *mods);

#endif
