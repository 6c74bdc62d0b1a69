/*
 * Decoding INS/OUTS prefixes, MOV to DRn, and the memory moves emulated MMIO
 * sees (see lares/insn_decode.h). Facts: Intel SDM vol. 2, AMD APM vol. 3.
 */
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

/* ---------------------------------------------------------------- memory moves */

#define REX_W 0x8
#define REX_R 0x4

struct prefixes {
    bool opsize, addrsize, lock, rep;
    int seg; /* an enum io_seg, or -1 */
    u8 rex;  /* 0: none */
    size_t len;
};

static void read_prefixes(const u8 *insn, size_t max, unsigned int mode_bits, struct prefixes *p)
{
    size_t i;

    *p = (struct prefixes){.seg = -1};
    for (i = 0; i < max; i++) {
        u8 b = insn[i];
        int s = segment_override(b);

        if (mode_bits == 64 && (b & 0xf0) == 0x40) {
            p->rex = b;
            continue;
        }
        if (s >= 0)
            p->seg = s; /* the last one counts */
        else if (b == 0x66)
            p->opsize = true;
        else if (b == 0x67)
            p->addrsize = true;
        else if (b == 0xf0)
            p->lock = true;
        else if (b == 0xf2 || b == 0xf3)
            p->rep = true;
        else
            break;
        p->rex = 0; /* a REX prefix counts only right before the opcode */
    }
    p->len = i;
}

static unsigned int operand_bytes(const struct prefixes *p, unsigned int mode_bits)
{
    if (mode_bits == 64 && (p->rex & REX_W))
        return 8;
    if (mode_bits == 16)
        return p->opsize ? 4 : 2;
    return p->opsize ? 2 : 4;
}

static unsigned int address_bits(const struct prefixes *p, unsigned int mode_bits)
{
    if (mode_bits == 64)
        return p->addrsize ? 32 : 64;
    if (mode_bits == 32)
        return p->addrsize ? 16 : 32;
    return p->addrsize ? 32 : 16;
}

/*
 * Bytes of the ModRM byte at m[0] with its SIB and displacement, or 0 if
 * it names a register (no memory access) or runs past avail.
 */
static size_t modrm_len(const u8 *m, size_t avail, unsigned int addr_bits)
{
    unsigned int mod, rm;
    size_t n = 1;

    if (!avail)
        return 0;
    mod = m[0] >> 6;
    rm = m[0] & 7;
    if (mod == 3)
        return 0;
    if (addr_bits == 16) {
        /* No SIB; [disp16] takes the place of [BP] without displacement. */
        n += mod == 1 ? 1 : (mod == 2 || (mod == 0 && rm == 6)) ? 2 : 0;
    } else {
        if (rm == 4) {
            if (avail < 2)
                return 0;
            n++; /* SIB; base 5 without displacement means disp32, no base */
            if (mod == 0 && (m[1] & 7) == 5)
                n += 4;
        } else if (mod == 0 && rm == 5) {
            n += 4; /* disp32 (RIP-relative in 64-bit mode) */
        }
        n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
    }
    return n <= avail ? n : 0;
}

static u64 read_le_signed(const u8 *p, unsigned int bytes)
{
    u64 v = 0;

    for (unsigned int i = 0; i < bytes; i++)
        v |= (u64)p[i] << (8 * i);
    if (bytes < 8 && (v >> (8 * bytes - 1)) & 1)
        v |= ~0ull << (8 * bytes);
    return v;
}

