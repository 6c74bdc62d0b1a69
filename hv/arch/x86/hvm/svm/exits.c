/*
 * The SVM exit table: exit code -> handler, instruction length, name.
 *
 * QEMU emulates neither NRIPS nor decode assists, so the length of the
 * instruction behind each exit must be known here: it is fixed for every
 * instruction intercept we use (VMMCALL 3, CPUID 2, ...), and I/O exits
 * report the next RIP themselves. Handlers decode the vendor-specific exit
 * information and call the vendor-neutral hvm_* handlers.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/insn_decode.h>
#include <asm/hvm/trace.h>
#include "svm.h"

#define X86_CR4_DE (1ull << 3)
#define DR6_WRITABLE 0xe00full /* B0-B3, BD, BS, BT */
#define DR6_FIXED_ONES 0xffff0ff0ull
#define DR7_RESERVED 0xd800ull /* bits 11, 12, 14, 15 */
#define DR7_FIXED_ONE 0x400ull

typedef enum hvm_disposition (*svm_exit_fn)(struct vcpu *v, struct vmcb *vmcb, unsigned *len);

struct svm_exit_row {
    svm_exit_fn handler;
    u8 insn_len; /* for HVM_ADVANCE; 0 if the handler sets it */
    const char *name;
};

static enum hvm_disposition exit_nothing(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    /* A physical interrupt/NMI/SMI/INIT: the host takes it once interrupts are on. */
    return HVM_RESUME;
}

static enum hvm_disposition exit_skip(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return HVM_ADVANCE; /* INVD, WBINVD, PAUSE: nothing to do for a guest without devices */
}

static enum hvm_disposition exit_ud(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    /* SVM instructions, MONITOR/MWAIT, RDTSCP: the guest's CPUID does not offer them. */
    hvm_inject_ud(v);
    return HVM_INJECT;
}

static enum hvm_disposition exit_reflect(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    /* An intercepted #DB or #AC: deliver it as the CPU would have (DR6 is already updated). */
    unsigned vector = (unsigned)(vmcb->exitcode - SVM_EXIT_EXCP_BASE);

    hvm_ops->inject_exception(v, vector,
                              vector == X86_EXC_AC ? (int)vmcb->exitinfo1 : X86_EXC_NO_ERROR, 0);
    return HVM_INJECT;
}

/*
 * MOV to DR0-7, emulated: QEMU lacks decode assists, so the instruction is
 * read back. DR0-3 go to the vCPU's hardware registers, DR6 and DR7 to the
 * VMCB, where VMRUN takes them from.
 */
static enum hvm_disposition exit_dr_write(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    struct mov_dr_insn m;
    unsigned mode_bits;
    u8 insn[15];
    size_t n = hvm_fetch_insn(v, insn, sizeof(insn), &mode_bits);
    u64 val;

    if (mov_dr_decode(insn, n, mode_bits, &m)) {
        hvm_inject_ud(v); /* the bytes changed since the exit */
        return HVM_INJECT;
    }
    val = *hvm_gpr(v, m.gpr);
    if (mode_bits != 64)
        val = (u32)val;
    if (m.dr == 4 || m.dr == 5) {
        if (vmcb->cr4 & X86_CR4_DE) {
            hvm_inject_ud(v);
            return HVM_INJECT;
        }
        m.dr += 2; /* aliases of DR6 and DR7 */
    }
    if (m.dr >= 6 && (val >> 32)) {
        hvm_inject_gp(v);
        return HVM_INJECT;
    }
    if (m.dr < 4)
        hvm_write_dr(v, m.dr, val);
    else if (m.dr == 6)
        vmcb->dr6 = (val & DR6_WRITABLE) | DR6_FIXED_ONES;
    else
        vmcb->dr7 = (val & ~DR7_RESERVED) | DR7_FIXED_ONE;
    *len = m.len;
    return HVM_ADVANCE;
}

static enum hvm_disposition exit_cpuid(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return hvm_exit_cpuid(v);
}

