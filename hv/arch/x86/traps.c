/*
 * Exception and interrupt dispatch. Exceptions in the hypervisor are fatal
 * unless the faulting instruction has an exception-table fixup: the report
 * names the exception, dumps the registers and control registers, names
 * the faulting function and walks the frame-pointer chain, then panics.
 *
 * The report path avoids depending on anything the fault may have broken:
 * it reads the per-CPU pointer and the stack through fault-safe accessors,
 * and a fault while reporting produces a short second report instead of
 * recursing.
 */
#include <lares/compiler.h>
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/format.h>
#include <lares/shutdown.h>
#include <asm/cpu.h>
#include <asm/extable.h>
#include <asm/irq.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/traps.h>

BUILD_BUG_ON(__builtin_offsetof(struct cpu_user_regs, vector) != CPU_USER_REGS_VECTOR_OFFSET);
BUILD_BUG_ON(sizeof(struct cpu_user_regs) != CPU_USER_REGS_SIZE);

bool fault_report_self_test;

static irq_handler_t irq_handlers[256];
static irq_handler_t nmi_callback;
static u64 unhandled_reported[256 / 64];
static unsigned int fatal_nesting;

static const char *const exception_names[32] = {
    [0] = "#DE divide error",
    [1] = "#DB debug",
    [2] = "NMI",
    [3] = "#BP breakpoint",
    [4] = "#OF overflow",
    [5] = "#BR bound range",
    [6] = "#UD invalid opcode",
    [7] = "#NM device not available",
    [8] = "#DF double fault",
    [9] = "coprocessor segment overrun",
    [10] = "#TS invalid TSS",
    [11] = "#NP segment not present",
    [12] = "#SS stack fault",
    [13] = "#GP general protection",
    [14] = "#PF page fault",
    [16] = "#MF x87 floating point",
    [17] = "#AC alignment check",
    [18] = "#MC machine check",
    [19] = "#XM SIMD floating point",
    [20] = "#VE virtualisation",
    [21] = "#CP control protection",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security",
};

const char *exception_name(unsigned int vector)
{
    if (vector < 32 && exception_names[vector])
        return exception_names[vector];
    return "reserved";
}

