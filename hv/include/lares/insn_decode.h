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

#endif
