/* Instruction decoding: INS/OUTS prefixes, MOV to a debug register, memory moves. */
#include "unit.h"

#include <string.h>

#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/insn_decode.h>

static struct io_string_insn decode_ok(const u8 *b, size_t len, unsigned mode)
{
    struct io_string_insn d = {0, IO_SEG_ES};

    assert_int_equal(io_string_insn_decode(b, len, mode, &d), 0);
    return d;
}

static void plain_instructions_use_the_mode_defaults(void **state)
{
    static const u8 insb[] = {0x6c}, outsd[] = {0x6f};

    assert_int_equal(decode_ok(insb, 1, 64).addr_bits, 64);
    assert_int_equal(decode_ok(insb, 1, 32).addr_bits, 32);
    assert_int_equal(decode_ok(insb, 1, 16).addr_bits, 16);
    assert_int_equal(decode_ok(outsd, 1, 64).seg, IO_SEG_DS);
}

static void address_size_prefix_switches_to_the_other_size(void **state)
{
    static const u8 rep_insl32[] = {0x67, 0xf3, 0x6d}, rep_outsw[] = {0xf3, 0x66, 0x67, 0x6f};

    assert_int_equal(decode_ok(rep_insl32, 3, 64).addr_bits, 32);
    assert_int_equal(decode_ok(rep_insl32, 3, 32).addr_bits, 16);
    assert_int_equal(decode_ok(rep_insl32, 3, 16).addr_bits, 32);
    assert_int_equal(decode_ok(rep_outsw, 4, 64).addr_bits, 32);
}

static void last_segment_override_wins(void **state)
{
    static const u8 fs[] = {0x64, 0x6e}, es_then_gs[] = {0x26, 0xf3, 0x65, 0x6e};
    static const u8 cs[] = {0x2e, 0x6e}, ss[] = {0x36, 0x6e}, ds[] = {0x3e, 0x6e};

    assert_int_equal(decode_ok(fs, 2, 64).seg, IO_SEG_FS);
    assert_int_equal(decode_ok(es_then_gs, 4, 32).seg, IO_SEG_GS);
    assert_int_equal(decode_ok(cs, 2, 32).seg, IO_SEG_CS);
    assert_int_equal(decode_ok(ss, 2, 32).seg, IO_SEG_SS);
    assert_int_equal(decode_ok(ds, 2, 32).seg, IO_SEG_DS);
}

static void rex_only_in_64_bit_mode_and_right_before_the_opcode(void **state)
{
    static const u8 rex_last[] = {0xf3, 0x48, 0x6c}, rex_early[] = {0x48, 0xf3, 0x6c};
    struct io_string_insn d;

    assert_int_equal(decode_ok(rex_last, 3, 64).addr_bits, 64);
    assert_int_equal(io_string_insn_decode(rex_early, 3, 64, &d), -EINVAL);
    /* In 32-bit code 0x48 is DEC EAX, not a prefix. */
    assert_int_equal(io_string_insn_decode(rex_last, 3, 32, &d), -EINVAL);
}

static void anything_else_is_refused(void **state)
{
    static const u8 vmmcall[] = {0x0f, 0x01, 0xd9}, out_imm[] = {0xe6, 0x80}, none[1] = {0};
    static const u8 too_long[16] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x6c};
    struct io_string_insn d;

    assert_int_equal(io_string_insn_decode(vmmcall, 3, 64, &d), -EINVAL);
    assert_int_equal(io_string_insn_decode(out_imm, 2, 64, &d), -EINVAL);
    assert_int_equal(io_string_insn_decode(none, 0, 64, &d), -EINVAL);
    assert_int_equal(io_string_insn_decode(too_long, 16, 64, &d), -EINVAL);
    assert_int_equal(decode_ok(too_long + 1, 15, 64).addr_bits, 64);
    assert_int_equal(io_string_insn_decode(too_long + 1, 15, 8, &d), -EINVAL);
}

