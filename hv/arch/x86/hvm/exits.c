/*
 * Vendor-neutral handlers for the simple exits: HLT, XSETBV, nested page
 * faults (unclaimed MMIO: mmio_null.c), triple faults, and exception
 * injection helpers.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/mm.h>
#include <lares/sched.h>
#include <asm/cpu.h>
#include <asm/hvm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>
#include <public/sched.h>

void hvm_inject_gp(struct vcpu *v)
{
    hvm_ops->inject_exception(v, X86_EXC_GP, 0, 0);
}

void hvm_inject_ud(struct vcpu *v)
{
    hvm_ops->inject_exception(v, X86_EXC_UD, X86_EXC_NO_ERROR, 0);
}

/* Xen's rule: HLT with interrupts off means "this vCPU is done"; all done means poweroff. */
static void vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned online = 0;

    vcpu_set_flag(v, VPF_DOWN);
    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (!(READ_ONCE(d->vcpu[i]->pause_flags) & VPF_DOWN))
            online++;
    if (!online) {
        printk("d%u (%s): all vCPUs halted with interrupts off: powering off\n", d->domid, d->name);
        if (console_loglevel >= LOG_DEBUG)
            vcpu_dump(v);
        domain_shutdown(d, SHUTDOWN_poweroff);
    }
}

enum hvm_disposition hvm_exit_hlt(struct vcpu *v)
{
    if (!(v->hvm.regs.rflags & X86_EFLAGS_IF))
        vcpu_down(v);
    else
        vcpu_block(v);
    return HVM_ADVANCE;
}

enum hvm_disposition hvm_exit_xsetbv(struct vcpu *v)
{
    struct guest_regs *r = &v->hvm.regs;
    u64 val = ((u64)(u32)r->rdx << 32) | (u32)r->rax;
    struct hvm_paging_state ps;

    if (!hvm_fpu_has_xsave()) {
        hvm_inject_ud(v);
        return HVM_INJECT;
    }
    hvm_ops->get_paging_state(v, &ps);
    if (ps.cpl || (u32)r->rcx != 0 || !(ps.cr4 & X86_CR4_OSXSAVE) || hvm_fpu_set_xcr0(v, val)) {
        if (!(ps.cr4 & X86_CR4_OSXSAVE))
            hvm_inject_ud(v);
        else
            hvm_inject_gp(v);
        return HVM_INJECT;
    }
    return HVM_ADVANCE;
}

enum hvm_disposition hvm_exit_npf(struct vcpu *v, u64 gpa, bool write, bool fetch, bool walk,
                                  unsigned *len)
{
    struct domain *d = v->domain;
    struct npt_entry e = p2m_lookup(d, gpa >> PAGE_SHIFT);

    if (e.type != P2M_HOLE) {
        /* Mapped by now (another vCPU changed the p2m): retry with a fresh TLB. */
        hvm_ops->flush_guest_tlb(v);
        return HVM_RESUME;
    }
    /* An instruction's own data access (not its fetch, not a page-table read) may be emulated. */
    if (!fetch && !walk && hvm_mmio_null_window(gpa))
        return hvm_mmio_null(v, gpa, write, len);
    domain_crash(d, "v%u: %s guest-physical %#llx, outside the domain's memory (rip %#llx)",
                 v->vcpu_id,
                 fetch   ? "instruction fetch from"
                 : walk  ? "page-table walk through"
                 : write ? "write to"
                         : "read of",
                 (unsigned long long)gpa, (unsigned long long)v->hvm.regs.rip);
    return HVM_CRASH;
}

enum hvm_disposition hvm_exit_triple_fault(struct vcpu *v)
{
    domain_crash(v->domain, "v%u: triple fault", v->vcpu_id);
    return HVM_CRASH;
}
