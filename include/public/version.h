/*
 * __HYPERVISOR_xen_version(cmd, arg): version and build information.
 * Unknown commands return -ENOSYS. Buffers are fixed size and filled
 * NUL-padded.
 */
#ifndef XEN_PUBLIC_VERSION_H
#define XEN_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

#define XENVER_version             0  /* arg unused; returns (major << 16) | minor */
#define XENVER_extraversion        1  /* arg: xen_extraversion_t */
#define XENVER_compile_info        2  /* arg: struct xen_compile_info */
#define XENVER_capabilities        3  /* arg: xen_capabilities_info_t */
#define XENVER_changeset           4  /* arg: xen_changeset_info_t */
#define XENVER_platform_parameters 5  /* arg: struct xen_platform_parameters */
#define XENVER_get_features        6  /* arg: struct xen_feature_info (in/out) */
#define XENVER_pagesize            7  /* arg must be 0; returns the page size */
#define XENVER_guest_handle        8  /* arg: xen_domain_handle_t */
#define XENVER_commandline         9  /* arg: xen_commandline_t (privileged) */
#define XENVER_build_id           10  /* arg: struct xen_varbuf */
#define XENVER_extraversion2      11  /* arg: struct xen_varbuf */
#define XENVER_capabilities2      12  /* arg: struct xen_varbuf */
#define XENVER_changeset2         13  /* arg: struct xen_varbuf */
#define XENVER_commandline2       14  /* arg: struct xen_varbuf */

#define XEN_EXTRAVERSION_LEN      16
#define XEN_CAPABILITIES_INFO_LEN 1024
#define XEN_CHANGESET_INFO_LEN    64
#define XEN_COMMANDLINE_LEN       1024

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];
typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN];
typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];
typedef char xen_commandline_t[XEN_COMMANDLINE_LEN];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
XEN_ABI_SIZE(struct xen_compile_info, 144);
XEN_ABI_OFFSET(struct xen_compile_info, compile_by, 64);
XEN_ABI_OFFSET(struct xen_compile_info, compile_domain, 80);
XEN_ABI_OFFSET(struct xen_compile_info, compile_date, 112);

/* virt_start: start of the hypervisor's reserved virtual range; 0 for
 * HVM/PVH guests, which share no address space with the hypervisor. */
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
XEN_ABI_SIZE(struct xen_platform_parameters, 8);

struct xen_feature_info {
    uint32_t submap_idx; /* in: which 32-bit submap */
    uint32_t submap;     /* out: XENFEAT_* bits 32*submap_idx .. +31 */
};
XEN_ABI_SIZE(struct xen_feature_info, 8);
XEN_ABI_OFFSET(struct xen_feature_info, submap, 4);

/* Variable-length answer (not NUL-terminated). A null arg asks for the
 * length; otherwise len is the size of buf, and the call returns the number
 * of bytes written or -ENOBUFS when buf is too small. */
struct xen_varbuf {
    uint32_t len;
    unsigned char buf[];
};
XEN_ABI_SIZE(struct xen_varbuf, 4);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_VERSION_H */
