/*
 * msr: an MSR the hypervisor does not know must raise #GP in the guest,
 * for both RDMSR and WRMSR, and the guest must carry on; MSRs the guest
 * owns (EFER, TSC) keep working. Real hardware and Xen behave so; QEMU's
 * own emulation does not (it ignores unknown MSRs), so this needs Xen.
 */
#include <guest.h>

const char test_title[] = "msr: unknown MSRs raise #GP, the guest survives";

static const u32 unknown_msrs[] = {
    0x12345678,             /* outside every architectural range */
    0x40000001,             /* Xen's range, past the hypercall-page MSR */
    0x400000ff, 0xc0012345, /* AMD range, unassigned */
};

void test_main(void)
{
    char buf[32];
    exinfo_t f;
    u64 v, efer;

    if (!test_needs_xen())
        return;
    for (unsigned int i = 0; i < ARRAY_SIZE(unknown_msrs); i++) {
        u32 msr = unknown_msrs[i];

        v = 0x1111;
        f = rdmsr_safe(msr, &v);
        check(f == EXINFO(X86_EXC_GP, 0), "rdmsr %#x: %s (value %#lx), expected #GP(0)", msr,
              exinfo_str(f, buf, sizeof(buf)), v);
        f = wrmsr_safe(msr, 0x5a5a5a5a00000001ull);
        check(f == EXINFO(X86_EXC_GP, 0), "wrmsr %#x: %s, expected #GP(0)", msr,
              exinfo_str(f, buf, sizeof(buf)));
        printk("  MSR %#x: read and write #GP(0)\n", msr);
    }

    f = rdmsr_safe(MSR_EFER, &efer);
    check(!f, "rdmsr EFER faulted");
    check((efer & (X86_EFER_LME | X86_EFER_LMA)) == (X86_EFER_LME | X86_EFER_LMA),
          "EFER %#lx lacks LME/LMA", efer);
    check(!wrmsr_safe(MSR_EFER, efer), "writing EFER back faulted");
    check(!rdmsr_safe(0x10, &v), "rdmsr TSC faulted");
    test_success();
}
