/*
 * mmio_null: guest-physical addresses in the platform MMIO window below
 * 4 GiB (IO-APIC 0xfec00000, HPET 0xfed00000, xAPIC page 0xfee00000, up
 * to 0xff000000) that nothing backs behave like an empty bus, as under
 * Xen without a device model: every read returns all ones, writes are
 * dropped, and the instruction completes -- its destination register
 * takes exactly the bits the CPU would write, every other register and
 * RFLAGS stay as they were, and execution continues right after it.
 *
 * Each probe loads all general-purpose registers and RFLAGS from a
 * struct, runs one instruction, and stores them back: a wrong result, a
 * clobbered register or a wrongly advanced RIP shows up as a difference.
 * String moves (MOVS, STOS, with REP, both directions) run element by
 * element through the window and RAM, and a fault part-way stops them with
 * the registers showing how far they got.
 *
 * With "crash=1" on its command line the guest instead does an ADD to the
 * window, which the hypervisor does not emulate: the domain must be
 * crashed with a report naming the address and the instruction. With
 * "crash=2" it moves its stack into the window and takes a page fault on a
 * MOV: the exception's frame is pushed into the window, which is no access
 * by the MOV and must crash the domain too, not skip the MOV.
 */
#include <guest.h>

const char test_title[] = "mmio_null: unclaimed platform MMIO reads all-ones, drops writes";

#define X86_EFLAGS_DF (1ul << 10)
#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define RBP 5
#define RSI 6
#define RDI 7
#define R8 8
#define R9 9
#define R10 10
#define R11 11
#define R12 12
#define R13 13
#define R14 14
#define R15 15

/* Virtual addresses (inside the guest's own test window) and what they map. */
#define WIN_VA 0x40400000ul         /* 3 pages: GPA 0xfec00000.. (IO-APIC) */
#define HPET_VA (WIN_VA + 0x10000)  /* GPA 0xfed00000 */
#define LAPIC_VA (WIN_VA + 0x11000) /* GPA 0xfee00000 */
#define TOP_VA (WIN_VA + 0x12000)   /* GPA 0xfeff7000, below Lares' special pages */
#define USER_VA (WIN_VA + 0x13000)  /* GPA 0xfec10000, user-accessible */
#define EDGE_VA (WIN_VA + 0x20000)  /* GPA 0xfec04000, then RAM at EDGE_VA + 4 KiB */
#define STOP_VA (WIN_VA + 0x30000)  /* GPA 0xfec05000, nothing mapped after it */

/* Registers in ModRM order (index 4, RSP, is not loaded), then RFLAGS. */
struct gprs {
    u64 r[16];
    u64 rflags;
};

/*
 * PROBE name, insn: name(struct gprs *) runs insn with the registers from
 * the struct and stores them back. A fault in insn resumes after it with
 * RAX = the exinfo (guest/traps.h), the other registers as they were.
 */
__asm__(".macro PROBE name, insn:vararg\n"
        "  .pushsection .text\n"
        "  .globl \\name\n"
        "\\name:\n"
        "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
        "  push %rdi\n"
        "  pushq 128(%rdi); popfq\n"
        "  mov 0(%rdi), %rax; mov 8(%rdi), %rcx; mov 16(%rdi), %rdx; mov 24(%rdi), %rbx\n"
        "  mov 40(%rdi), %rbp; mov 48(%rdi), %rsi; mov 64(%rdi), %r8; mov 72(%rdi), %r9\n"
        "  mov 80(%rdi), %r10; mov 88(%rdi), %r11; mov 96(%rdi), %r12; mov 104(%rdi), %r13\n"
        "  mov 112(%rdi), %r14; mov 120(%rdi), %r15; mov 56(%rdi), %rdi\n"
        "1: \\insn\n"
        "2: xchg %rdi, (%rsp)\n"
        "  pushfq; popq 128(%rdi); cld\n"
        "  mov %rax, 0(%rdi); mov %rcx, 8(%rdi); mov %rdx, 16(%rdi); mov %rbx, 24(%rdi)\n"
        "  mov %rbp, 40(%rdi); mov %rsi, 48(%rdi); mov %r8, 64(%rdi); mov %r9, 72(%rdi)\n"
        "  mov %r10, 80(%rdi); mov %r11, 88(%rdi); mov %r12, 96(%rdi); mov %r13, 104(%rdi)\n"
        "  mov %r14, 112(%rdi); mov %r15, 120(%rdi); popq 56(%rdi)\n"
        "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
        "  ret\n"
        "  .pushsection .ex_table, \"a\"\n"
        "  .balign 8\n"
        "  .quad 1b, 2b\n"
        "  .popsection\n"
        "  .popsection\n"
        ".endm\n");