static struct mov_dr_insn mov_dr_ok(const u8 *b, size_t avail, unsigned mode)
{
    struct mov_dr_insn m = {99, 99, 99};

    assert_int_equal(mov_dr_decode(b, avail, mode, &m), 0);
    return m;
}

static void mov_to_debug_registers(void **state)
{
    static const u8 dr7_rax[] = {0x0f, 0x23, 0xf8, 0x90}, dr0_r9[] = {0x41, 0x0f, 0x23, 0xc1};
    static const u8 dr3_ebx_pfx[] = {0x66, 0x2e, 0x0f, 0x23, 0xdb}, dr6_mod0[] = {0x0f, 0x23, 0x36};
    struct mov_dr_insn m;

    m = mov_dr_ok(dr7_rax, sizeof(dr7_rax), 64);
    assert_int_equal(m.dr, 7);
    assert_int_equal(m.gpr, 0);
    assert_int_equal(m.len, 3);
    m = mov_dr_ok(dr0_r9, sizeof(dr0_r9), 64);
    assert_int_equal(m.dr, 0);
    assert_int_equal(m.gpr, 9);
    assert_int_equal(m.len, 4);
    m = mov_dr_ok(dr3_ebx_pfx, sizeof(dr3_ebx_pfx), 32);
    assert_int_equal(m.dr, 3);
    assert_int_equal(m.gpr, 3);
    assert_int_equal(m.len, 5);
    /* mod != 3 still names a register. */
    m = mov_dr_ok(dr6_mod0, sizeof(dr6_mod0), 32);
    assert_int_equal(m.dr, 6);
    assert_int_equal(m.gpr, 6);
}

static void not_a_mov_to_a_debug_register(void **state)
{
    static const u8 read_dr7[] = {0x0f, 0x21, 0xf8}, rexr[] = {0x44, 0x0f, 0x23, 0xc0};
    static const u8 cut[] = {0x0f, 0x23}, rex32[] = {0x41, 0x0f, 0x23, 0xc1};
    static const u8 prefixes[16] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                    0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0x23, 0xc0};
    struct mov_dr_insn m;

    assert_int_equal(mov_dr_decode(read_dr7, 3, 64, &m), -EINVAL);
    assert_int_equal(mov_dr_decode(rexr, 4, 64, &m), -EINVAL); /* DR8 */
    assert_int_equal(mov_dr_decode(cut, 2, 64, &m), -EINVAL);
    assert_int_equal(mov_dr_decode(rex32, 4, 32, &m), -EINVAL);     /* 0x41 is INC in 32-bit code */
    assert_int_equal(mov_dr_decode(prefixes, 16, 64, &m), -EINVAL); /* 16 bytes */
    assert_int_equal(mov_dr_ok(prefixes + 1, 15, 64).len, 15);
}

static struct mem_insn mem_ok(const u8 *b, size_t avail, unsigned mode)
{
    struct mem_insn m;

    memset(&m, 0xa5, sizeof(m));
    assert_int_equal(mem_insn_decode(b, avail, mode, &m), 0);
    return m;
}

