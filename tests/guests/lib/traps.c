/*
 * IDT, TSS and the exception dispatcher of test guests.
 *
 * do_trap() decides, in this order, where an exception goes:
 *   1. `int $USER_RETURN_VECTOR` or any fault at CPL 3 while exec_user()
 *      is active: back to exec_user()'s caller;
 *   2. a fault at CPL 0 on an instruction listed in the exception table:
 *      to its fixup, %rax = exinfo;
 *   3. a fault at CPL 0 inside exec_expect_fault(): back to its caller;
 *   4. anything else: register dump and panic (the test crashed).
 */
#include <guest.h>
#include <lares/string.h>

struct idt_gate {
    u16 offset_lo;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_hi;
    u32 reserved;
};
BUILD_BUG_ON(sizeof(struct idt_gate) != 16);

struct tss64 {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iopb_offset;
} __packed;
BUILD_BUG_ON(sizeof(struct tss64) != 0x68);

struct extable_entry {
    u64 insn;
    u64 fixup;
};

struct desc_ptr {
    u16 limit;
    u64 base;
} __packed;

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60
#define IST_DOUBLE_FAULT 1

extern const char trap_stubs[];
extern u64 gdt[];
extern const struct extable_entry __ex_table_start[], __ex_table_end[];
extern u64 catch_rsp, user_return_rsp;
extern const char catch_landing[], user_landing[];
u64 exec_catch_asm(void (*fn)(void *), void *arg);
u64 exec_user_asm(u64 (*fn)(void *), void *arg, u64 user_stack_top);
void do_trap(struct cpu_regs *regs);

static struct idt_gate idt[256] __aligned(16);
static struct tss64 tss __aligned(16);
static u8 kernel_entry_stack[8192] __aligned(16); /* TSS.RSP0: entries from CPL 3 */
static u8 double_fault_stack[4096] __aligned(16);
static u8 user_stack[8192] __aligned(16);
static exinfo_t user_fault;
static irq_handler_t irq_handlers[256];

u64 last_fault_cr2;

static const char *const names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE",  "#CP",
    "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *vector_name(unsigned int vector)
{
    return vector < 32 ? names[vector] : "IRQ";
}

