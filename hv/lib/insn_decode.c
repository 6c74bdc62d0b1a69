/* Decoding INS/OUTS prefixes and MOV to DRn (see lares/insn_decode.h). Facts: Intel SDM vol. 2. */
#include <lares/errno.h>
#include <lares/insn_decode.h>

#define MAX_INSN_LEN 15

static bool is_string_io_opcode(u8 op)
{
    return op >= 0x6c && op <= 0x6f; /* INSB, INSW/D, OUTSB, OUTSW/D */
}

static int segment_override(u8 b)
{
    switch (b) {
    case 0x26:
        return IO_SEG_ES;
    case 0x2e:
        return IO_SEG_CS;
    case 0x36:
        return IO_SEG_SS;
    case 0x3e:
        return IO_SEG_DS;
    case 0x64:
        return IO_SEG_FS;
    case 0x65:
        return IO_SEG_GS;
    default:
        return -1;
    }
}

int io_string_insn_decode(const u8 *insn, size_t len, unsigned int mode_bits,
                          struct io_string_insn *out)
{
    bool addr_override = false;
    enum io_seg seg = IO_SEG_DS;
    size_t i;

    if (len == 0 || len > MAX_INSN_LEN || (mode_bits != 16 && mode_bits != 32 && mode_bits != 64))
        return -EINVAL;
    for (i = 0; i < len - 1; i++) {
        u8 b = insn[i];
        int s = segment_override(b);

        if (s >= 0) {
            seg = (enum io_seg)s; /* the last one counts */
        } else if (b == 0x67) {
            addr_override = true;
        } else if (b == 0x66 || b == 0xf0 || b == 0xf2 || b == 0xf3) {
            continue; /* operand size, LOCK, REP: the exit reports what matters */
        } else if (mode_bits == 64 && (b & 0xf0) == 0x40 && i == len - 2) {
            continue; /* REX, only right before the opcode */
        } else {
            return -EINVAL;
        }
    }
    if (!is_string_io_opcode(insn[len - 1]))
        return -EINVAL;
    if (mode_bits == 64)
        out->addr_bits = addr_override ? 32 : 64;
    else if (mode_bits == 32)
        out->addr_bits = addr_override ? 16 : 32;
    else
        out->addr_bits = addr_override ? 32 : 16;
    out->seg = seg;
    return 0;
}

static bool is_legacy_prefix(u8 b)
{
    return segment_override(b) >= 0 || b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 ||
           b == 0xf3;
}

int mov_dr_decode(const u8 *insn, size_t avail, unsigned int mode_bits, struct mov_dr_insn *out)
{
    size_t max = avail < MAX_INSN_LEN ? avail : MAX_INSN_LEN;
    u8 rex = 0, modrm;
    size_t i = 0;

    if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
        return -EINVAL;
    while (i < max && is_legacy_prefix(insn[i]))
        i++;
    if (mode_bits == 64 && i < max && (insn[i] & 0xf0) == 0x40)
        rex = insn[i++];
    if (i + 3 > max || insn[i] != 0x0f || insn[i + 1] != 0x23)
        return -EINVAL;
    modrm = insn[i + 2];
    /* The mod field is ignored: the operand is always a register. */
    out->dr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
    out->gpr = (modrm & 7) | ((rex & 1) ? 8 : 0);
    out->len = (unsigned int)(i + 3);
    return out->dr < 8 ? 0 : -EINVAL;
}