/* Bytes as gcc emits them for XTF's and Linux's MMIO accessors. */
static void mov_loads_and_stores_of_each_width(void **state)
{
    static const u8 movabs_rax[] = {0x48, 0xa1, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0}; /* hpet_read64 */
    static const u8 movl_imm_rax[] = {0xc7, 0x00, 0xff, 0x01, 0x00, 0x00};     /* SPIV write */
    static const u8 movl_imm_abs32[] = {0xc7, 0x05, 0xf0, 0x00, 0xe0, 0xfe, 0xff, 0x01, 0, 0};
    static const u8 mov_r8d_rdi[] = {0x44, 0x89, 0x07};       /* mov %r8d,(%rdi) */
    static const u8 mov_rdi_eax[] = {0x8b, 0x07, 0x90};       /* mov (%rdi),%eax; nop */
    static const u8 movw_rsi_ax[] = {0x66, 0x8b, 0x46, 0x10}; /* mov 0x10(%rsi),%ax */
    static const u8 movb_al_rdx[] = {0x88, 0x02};             /* mov %al,(%rdx) */
    struct mem_insn m;

    m = mem_ok(movabs_rax, sizeof(movabs_rax), 64);
    assert_int_equal(m.kind, MEM_LOAD);
    assert_int_equal(m.size, 8);
    assert_int_equal(m.reg_size, 8);
    assert_int_equal(m.reg, 0);
    assert_int_equal(m.len, 10);
    m = mem_ok(movl_imm_rax, sizeof(movl_imm_rax), 64);
    assert_int_equal(m.kind, MEM_STORE);
    assert_true(m.has_imm);
    assert_int_equal(m.imm, 0x1ff);
    assert_int_equal(m.size, 4);
    assert_int_equal(m.len, 6);
    m = mem_ok(movl_imm_abs32, sizeof(movl_imm_abs32), 32);
    assert_int_equal(m.len, 10);
    assert_int_equal(m.size, 4);
    m = mem_ok(mov_r8d_rdi, sizeof(mov_r8d_rdi), 64);
    assert_int_equal(m.kind, MEM_STORE);
    assert_false(m.has_imm);
    assert_int_equal(m.reg, 8);
    assert_int_equal(m.size, 4);
    assert_int_equal(m.len, 3);
    m = mem_ok(mov_rdi_eax, sizeof(mov_rdi_eax), 64);
    assert_int_equal(m.kind, MEM_LOAD);
    assert_int_equal(m.reg, 0);
    assert_int_equal(m.len, 2);
    m = mem_ok(movw_rsi_ax, sizeof(movw_rsi_ax), 32);
    assert_int_equal(m.size, 2);
    assert_int_equal(m.reg_size, 2);
    assert_int_equal(m.len, 4);
    m = mem_ok(movb_al_rdx, sizeof(movb_al_rdx), 64);
    assert_int_equal(m.size, 1);
    assert_int_equal(m.len, 2);
}

static void operand_size_follows_mode_and_prefixes(void **state)
{
    static const u8 mov_load[] = {0x8b, 0x00}, opsize[] = {0x66, 0x8b, 0x00};
    static const u8 rexw_imm[] = {0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff};
    static const u8 imm16[] = {0x66, 0xc7, 0x00, 0x34, 0x12};

    assert_int_equal(mem_ok(mov_load, 2, 64).size, 4);
    assert_int_equal(mem_ok(mov_load, 2, 32).size, 4);
    assert_int_equal(mem_ok(mov_load, 2, 16).size, 2);
    assert_int_equal(mem_ok(opsize, 3, 32).size, 2);
    assert_int_equal(mem_ok(opsize, 3, 16).size, 4);
    /* REX.W: 64 bits, the immediate stays 32 bits and is sign-extended. */
    assert_int_equal(mem_ok(rexw_imm, sizeof(rexw_imm), 64).size, 8);
    assert_int_equal(mem_ok(rexw_imm, sizeof(rexw_imm), 64).imm, (u64)-2);
    assert_int_equal(mem_ok(rexw_imm, sizeof(rexw_imm), 64).len, 7);
    assert_int_equal(mem_ok(imm16, sizeof(imm16), 32).imm, 0x1234);
    assert_int_equal(mem_ok(imm16, sizeof(imm16), 32).len, 5);
}