#define PROBE(name, insn)                                                                          \
    void name(struct gprs *g);                                                                     \
    __asm__("PROBE " #name ", " insn "\n")

/* Loads of every width and form; RSI holds a window address. */
PROBE(load_b_al, "movb (%rsi), %al");
PROBE(load_b_ah, "movb (%rsi), %ah");
PROBE(load_b_dil, "movb 1(%rsi), %dil");
PROBE(load_b_r9b, "movb 3(%rsi), %r9b");
PROBE(load_w_dx, "movw 2(%rsi), %dx");
PROBE(load_l_r10d, "movl 0x10(%rsi), %r10d");
PROBE(load_q_rbx, "movq 0x100(%rsi), %rbx");
PROBE(load_l_abs, "movl 0x40400020, %ecx");
PROBE(load_q_hpet_moffs, "movabsq 0x40410000, %rax");
PROBE(load_b_top_moffs, "movabsb 0x40412ff0, %al");
PROBE(load_l_lapic_index, "movl 0xf0(%rsi,%rbp,4), %r8d");
PROBE(movzbl_r11d, "movzbl (%rsi), %r11d");
PROBE(movzwq_r12, "movzwq (%rsi), %r12");
PROBE(movsbw_r13w, "movsbw (%rsi), %r13w");
PROBE(movswl_r14d, "movswl (%rsi), %r14d");
PROBE(movslq_r15, "movslq (%rsi), %r15");
/* Stores of every width and form. */
PROBE(store_b_ah, "movb %ah, (%rsi)");
PROBE(store_w_imm, "movw $0x1234, 2(%rsi)");
PROBE(store_l_r8d, "movl %r8d, 4(%rsi)");
PROBE(store_q_rdx, "movq %rdx, 8(%rsi)");
PROBE(store_q_imm, "movq $-2, 0x18(%rsi)");
PROBE(store_l_abs_imm, "movl $0x55aa55aa, 0x40400020");
PROBE(store_q_moffs, "movabsq %rax, 0x40410008");
/* String moves. */
PROBE(rep_stosl, "rep stosl");
PROBE(rep_stosb, "rep stosb");
PROBE(rep_stosw, "rep stosw");
PROBE(rep_movsb, "rep movsb");
PROBE(rep_movsq, "rep movsq");
PROBE(movsw_once, "movsw");
/* Not emulated: crashes the domain. */
PROBE(add_to_window, "addl $1, (%rsi)");
/* fault_onto_window_stack(stack, addr): a #PF at the MOV to addr, its frame pushed onto stack. */
void fault_onto_window_stack(u64 stack, u64 addr);
__asm__(".pushsection .text\n"
        "fault_onto_window_stack:\n"
        "  mov %rdi, %rsp\n"
        "  movl %eax, (%rsi)\n"
        "  ud2\n"
        ".popsection\n");

static u8 ram_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
static u8 buf[256];

/* Registers filled with distinct patterns, RSI at addr. */
static struct gprs regs_at(u64 addr)
{
    struct gprs g;

    for (unsigned int i = 0; i < 16; i++)
        g.r[i] = 0x1111111111111111ull * (i + 1) ^ 0x0123456789abcdefull;
    g.r[4] = 0;
    g.r[RSI] = addr;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(g.rflags));
    return g;
}

static const char *const reg_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* Run probe from `before`; every register must equal `before` except reg, which must be want. */
static void expect_one(const char *what, void (*probe)(struct gprs *), struct gprs before, int reg,
                       u64 want)
{
    struct gprs g = before;

    probe(&g);
    for (int i = 0; i < 16; i++) {
        u64 expected = i == reg ? want : before.r[i];

        check(g.r[i] == expected, "%s: %s is %#lx, expected %#lx", what, reg_names[i], g.r[i],
              expected);
    }
    check(g.rflags == before.rflags, "%s: rflags %#lx, expected %#lx", what, g.rflags,
          before.rflags);
}

