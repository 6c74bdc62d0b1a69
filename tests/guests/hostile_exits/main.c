/*
 * hostile_exits: nonsense at every intercept. The guest executes what a
 * hostile kernel would to confuse its hypervisor, and checks that each
 * attempt ends the way the architecture says for a CPU whose CPUID is the
 * guest's:
 *
 *   - SVM instructions (VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT,
 *     INVLPGA), MONITOR/MWAIT: #UD (the guest's CPUID has no SVM);
 *   - RDTSCP: #UD (CPUID hides it), or at least no TSC_AUX value but 0
 *     (QEMU's TCG ignores the RDTSCP intercept and runs it natively);
 *     RDPID (never intercepted): #UD or 0 as well;
 *   - INVD, WBINVD, PAUSE: complete, nothing else happens;
 *   - single step, instruction and data breakpoints: #DB with DR6 set
 *     (the hypervisor intercepts #DB and reflects it, and emulates
 *     debug-register writes; QEMU then never arms the breakpoints);
 *   - breakpoints on the hypervisor's own code and data: it carries on;
 *   - CPUID: every leaf answers, the same way twice;
 *   - RDMSR/WRMSR over 0-0x1fff, 0xc0000000-0xc0001fff and
 *     0xc0010000-0xc0011fff: #GP or a value; writing back what was read
 *     and writing nonsense either work or #GP (what worked is undone);
 *   - nonsense for EFER and XCR0: #GP;
 *   - a VMMCALL that ends at the top of the canonical lower half: the
 *     hypercall is done, then the fetch from the non-canonical RIP #GPs;
 *   - port I/O to all 65536 ports: every size answers with the right
 *     partial-register semantics (absent devices read all-ones);
 *   - string I/O with huge REP counts: stops with #PF at the first
 *     unmapped byte, with RCX/RDI telling exactly how far it got; long
 *     REP runs complete with the right register state.
 *
 * The hypervisor must survive all of it, and so must this guest.
 */
#include <guest.h>
#include <public/version.h>

const char test_title[] = "hostile_exits: nonsense at every intercept, architectural results";

#define X86_CR4_OSXSAVE (1ul << 18)
#define X86_EFER_SVME (1ul << 12)
#define X86_EFLAGS_DF (1ul << 10)
#define MSR_TSC_AUX 0xc0000103

static char fbuf[32];

static const char *fault_name(exinfo_t f)
{
    return exinfo_str(f, fbuf, sizeof(fbuf));
}

/* ---- instructions that must raise #UD ---------------------------------------------------- */

/* Run one instruction with RAX = 0, ECX = 0; the fault it raised, or 0. */
#define PROBE(name, insn)                                                                          \
    static exinfo_t probe_##name(void)                                                             \
    {                                                                                              \
        exinfo_t f;                                                                                \
        __asm__ __volatile__("1: " insn "\n2:\n" ASM_EXTABLE(1b, 2b)                               \
                             : "=a"(f)                                                             \
                             : "0"(0ul), "c"(0ul)                                                  \
                             : "rdx", "memory");                                                   \
        return f & EXINFO_FAULTED ? f : 0;                                                         \
    }

PROBE(vmrun, "vmrun")
PROBE(vmload, "vmload")
PROBE(vmsave, "vmsave")
PROBE(stgi, "stgi")
PROBE(clgi, "clgi")
PROBE(skinit, "skinit")
PROBE(invlpga, "invlpga")
PROBE(monitor, "monitor")
PROBE(mwait, "mwait")
PROBE(invd, "invd")
PROBE(wbinvd, "wbinvd")
PROBE(pause, "pause")

static void svm_instructions(void)
{
    static const struct {
        const char *name;
        exinfo_t (*probe)(void);
    } ud[] =
        {
            {"VMRUN", probe_vmrun},     {"VMLOAD", probe_vmload},   {"VMSAVE", probe_vmsave},
            {"STGI", probe_stgi},       {"CLGI", probe_clgi},       {"SKINIT", probe_skinit},
            {"INVLPGA", probe_invlpga}, {"MONITOR", probe_monitor}, {"MWAIT", probe_mwait},
        },
      quiet[] = {
          {"INVD", probe_invd},
          {"WBINVD", probe_wbinvd},
          {"PAUSE", probe_pause},
      };

    for (unsigned int i = 0; i < ARRAY_SIZE(ud); i++) {
        exinfo_t f = ud[i].probe();

        check(f == EXINFO(X86_EXC_UD, 0), "%s: %s, expected #UD", ud[i].name, fault_name(f));
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(quiet); i++) {
        exinfo_t f = quiet[i].probe();

        check(!f, "%s: %s, expected to complete", quiet[i].name, fault_name(f));
    }
    printk("  SVM instructions, MONITOR/MWAIT: #UD; INVD, WBINVD, PAUSE: complete\n");
}