static void modrm_sib_and_displacement_lengths(void **state)
{
    struct {
        u8 b[12];
        unsigned mode, len;
    } cases[] = {
        {{0x8b, 0x04, 0x24}, 64, 3},                   /* (%rsp): SIB */
        {{0x8b, 0x44, 0x24, 0x08}, 64, 4},             /* 8(%rsp) */
        {{0x8b, 0x84, 0x24, 0, 1, 0, 0}, 64, 7},       /* 0x100(%rsp) */
        {{0x8b, 0x04, 0x25, 0, 0, 0xc0, 0xfe}, 64, 7}, /* 0xfec00000 (SIB, no base) */
        {{0x8b, 0x05, 1, 2, 3, 4}, 64, 6},             /* RIP-relative */
        {{0x8b, 0x45, 0x10}, 32, 3},                   /* 0x10(%ebp) */
        {{0x8b, 0x85, 0, 1, 0, 0}, 32, 6},             /* 0x100(%ebp) */
        {{0x8b, 0x04, 0x8d, 0, 0, 0xc0, 0xfe}, 32, 7}, /* 0xfec00000(,%ecx,4) */
        {{0x8b, 0x06, 0x00, 0xc0}, 16, 4},             /* [disp16] */
        {{0x8b, 0x46, 0x02}, 16, 3},                   /* [bp+2] */
        {{0x8b, 0x87, 0x34, 0x12}, 16, 4},             /* [bx+0x1234] */
        {{0x8b, 0x00}, 16, 2},                         /* [bx+si] */
        {{0x67, 0x8b, 0x06, 0x00, 0xc0}, 32, 5},       /* addr16 in 32-bit code */
        {{0x67, 0x8b, 0x05, 1, 2, 3, 4}, 16, 7},       /* addr32 in 16-bit code */
        {{0x67, 0xa1, 0, 0, 0xc0, 0xfe}, 64, 6},       /* moffs32 in 64-bit code */
        {{0xa1, 0, 0, 0xc0, 0xfe}, 32, 5},             /* moffs32 */
        {{0xa0, 0x10, 0x00}, 16, 3},                   /* moffs16 */
        {{0xc6, 0x44, 0x24, 0x01, 0x7f}, 64, 5},       /* movb $0x7f,1(%rsp) */
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct mem_insn m;

        assert_int_equal(mem_insn_decode(cases[i].b, sizeof(cases[i].b), cases[i].mode, &m), 0);
        if (m.len != cases[i].len)
            fail_msg("case %zu: length %u, expected %u", i, m.len, cases[i].len);
    }
}

static void byte_registers_without_rex_are_the_high_bytes(void **state)
{
    static const u8 mov_ah[] = {0x8a, 0x20}, mov_spl[] = {0x40, 0x8a, 0x20};
    static const u8 store_bh[] = {0x88, 0x38}, mov_r12b[] = {0x44, 0x8a, 0x20};
    struct mem_insn m;

    m = mem_ok(mov_ah, 2, 64);
    assert_true(m.high_byte);
    assert_int_equal(m.reg, 0);
    m = mem_ok(mov_spl, 3, 64);
    assert_false(m.high_byte);
    assert_int_equal(m.reg, 4);
    m = mem_ok(store_bh, 2, 32);
    assert_true(m.high_byte);
    assert_int_equal(m.reg, 3);
    m = mem_ok(mov_r12b, 3, 64);
    assert_false(m.high_byte);
    assert_int_equal(m.reg, 12);
}

static void movzx_movsx_movsxd(void **state)
{
    static const u8 movzbl[] = {0x0f, 0xb6, 0x07}, movzwq[] = {0x48, 0x0f, 0xb7, 0x07};
    static const u8 movsbw[] = {0x66, 0x0f, 0xbe, 0x07}, movswl[] = {0x0f, 0xbf, 0x47, 0x04};
    static const u8 movslq[] = {0x48, 0x63, 0x07}, arpl[] = {0x63, 0x07};
    struct mem_insn m;

    m = mem_ok(movzbl, 3, 64);
    assert_int_equal(m.kind, MEM_LOAD);
    assert_int_equal(m.size, 1);
    assert_int_equal(m.reg_size, 4);
    assert_false(m.sign_extend);
    assert_false(m.high_byte);
    m = mem_ok(movzwq, 4, 64);
    assert_int_equal(m.size, 2);
    assert_int_equal(m.reg_size, 8);
    m = mem_ok(movsbw, 4, 32);
    assert_int_equal(m.size, 1);
    assert_int_equal(m.reg_size, 2);
    assert_true(m.sign_extend);
    m = mem_ok(movswl, 4, 32);
    assert_int_equal(m.len, 4);
    assert_true(m.sign_extend);
    m = mem_ok(movslq, 3, 64);
    assert_int_equal(m.size, 4);
    assert_int_equal(m.reg_size, 8);
    assert_true(m.sign_extend);
    assert_int_equal(mem_insn_decode(arpl, 2, 32, &m), -EINVAL);
}