static enum hvm_disposition exit_hlt(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return hvm_exit_hlt(v);
}

static enum hvm_disposition exit_msr(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return hvm_exit_msr(v, vmcb->exitinfo1 & 1);
}

static enum hvm_disposition exit_vintr(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return svm_exit_vintr(v);
}

static enum hvm_disposition exit_iret(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return svm_exit_iret(v);
}

static enum hvm_disposition exit_vmmcall(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return hvm_exit_hypercall(v);
}

static enum hvm_disposition exit_xsetbv(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return hvm_exit_xsetbv(v);
}

static enum hvm_disposition exit_shutdown(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    return hvm_exit_triple_fault(v);
}

static enum hvm_disposition exit_npf(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    u64 code = vmcb->exitinfo1;

    return hvm_exit_npf(v, vmcb->exitinfo2, code & SVM_NPF_W, code & SVM_NPF_I,
                        code & SVM_NPF_PTWALK, len);
}

static enum hvm_disposition exit_ioio(struct vcpu *v, struct vmcb *vmcb, unsigned *len)
{
    u32 info = (u32)vmcb->exitinfo1;
    u16 port = (u16)(info >> SVM_IOIO_PORT_SHIFT);
    unsigned size = (info >> SVM_IOIO_SZ_SHIFT) & 7; /* 1, 2 or 4 */
    bool in = info & SVM_IOIO_IN;

    /* EXITINFO2 is the address of the next instruction, whatever its prefixes. */
    *len = (unsigned)(vmcb->exitinfo2 - vmcb->rip);
    if (size != 1 && size != 2 && size != 4)
        return HVM_CRASH;
    if (info & SVM_IOIO_STR) {
        unsigned asz = (info >> SVM_IOIO_ASZ_SHIFT) & 7; /* 1: 16, 2: 32, 4: 64-bit */
        unsigned seg = (info >> SVM_IOIO_SEG_SHIFT) & 7, addr_bits = asz * 16;

        if (!asz) /* QEMU reports neither address size nor segment */
            hvm_io_string_decode(v, *len, &addr_bits, &seg);
        return hvm_exit_io_string(v, port, size, in, info & SVM_IOIO_REP, addr_bits,
                                  svm_seg_base(vmcb, in ? 0 : seg));
    }
    {
        u32 val = (u32)v->hvm.regs.rax;
        enum hvm_disposition disp = hvm_exit_io(v, port, size, in, &val);

        if (in) {
            u64 mask = size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;

            /* IN to AL/AX keeps the rest of RAX; IN to EAX zero-extends. */
            if (size == 4)
                v->hvm.regs.rax = val;
            else
                v->hvm.regs.rax = (v->hvm.regs.rax & ~mask) | (val & mask);
        }
        return disp;
    }
}

