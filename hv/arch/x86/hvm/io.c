/*
 * Guest port I/O. Port 0xE9 (Bochs/Xen debug console) writes go to the
 * domain's console; ports 0x42/0x43/0x61 are PIT channel 2 and its gate
 * (lares/pit_ch2.h says why); everything else behaves like an empty ISA
 * bus (reads all ones, writes ignored), which is how Linux recognises
 * absent PICs, PCI and keyboard controllers.
 */
#include <lares/domain.h>
#include <lares/guest_access.h>
#include <lares/insn_decode.h>
#include <lares/pit_ch2.h>
#include <lares/time.h>
#include <asm/hvm/hvm.h>

#define PORT_DEBUGCON 0xe9
/* String I/O is handled in bounded pieces; the instruction restarts for the rest. */
#define STRING_IO_MAX 4096

static bool pit_port(u16 port)
{
    return port == PIT_PORT_CH2 || port == PIT_PORT_CONTROL || port == PIT_PORT_SPEAKER;
}

/* Byte accesses to the PIT ports; wider ones touch the ports after them too (all-ones there). */
static void pit_io(struct domain *d, u16 port, unsigned size, bool in, u32 *val)
{
    unsigned long flags;
    u8 b = 0xff;

    spin_lock_irqsave(&d->pit_lock, flags);
    if (in) {
        pit_ch2_read(&d->pit, port, NOW(), &b);
        *val = 0xffffff00u | b;
    } else {
        pit_ch2_write(&d->pit, port, (u8)*val, NOW());
    }
    spin_unlock_irqrestore(&d->pit_lock, flags);
}

enum hvm_disposition hvm_exit_io(struct vcpu *v, u16 port, unsigned size, bool in, u32 *val)
{
    if (pit_port(port)) {
        pit_io(v->domain, port, size, in, val);
        return HVM_ADVANCE;
    }
    if (in) {
        *val = 0xffffffffu;
        return HVM_ADVANCE;
    }
    if (port == PORT_DEBUGCON) {
        char c = (char)*val;

        guest_console_write(v->domain, &c, 1);
    }
    return HVM_ADVANCE;
}

static void inject_fault(struct vcpu *v, const struct guest_fault *f)
{
    if (f->page_fault)
        hvm_ops->inject_exception(v, X86_EXC_PF, (int)f->pfec, f->addr);
    else
        hvm_inject_gp(v);
}

/*
 * The address size and source segment of the INS/OUTS that just exited,
 * from its prefixes, for CPUs whose exit information leaves them out
 * (QEMU). If the bytes cannot be read or are no INS/OUTS any more (the
 * guest changed them), the mode's defaults are used: only that guest's
 * own string I/O can go wrong then.
 */
void hvm_io_string_decode(struct vcpu *v, unsigned len, unsigned *addr_bits, unsigned *seg)
{
    struct io_string_insn d;
    unsigned mode_bits;
    u8 insn[15];
    bool whole = hvm_fetch_insn(v, insn, len, &mode_bits) == len; /* false if len > 15 */

    *addr_bits = mode_bits;
    *seg = IO_SEG_DS;
    if (!whole || io_string_insn_decode(insn, len, mode_bits, &d))
        return;
    *addr_bits = d.addr_bits;
    *seg = d.seg;
}

/* INS/OUTS (optionally REP): addr_bits is the address size, 16, 32 or 64. */
enum hvm_disposition hvm_exit_io_string(struct vcpu *v, u16 port, unsigned size, bool in, bool rep,
                                        unsigned addr_bits, u64 seg_base)
{
    struct guest_regs *r = &v->hvm.regs;
    u64 amask = addr_bits == 64 ? ~0ull : (1ull << addr_bits) - 1;
    u64 count = rep ? (r->rcx & amask) : 1;
    u64 *index = in ? &r->rdi : &r->rsi;
    s64 step = (r->rflags & (1u << 10)) ? -(s64)size : (s64)size; /* EFLAGS.DF */
    unsigned done = 0;
    char buf[4];

    while (count && done < STRING_IO_MAX) {
        u64 linear = seg_base + (*index & amask);
        struct guest_fault f;

        if (in) {
            u32 ones = 0xffffffffu;

            if (guest_linear_copy(v, linear, &ones, size, true, &f)) {
                inject_fault(v, &f);
                return HVM_INJECT;
            }
        } else {
            if (guest_linear_copy(v, linear, buf, size, false, &f)) {
                inject_fault(v, &f);
                return HVM_INJECT;
            }
            if (port == PORT_DEBUGCON)
                guest_console_write(v->domain, buf, 1);
        }
        *index = (*index & ~amask) | ((*index + (u64)step) & amask);
        count--;
        done++;
        if (rep)
            r->rcx = (r->rcx & ~amask) | count;
    }
    /* A REP with iterations left runs again from the same instruction. */
    return count ? HVM_RESUME : HVM_ADVANCE;
}