static void string_moves_and_stores(void **state)
{
    static const u8 rep_stosl[] = {0xf3, 0xab}, movsb[] = {0xa4}, rep_movsq[] = {0xf3, 0x48, 0xa5};
    static const u8 fs_movsw[] = {0x66, 0x64, 0xa5}, a32_rep_stosb[] = {0x67, 0xf3, 0xaa};
    static const u8 repne_stosw[] = {0xf2, 0x66, 0xab}, rep_mov[] = {0xf3, 0x8b, 0x00};
    struct mem_insn m;

    m = mem_ok(rep_stosl, 2, 32);
    assert_int_equal(m.kind, MEM_STOS);
    assert_true(m.rep);
    assert_int_equal(m.size, 4);
    assert_int_equal(m.addr_bits, 32);
    assert_int_equal(m.len, 2);
    m = mem_ok(movsb, 1, 64);
    assert_int_equal(m.kind, MEM_MOVS);
    assert_false(m.rep);
    assert_int_equal(m.seg, IO_SEG_DS);
    assert_int_equal(m.size, 1);
    m = mem_ok(rep_movsq, 3, 64);
    assert_int_equal(m.size, 8);
    assert_int_equal(m.addr_bits, 64);
    m = mem_ok(fs_movsw, 3, 32);
    assert_int_equal(m.seg, IO_SEG_FS);
    assert_int_equal(m.size, 2);
    m = mem_ok(a32_rep_stosb, 3, 64);
    assert_int_equal(m.addr_bits, 32);
    assert_int_equal(mem_ok(a32_rep_stosb, 3, 16).addr_bits, 32);
    assert_true(mem_ok(repne_stosw, 3, 64).rep);
    assert_false(mem_ok(rep_mov, 3, 64).rep);
}

static void rex_counts_only_right_before_the_opcode(void **state)
{
    /* REX.W then an operand-size prefix: the REX is ignored, the move is 16 bits. */
    static const u8 early_rex[] = {0x48, 0x66, 0x8b, 0x00}, late_rex[] = {0x66, 0x48, 0x8b, 0x00};
    /* 32-bit code: 0x48 is DEC EAX, not a prefix. */
    static const u8 dec_eax[] = {0x48, 0x8b, 0x00};
    struct mem_insn m;

    assert_int_equal(mem_ok(early_rex, 4, 64).size, 2);
    assert_int_equal(mem_ok(late_rex, 4, 64).size, 8);
    assert_int_equal(mem_insn_decode(dec_eax, 3, 32, &m), -EINVAL);
}