static void rdtscp_and_tsc_aux(void)
{
    u64 aux = 0x5a5a5a5a, v;
    exinfo_t f;

    __asm__ __volatile__("1: rdtscp\n\t"
                         "xor %%eax, %%eax\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(f), "+c"(aux)
                         :
                         : "rdx");
    if (f) {
        check(f == EXINFO(X86_EXC_UD, 0), "RDTSCP: %s, expected #UD", fault_name(f));
        printk("  RDTSCP: #UD (hidden by CPUID)\n");
    } else {
        check(aux == 0, "RDTSCP ran and returned TSC_AUX %#lx: the host's value", aux);
        printk("  RDTSCP ran natively (TCG ignores the intercept): TSC_AUX 0\n");
    }
    /* RDPID reads TSC_AUX too, and no intercept exists for it. */
    aux = 0x5a5a5a5a;
    __asm__ __volatile__("1: .byte 0xf3, 0x0f, 0xc7, 0xf9 /* rdpid %%rcx */\n\t"
                         "xor %%eax, %%eax\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(f), "+c"(aux));
    if (f)
        check(f == EXINFO(X86_EXC_UD, 0), "RDPID: %s, expected #UD", fault_name(f));
    else
        check(aux == 0, "RDPID returned TSC_AUX %#lx: the host's value", aux);
    printk("  RDPID: %s\n", f ? "#UD" : "TSC_AUX 0");
    f = rdmsr_safe(MSR_TSC_AUX, &v);
    check(f == EXINFO(X86_EXC_GP, 0), "RDMSR TSC_AUX: %s (%#lx), expected #GP", fault_name(f), v);
}

/* ---- control registers --------------------------------------------------------------------- */

static exinfo_t xsetbv_safe(u32 idx, u64 v)
{
    exinfo_t f;

    __asm__ __volatile__("1: xsetbv\n\txor %%eax, %%eax\n2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(f)
                         : "c"(idx), "0"((u32)v), "d"((u32)(v >> 32))
                         : "memory");
    return f;
}

static u64 xgetbv0(void)
{
    u32 lo, hi;

    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((u64)hi << 32) | lo;
}

/*
 * EFER and XCR0 are the hypervisor's to check (their writes exit): each
 * value here must be refused with #GP(0). Should one be taken anyway, the
 * old value goes straight back. (CR0, CR3, CR4 and DR7 writes do not exit:
 * the CPU checks them; see vmrun_invalid for what happens when it does not.)
 */
static void efer_nonsense(void)
{
    const u64 efer = rdmsr(MSR_EFER);
    const u64 bad_efer[] = {efer | X86_EFER_SVME, efer & ~X86_EFER_LME, efer | (1ull << 63),
                            efer | (1ull << 9) /* reserved */};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad_efer); i++) {
        exinfo_t f = wrmsr_safe(MSR_EFER, bad_efer[i]);

        if (!f)
            wrmsr(MSR_EFER, efer);
        check(f == EXINFO(X86_EXC_GP, 0), "EFER <- %#lx: %s, expected #GP(0)", bad_efer[i],
              fault_name(f));
    }
    check(rdmsr(MSR_EFER) == efer, "EFER changed to %#lx", rdmsr(MSR_EFER));
    printk("  EFER nonsense: #GP\n");
}