/* The opcode byte(s) at insn[*i]: kind, sizes, and which operands follow. */
static int decode_opcode(const u8 *insn, size_t max, size_t *i, unsigned int mode_bits,
                         unsigned int osz, struct mem_insn *m, bool *modrm, unsigned int *imm)
{
    u8 op = insn[(*i)++], op2;

    *modrm = true;
    *imm = 0;
    switch (op) {
    case 0x88: /* MOV r/m8, r8 */
    case 0x89: /* MOV r/m, r */
        m->kind = MEM_STORE;
        m->size = op & 1 ? osz : 1;
        return 0;
    case 0x8a: /* MOV r8, r/m8 */
    case 0x8b: /* MOV r, r/m */
        m->kind = MEM_LOAD;
        m->size = m->reg_size = op & 1 ? osz : 1;
        return 0;
    case 0x63: /* MOVSXD r, r/m32; ARPL outside 64-bit mode */
        if (mode_bits != 64)
            return -EINVAL;
        m->kind = MEM_LOAD;
        m->reg_size = osz;
        m->size = osz == 8 ? 4 : osz;
        m->sign_extend = osz == 8;
        return 0;
    case 0xc6: /* MOV r/m8, imm8 */
    case 0xc7: /* MOV r/m, imm16/32 (sign-extended for 64 bits) */
        m->kind = MEM_STORE;
        m->has_imm = true;
        m->size = op & 1 ? osz : 1;
        *imm = m->size == 8 ? 4 : m->size;
        return 0;
    case 0xa0: /* MOV AL, moffs8 */
    case 0xa1: /* MOV rAX, moffs */
    case 0xa2: /* MOV moffs8, AL */
    case 0xa3: /* MOV moffs, rAX */
        m->kind = op < 0xa2 ? MEM_LOAD : MEM_STORE;
        m->size = op & 1 ? osz : 1;
        m->reg_size = m->kind == MEM_LOAD ? m->size : 0;
        *modrm = false;
        *imm = m->addr_bits / 8; /* the offset, as wide as an address */
        return 0;
    case 0xa4: /* MOVSB */
    case 0xa5: /* MOVSW/D/Q */
    case 0xaa: /* STOSB */
    case 0xab: /* STOSW/D/Q */
        m->kind = op < 0xaa ? MEM_MOVS : MEM_STOS;
        m->size = op & 1 ? osz : 1;
        *modrm = false;
        return 0;
    case 0x0f:
        if (*i >= max)
            return -EINVAL;
        op2 = insn[(*i)++];
        if (op2 != 0xb6 && op2 != 0xb7 && op2 != 0xbe && op2 != 0xbf)
            return -EINVAL;
        m->kind = MEM_LOAD; /* MOVZX (B6, B7), MOVSX (BE, BF) */
        m->size = op2 & 1 ? 2 : 1;
        m->reg_size = osz;
        m->sign_extend = op2 >= 0xbe;
        return 0;
    default:
        return -EINVAL;
    }
}

int mem_insn_decode(const u8 *insn, size_t avail, unsigned int mode_bits, struct mem_insn *out)
{
    size_t max = avail < MAX_INSN_LEN ? avail : MAX_INSN_LEN;
    struct mem_insn m = {0};
    struct prefixes p;
    unsigned int imm;
    bool modrm;
    size_t i;

    if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
        return -EINVAL;
    read_prefixes(insn, max, mode_bits, &p);
    i = p.len;
    if (i >= max || p.lock)
        return -EINVAL; /* LOCK MOV is #UD: the CPU cannot have run it */
    m.addr_bits = address_bits(&p, mode_bits);
    m.seg = p.seg >= 0 ? (enum io_seg)p.seg : IO_SEG_DS;
    m.rep = p.rep;
    if (decode_opcode(insn, max, &i, mode_bits, operand_bytes(&p, mode_bits), &m, &modrm, &imm))
        return -EINVAL;
    if (m.kind != MEM_MOVS && m.kind != MEM_STOS)
        m.rep = false; /* F2/F3 mean nothing to a MOV */
    if (modrm) {
        size_t n;
        unsigned int reg;

        if (i >= max)
            return -EINVAL;
        reg = (insn[i] >> 3) & 7;
        if (m.has_imm && reg != 0)
            return -EINVAL; /* C6/C7 with /1../7 */
        n = modrm_len(insn + i, max - i, m.addr_bits);
        if (!n)
            return -EINVAL;
        m.reg = m.has_imm ? 0 : reg | ((p.rex & REX_R) ? 8 : 0);
        /* Without any REX, byte registers 4-7 are AH, CH, DH, BH. */
        if (m.size == 1 && (m.kind == MEM_STORE || m.reg_size == 1) && !m.has_imm && !p.rex &&
            m.reg >= 4) {
            m.high_byte = true;
            m.reg -= 4;
        }
        i += n;
    }
    if (imm) {
        if (i + imm > max)
            return -EINVAL;
        if (m.has_imm)
            m.imm = read_le_signed(insn + i, imm);
        i += imm;
    }
    m.len = (unsigned int)i;
    *out = m;
    return 0;
}

u64 mem_insn_load_result(const struct mem_insn *m, u64 old, u64 data)
{
    unsigned int bits = m->size * 8;
    u64 val = bits >= 64 ? data : data & ((1ull << bits) - 1);

    if (m->sign_extend && bits < 64 && ((val >> (bits - 1)) & 1))
        val |= ~0ull << bits;
    switch (m->reg_size) {
    case 1:
        if (m->high_byte)
            return (old & ~0xff00ull) | ((val & 0xff) << 8);
        return (old & ~0xffull) | (val & 0xff);
    case 2:
        return (old & ~0xffffull) | (val & 0xffff);
    case 4:
        return (u32)val;
    default:
        return val;
    }
}