static void not_a_memory_move(void **state)
{
    static const u8 reg_form[] = {0x89, 0xc0}, lock_mov[] = {0xf0, 0x89, 0x00};
    static const u8 c7_slash1[] = {0xc7, 0x08, 1, 0, 0, 0}, add[] = {0x01, 0x00};
    static const u8 cut_sib[] = {0x8b, 0x04}, cut_imm[] = {0xc7, 0x00, 1, 0, 0};
    static const u8 cut_moffs[] = {0x48, 0xa1, 0, 0, 0xd0, 0xfe}, lods[] = {0xac};
    static const u8 cmp_mem[] = {0x83, 0x38, 0xff}, popcnt[] = {0xf3, 0x0f, 0xb8, 0x00};
    static const u8 vex[] = {0xc5, 0xf9, 0x6f, 0x00}, empty[1] = {0x66};
    static const u8 too_long[17] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                    0x66, 0x66, 0x66, 0x66, 0x8b, 0x04, 0x24, 0x90};
    struct mem_insn m;

    assert_int_equal(mem_insn_decode(reg_form, 2, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(lock_mov, 3, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(c7_slash1, 6, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(add, 2, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(cut_sib, 2, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(cut_imm, 5, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(cut_moffs, 6, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(lods, 1, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(cmp_mem, 3, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(popcnt, 4, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(vex, 4, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(empty, 1, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(empty, 0, 64, &m), -EINVAL);
    assert_int_equal(mem_insn_decode(reg_form, 2, 8, &m), -EINVAL);
    /* 13 prefixes + 3 bytes = 16 > 15; one prefix less fits exactly. */
    assert_int_equal(mem_insn_decode(too_long, sizeof(too_long), 64, &m), -EINVAL);
    assert_int_equal(mem_ok(too_long + 1, sizeof(too_long) - 1, 64).len, 15);
}

static void load_results_merge_or_extend_like_the_cpu(void **state)
{
    const u64 old = 0x1122334455667788ull;
    struct mem_insn m = {.kind = MEM_LOAD};

    m.size = m.reg_size = 1;
    assert_int_equal(mem_insn_load_result(&m, old, 0xff), 0x11223344556677ffull);
    m.high_byte = true;
    assert_int_equal(mem_insn_load_result(&m, old, 0xff), 0x112233445566ff88ull);
    m.high_byte = false;
    m.size = m.reg_size = 2;
    assert_int_equal(mem_insn_load_result(&m, old, 0xffff), 0x112233445566ffffull);
    m.size = m.reg_size = 4;
    assert_int_equal(mem_insn_load_result(&m, old, 0xffffffff), 0xffffffffull);
    m.size = m.reg_size = 8;
    assert_int_equal(mem_insn_load_result(&m, old, ~0ull), ~0ull);
    /* MOVZX / MOVSX of all-ones. */
    m.size = 1;
    m.reg_size = 4;
    assert_int_equal(mem_insn_load_result(&m, old, 0xff), 0xffull);
    m.sign_extend = true;
    assert_int_equal(mem_insn_load_result(&m, old, 0xff), 0xffffffffull);
    m.reg_size = 2;
    assert_int_equal(mem_insn_load_result(&m, old, 0x80), 0x112233445566ff80ull);
    m.size = 4;
    m.reg_size = 8;
    assert_int_equal(mem_insn_load_result(&m, old, 0x80000000), 0xffffffff80000000ull);
    assert_int_equal(mem_insn_load_result(&m, old, 0x7fffffff), 0x7fffffffull);
    m.sign_extend = false;
    m.size = 2;
    assert_int_equal(mem_insn_load_result(&m, old, 0x12345678), 0x5678ull); /* extra bits dropped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_instructions_use_the_mode_defaults),
        cmocka_unit_test(address_size_prefix_switches_to_the_other_size),
        cmocka_unit_test(last_segment_override_wins),
        cmocka_unit_test(rex_only_in_64_bit_mode_and_right_before_the_opcode),
        cmocka_unit_test(anything_else_is_refused),
        cmocka_unit_test(mov_to_debug_registers),
        cmocka_unit_test(not_a_mov_to_a_debug_register),
        cmocka_unit_test(mov_loads_and_stores_of_each_width),
        cmocka_unit_test(operand_size_follows_mode_and_prefixes),
        cmocka_unit_test(modrm_sib_and_displacement_lengths),
        cmocka_unit_test(byte_registers_without_rex_are_the_high_bytes),
        cmocka_unit_test(movzx_movsx_movsxd),
        cmocka_unit_test(string_moves_and_stores),
        cmocka_unit_test(rex_counts_only_right_before_the_opcode),
        cmocka_unit_test(not_a_memory_move),
        cmocka_unit_test(load_results_merge_or_extend_like_the_cpu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
