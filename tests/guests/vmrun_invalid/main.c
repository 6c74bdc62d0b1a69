/*
 * vmrun_invalid: put a register value into the vCPU that the CPU should
 * refuse, then make an exit. Writes to CR0, CR3, CR4 and DR7 do not exit:
 * the CPU checks them. Real hardware raises #GP(0); QEMU's TCG takes some
 * of them (CR0.NW without CD, reserved high bits), and then the next
 * VMRUN fails its consistency checks (VMEXIT_INVALID).
 *
 * Either outcome is fine for the hypervisor: a #GP is the guest's
 * (SUCCESS here); a VMRUN that refuses the state must crash this domain
 * only, with a report (no result line then, the harness checks). What
 * must not happen: the hypervisor hanging or dying, or the value being
 * taken by both the CPU and VMRUN (FAILURE: this guest asked for nonsense
 * and got it).
 *
 * Command line: case=<name> (see the table below; default cr0_nw).
 */
#include <guest.h>

const char test_title[] = "vmrun_invalid: register values VMRUN must refuse";

enum reg { CR0, CR3, CR4, DR7 };

struct bad_value {
    const char *name;
    enum reg reg;
    u64 set, clear; /* the nonsense: the current value | set & ~clear */
};

static const struct bad_value cases[] = {
    {"cr0_nw", CR0, 1ul << 29, 1ul << 30}, /* NW without CD */
    {"cr4_high", CR4, 1ull << 32, 0},      /* reserved */
    {"cr4_bit15", CR4, 1ull << 15, 0},     /* reserved */
    {"cr3_high", CR3, 1ull << 62, 0},      /* above MAXPHYADDR */
    {"dr7_high", DR7, 1ull << 32, 0},      /* DR7[63:32] must be zero */
};

/*
 * Write v to the register, make an exit (xen_version), write old back.
 * Returns the fault of the first write, or 0 if it was taken.
 */
#define WRITE_EXIT_RESTORE(reg)                                                                    \
    static exinfo_t write_##reg(u64 v, u64 old)                                                    \
    {                                                                                              \
        exinfo_t f;                                                                                \
        __asm__ __volatile__("1: mov %[v], %%" #reg "\n\t"                                         \
                             "mov %[nr], %%eax\n\t"                                                \
                             "xor %%edi, %%edi\n\t"                                                \
                             "vmmcall\n\t"                                                         \
                             "mov %[old], %%" #reg "\n\t"                                          \
                             "xor %%eax, %%eax\n"                                                  \
                             "2:\n" ASM_EXTABLE(1b, 2b)                                            \
                             : "=&a"(f)                                                            \
                             : [v] "r"(v), [old] "r"(old), [nr] "i"(__HYPERVISOR_xen_version)      \
                             : "rdi", "memory");                                                   \
        return f;                                                                                  \
    }

WRITE_EXIT_RESTORE(cr0)
WRITE_EXIT_RESTORE(cr3)
WRITE_EXIT_RESTORE(cr4)
WRITE_EXIT_RESTORE(dr7)

static u64 read_dr7(void)
{
    u64 v;

    __asm__ __volatile__("mov %%dr7, %0" : "=r"(v));
    return v;
}

void test_main(void)
{
    const struct bad_value *c = NULL;
    char name[32], fbuf[32];
    u64 old, bad;
    exinfo_t f;

    if (!test_needs_xen())
        return;
    if (!cmdline_option("case", name, sizeof(name)))
        strlcpy(name, cases[0].name, sizeof(name));
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        if (!strcmp(cases[i].name, name))
            c = &cases[i];
    if (!c) {
        test_error("unknown case %s", name);
        return;
    }
    old = c->reg == CR0   ? read_cr0()
          : c->reg == CR3 ? read_cr3()
          : c->reg == CR4 ? read_cr4()
                          : read_dr7();
    bad = (old | c->set) & ~c->clear;
    printk("%s: %#lx -> %#lx, then an exit\n", c->name, old, bad);
    f = c->reg == CR0   ? write_cr0(bad, old)
        : c->reg == CR3 ? write_cr3(bad, old)
        : c->reg == CR4 ? write_cr4(bad, old)
                        : write_dr7(bad, old);
    if (f) {
        check(f == EXINFO(X86_EXC_GP, 0), "%s: %s, expected #GP(0)", c->name,
              exinfo_str(f, fbuf, sizeof(fbuf)));
        printk("the CPU refused it: %s\n", exinfo_str(f, fbuf, sizeof(fbuf)));
        test_success();
        return;
    }
    test_failure("%s: the CPU took %#lx and VMRUN ran with it", c->name, bad);
}
