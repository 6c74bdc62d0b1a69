/*
 * debug_fault=<kind>: take a deliberate fault once boot is complete, to
 * check what the exception handlers report (docs/development.md lists the
 * kinds). Fatal kinds end in panic(); the others print what happened and
 * return.
 */
#include <lares/compiler.h>
#include <lares/console.h>
#include <lares/param.h>
#include <lares/string.h>
#include <asm/debug.h>
#include <asm/extable.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/traps.h>

static char opt_debug_fault[32];
string_param("debug_fault", opt_debug_fault);

static volatile int sink;
static u64 sink_u64 = 0x1234567890abcdefULL;

/*
 * Bad addresses come from volatiles: a constant NULL dereference would be
 * turned into a trap instruction by the compiler instead of a page fault.
 */
static volatile uintptr_t null_address;
static volatile uintptr_t noncanonical_address = 0x8000000000000000ULL;

static __attribute__((noipa)) void fault_null(void)
{
    sink = *(volatile int *)null_address;
}

static __attribute__((noipa)) void fault_write_text(void)
{
    *(volatile u8 *)fault_null = 0xcc;
}

/* A "ret" in writable data: with NX, calling it is an instruction-fetch fault. */
static u8 data_ret[16] = {0xc3};

static __attribute__((noipa)) void fault_exec_data(void)
{
    ((void (*)(void))(uintptr_t)data_ret)();
    printk("debug_fault=exec-data: no fault (this CPU has no NX)\n");
}

static __attribute__((noipa)) void fault_ud(void)
{
    __asm__ __volatile__("ud2");
}

static __attribute__((noipa)) void fault_gp(void)
{
    sink = *(volatile int *)noncanonical_address;
}

static __attribute__((noipa)) void fault_divide(void)
{
    /* In assembly: the compiler may compute 1 / x without dividing. */
    __asm__ __volatile__("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\txor %%edx, %%edx\n\tdiv %%ecx"
                         :
                         :
                         : "eax", "ecx", "edx");
}

/*
 * A fault three calls down, so the backtrace has frames to name. noipa
 * keeps the compiler from cloning, inlining or tail-calling them.
 */
static __attribute__((noipa)) int deep_level3(int x)
{
    sink = *(volatile int *)null_address;
    return sink + x;
}

static __attribute__((noipa)) int deep_level2(int x)
{
    return deep_level3(x + 1) + 1;
}

static __attribute__((noipa)) int deep_level1(int x)
{
    return deep_level2(x + 1) + 1;
}

/* Recurse until the stack runs into its guard page: #PF cannot be delivered, so #DF (on IST). */
static __attribute__((noipa)) int overflow_stack(int depth)
{
    volatile char frame[256];

    frame[0] = (char)depth;
    if (depth > 1000000)
        return frame[0];
    return overflow_stack(depth + 1) + frame[0];
}

static __attribute__((noipa)) void fault_nested(void)
{
    fault_report_self_test = true;
    __asm__ __volatile__("ud2");
}

static void test_irq_handler(struct cpu_user_regs *regs)
{
    printk("debug_fault=irq: handler ran for vector %#llx\n", (unsigned long long)regs->vector);
}

static void other_irq_handler(struct cpu_user_regs *regs)
{
}

static void irq_dispatch(void)
{
    int rc = set_irq_handler(0x80, test_irq_handler);
    int busy = set_irq_handler(0x80, other_irq_handler);
    int exc = set_irq_handler(X86_EXC_UD, test_irq_handler);

    printk("debug_fault=irq: set_irq_handler(0x80) = %d, another handler there = %d, "
           "exception vector = %d\n",
           rc, busy, exc);
    __asm__ __volatile__("int $0x80");
    clear_irq_handler(0x80, test_irq_handler);
    __asm__ __volatile__("int $0x81"); /* no handler: reported, not fatal */
    printk("debug_fault=irq: done\n");
}

/*
 * Exception-table fixups: a read of an unmapped address and MSR accesses
 * through the _safe helpers. (Under QEMU's TCG an unimplemented MSR reads
 * as 0 instead of faulting, so only real hardware shows -EFAULT there.)
 */
static void extable(void)
{
    const u32 bogus = 0xdeadbeef;
    u64 v = 1, efer = 0, probe_null = 1, probe_ok = 0;
    int pn = probe_read_u64(NULL, &probe_null), pok = probe_read_u64(&sink_u64, &probe_ok);
    int rd = rdmsr_safe(bogus, &v), wr = wrmsr_safe(bogus, 0), ok = rdmsr_safe(MSR_EFER, &efer);

    printk("debug_fault=extable: probe_read_u64(NULL) = %d (value %#llx), "
           "probe_read_u64(mapped) = %d (value %#llx)\n",
           pn, (unsigned long long)probe_null, pok, (unsigned long long)probe_ok);
    printk("debug_fault=extable: rdmsr_safe(%#x) = %d (value %#llx), wrmsr_safe(%#x) = %d, "
           "rdmsr_safe(EFER) = %d (value %#llx)\n",
           bogus, rd, (unsigned long long)v, bogus, wr, ok, (unsigned long long)efer);
}

static void nmi(void)
{
    __asm__ __volatile__("int $2");
    printk("debug_fault=nmi: continued after the NMI\n");
}

static void deep(void)
{
    sink = deep_level1(1);
}

static void stack_overflow(void)
{
    sink = overflow_stack(0);
}

static const struct {
    const char *name;
    void (*fn)(void);
} kinds[] = {
    {"null", fault_null},
    {"write-text", fault_write_text},
    {"exec-data", fault_exec_data},
    {"ud", fault_ud},
    {"gp", fault_gp},
    {"divide", fault_divide},
    {"deep", deep},
    {"stack-overflow", stack_overflow},
    {"nested", fault_nested},
    {"nmi", nmi},
    {"irq", irq_dispatch},
    {"extable", extable},
};

void debug_fault_run(void)
{
    if (!opt_debug_fault[0])
        return;
    for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(opt_debug_fault, kinds[i].name)) {
            printk("debug_fault=%s: triggering\n", kinds[i].name);
            kinds[i].fn();
            printk("debug_fault=%s: returned\n", kinds[i].name);
            return;
        }
    }
    pr_err("debug_fault=%s: unknown kind; known: null write-text exec-data ud gp divide deep "
           "stack-overflow nested nmi irq extable\n",
           opt_debug_fault);
}