static void loads(void)
{
    struct gprs g = regs_at(WIN_VA);
    u64 *r = g.r;

    expect_one("movb (%rsi),%al", load_b_al, g, RAX, r[RAX] | 0xff);
    expect_one("movb (%rsi),%ah", load_b_ah, g, RAX, r[RAX] | 0xff00);
    expect_one("movb 1(%rsi),%dil", load_b_dil, g, RDI, r[RDI] | 0xff);
    expect_one("movb 3(%rsi),%r9b", load_b_r9b, g, R9, r[R9] | 0xff);
    expect_one("movw 2(%rsi),%dx", load_w_dx, g, RDX, r[RDX] | 0xffff);
    expect_one("movl 0x10(%rsi),%r10d", load_l_r10d, g, R10, 0xffffffffull);
    expect_one("movq 0x100(%rsi),%rbx", load_q_rbx, g, RBX, ~0ull);
    expect_one("movl 0x40400020,%ecx", load_l_abs, g, RCX, 0xffffffffull);
    expect_one("movabs HPET,%rax", load_q_hpet_moffs, g, RAX, ~0ull);
    expect_one("movabs 0xfeff7ff0,%al", load_b_top_moffs, g, RAX, r[RAX] | 0xff);
    g.r[RBP] = (LAPIC_VA - WIN_VA) / 4; /* index*4 + base: the xAPIC page's SPIV */
    expect_one("movl 0xf0(%rsi,%rbp,4),%r8d", load_l_lapic_index, g, R8, 0xffffffffull);
    g = regs_at(WIN_VA);
    expect_one("movzbl (%rsi),%r11d", movzbl_r11d, g, R11, 0xff);
    expect_one("movzwq (%rsi),%r12", movzwq_r12, g, R12, 0xffff);
    expect_one("movsbw (%rsi),%r13w", movsbw_r13w, g, R13, r[R13] | 0xffff);
    expect_one("movswl (%rsi),%r14d", movswl_r14d, g, R14, 0xffffffffull);
    expect_one("movslq (%rsi),%r15", movslq_r15, g, R15, ~0ull);
    printk("  loads: 1, 2, 4 and 8 bytes, moffs, SIB, MOVZX/MOVSX/MOVSXD read all-ones\n");
}

static void stores(void)
{
    struct gprs g = regs_at(WIN_VA);

    expect_one("movb %ah,(%rsi)", store_b_ah, g, -1, 0);
    expect_one("movw $0x1234,2(%rsi)", store_w_imm, g, -1, 0);
    expect_one("movl %r8d,4(%rsi)", store_l_r8d, g, -1, 0);
    expect_one("movq %rdx,8(%rsi)", store_q_rdx, g, -1, 0);
    expect_one("movq $-2,0x18(%rsi)", store_q_imm, g, -1, 0);
    expect_one("movl $imm,0x40400020", store_l_abs_imm, g, -1, 0);
    expect_one("movabs %rax,HPET+8", store_q_moffs, g, -1, 0);
    /* Nothing was kept. */
    check(*(volatile u64 *)(WIN_VA + 8) == ~0ull, "a 64-bit write to the window was kept");
    check(*(volatile u32 *)(WIN_VA + 0x20) == ~0u, "a 32-bit write to the window was kept");
    check(*(volatile u16 *)(WIN_VA + 2) == 0xffff, "a 16-bit write to the window was kept");
    check(*(volatile u8 *)(HPET_VA + 8) == 0xff, "a write to the HPET page was kept");
    printk("  stores: dropped, reads afterwards still all-ones\n");
}