static const struct svm_exit_row exit_table[SVM_EXIT_NR] = {
    [SVM_EXIT_EXCP_BASE + X86_EXC_DB] = {exit_reflect, 0, "#DB"},
    [SVM_EXIT_EXCP_BASE + X86_EXC_AC] = {exit_reflect, 0, "#AC"},
    [SVM_EXIT_DR0_WRITE + 0] = {exit_dr_write, 0, "DR0 write"},
    [SVM_EXIT_DR0_WRITE + 1] = {exit_dr_write, 0, "DR1 write"},
    [SVM_EXIT_DR0_WRITE + 2] = {exit_dr_write, 0, "DR2 write"},
    [SVM_EXIT_DR0_WRITE + 3] = {exit_dr_write, 0, "DR3 write"},
    [SVM_EXIT_DR0_WRITE + 4] = {exit_dr_write, 0, "DR4 write"},
    [SVM_EXIT_DR0_WRITE + 5] = {exit_dr_write, 0, "DR5 write"},
    [SVM_EXIT_DR0_WRITE + 6] = {exit_dr_write, 0, "DR6 write"},
    [SVM_EXIT_DR0_WRITE + 7] = {exit_dr_write, 0, "DR7 write"},
    [SVM_EXIT_INTR] = {exit_nothing, 0, "INTR"},
    [SVM_EXIT_NMI] = {exit_nothing, 0, "NMI"},
    [SVM_EXIT_SMI] = {exit_nothing, 0, "SMI"},
    [SVM_EXIT_INIT] = {exit_nothing, 0, "INIT"},
    [SVM_EXIT_VINTR] = {exit_vintr, 0, "VINTR"},
    [SVM_EXIT_IRET] = {exit_iret, 0, "IRET"},
    [SVM_EXIT_CPUID] = {exit_cpuid, 2, "CPUID"},
    [SVM_EXIT_INVD] = {exit_skip, 2, "INVD"},
    [SVM_EXIT_PAUSE] = {exit_skip, 2, "PAUSE"},
    [SVM_EXIT_HLT] = {exit_hlt, 1, "HLT"},
    [SVM_EXIT_IOIO] = {exit_ioio, 0, "IOIO"},
    [SVM_EXIT_MSR] = {exit_msr, 2, "MSR"},
    [SVM_EXIT_SHUTDOWN] = {exit_shutdown, 0, "SHUTDOWN"},
    [SVM_EXIT_VMRUN] = {exit_ud, 0, "VMRUN"},
    [SVM_EXIT_VMMCALL] = {exit_vmmcall, 3, "VMMCALL"},
    [SVM_EXIT_VMLOAD] = {exit_ud, 0, "VMLOAD"},
    [SVM_EXIT_VMSAVE] = {exit_ud, 0, "VMSAVE"},
    [SVM_EXIT_STGI] = {exit_ud, 0, "STGI"},
    [SVM_EXIT_CLGI] = {exit_ud, 0, "CLGI"},
    [SVM_EXIT_SKINIT] = {exit_ud, 0, "SKINIT"},
    [SVM_EXIT_INVLPGA] = {exit_ud, 0, "INVLPGA"},
    [SVM_EXIT_RDTSCP] = {exit_ud, 0, "RDTSCP"},
    [SVM_EXIT_WBINVD] = {exit_skip, 2, "WBINVD"},
    [SVM_EXIT_MONITOR] = {exit_ud, 0, "MONITOR"},
    [SVM_EXIT_MWAIT] = {exit_ud, 0, "MWAIT"},
    [SVM_EXIT_MWAIT_COND] = {exit_ud, 0, "MWAIT_COND"},
    [SVM_EXIT_XSETBV] = {exit_xsetbv, 3, "XSETBV"},
    [SVM_EXIT_NPF] = {exit_npf, 0, "NPF"},
};

const char *svm_exit_name(u64 code)
{
    if ((u32)code == SVM_EXIT_INVALID_LOW)
        return "INVALID";
    if (code < SVM_EXIT_NR && exit_table[code].name)
        return exit_table[code].name;
    return "?";
}

enum hvm_disposition svm_handle_exit(struct vcpu *v, unsigned *insn_len)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;
    u64 code = vmcb->exitcode;
    const struct svm_exit_row *row;

    trace_exit(v, code, vmcb->exitinfo1, vmcb->exitinfo2, v->hvm.regs.rip);
    if ((u32)code == SVM_EXIT_INVALID_LOW) {
        domain_crash(v->domain, "v%u: VMRUN refused the vCPU state (VMEXIT_INVALID)", v->vcpu_id);
        return HVM_CRASH;
    }
    row = code < SVM_EXIT_NR ? &exit_table[code] : NULL;
    if (!row || !row->handler) {
        domain_crash(v->domain, "v%u: unexpected exit %#llx (info1 %#llx info2 %#llx)", v->vcpu_id,
                     (unsigned long long)code, (unsigned long long)vmcb->exitinfo1,
                     (unsigned long long)vmcb->exitinfo2);
        return HVM_CRASH;
    }
    *insn_len = row->insn_len;
    return row->handler(v, vmcb, insn_len);
}
