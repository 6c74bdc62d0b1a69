/*
 * __HYPERVISOR_sysctl. Lares has no system-control operations, but a
 * domain asking gets Xen's answers in Xen's order: the whole structure
 * must be readable (-EFAULT), its interface version must be this Xen
 * version's (-EACCES: XTF and libxc probe for the version this way), and
 * then the privilege check refuses every domain without control rights
 * (-EPERM, as Xen's XSM dummy policy does). A control domain passes the
 * checks and finds no operation (-ENOSYS).
 *
 * Layout (Xen's public/sysctl.h): u32 cmd, u32 interface_version, then a
 * 128-byte union of the operations' arguments; the same for 32- and
 * 64-bit callers.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015 /* Xen 4.17 (lares/version.h) */

struct xen_sysctl_head {
    u32 cmd;
    u32 interface_version;
    u8 u[128];
};

long do_sysctl(struct vcpu *v, const struct hypercall_args *a)
{
    struct xen_sysctl_head op;

    if (copy_from_guest(v, &op, a->arg[0], sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!v->domain->is_privileged)
        return -EPERM;
    return -ENOSYS;
}
