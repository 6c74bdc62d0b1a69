/* __HYPERVISOR_xen_version: version strings and the feature bits PVH guests need. */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <lares/string.h>
#include <lares/version.h>
#include <public/version.h>

#define LARES_EXTRAVERSION ".0-lares"
#define LARES_CAPABILITIES "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"
#define LARES_CHANGESET "lares " LARES_VERSION_STRING

/*
 * What a PVH domU gets (real Xen 4.17 adds memory_op_vnode_supported, which
 * we do not implement): frames are GFNs, the callback vector and the PV
 * clock work, and the guest is not direct-mapped.
 */
static u32 features(const struct domain *d)
{
    u32 f = (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
            (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock) |
            (1u << XENFEAT_not_direct_mapped);

    if (d->is_privileged)
        f |= 1u << XENFEAT_dom0;
    return f;
}

/* Copy a string into a fixed-size guest buffer, NUL-padded (XSA-122). */
static long put_string(struct vcpu *v, u64 gva, const char *s, size_t size)
{
    char buf[XEN_CAPABILITIES_INFO_LEN];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(v, gva, buf, size) ? -EFAULT : 0;
}

long do_xen_version(struct vcpu *v, const struct hypercall_args *a)
{
    u64 arg = a->arg[1];

    switch ((int)a->arg[0]) { /* Xen's handler takes an int: upper bits are ignored */
    case XENVER_version:
        return (XEN_COMPAT_MAJOR << 16) | XEN_COMPAT_MINOR;
    case XENVER_extraversion:
        return put_string(v, arg, LARES_EXTRAVERSION, XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info: {
        struct xen_compile_info ci;

        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "lares", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "lares", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
        return copy_to_guest(v, arg, &ci, sizeof(ci)) ? -EFAULT : 0;
    }
    case XENVER_capabilities:
        return put_string(v, arg, LARES_CAPABILITIES, XEN_CAPABILITIES_INFO_LEN);
    case XENVER_changeset:
        return put_string(v, arg, LARES_CHANGESET, XEN_CHANGESET_INFO_LEN);
    case XENVER_platform_parameters: {
        /* No hypervisor hole in a PVH guest's address space. */
        struct xen_platform_parameters pp = {.virt_start = 0};

        return copy_to_guest(v, arg, &pp, a->compat ? 4 : sizeof(pp)) ? -EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;

        if (copy_from_guest(v, &fi, arg, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -EINVAL;
        fi.submap = features(v->domain);
        return copy_to_guest(v, arg, &fi, sizeof(fi)) ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return 4096;
    case XENVER_guest_handle: {
        xen_domain_handle_t h;

        memset(h, 0, sizeof(h));
        h[14] = (u8)(v->domain->domid >> 8);
        h[15] = (u8)v->domain->domid;
        return copy_to_guest(v, arg, h, sizeof(h)) ? -EFAULT : 0;
    }
    case XENVER_commandline:
    case XENVER_build_id:
        /* Hypervisor details: only for the control domain (there is none yet). */
        return v->domain->is_privileged ? -ENOSYS : -EPERM;
    default:
        return -ENOSYS;
    }
}