int set_irq_handler(u8 vector, irq_handler_t fn)
{
    irq_handler_t expected = NULL;

    if (vector < FIRST_IRQ_VECTOR || !fn)
        return -EINVAL;
    if (!__atomic_compare_exchange_n(&irq_handlers[vector], &expected, fn, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return expected == fn ? 0 : -EBUSY;
    return 0;
}

void clear_irq_handler(u8 vector, irq_handler_t fn)
{
    irq_handler_t expected = fn;

    __atomic_compare_exchange_n(&irq_handlers[vector], &expected, NULL, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
}

void set_nmi_callback(irq_handler_t fn)
{
    __atomic_store_n(&nmi_callback, fn, __ATOMIC_RELEASE);
}

/* The per-CPU pointer if GS still leads to a plausible one, else NULL. */
static const struct cpu_info *safe_this_cpu(void)
{
    u64 self, check;
    int rc;

    __asm__ __volatile__("1: mov %%gs:0, %[v]\n"
                         "2:\n"
                         ".pushsection .text.fixup, \"ax\"\n"
                         "3: mov %[efault], %[rc]\n"
                         "   jmp 2b\n"
                         ".popsection\n" _ASM_EXTABLE(1b, 3b)
                         : [rc] "=r"(rc), [v] "=&r"(self)
                         : [efault] "i"(-EFAULT), "0"(0));
    if (rc || probe_read_u64((const void *)self, &check) || check != self)
        return NULL;
    return (const struct cpu_info *)self;
}

static void cpu_label(char *buf, size_t size)
{
    const struct cpu_info *ci = safe_this_cpu();

    if (ci)
        format(buf, size, "CPU%u", ci->id);
    else
        format(buf, size, "CPU? (GS base %#llx)", (unsigned long long)rdmsr(MSR_GS_BASE));
}

static void describe_error_code(const struct cpu_user_regs *regs, char *buf, size_t size)
{
    u64 ec = regs->error_code;

    if (regs->vector == X86_EXC_PF)
        format(buf, size, " [%s, %s%s%s%s]", ec & 2 ? "write" : "read",
               ec & 1 ? "protection violation" : "not present", ec & 4 ? ", user" : "",
               ec & 8 ? ", reserved bit set" : "", ec & 16 ? ", instruction fetch" : "");
    else if (ec && regs->vector != X86_EXC_DF)
        format(buf, size, " [%s entry %#llx%s]",
               (ec & 2)   ? "IDT"
               : (ec & 4) ? "LDT"
                          : "GDT",
               (unsigned long long)(ec >> 3), ec & 1 ? ", external" : "");
    else
        buf[0] = '\0';
}

static void show_registers(const struct cpu_user_regs *regs)
{
    char sym[128];

    printk_level(LOG_ERR, "RIP: %04llx:%016llx %s\n", (unsigned long long)regs->cs,
                 (unsigned long long)regs->rip, symbol_string(regs->rip, sym, sizeof(sym)));
    printk_level(LOG_ERR, "RFLAGS: %016llx  RSP: %04llx:%016llx\n",
                 (unsigned long long)regs->rflags, (unsigned long long)regs->ss,
                 (unsigned long long)regs->rsp);
    printk_level(LOG_ERR, "rax: %016llx  rbx: %016llx  rcx: %016llx\n",
                 (unsigned long long)regs->rax, (unsigned long long)regs->rbx,
                 (unsigned long long)regs->rcx);
    printk_level(LOG_ERR, "rdx: %016llx  rsi: %016llx  rdi: %016llx\n",
                 (unsigned long long)regs->rdx, (unsigned long long)regs->rsi,
                 (unsigned long long)regs->rdi);
    printk_level(LOG_ERR, "rbp: %016llx  r8:  %016llx  r9:  %016llx\n",
                 (unsigned long long)regs->rbp, (unsigned long long)regs->r8,
                 (unsigned long long)regs->r9);
    printk_level(LOG_ERR, "r10: %016llx  r11: %016llx  r12: %016llx\n",
                 (unsigned long long)regs->r10, (unsigned long long)regs->r11,
                 (unsigned long long)regs->r12);
    printk_level(LOG_ERR, "r13: %016llx  r14: %016llx  r15: %016llx\n",
                 (unsigned long long)regs->r13, (unsigned long long)regs->r14,
                 (unsigned long long)regs->r15);
    printk_level(LOG_ERR, "cr0: %016llx  cr2: %016llx\n", (unsigned long long)read_cr0(),
                 (unsigned long long)read_cr2());
    printk_level(LOG_ERR, "cr3: %016llx  cr4: %016llx\n", (unsigned long long)read_cr3(),
                 (unsigned long long)read_cr4());
}

static __noreturn void fatal_exception(const struct cpu_user_regs *regs)
{
    unsigned int nesting = __atomic_fetch_add(&fatal_nesting, 1, __ATOMIC_ACQ_REL);
    char cpu[48], ec[96], sym[128];

    console_force_unlock();
    if (nesting >= 2)
        cpu_halt_forever(); /* even the short report failed: stay quiet */
    if (nesting == 1) {
        /* Plain numbers only: the symbol or stack code may be what broke. */
        printk_level(LOG_ERR,
                     "\n*** Exception while reporting an exception: vector %llu, "
                     "error code %#llx, RIP %016llx, CR2 %016llx ***\n",
                     (unsigned long long)regs->vector, (unsigned long long)regs->error_code,
                     (unsigned long long)regs->rip, (unsigned long long)read_cr2());
        panic("Nested fatal exception (vector %llu)\n", (unsigned long long)regs->vector);
    }

    cpu_label(cpu, sizeof(cpu));
    describe_error_code(regs, ec, sizeof(ec));
    printk_level(LOG_ERR, "\n----[ Lares fatal exception on %s ]----\n", cpu);
    printk_level(LOG_ERR, "%s (vector %llu), error code %#llx%s\n", exception_name(regs->vector),
                 (unsigned long long)regs->vector, (unsigned long long)regs->error_code, ec);
    show_registers(regs);
    if (fault_report_self_test) {
        fault_report_self_test = false;
        /* debug_fault=nested: a page fault (address 8) in the middle of the report. */
        __asm__ __volatile__("mov 0x8, %%rax" : : : "rax", "memory");
    }
    show_backtrace(regs->rip, regs->rsp, regs->rbp);
    panic("Fatal exception %s on %s at %s\n", exception_name(regs->vector), cpu,
          symbol_string(regs->rip, sym, sizeof(sym)));
}

static void do_nmi(struct cpu_user_regs *regs)
{
    irq_handler_t fn = __atomic_load_n(&nmi_callback, __ATOMIC_ACQUIRE);
    char cpu[48], sym[128];

    if (fn) {
        fn(regs);
        return;
    }
    cpu_label(cpu, sizeof(cpu));
    printk_level(LOG_WARN, "NMI on %s at %s; ignored\n", cpu,
                 symbol_string(regs->rip, sym, sizeof(sym)));
}

static void do_irq(struct cpu_user_regs *regs)
{
    unsigned int v = (unsigned int)regs->vector & 0xff;
    irq_handler_t fn = __atomic_load_n(&irq_handlers[v], __ATOMIC_ACQUIRE);
    u64 bit = 1ULL << (v % 64);

    if (fn) {
        fn(regs);
        return;
    }
    /* Report each stray vector once: a storm of them must not flood the console. */
    if (!(__atomic_fetch_or(&unhandled_reported[v / 64], bit, __ATOMIC_RELAXED) & bit))
        pr_warn("Interrupt on vector %#x, which has no handler; ignored\n", v);
}

/*
 * #DB in the hypervisor. It arms no breakpoints of its own, so a guest's
 * fired here: its DR0-3 stay loaded while it is the CPU's vCPU, and QEMU
 * keeps the breakpoints a guest armed with MOV DR7 even after #VMEXIT has
 * put the host's DR7 back. Say so once and carry on: RF keeps an
 * instruction breakpoint from firing again at once; data breakpoints are
 * traps and simply continue.
 */
static void do_debug(struct cpu_user_regs *regs)
{
    static bool reported;
    char sym[128];

    if (!__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED))
        pr_warn("#DB in the hypervisor at %s (a guest's breakpoint); ignored\n",
                symbol_string(regs->rip, sym, sizeof(sym)));
    regs->rflags |= X86_EFLAGS_RF;
}

void do_trap(struct cpu_user_regs *regs)
{
    u64 fixup;

    if (regs->vector >= FIRST_IRQ_VECTOR) {
        do_irq(regs);
        return;
    }
    if (regs->vector == X86_EXC_NMI) {
        do_nmi(regs);
        return;
    }
    if (regs->vector == X86_EXC_DB && !(regs->cs & 3)) {
        do_debug(regs);
        return;
    }
    fixup = search_exception_table(regs->rip);
    if (fixup && !(regs->cs & 3)) {
        regs->rip = fixup;
        return;
    }
    fatal_exception(regs);
}
