/* Building a PVH domain from images in hypervisor memory (hv/common/domain_build.c). */
#ifndef LARES_DOMAIN_BUILD_H
#define LARES_DOMAIN_BUILD_H

#include <lares/types.h>

struct domain;

struct domain_build_args {
    const char *name;
    const void *kernel; /* ELF image */
    size_t kernel_size;
    const void *initrd; /* NULL: none */
    size_t initrd_size;
    const char *cmdline; /* NULL or "": none */
    u64 memory;          /* bytes of RAM */
    unsigned nr_vcpus;
};

/*
 * Create and build a paused domain whose vCPU 0 will start at the kernel's
 * PVH entry point. NULL on failure, with *why saying what went wrong (the
 * partly built domain is gone again).
 */
struct domain *domain_build_pvh(const struct domain_build_args *a, const char **why);

#endif
