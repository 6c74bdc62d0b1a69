/*
 * compat_hypercall: hypercalls from 32-bit code. The guest adds a 32-bit
 * code segment to its GDT, switches to compatibility mode and issues
 * VMMCALL there. The hypervisor must take the 32-bit convention (number in
 * EAX, arguments in EBX, ECX, EDX, ESI, EDI; result in EAX) because of the
 * mode at the call, ignore the registers' upper halves, and read 32-bit
 * structure layouts (XENMEM_add_to_physmap has 4-byte idx and gpfn there).
 * XTF's hvm32 tests depend on this; Xen checks it with XSA-454's test.
 */
#include <guest.h>
#include <guest/compat.h>
#include <public/memory.h>
#include <public/version.h>

const char test_title[] = "compat_hypercall: the 32-bit hypercall convention from compat mode";

static u8 shared_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

void test_main(void)
{
    struct xen_feature_info fi = {.submap_idx = 0};
    struct {
        u16 domid, size;
        u32 space, idx, gpfn;
    } xatp32 = {DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, 0};
    const struct shared_info *si = (const void *)shared_page;
    u32 rc, version;

    if (!test_needs_xen())
        return;
    compat_init();

    version = hypercall32(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    check(version == (u32)hypercall_xen_version(XENVER_version, NULL),
          "xen_version from 32-bit code: %#x", version);
    printk("  xen_version(version) from compat mode: %u.%u\n", version >> 16, version & 0xffff);

    rc = hypercall32(__HYPERVISOR_xen_version, XENVER_get_features, (u32)(u64)&fi, 0, 0, 0);
    check(rc == 0 && fi.submap != 0, "get_features from 32-bit code: rc %d, submap %#x", (int)rc,
          fi.submap);
    printk("  xen_version(get_features) with a 32-bit pointer: submap %#x\n", fi.submap);

    rc = hypercall32(63, 1, 2, 3, 4, 5);
    check(rc == (u32)-ENOSYS, "unknown hypercall from 32-bit code: %d", (int)rc);

    xatp32.gpfn = (u32)((u64)shared_page >> XEN_PAGE_SHIFT);
    rc = hypercall32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (u32)(u64)&xatp32, 0, 0, 0);
    check(rc == 0, "add_to_physmap (32-bit layout): rc %d", (int)rc);
    check(si->vcpu_info[0].time.tsc_to_system_mul != 0,
          "shared_info is not mapped at the GFN given in the 32-bit layout");
    printk("  add_to_physmap(shared_info) with the 32-bit layout: mapped\n");
    test_success();
}
