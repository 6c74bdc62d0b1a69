/*
 * selftest_faults: the framework's expected-fault machinery. Instructions
 * that must fault are run under an exception-table entry or inside
 * exec_expect_fault(), and the vector, error code and CR2 that come back
 * must be exactly right; after each fault the guest carries on normally.
 * Needs no hypervisor; under Lares it also shows that exceptions reach
 * the guest unchanged (#UD, #GP, #PF are not intercepted).
 */
#include <guest.h>

const char test_title[] =
    "selftest_faults: #UD, #GP, #PF, #DE, #BP come back with the right details";

#define RO_VA (TEST_WINDOW_BASE + 0x10000)
#define NON_CANONICAL 0x8000000000000000ull

static u8 scratch[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

static exinfo_t probe_read(u64 addr)
{
    exinfo_t fault;

    __asm__ __volatile__("1: movb (%[p]), %%dl\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(fault)
                         : "0"(0ul), [p] "r"(addr)
                         : "rdx", "memory");
    return fault;
}

static exinfo_t probe_write(u64 addr)
{
    exinfo_t fault;

    __asm__ __volatile__("1: movb $0x5a, (%[p])\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(fault)
                         : "0"(0ul), [p] "r"(addr)
                         : "memory");
    return fault;
}

static exinfo_t probe_ud2(void)
{
    exinfo_t fault;

    __asm__ __volatile__("1: ud2\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(fault)
                         : "0"(0ul));
    return fault;
}

static void expect(const char *what, exinfo_t got, exinfo_t want)
{
    char g[32], w[32];

    if (got != want)
        test_failure("%s: got %s, expected %s", what, exinfo_str(got, g, sizeof(g)),
                     exinfo_str(want, w, sizeof(w)));
    else
        printk("  %-40s %s\n", what, exinfo_str(got, g, sizeof(g)));
}

static void expect_cr2(const char *what, u64 want)
{
    if (last_fault_cr2 != want)
        test_failure("%s: CR2 %#lx, expected %#lx", what, last_fault_cr2, want);
}

/* In assembly: the compiler may rewrite or drop a C division by zero. */
static void divide_by_zero(void *arg)
{
    __asm__ __volatile__("xor %%ecx, %%ecx\n\t"
                         "mov $1, %%eax\n\t"
                         "xor %%edx, %%edx\n\t"
                         "div %%ecx" ::
                             : "rax", "rcx", "rdx");
}

static void breakpoint(void *arg)
{
    __asm__ __volatile__("int3");
}

/* A fault several calls deep: exec_expect_fault() must unwind it all. */
static __noinline int deep_null_read(int depth)
{
    int v;

    if (depth == 0) {
        /* The load itself in assembly, so that the compiler cannot treat
         * a NULL dereference as unreachable. */
        __asm__ __volatile__("movl (%1), %0" : "=r"(v) : "r"(0ul) : "memory");
        return v;
    }
    return deep_null_read(depth - 1) + 1;
}

static void deep_fault(void *arg)
{
    deep_null_read(8);
}

static void no_fault(void *arg)
{
    *(int *)arg = 42;
}

static void extable_probes(void)
{
    printk("Exception table:\n");
    expect("ud2", probe_ud2(), EXINFO(X86_EXC_UD, 0));
    expect("read of NULL", probe_read(0), EXINFO(X86_EXC_PF, 0));
    expect_cr2("read of NULL", 0);
    expect("write to NULL", probe_write(8), EXINFO(X86_EXC_PF, PFEC_WRITE));
    expect_cr2("write to NULL", 8);
    expect("read of a non-canonical address", probe_read(NON_CANONICAL), EXINFO(X86_EXC_GP, 0));
    expect("write to a read-only page", probe_write(RO_VA + 5),
           EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    expect_cr2("write to a read-only page", RO_VA + 5);
    expect("read of a read-only page", probe_read(RO_VA), 0);
    expect("read of a mapped page", probe_read((u64)scratch), 0);
}

static void catch_probes(void)
{
    int value = 0;

    printk("exec_expect_fault():\n");
    expect("divide by zero", exec_expect_fault(divide_by_zero, NULL), EXINFO(X86_EXC_DE, 0));
    expect("int3", exec_expect_fault(breakpoint, NULL), EXINFO(X86_EXC_BP, 0));
    expect("NULL read 9 calls deep", exec_expect_fault(deep_fault, NULL), EXINFO(X86_EXC_PF, 0));
    expect("the same again", exec_expect_fault(deep_fault, NULL), EXINFO(X86_EXC_PF, 0));
    expect("a function that does not fault", exec_expect_fault(no_fault, &value), 0);
    check(value == 42, "the non-faulting function did not run (value %d)", value);
}

void test_main(void)
{
    int rc = map_page(RO_VA, (u64)scratch, 0);

    if (rc) {
        test_error("map_page: %d", rc);
        return;
    }
    check(map_page(RO_VA + 1, (u64)scratch, 0) == -EINVAL, "unaligned map_page accepted");
    check(map_page(0x1000, (u64)scratch, 0) == -EINVAL, "map_page into the identity map accepted");

    extable_probes();
    catch_probes();
    unmap_page(RO_VA);
    expect("read after unmap_page", probe_read(RO_VA), EXINFO(X86_EXC_PF, 0));
    test_success();
}
