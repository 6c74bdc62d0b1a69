/*
 * debug_state: a new vCPU's debug facilities are in their reset state --
 * CR4.DE clear, DR0-3 zero, DR6 0xffff0ff0, DR7 0x400, MSR DEBUGCTL 0 --
 * and DEBUGCTL behaves like the architectural MSR it is (Linux uses it
 * without a fixup): LBR and BTF can be set and read back, AMD's reserved
 * bits raise #GP and leave it unchanged. What XTF's debug-regs checks.
 */
#include <guest.h>

const char test_title[] = "debug_state: reset DR0-7, CR4.DE, and MSR DEBUGCTL";

#define MSR_DEBUGCTL 0x1d9
#define DEBUGCTL_LBR (1ull << 0)
#define DEBUGCTL_BTF (1ull << 1)
#define X86_CR4_DE (1ul << 3)

#define READ_DR(n)                                                                                 \
    ({                                                                                             \
        u64 v_;                                                                                    \
        __asm__ __volatile__("mov %%dr" #n ", %0" : "=r"(v_));                                     \
        v_;                                                                                        \
    })

static void reset_state(void)
{
    const u64 dr[8] = {READ_DR(0), READ_DR(1), READ_DR(2), READ_DR(3),
                       0,          0,          READ_DR(6), READ_DR(7)};
    u64 v = 1;

    check(!(read_cr4() & X86_CR4_DE), "CR4.DE set at start (cr4 %#lx)", read_cr4());
    for (unsigned int i = 0; i < 4; i++)
        check(dr[i] == 0, "DR%u %#lx at start, expected 0", i, dr[i]);
    check(dr[6] == 0xffff0ff0, "DR6 %#lx at start, expected 0xffff0ff0", dr[6]);
    check(dr[7] == 0x400, "DR7 %#lx at start, expected 0x400", dr[7]);
    check(!rdmsr_safe(MSR_DEBUGCTL, &v) && v == 0, "DEBUGCTL %#lx at start, expected 0", v);
    printk("reset state: CR4.DE 0, DR0-3 0, DR6 %#lx, DR7 %#lx, DEBUGCTL %#lx\n", dr[6], dr[7], v);
}

static void debugctl(void)
{
    char b[32];
    exinfo_t f;
    u64 v = 0;

    f = wrmsr_safe(MSR_DEBUGCTL, DEBUGCTL_LBR | DEBUGCTL_BTF);
    check(!f, "writing DEBUGCTL.LBR|BTF: %s", exinfo_str(f, b, sizeof(b)));
    check(!rdmsr_safe(MSR_DEBUGCTL, &v) && v == (DEBUGCTL_LBR | DEBUGCTL_BTF),
          "DEBUGCTL reads %#lx after writing LBR|BTF", v);
    for (unsigned int bit = 2; bit < 64; bit++) {
        f = wrmsr_safe(MSR_DEBUGCTL, DEBUGCTL_LBR | (1ull << bit));
        check(f == EXINFO(X86_EXC_GP, 0), "DEBUGCTL reserved bit %u: %s, expected #GP(0)", bit,
              exinfo_str(f, b, sizeof(b)));
    }
    check(!rdmsr_safe(MSR_DEBUGCTL, &v) && v == (DEBUGCTL_LBR | DEBUGCTL_BTF),
          "DEBUGCTL reads %#lx after refused writes", v);
    check(!wrmsr_safe(MSR_DEBUGCTL, 0) && !rdmsr_safe(MSR_DEBUGCTL, &v) && v == 0,
          "DEBUGCTL reads %#lx after writing 0", v);
    printk("DEBUGCTL: LBR and BTF kept, bits 2-63 #GP\n");
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    reset_state();
    debugctl();
    test_success();
}
