/* Instruction decoding: INS/OUTS prefixes, MOV to a debug register. */
#include "unit.h"

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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
