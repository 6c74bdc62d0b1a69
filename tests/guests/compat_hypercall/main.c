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
#include <public/memory.h>
#include <public/version.h>

const char test_title[] = "compat_hypercall: the 32-bit hypercall convention from compat mode";

#define COMPAT_CS 0x38

extern u64 gdt[];
static u64 gdt32[8] __aligned(16);
static u8 shared_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

/* A 32-bit stub: VMMCALL, then a 32-bit far return to the 64-bit caller. */
extern char compat_vmmcall[];
__asm__(".pushsection .text\n"
        ".code32\n"
        "compat_vmmcall:\n"
        "    vmmcall\n"
        "    lret\n"
        ".code64\n"
        ".popsection\n");

/*
 * Call the stub in compatibility mode. Upper register halves are set to
 * garbage first: a 32-bit caller cannot control them, so they must not
 * matter.
 */
static u32 hypercall32(u32 nr, u32 a1, u32 a2, u32 a3)
{
    u64 rax = 0xdead000000000000ull | nr;
    u64 rbx = 0xbeef000000000000ull | a1;
    u64 rcx = 0xcafe000000000000ull | a2;
    u64 rdx = 0xf00d000000000000ull | a3;

    __asm__ __volatile__("sub $8, %%rsp\n\t"
                         "movl $1f, (%%rsp)\n\t"    /* 32-bit return frame: EIP ... */
                         "movl $0x08, 4(%%rsp)\n\t" /* ... and the 64-bit code segment */
                         "pushq %[cs]\n\t"
                         "pushq %[stub]\n\t"
                         "lretq\n" /* into compatibility mode */
                         "1:"
                         : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
                         : [cs] "i"(COMPAT_CS), [stub] "r"((u64)compat_vmmcall)
                         : "rsi", "rdi", "memory", "cc");
    return (u32)rax;
}

static void add_compat_segment(void)
{
    struct {
        u16 limit;
        u64 base;
    } __packed desc = {sizeof(gdt32) - 1, (u64)gdt32};

    memcpy(gdt32, gdt, 7 * sizeof(u64)); /* null, kernel, user, TSS (2 slots) */
    gdt32[7] = 0x00cf9b000000ffffull;    /* 0x38: 32-bit code, DPL 0, flat */
    __asm__ __volatile__("lgdt %0" : : "m"(desc));
}

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
    add_compat_segment();

    version = hypercall32(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    check(version == (u32)hypercall_xen_version(XENVER_version, NULL),
          "xen_version from 32-bit code: %#x", version);
    printk("  xen_version(version) from compat mode: %u.%u\n", version >> 16, version & 0xffff);

    rc = hypercall32(__HYPERVISOR_xen_version, XENVER_get_features, (u32)(u64)&fi, 0);
    check(rc == 0 && fi.submap != 0, "get_features from 32-bit code: rc %d, submap %#x", (int)rc,
          fi.submap);
    printk("  xen_version(get_features) with a 32-bit pointer: submap %#x\n", fi.submap);

    rc = hypercall32(63, 1, 2, 3);
    check(rc == (u32)-ENOSYS, "unknown hypercall from 32-bit code: %d", (int)rc);

    xatp32.gpfn = (u32)((u64)shared_page >> XEN_PAGE_SHIFT);
    rc = hypercall32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (u32)(u64)&xatp32, 0);
    check(rc == 0, "add_to_physmap (32-bit layout): rc %d", (int)rc);
    check(si->vcpu_info[0].time.tsc_to_system_mul != 0,
          "shared_info is not mapped at the GFN given in the 32-bit layout");
    printk("  add_to_physmap(shared_info) with the 32-bit layout: mapped\n");
    test_success();
}