static void string_moves(void)
{
    struct gprs g, out;
    u64 flags;

    /* REP STOSL into the window: 16 elements dropped, RDI and RCX advanced. */
    g = regs_at(0);
    g.r[RDI] = WIN_VA + 0x40;
    g.r[RCX] = 16;
    out = g;
    rep_stosl(&out);
    check(out.r[RCX] == 0 && out.r[RDI] == WIN_VA + 0x80, "rep stosl: rcx %#lx rdi %#lx",
          out.r[RCX], out.r[RDI]);
    check(*(volatile u32 *)(WIN_VA + 0x40) == ~0u, "rep stosl into the window was kept");

    /* Backwards (DF=1): RDI goes down, DF stays set. */
    g.r[RDI] = WIN_VA + 0x100;
    g.r[RCX] = 8;
    flags = g.rflags;
    g.rflags |= X86_EFLAGS_DF;
    out = g;
    rep_stosw(&out);
    check(out.r[RCX] == 0 && out.r[RDI] == WIN_VA + 0x100 - 16 && (out.rflags & X86_EFLAGS_DF),
          "std; rep stosw: rcx %#lx rdi %#lx rflags %#lx", out.r[RCX], out.r[RDI], out.rflags);
    g.rflags = flags;

    /* REP MOVSB from the window into RAM: the bytes read as all-ones. */
    memset(buf, 0, sizeof(buf));
    g.r[RSI] = WIN_VA + 1;
    g.r[RDI] = (u64)buf;
    g.r[RCX] = 100;
    out = g;
    rep_movsb(&out);
    check(out.r[RCX] == 0 && out.r[RSI] == WIN_VA + 101 && out.r[RDI] == (u64)buf + 100,
          "rep movsb from the window: rcx %#lx rsi %#lx rdi %#lx", out.r[RCX], out.r[RSI],
          out.r[RDI]);
    check(buf[0] == 0xff && buf[99] == 0xff && buf[100] == 0,
          "rep movsb from the window wrote %#x %#x %#x", buf[0], buf[99], buf[100]);

    /* MOVSQ from RAM into the window: dropped. One MOVSW: RCX untouched. */
    g.r[RSI] = (u64)buf;
    g.r[RDI] = WIN_VA;
    g.r[RCX] = 4;
    out = g;
    rep_movsq(&out);
    check(out.r[RCX] == 0 && out.r[RSI] == (u64)buf + 32 && out.r[RDI] == WIN_VA + 32,
          "rep movsq into the window: rcx %#lx rsi %#lx rdi %#lx", out.r[RCX], out.r[RSI],
          out.r[RDI]);
    g.r[RSI] = HPET_VA;
    g.r[RDI] = (u64)buf + 200;
    g.r[RCX] = 77;
    buf[200] = buf[201] = 0;
    out = g;
    movsw_once(&out);
    check(out.r[RCX] == 77 && out.r[RSI] == HPET_VA + 2 && out.r[RDI] == (u64)buf + 202 &&
              buf[200] == 0xff && buf[201] == 0xff,
          "movsw from the HPET page: rcx %#lx rsi %#lx rdi %#lx", out.r[RCX], out.r[RSI],
          out.r[RDI]);

    /* 12 KiB: more elements than one exit takes; the instruction restarts until done. */
    g.r[RDI] = WIN_VA;
    g.r[RCX] = 3 * XEN_PAGE_SIZE;
    out = g;
    rep_stosb(&out);
    check(out.r[RCX] == 0 && out.r[RDI] == WIN_VA + 3 * XEN_PAGE_SIZE,
          "rep stosb of 12 KiB: rcx %#lx rdi %#lx", out.r[RCX], out.r[RDI]);
    printk("  string moves: REP STOS/MOVS in both directions, DF=1, 12 KiB runs\n");
}