static void xcr0_nonsense(void)
{
    static const struct {
        u32 idx;
        u64 val;
    } bad_xcr[] = {{0, 0}, {0, 2}, {0, 1ull << 63}, {0, 5}, {1, 3}, {~0u, 1}};
    u64 xcr0;
    exinfo_t f;

    if (!(cpuid(1).ecx & (1u << 26)))
        return; /* no XSAVE */
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(read_cr4() | X86_CR4_OSXSAVE));
    xcr0 = xgetbv0();
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_xcr); i++) {
        u64 val = bad_xcr[i].val == (1ull << 63) ? xcr0 | bad_xcr[i].val : bad_xcr[i].val;

        f = xsetbv_safe(bad_xcr[i].idx, val);
        if (!f)
            xsetbv_safe(0, xcr0);
        check(f == EXINFO(X86_EXC_GP, 0), "XCR%u <- %#lx: %s, expected #GP(0)", bad_xcr[i].idx, val,
              fault_name(f));
    }
    check(xgetbv0() == xcr0, "XCR0 changed to %#lx", xgetbv0());
    printk("  XCR0 nonsense: #GP\n");
}

/* ---- debug exceptions ------------------------------------------------------------------------ */

#define DR6_B0 (1ul << 0)
#define DR6_B1 (1ul << 1)
#define DR6_BS (1ul << 14)
#define DR7_L0 (1ul << 0)
#define DR7_L1 (1ul << 2)
#define DR7_RW1_WRITE (1ul << 20) /* R/W1 = 01: data writes; LEN1 = 00: one byte */

static volatile u8 watched;

static u64 read_dr6(void)
{
    u64 v;

    __asm__ __volatile__("mov %%dr6, %0" : "=r"(v));
    return v;
}

static void write_dr(unsigned int n, u64 v)
{
    switch (n) {
    case 0:
        __asm__ __volatile__("mov %0, %%dr0" : : "r"(v));
        break;
    case 1:
        __asm__ __volatile__("mov %0, %%dr1" : : "r"(v));
        break;
    case 2:
        __asm__ __volatile__("mov %0, %%dr2" : : "r"(v));
        break;
    case 6:
        __asm__ __volatile__("mov %0, %%dr6" : : "r"(v));
        break;
    default:
        __asm__ __volatile__("mov %0, %%dr7" : : "r"(v));
        break;
    }
}

static u64 read_dr(unsigned int n)
{
    u64 v;

    switch (n) {
    case 0:
        __asm__ __volatile__("mov %%dr0, %0" : "=r"(v));
        break;
    case 1:
        __asm__ __volatile__("mov %%dr1, %0" : "=r"(v));
        break;
    default:
        __asm__ __volatile__("mov %%dr7, %0" : "=r"(v));
        break;
    }
    return v;
}

/*
 * #DB is intercepted and reflected (against XSA-156-style delivery loops),
 * and debug-register writes are emulated (QEMU would otherwise let a
 * guest's breakpoints fire inside the hypervisor). The guest must still
 * get its single-step traps with DR6.BS, read back what it wrote, and
 * where the CPU arms breakpoints from the VMCB (hardware does; QEMU arms
 * only those a guest writes itself) take #DB with the right DR6 bit.
 */
static void debug_exceptions(void)
{
    extern char exec_bp[];
    exinfo_t f;
    u64 dr6;

    /* TF set by POPF: a trap after the next instruction, and after the POPF that clears it. */
    write_dr(6, 0);
    __asm__ __volatile__("pushfq\n\t"
                         "pushfq\n\t"
                         "orq $0x100, (%%rsp)\n\t"
                         "popfq\n\t"
                         "nop\n"
                         "1: popfq\n"
                         "2:\n" ASM_EXTABLE(1b, 1b) ASM_EXTABLE(2b, 2b)
                         : "=a"(f)
                         : "0"(0ul)
                         : "memory", "cc");
    dr6 = read_dr6();
    check(f == EXINFO(X86_EXC_DB, 0) && (dr6 & DR6_BS), "single step: %s, DR6 %#lx", fault_name(f),
          dr6);

    /* An instruction breakpoint: a fault before the instruction, DR6.B0. */
    write_dr(6, 0);
    write_dr(0, (u64)exec_bp);
    write_dr(7, 0x400 | DR7_L0);
    check(read_dr(0) == (u64)exec_bp && read_dr(7) == (0x400 | DR7_L0),
          "DR0/DR7 read back %#lx/%#lx", read_dr(0), read_dr(7));
    __asm__ __volatile__("exec_bp: xor %%eax, %%eax\n2:\n" ASM_EXTABLE(exec_bp, 2b)
                         : "=a"(f)
                         : "0"(1ul));
    write_dr(7, 0x400);
    check(!f || (f == EXINFO(X86_EXC_DB, 0) && (read_dr6() & DR6_B0)),
          "instruction breakpoint: %s, DR6 %#lx", fault_name(f), read_dr6());
    printk("  instruction breakpoint: %s\n", f ? "#DB, DR6.B0" : "not armed (QEMU)");

    /* A data breakpoint: a trap after the write, DR6.B1. */
    write_dr(6, 0);
    write_dr(1, (u64)&watched);
    write_dr(7, 0x400 | DR7_L1 | DR7_RW1_WRITE);
    check(read_dr(1) == (u64)&watched, "DR1 reads back %#lx", read_dr(1));
    __asm__ __volatile__("movb $1, %1\n1: xor %%eax, %%eax\n2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(f), "=m"(watched)
                         : "0"(1ul));
    write_dr(7, 0x400);
    check(watched == 1 && (!f || (f == EXINFO(X86_EXC_DB, 0) && (read_dr6() & DR6_B1))),
          "data breakpoint: %s, DR6 %#lx", fault_name(f), read_dr6());
    printk("  single step: #DB, DR6.BS; data breakpoint: %s\n",
           f ? "#DB, DR6.B1" : "not armed (QEMU)");
}

