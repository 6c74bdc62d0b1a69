/*
 * selftest_usermode: exec_user() runs a function at CPL 3 and comes back,
 * both when it returns and when it faults. Privileged instructions, port
 * I/O, DPL-0 gates and supervisor pages must fault at CPL 3 with the right
 * error codes. Needs no hypervisor.
 */
#include <guest.h>

const char test_title[] = "selftest_usermode: CPL 3 round trips and user-mode faults";

#define SUPERVISOR_VA (TEST_WINDOW_BASE + 0x20000)

static u8 supervisor_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);

static u64 add_one(void *arg)
{
    return (u64)arg + 1;
}

static u64 current_cpl(void *arg)
{
    u64 cs;

    __asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

static u64 do_cli(void *arg)
{
    __asm__ __volatile__("cli");
    return 1;
}

static u64 do_hlt(void *arg)
{
    __asm__ __volatile__("hlt");
    return 1;
}

static u64 do_outb(void *arg)
{
    outb(DEBUG_PORT, '!');
    return 1;
}

static u64 do_int80(void *arg)
{
    __asm__ __volatile__("int $0x80");
    return 1;
}

static u64 read_supervisor_page(void *arg)
{
    return *(volatile u8 *)SUPERVISOR_VA;
}

static u64 write_rsp0_canary(void *arg)
{
    /* User code may use its whole stack: a big local array. */
    volatile u8 buf[2048];

    for (unsigned int i = 0; i < sizeof(buf); i++)
        buf[i] = (u8)i;
    return buf[2047];
}

/* alt: a second accepted answer (an emulator quirk), or 0. */
static void expect_fault_or(const char *what, u64 (*fn)(void *), exinfo_t want, exinfo_t alt)
{
    exinfo_t got;
    u64 ret = exec_user(fn, NULL, &got);
    char g[32], w[32];

    if ((got != want && (!alt || got != alt)) || ret != 0)
        test_failure("%s: got %s (ret %lu), expected %s", what, exinfo_str(got, g, sizeof(g)), ret,
                     exinfo_str(want, w, sizeof(w)));
    else
        printk("  %-36s %s\n", what, exinfo_str(got, g, sizeof(g)));
}

static void expect_fault(const char *what, u64 (*fn)(void *), exinfo_t want)
{
    expect_fault_or(what, fn, want, 0);
}

void test_main(void)
{
    exinfo_t fault = 1;
    u64 ret;

    ret = exec_user(add_one, (void *)41, &fault);
    check(ret == 42 && fault == 0, "add_one at CPL 3: ret %lu fault %#lx", ret, fault);
    ret = exec_user(current_cpl, NULL, &fault);
    check(ret == 3 && fault == 0, "CPL seen by user code: %lu", ret);
    ret = exec_user(write_rsp0_canary, NULL, &fault);
    check(ret == 0xff && fault == 0, "stack use at CPL 3: ret %#lx fault %#lx", ret, fault);

    printk("Faults at CPL 3:\n");
    expect_fault("cli", do_cli, EXINFO(X86_EXC_GP, 0));
    expect_fault("hlt", do_hlt, EXINFO(X86_EXC_GP, 0));
    expect_fault("outb without I/O permission", do_outb, EXINFO(X86_EXC_GP, 0));
    /* The error code names the gate: index 0x80, IDT bit. QEMU TCG (7.2)
     * reports the gate's byte offset in the 64-bit IDT instead. */
    expect_fault_or("int $0x80 through a DPL 0 gate", do_int80, EXINFO(X86_EXC_GP, 0x80 * 8 + 2),
                    EXINFO(X86_EXC_GP, 0x80 * 16 + 2));

    if (map_page(SUPERVISOR_VA, (u64)supervisor_page, PTE_WRITE)) {
        test_error("map_page failed");
        return;
    }
    expect_fault("read of a supervisor page", read_supervisor_page,
                 EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_USER));
    check(last_fault_cr2 == SUPERVISOR_VA, "CR2 %#lx", last_fault_cr2);

    /* After all that, kernel mode and user mode still work. */
    ret = exec_user(add_one, (void *)1, &fault);
    check(ret == 2 && fault == 0, "round trip after faults: ret %lu fault %#lx", ret, fault);
    check((read_cr0() & X86_CR0_WP) != 0, "CR0.WP lost");
    test_success();
}
