/*
 * Decoding the few instructions the hypervisor must look at itself, where
 * the CPU's exit information falls short (QEMU has neither decode assists
 * nor the IOIO address-size and segment bits).
 *
 * INS/OUTS: the address size and the source segment, from the prefixes
 * (the exit already says which port, direction, size and REP).
 *
 * MOV to a debug register (0F 23 /r): which one, from which register, and
 * the instruction's length.
 *
 * Memory moves that hit emulated MMIO (a nested page fault): what the
 * instruction does with its memory operand, which register it uses, and
 * its length.
 */
#ifndef LARES_INSN_DECODE_H
#define LARES_INSN_DECODE_H

#include <lares/types.h>

/* Segment numbers as SVM's EXITINFO1 encodes them. */
enum io_seg { IO_SEG_ES, IO_SEG_CS, IO_SEG_SS, IO_SEG_DS, IO_SEG_FS, IO_SEG_GS };

struct io_string_insn {
    unsigned int addr_bits; /* 16, 32 or 64 */
    enum io_seg seg;        /* where OUTS reads from (INS always writes ES:rDI) */
};

/*
 * Decode insn[0..len), the whole instruction, run with default address
 * size mode_bits (16, 32 or 64: the code segment's). 0, or -EINVAL if
 * the bytes are not exactly one INS or OUTS (the guest may have changed
 * them since it ran).
 */
int io_string_insn_decode(const u8 *insn, size_t len, unsigned int mode_bits,
                          struct io_string_insn *out);

struct mov_dr_insn {
    unsigned int dr;  /* 0-7 (REX.R, i.e. DR8-15, is refused) */
    unsigned int gpr; /* source register, 0-15 in the ModRM order: rAX rCX rDX rBX rSP ... */
    unsigned int len; /* bytes, prefixes included */
};

/*
 * Decode a MOV to a debug register at insn[0..avail) (avail may run past
 * the instruction). 0, or -EINVAL if the bytes are no such instruction.
 */
int mov_dr_decode(const u8 *insn, size_t avail, unsigned int mode_bits, struct mov_dr_insn *out);

/*
 * The instructions that may touch emulated MMIO: MOV (88, 89, 8A, 8B, the
 * moffs forms A0-A3, C6 /0 and C7 /0 with an immediate), MOVZX and MOVSX
 * (0F B6, 0F B7, 0F BE, 0F BF), MOVSXD (63, 64-bit mode only), and the
 * string moves MOVS (A4, A5) and STOS (AA, AB), optionally REP.
 */
enum mem_insn_kind {
    MEM_LOAD,  /* a register <- memory */
    MEM_STORE, /* memory <- a register or an immediate */
    MEM_MOVS,  /* ES:[rDI] <- seg:[rSI], element by element */
    MEM_STOS,  /* ES:[rDI] <- rAX, element by element */
};

struct mem_insn {
    enum mem_insn_kind kind;
    unsigned int size;      /* bytes of memory per access (per element): 1, 2, 4 or 8 */
    unsigned int reg_size;  /* loads: bytes of the register written (MOVZX/MOVSX widen) */
    bool sign_extend;       /* loads: MOVSX, MOVSXD */
    unsigned int reg;       /* the register operand, 0-15 in ModRM order (rAX for moffs) */
    bool high_byte;         /* reg 0-3 stands for AH, CH, DH, BH (byte operand, no REX) */
    bool has_imm;           /* stores: the source is imm, not reg */
    u64 imm;                /* sign-extended to 64 bits */
    bool rep;               /* MOVS/STOS: F2 or F3 */
    unsigned int addr_bits; /* address size: 16, 32 or 64 (string ops: of rSI, rDI, rCX) */
    enum io_seg seg;        /* MOVS: the source segment (DS unless overridden) */
    unsigned int len;       /* bytes, prefixes included */
};

/*
 * Decode the instruction at insn[0..avail) (avail may run past it), run
 * with default operand and address size mode_bits (16, 32 or 64). 0, or
 * -EINVAL if the bytes are none of the instructions above with a memory
 * operand (register forms, LOCK, longer than 15 bytes, cut short).
 */
int mem_insn_decode(const u8 *insn, size_t avail, unsigned int mode_bits, struct mem_insn *out);

/*
 * The register value after a MEM_LOAD of data (the memory's size bytes,
 * zero-extended) into a register holding old: bytes and words merge into
 * the old value, doublewords zero-extend to 64 bits, as the CPU does.
 */
u64 mem_insn_load_result(const struct mem_insn *m, u64 old, u64 data);

#endif
