/*
 * sysctl: a domain without control rights asking for a system-control
 * operation gets Xen's errors in Xen's order -- -EFAULT if the structure
 * cannot be read, -EACCES for any interface version but this Xen's (the
 * way XTF and libxc find the version), then -EPERM whatever the
 * operation (XTF's livepatch-priv-check wants exactly that), from 64-bit
 * and from 32-bit code alike.
 */
#include <guest.h>
#include <guest/compat.h>

const char test_title[] = "sysctl: -EFAULT, -EACCES for a wrong version, -EPERM for a domU";

#define SYSCTL_VERSION 0x15 /* Xen 4.17 */
#define SYSCTL_READCONSOLE 1
#define SYSCTL_LIVEPATCH_OP 27

struct sysctl {
    u32 cmd;
    u32 interface_version;
    u8 u[128];
};

static struct sysctl op __aligned(8);

static long sysctl(u32 cmd, u32 version)
{
    op.cmd = cmd;
    op.interface_version = version;
    return hypercall6(__HYPERVISOR_sysctl, (u64)&op, 0, 0, 0, 0);
}

void test_main(void)
{
    int found = -1;
    long rc;

    if (!test_needs_xen())
        return;
    rc = hypercall6(__HYPERVISOR_sysctl, 0, 0, 0, 0, 0);
    check(rc == -EFAULT, "sysctl(NULL): %ld, expected -EFAULT", rc);
    /* The last 8 bytes of the union on an unmapped page: the whole structure is read. */
    if (!map_page(TEST_WINDOW_BASE, (u64)&op & ~0xfffull, PTE_WRITE)) {
        unmap_page(TEST_WINDOW_BASE + XEN_PAGE_SIZE);
        rc = hypercall6(__HYPERVISOR_sysctl, TEST_WINDOW_BASE + XEN_PAGE_SIZE - 128, 0, 0, 0, 0);
        check(rc == -EFAULT, "sysctl straddling an unmapped page: %ld, expected -EFAULT", rc);
    }
    for (u32 v = 0; v < 128 && found < 0; v++)
        if (sysctl(SYSCTL_READCONSOLE, v) != -EACCES)
            found = (int)v;
    check(found == SYSCTL_VERSION, "interface version probe found %#x, expected %#x", found,
          SYSCTL_VERSION);
    rc = sysctl(0xffffffffu, 0x16);
    check(rc == -EACCES, "a newer version: %ld, expected -EACCES", rc);
    rc = sysctl(SYSCTL_READCONSOLE, SYSCTL_VERSION);
    check(rc == -EPERM, "readconsole: %ld, expected -EPERM", rc);
    rc = sysctl(SYSCTL_LIVEPATCH_OP, SYSCTL_VERSION);
    check(rc == -EPERM, "livepatch_op: %ld, expected -EPERM", rc);
    rc = sysctl(0xffffffffu, SYSCTL_VERSION);
    check(rc == -EPERM, "unknown operation: %ld, expected -EPERM", rc);
    compat_init();
    op.cmd = SYSCTL_LIVEPATCH_OP;
    op.interface_version = SYSCTL_VERSION;
    rc = (s32)hypercall32(__HYPERVISOR_sysctl, (u32)(u64)&op, 0, 0, 0, 0);
    check(rc == -EPERM, "livepatch_op from 32-bit code: %ld, expected -EPERM", rc);
    op.interface_version = 3;
    rc = (s32)hypercall32(__HYPERVISOR_sysctl, (u32)(u64)&op, 0, 0, 0, 0);
    check(rc == -EACCES, "version 3 from 32-bit code: %ld, expected -EACCES", rc);
    printk("interface version %#x; -EFAULT, -EACCES, -EPERM as on Xen\n", found);
    test_success();
}