/* A run that crosses from a window page into a RAM page (adjacent virtual pages). */
static void string_moves_across_the_edge(void)
{
    const u64 edge = EDGE_VA + XEN_PAGE_SIZE;
    struct gprs g = regs_at(0), out;

    /* RAM -> [window | RAM]: only the part in RAM lands. */
    memset(ram_page, 0, sizeof(ram_page));
    memset(buf, 0x5a, sizeof(buf));
    g.r[RSI] = (u64)buf;
    g.r[RDI] = edge - 8;
    g.r[RCX] = 16;
    out = g;
    rep_movsb(&out);
    check(out.r[RCX] == 0 && out.r[RDI] == edge + 8, "rep movsb across the edge: rcx %#lx rdi %#lx",
          out.r[RCX], out.r[RDI]);
    check(ram_page[0] == 0x5a && ram_page[7] == 0x5a && ram_page[8] == 0,
          "rep movsb across the edge wrote %#x %#x %#x into RAM", ram_page[0], ram_page[7],
          ram_page[8]);

    /* [window | RAM] -> RAM: all-ones, then the RAM page's bytes. */
    memset(buf, 0, sizeof(buf));
    g.r[RSI] = edge - 4;
    g.r[RDI] = (u64)buf;
    g.r[RCX] = 8;
    out = g;
    rep_movsb(&out);
    check(out.r[RCX] == 0 && buf[0] == 0xff && buf[3] == 0xff && buf[4] == 0x5a && buf[7] == 0x5a &&
              buf[8] == 0,
          "rep movsb out across the edge: rcx %#lx bytes %#x %#x %#x %#x", out.r[RCX], buf[3],
          buf[4], buf[7], buf[8]);

    /* Into an unmapped page after the window: #PF there, RCX/RDI say how far it got. */
    g.r[RDI] = STOP_VA + XEN_PAGE_SIZE - 4;
    g.r[RCX] = 10;
    g.r[RAX] = 0;
    out = g;
    rep_stosb(&out);
    check(out.r[RAX] == EXINFO(X86_EXC_PF, PFEC_WRITE) && last_fault_cr2 == STOP_VA + XEN_PAGE_SIZE,
          "rep stosb into an unmapped page: fault %#lx, cr2 %#lx", out.r[RAX], last_fault_cr2);
    check(out.r[RCX] == 6 && out.r[RDI] == STOP_VA + XEN_PAGE_SIZE,
          "rep stosb stopped with rcx %#lx rdi %#lx", out.r[RCX], out.r[RDI]);
    printk("  string moves across window/RAM pages; a fault stops them exactly\n");
}

static u64 user_read(void *arg)
{
    return *(volatile u64 *)arg;
}

static void user_mode(void)
{
    exinfo_t f = 0;
    u64 v = exec_user(user_read, (void *)USER_VA, &f);
    char b[32];

    check(!f && v == ~0ull, "a read at CPL 3: %#lx, fault %s", v, exinfo_str(f, b, sizeof(b)));
    printk("  a read at CPL 3 reads all-ones too\n");
}

static bool map_all(void)
{
    static const struct {
        u64 va, gpa, flags;
    } maps[] = {
        {WIN_VA, 0xfec00000, PTE_WRITE},
        {WIN_VA + 0x1000, 0xfec01000, PTE_WRITE},
        {WIN_VA + 0x2000, 0xfec02000, PTE_WRITE},
        {HPET_VA, 0xfed00000, PTE_WRITE | PTE_PCD},
        {LAPIC_VA, 0xfee00000, PTE_WRITE | PTE_PCD},
        {TOP_VA, 0xfeff7000, PTE_WRITE},
        {USER_VA, 0xfec10000, PTE_USER},
        {EDGE_VA, 0xfec04000, PTE_WRITE},
        {STOP_VA, 0xfec05000, PTE_WRITE},
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(maps); i++)
        if (map_page(maps[i].va, maps[i].gpa, maps[i].flags))
            return false;
    unmap_page(STOP_VA + XEN_PAGE_SIZE);
    return !map_page(EDGE_VA + XEN_PAGE_SIZE, (u64)ram_page, PTE_WRITE);
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (!map_all()) {
        test_error("map_page failed");
        return;
    }
    if (cmdline_number("crash", 0) == 1) {
        struct gprs g = regs_at(WIN_VA);

        printk("ADD to the window at %#lx (must crash the domain)\n", WIN_VA);
        add_to_window(&g);
        test_failure("ADD to unclaimed MMIO completed (rax %#lx)", g.r[RAX]);
        return;
    }
    if (cmdline_number("crash", 0) == 2) {
        printk("a page fault with the stack in the window (must crash the domain)\n");
        fault_onto_window_stack(WIN_VA + 0x800, STOP_VA + XEN_PAGE_SIZE);
    }
    loads();
    stores();
    string_moves();
    string_moves_across_the_edge();
    user_mode();
    test_success();
}