/*
 * Breakpoints on the hypervisor's own code and data, armed across many
 * hypercalls and timer interrupts (addresses from the command line:
 * host_code=, host_code2=, host_data=; the test harness reads them from
 * lares.elf). Whatever the CPU does with them in the hypervisor, it must
 * neither stop nor hang, and this guest must see no #DB that is not its
 * own.
 */
static void breakpoints_on_the_hypervisor(void)
{
    const u64 code = cmdline_number("host_code", 0), code2 = cmdline_number("host_code2", 0);
    const u64 data = cmdline_number("host_data", 0);
    const long version = hypercall_xen_version(XENVER_version, NULL);
    unsigned long i;
    long rc = version;
    exinfo_t f = 0;

    if (!code || !code2 || !data) {
        printk("  no host_code=/host_code2=/host_data= given: breakpoints on the hypervisor "
               "not tried\n");
        return;
    }
    write_dr(0, code);
    write_dr(1, data);
    write_dr(2, code2);
    write_dr(7, 0x400 | DR7_L0 | DR7_L1 | (1ul << 4) /* L2 */ | (1ul << 20) | (3ul << 22));
    for (i = 0; i < 20000 && !f && rc == version; i++)
        __asm__ __volatile__("1: vmmcall\n2:\n" ASM_EXTABLE(1b, 2b)
                             : "=a"(rc)
                             : "0"((u64)__HYPERVISOR_xen_version), "D"(0ul)
                             : "rsi", "rdx", "r10", "r8", "memory");
    printk("  %lu hypercalls with breakpoints on %#lx, %#lx and %#lx\n", i, code, code2, data);
    write_dr(7, 0x400);
    f = (u64)rc & EXINFO_FAULTED ? (exinfo_t)rc : 0;
    check(!f && rc == version, "a hypercall under breakpoints on the hypervisor gave %#lx (%s)", rc,
          fault_name(f));
    printk("  breakpoints on hypervisor code and data: it carried on, no #DB here\n");
}

/* ---- a hypercall at the end of canonical space ------------------------------------------------
 */

