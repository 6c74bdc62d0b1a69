/*
 * INS/OUTS: the address size and the source segment of a string I/O
 * instruction, read from its prefixes.
 *
 * SVM hardware reports both in the IOIO exit information; QEMU's TCG
 * leaves those fields zero, so the hypervisor decodes the instruction
 * bytes instead (only the prefixes: the exit already says which port,
 * direction, size and REP).
 */
#ifndef LARES_IO_STRING_INSN_H
#define LARES_IO_STRING_INSN_H

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

#endif
