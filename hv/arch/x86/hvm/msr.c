/*
 * Guest RDMSR/WRMSR. The vendor handles MSRs kept in its control block;
 * the rest are handled here: the Xen hypercall-page MSR, and #GP for
 * everything the guest's CPUID does not promise (as on hardware for an
 * unknown MSR; Linux copes through its exception tables).
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hypercall_page.h>
#include <lares/mm.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>

#define MSR_XEN_HYPERCALL_PAGE 0x40000000 /* CPUID 0x40000002 EBX tells the guest */
/*
 * AMD's C1E enable (interrupt-pending message) and northbridge config.
 * Linux reads 0xc0010055 without a fixup on CPUs with AMD erratum 400
 * (families 0xf and 0x10, e.g. QEMU's default models); Xen reads both as
 * 0 for HVM guests and ignores writes to NB_CFG. So do we.
 */
#define MSR_K8_ENABLE_C1E 0xc0010055
#define MSR_AMD64_NB_CFG 0xc001001f

static int write_hypercall_page(struct vcpu *v, u64 val)
{
    struct domain *d = v->domain;
    void *page;

    if (val & (PAGE_SIZE - 1))
        return -EINVAL; /* only page index 0 exists */
    if (!p2m_is_ram(p2m_lookup(d, val >> PAGE_SHIFT).type))
        return -EINVAL;
    page = p2m_get_page(d, val >> PAGE_SHIFT);
    if (!page)
        return -EINVAL;
    hypercall_page_fill(page, (enum hypercall_insn)hvm_ops->hypercall_insn);
    p2m_put_page(d);
    v->hvm.hypercall_page_gfn = val >> PAGE_SHIFT;
    return 0;
}

static int guest_rdmsr(struct vcpu *v, u32 msr, u64 *val)
{
    int rc;

    switch (msr) {
    case MSR_XEN_HYPERCALL_PAGE:
        *val = 0; /* write-only in Xen: reads as zero */
        return 0;
    case MSR_K8_ENABLE_C1E:
    case MSR_AMD64_NB_CFG:
        *val = 0;
        return 0;
    default:
        rc = hvm_vlapic_rdmsr(v, msr, val); /* IA32_APIC_BASE, x2APIC */
        return rc == -ENOENT ? -EINVAL : rc;
    }
}

static int guest_wrmsr(struct vcpu *v, u32 msr, u64 val)
{
    int rc;

    switch (msr) {
    case MSR_XEN_HYPERCALL_PAGE:
        return write_hypercall_page(v, val);
    case MSR_AMD64_NB_CFG:
        return 0; /* ignored */
    default:
        rc = hvm_vlapic_wrmsr(v, msr, val);
        return rc == -ENOENT ? -EINVAL : rc;
    }
}

enum hvm_disposition hvm_exit_msr(struct vcpu *v, bool write)
{
    struct guest_regs *r = &v->hvm.regs;
    u32 msr = (u32)r->rcx;
    u64 val = 0;
    int rc;

    if (write) {
        val = ((u64)(u32)r->rdx << 32) | (u32)r->rax;
        rc = hvm_ops->msr_write(v, msr, val);
        if (rc == -ENOENT)
            rc = guest_wrmsr(v, msr, val);
    } else {
        rc = hvm_ops->msr_read(v, msr, &val);
        if (rc == -ENOENT)
            rc = guest_rdmsr(v, msr, &val);
        if (!rc) {
            r->rax = (u32)val;
            r->rdx = val >> 32;
        }
    }
    if (rc) {
        pr_debug("d%u v%u: %s of MSR %#x (%#llx): #GP\n", v->domain->domid, v->vcpu_id,
                 write ? "write" : "read", msr, (unsigned long long)val);
        hvm_inject_gp(v);
        return HVM_INJECT;
    }
    return HVM_ADVANCE;
}