#define TOP_PAGE 0x00007ffffffff000ull /* the last page below the non-canonical hole */
static u8 top_frame[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
static long top_rax;

static void call_at_top(void *arg)
{
    /* xen_version(XENVER_version) with VMMCALL as the page's last three bytes. */
    __asm__ __volatile__("call *%2"
                         : "=a"(top_rax)
                         : "0"((u64)__HYPERVISOR_xen_version), "r"(TOP_PAGE + XEN_PAGE_SIZE - 3),
                           "D"(0ul)
                         : "memory", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11");
}

static void noncanonical_rip(void)
{
    exinfo_t f;

    top_frame[XEN_PAGE_SIZE - 3] = 0x0f; /* vmmcall */
    top_frame[XEN_PAGE_SIZE - 2] = 0x01;
    top_frame[XEN_PAGE_SIZE - 1] = 0xd9;
    if (map_page(TOP_PAGE, (u64)top_frame, 0)) {
        test_error("map_page(%#llx) failed", TOP_PAGE);
        return;
    }
    top_rax = -1;
    f = exec_expect_fault(call_at_top, NULL);
    check(f == EXINFO(X86_EXC_GP, 0), "VMMCALL ending at %#llx: %s, expected #GP(0)",
          TOP_PAGE + XEN_PAGE_SIZE, fault_name(f));
    unmap_page(TOP_PAGE);
    printk("  VMMCALL ending at the canonical boundary: done, then #GP(0) at the next fetch\n");
}

/* ---- CPUID ----------------------------------------------------------------------------------- */

static u64 rng = 0x9e3779b97f4a7c15ull;

static u64 rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static bool same(struct cpuid_regs a, struct cpuid_regs b)
{
    return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

static void cpuid_leaves(void)
{
    static const u32 bases[] = {0, 0x40000000, 0x80000000, 0xc0000000, 0x8fffff00, 0xffffff00};
    unsigned int n = 0;

    for (unsigned int b = 0; b < ARRAY_SIZE(bases); b++) {
        for (u32 leaf = bases[b]; leaf <= bases[b] + 0xff && leaf >= bases[b]; leaf++) {
            for (u32 sub = 0; sub < 4; sub++) {
                struct cpuid_regs r1 = cpuid_count(leaf, sub), r2 = cpuid_count(leaf, sub);

                check(same(r1, r2), "CPUID %#x/%u answered differently twice", leaf, sub);
                n += 2;
            }
        }
    }
    for (unsigned int i = 0; i < 512; i++) {
        u32 leaf = (u32)rnd(), sub = (u32)rnd();
        struct cpuid_regs r1 = cpuid_count(leaf, sub), r2 = cpuid_count(leaf, sub);

        check(same(r1, r2), "CPUID %#x/%#x answered differently twice", leaf, sub);
        n += 2;
    }
    printk("  CPUID: %u queries, each answered consistently\n", n);
}

/* ---- MSRs ------------------------------------------------------------------------------------ */

/* MSRs whose nonsense values would break this guest before it can undo them. */
static bool guest_needs(u32 msr)
{
    return msr == MSR_EFER || msr == 0xc0000100 /* FS base */ || msr == 0xc0000101 /* GS base */;
}

static void msr_ranges(void)
{
    static const u32 ranges[] = {0, 0xc0000000, 0xc0010000};
    static const u64 nonsense[] = {0xdeadbeefdeadbeefull, ~0ull, 0};
    unsigned int readable = 0, writable = 0, accepted = 0;

    for (unsigned int r = 0; r < ARRAY_SIZE(ranges); r++) {
        for (u32 msr = ranges[r]; msr < ranges[r] + 0x2000; msr++) {
            u64 v = 0, back;
            exinfo_t f = rdmsr_safe(msr, &v);

            if (f) {
                check(f == EXINFO(X86_EXC_GP, 0), "RDMSR %#x: %s", msr, fault_name(f));
                continue;
            }
            readable++;
            f = wrmsr_safe(msr, v);
            check(!f || f == EXINFO(X86_EXC_GP, 0), "WRMSR %#x (its own value): %s", msr,
                  fault_name(f));
            if (!f)
                writable++;
            if (guest_needs(msr))
                continue;
            for (unsigned int i = 0; i < ARRAY_SIZE(nonsense); i++) {
                f = wrmsr_safe(msr, nonsense[i]);
                check(!f || f == EXINFO(X86_EXC_GP, 0), "WRMSR %#x <- %#lx: %s", msr, nonsense[i],
                      fault_name(f));
                if (!f)
                    accepted++;
            }
            /* Restore (some transitions are refused, e.g. x2APIC from disabled). */
            if (!wrmsr_safe(msr, v) && msr != 0x10 && !rdmsr_safe(msr, &back))
                check(back == v, "MSR %#x is %#lx after restoring %#lx", msr, back, v);
        }
    }
    /* Unreadable MSRs are written too: they must #GP, not reach the host. */
    for (unsigned int r = 0; r < ARRAY_SIZE(ranges); r++) {
        for (u32 msr = ranges[r]; msr < ranges[r] + 0x2000; msr++) {
            u64 v;

            if (!rdmsr_safe(msr, &v))
                continue;
            check(wrmsr_safe(msr, 0x1234) == EXINFO(X86_EXC_GP, 0),
                  "WRMSR %#x: unreadable but writable", msr);
        }
    }
    printk("  MSRs: %u readable, %u take their own value back, %u nonsense writes taken\n",
           readable, writable, accepted);
}

/* ---- port I/O -------------------------------------------------------------------------------- */

/*
 * Every port, read and written at every size. What a port reads depends on
 * the devices the hypervisor emulates; what must hold everywhere: IN to AL
 * or AX keeps the rest of RAX, IN to EAX clears RAX[63:32].
 */
static void all_ports(void)
{
    unsigned int bad = 0, absent = 0;

    for (u32 port = 0; port <= 0xffff; port++) {
        u64 rax = 0x1122334455667788ull;

        if (port == 0xe9)
            continue; /* the debug console: checked by port_e9 */
        __asm__ __volatile__("inb %w1, %%al" : "+a"(rax) : "d"(port));
        if ((rax & ~0xffull) != 0x1122334455667700ull && bad++ < 4)
            check(false, "inb port %#x: rax %#lx", port, rax);
        absent += (rax & 0xff) == 0xff;
        __asm__ __volatile__("outb %%al, %w1" : : "a"(0), "d"(port));
    }
    /* Wider accesses on a sample, the last ones running past port 0xffff. */
    for (u32 port = 0; port <= 0xffff; port += (port < 0xfff0 ? 0x101 : 1)) {
        u64 rax = 0x1122334455667788ull;

        if (port == 0xe9)
            continue;
        __asm__ __volatile__("inw %w1, %%ax" : "+a"(rax) : "d"(port));
        check((rax & ~0xffffull) == 0x1122334455660000ull, "inw port %#x: rax %#lx", port, rax);
        rax = 0x1122334455667788ull;
        __asm__ __volatile__("inl %w1, %%eax" : "+a"(rax) : "d"(port));
        check(rax >> 32 == 0, "inl port %#x: rax %#lx (must zero-extend)", port, rax);
        __asm__ __volatile__("outw %%ax, %w1; outl %%eax, %w1" : : "a"(0), "d"(port));
    }
    printk("  port I/O: 65535 ports answer (%u read all-ones: no device) and take writes\n",
           absent);
}

/* ---- string I/O --------------------------------------------------------------------------------
 */

#define STR_VA (TEST_WINDOW_BASE + 0x200000) /* one mapped page; the next is not */
static u8 str_frame[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
static u8 long_buf[3 * 4096 + 123];

struct str_state {
    u64 rcx, idx; /* the count and the index register (RDI for INS, RSI for OUTS) */
    exinfo_t fault;
};

/* One string instruction with an exception-table entry; pre runs before it (e.g. STD). */
#define STRING_OP(name, pre, insn, idx_reg)                                                        \
    static struct str_state name(u16 port, u64 idx, u64 rcx)                                       \
    {                                                                                              \
        struct str_state s = {.rcx = rcx, .idx = idx};                                             \
        __asm__ __volatile__(pre "1: " insn                                                        \
                                 "\n\txor %%eax, %%eax\n2:\n\tcld\n" ASM_EXTABLE(1b, 2b)           \
                             : "=a"(s.fault), "+c"(s.rcx), "+" idx_reg(s.idx)                      \
                             : "d"(port)                                                           \
                             : "memory");                                                          \
        return s;                                                                                  \
    }

STRING_OP(rep_insb, "", "rep insb", "D")
STRING_OP(rep_insl_addr32, "", "addr32 rep insl", "D")
STRING_OP(rep_outsw_down, "std\n", "rep outsw", "S")
STRING_OP(rep_outsb, "", "rep outsb", "S")

static void string_io(void)
{
    const u64 end = STR_VA + XEN_PAGE_SIZE;
    struct str_state s;

    if (map_page(STR_VA, (u64)str_frame, PTE_WRITE)) {
        test_error("map_page failed");
        return;
    }
    unmap_page(end);

    /* 16 bytes fit before the unmapped page; 2^64 - 1 iterations were asked for. */
    memset(str_frame, 0, sizeof(str_frame));
    s = rep_insb(0x80, end - 16, ~0ull);
    check(s.fault == EXINFO(X86_EXC_PF, PFEC_WRITE) && last_fault_cr2 == end,
          "rep insb into an unmapped page: %s, cr2 %#lx", fault_name(s.fault), last_fault_cr2);
    check(s.rcx == ~0ull - 16 && s.idx == end, "rep insb stopped with rcx %#lx rdi %#lx", s.rcx,
          s.idx);
    check(str_frame[XEN_PAGE_SIZE - 16] == 0xff && str_frame[XEN_PAGE_SIZE - 1] == 0xff &&
              str_frame[XEN_PAGE_SIZE - 17] == 0,
          "rep insb wrote the wrong bytes");

    /* 32-bit address size: RCX's upper half is not part of the count, EDI wraps not. */
    s = rep_insl_addr32(0x80, 0xdead000000000000ull | (end - 8), 0xffffffff00000000ull | 5);
    check(s.fault == EXINFO(X86_EXC_PF, PFEC_WRITE) && last_fault_cr2 == end,
          "addr32 rep insl: %s, cr2 %#lx", fault_name(s.fault), last_fault_cr2);
    check((u32)s.rcx == 3 && (u32)s.idx == (u32)end,
          "addr32 rep insl stopped with rcx %#lx rdi %#lx", s.rcx, s.idx);

    /* Backwards from the page's start into the unmapped page below it. */
    unmap_page(STR_VA - XEN_PAGE_SIZE);
    s = rep_outsw_down(0x80, STR_VA + 6, 0x7fffffffffffffffull);
    check(s.fault == EXINFO(X86_EXC_PF, 0) && last_fault_cr2 == STR_VA - 2,
          "std; rep outsw below the page: %s, cr2 %#lx", fault_name(s.fault), last_fault_cr2);
    check(s.rcx == 0x7fffffffffffffffull - 4 && s.idx == STR_VA - 2,
          "std; rep outsw stopped with rcx %#lx rsi %#lx", s.rcx, s.idx);

    /* Into a read-only page: #PF with the write and present bits. */
    map_page(STR_VA, (u64)str_frame, 0);
    s = rep_insb(0x80, STR_VA, 3);
    check(s.fault == EXINFO(X86_EXC_PF, PFEC_WRITE | PFEC_PRESENT) && s.rcx == 3,
          "rep insb into a read-only page: %s, rcx %#lx", fault_name(s.fault), s.rcx);

    /* From a non-canonical address: #GP(0) before anything moves. */
    s = rep_outsb(0x80, 0x0000800000000000ull, 2);
    check(s.fault == EXINFO(X86_EXC_GP, 0) && s.rcx == 2, "rep outsb from non-canonical: %s",
          fault_name(s.fault));

    /* A long run that needs several exits completes exactly. */
    memset(long_buf, 0, sizeof(long_buf));
    s = rep_insb(0x80, (u64)long_buf + 1, sizeof(long_buf) - 2);
    check(!s.fault && s.rcx == 0 && s.idx == (u64)long_buf + sizeof(long_buf) - 1,
          "rep insb of %zu bytes: %s, rcx %#lx", sizeof(long_buf) - 2, fault_name(s.fault), s.rcx);
    check(long_buf[0] == 0 && long_buf[1] == 0xff && long_buf[sizeof(long_buf) - 2] == 0xff &&
              long_buf[sizeof(long_buf) - 1] == 0,
          "rep insb wrote outside its buffer");
    s = rep_outsb(0x80, (u64)long_buf, sizeof(long_buf));
    check(!s.fault && s.rcx == 0 && s.idx == (u64)long_buf + sizeof(long_buf),
          "rep outsb of %zu bytes: %s, rcx %#lx", sizeof(long_buf), fault_name(s.fault), s.rcx);
    unmap_page(STR_VA);
    printk("  string I/O: faults stop huge REP counts exactly; long runs complete\n");
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    svm_instructions();
    rdtscp_and_tsc_aux();
    efer_nonsense();
    xcr0_nonsense();
    noncanonical_rip();
    debug_exceptions();
    breakpoints_on_the_hypervisor();
    cpuid_leaves();
    string_io();
    msr_ranges();
    all_ports();
    test_success();
}