static bool vector_has_error_code(unsigned int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

char *exinfo_str(exinfo_t e, char *buf, size_t size)
{
    unsigned int v = exinfo_vector(e);

    if (!(e & EXINFO_FAULTED))
        format(buf, size, "none");
    else if (v >= 32)
        format(buf, size, "vector %u", v);
    else if (vector_has_error_code(v))
        format(buf, size, "%s(%#x)", names[v], exinfo_error_code(e));
    else
        format(buf, size, "%s", names[v]);
    return buf;
}

static void set_gate(unsigned int vec, const void *handler, unsigned int dpl, unsigned int ist)
{
    u64 a = (u64)handler;

    idt[vec] = (struct idt_gate){
        .offset_lo = a & 0xffff,
        .selector = KERNEL_CS,
        .ist = ist,
        .type_attr = GATE_INTERRUPT | (dpl ? GATE_DPL3 : 0),
        .offset_mid = (a >> 16) & 0xffff,
        .offset_hi = a >> 32,
    };
}

static void load_tss(void)
{
    u64 base = (u64)&tss;
    u64 limit = sizeof(tss) - 1;

    tss.rsp[0] = (u64)kernel_entry_stack + sizeof(kernel_entry_stack);
    tss.ist[IST_DOUBLE_FAULT - 1] = (u64)double_fault_stack + sizeof(double_fault_stack);
    tss.iopb_offset = sizeof(tss); /* no I/O bitmap: CPL 3 has no port access */

    /* 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    gdt[TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[TSS_SEL / 8 + 1] = base >> 32;
    __asm__ __volatile__("ltr %w0" ::"r"(TSS_SEL));
}

void traps_init(void)
{
    struct desc_ptr idtr = {.limit = sizeof(idt) - 1, .base = (u64)idt};

    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, trap_stubs + 16 * v, v == USER_RETURN_VECTOR, 0);
    set_gate(X86_EXC_DF, trap_stubs + 16 * X86_EXC_DF, 0, IST_DOUBLE_FAULT);
    __asm__ __volatile__("lidt %0" ::"m"(idtr));
    load_tss();
}

void traps_init_ap(void)
{
    struct desc_ptr idtr = {.limit = sizeof(idt) - 1, .base = (u64)idt};

    __asm__ __volatile__("lidt %0" ::"m"(idtr));
}

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
    if (vector < 256 && (vector >= 32 || vector == X86_EXC_NMI) && vector != USER_RETURN_VECTOR)
        __atomic_store_n(&irq_handlers[vector], fn, __ATOMIC_RELEASE);
}

void load_empty_idt(void)
{
    struct desc_ptr idtr = {.limit = 0, .base = 0};

    __asm__ __volatile__("lidt %0" ::"m"(idtr));
}

static const struct extable_entry *search_extable(u64 rip)
{
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->insn == rip)
            return e;
    return NULL;
}

static void dump_regs(const struct cpu_regs *r)
{
    char ex[32];

    printk("Unhandled exception %s at CPL %lu\n",
           exinfo_str(EXINFO(r->vector, r->error_code), ex, sizeof(ex)), r->cs & 3);
    printk("RIP %04lx:%016lx RFLAGS %016lx\n", r->cs, r->rip, r->rflags);
    printk("RSP %04lx:%016lx CR2 %016lx\n", r->ss, r->rsp, read_cr2());
    printk("RAX %016lx RBX %016lx RCX %016lx\n", r->rax, r->rbx, r->rcx);
    printk("RDX %016lx RSI %016lx RDI %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("RBP %016lx R8  %016lx R9  %016lx\n", r->rbp, r->r8, r->r9);
    printk("R10 %016lx R11 %016lx R12 %016lx\n", r->r10, r->r11, r->r12);
    printk("R13 %016lx R14 %016lx R15 %016lx\n", r->r13, r->r14, r->r15);
    printk("CR0 %016lx CR3 %016lx CR4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

/* Resume at `where` in kernel mode, on `rsp`, with %rax = rax. */
static void resume_kernel_at(struct cpu_regs *r, const void *where, u64 rsp, u64 rax)
{
    r->rip = (u64)where;
    r->cs = KERNEL_CS;
    r->ss = KERNEL_DS;
    r->rsp = rsp;
    r->rflags &= ~X86_EFLAGS_IF;
    r->rax = rax;
}

void do_trap(struct cpu_regs *r)
{
    bool from_user = (r->cs & 3) == 3;
    exinfo_t info = EXINFO(r->vector, r->error_code);
    const struct extable_entry *fixup;

    if (r->vector < 256) {
        irq_handler_t h = __atomic_load_n(&irq_handlers[r->vector], __ATOMIC_ACQUIRE);

        if (h) {
            h(r);
            return;
        }
    }
    if (r->vector == X86_EXC_PF)
        last_fault_cr2 = read_cr2();

    if (from_user && user_return_rsp) {
        bool returned = r->vector == USER_RETURN_VECTOR;

        user_fault = returned ? 0 : info;
        resume_kernel_at(r, user_landing, user_return_rsp, returned ? r->rax : 0);
        return;
    }
    if (!from_user && r->vector < 32 && r->vector != X86_EXC_DF) {
        fixup = search_extable(r->rip);
        if (fixup) {
            r->rip = fixup->fixup;
            r->rax = info;
            return;
        }
        if (catch_rsp) {
            resume_kernel_at(r, catch_landing, catch_rsp, info);
            return;
        }
    }
    dump_regs(r);
    panic("unexpected exception %s", vector_name(r->vector));
}

exinfo_t exec_expect_fault(void (*fn)(void *), void *arg)
{
    if (catch_rsp)
        panic("exec_expect_fault() does not nest");
    return exec_catch_asm(fn, arg);
}

u64 exec_user(u64 (*fn)(void *), void *arg, exinfo_t *fault)
{
    u64 ret;

    if (user_return_rsp)
        panic("exec_user() does not nest");
    user_fault = 0;
    ret = exec_user_asm(fn, arg, (u64)user_stack + sizeof(user_stack));
    if (fault)
        *fault = user_fault;
    return ret;
}

exinfo_t rdmsr_safe(u32 msr, u64 *val)
{
    exinfo_t fault;
    u64 v;

    __asm__ __volatile__("1: rdmsr\n\t"
                         "shl $32, %%rdx\n\t"
                         "or %%rdx, %%rax\n\t"
                         "mov %%rax, %[v]\n\t"
                         "xor %%eax, %%eax\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(fault), [v] "=&r"(v)
                         : "c"(msr)
                         : "rdx");
    if (!fault)
        *val = v;
    return fault;
}

exinfo_t wrmsr_safe(u32 msr, u64 val)
{
    exinfo_t fault;

    __asm__ __volatile__("1: wrmsr\n\t"
                         "xor %%eax, %%eax\n"
                         "2:\n" ASM_EXTABLE(1b, 2b)
                         : "=a"(fault)
                         : "c"(msr), "0"((u32)val), "d"((u32)(val >> 32))
                         : "memory");
    return fault;
}
