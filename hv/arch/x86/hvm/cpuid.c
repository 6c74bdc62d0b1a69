/*
 * Guest CPUID: the per-domain whitelist policy (lib/cpuid_policy.c) built
 * from the host's leaves, plus the per-vCPU values (vCPU id, CR4.OSXSAVE,
 * XCR0) filled in at each lookup.
 */
#include <lares/console.h>
#include <lares/cpuid_policy.h>
#include <lares/cpuid_table.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/mm.h>
#include <lares/time.h>
#include <asm/cpu.h>
#include <asm/hvm/fpu.h>
#include <asm/hvm/hvm.h>

static struct cpuid_table host_cpuid;
static bool host_cpuid_ready;
static DEFINE_SPINLOCK(host_cpuid_lock);

static void host_insn(u32 leaf, u32 subleaf, u32 regs[4])
{
    struct cpuid_regs r;

    cpuid_count(leaf, subleaf, &r);
    regs[0] = r.eax;
    regs[1] = r.ebx;
    regs[2] = r.ecx;
    regs[3] = r.edx;
}

int hvm_cpuid_domain_init(struct domain *d)
{
    struct cpuid_policy_config cfg = {
        .domid = d->domid,
        .nr_vcpus = d->max_vcpus,
        .tsc_khz = (u32)(tsc_hz / 1000),
        .xcr0_mask = hvm_fpu_has_xsave() ? hvm_fpu_guest_xcr0_mask() : 0,
        .mtrr = false,
    };
    int rc;

    spin_lock(&host_cpuid_lock);
    if (!host_cpuid_ready) {
        if (cpuid_table_collect(&host_cpuid, host_insn))
            pr_warn("cpuid: host table full; some leaves are hidden from guests\n");
        host_cpuid_ready = true;
    }
    spin_unlock(&host_cpuid_lock);

    d->cpuid = xzalloc_obj(struct cpuid_policy);
    if (!d->cpuid)
        return -ENOMEM;
    rc = cpuid_policy_init(d->cpuid, &host_cpuid, &cfg);
    if (rc) {
        xfree(d->cpuid);
        d->cpuid = NULL;
    }
    return rc;
}

void hvm_cpuid_domain_destroy(struct domain *d)
{
    xfree(d->cpuid);
    d->cpuid = NULL;
}

void hvm_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, u32 out[4])
{
    struct hvm_paging_state ps;
    struct cpuid_vcpu_state vs;

    hvm_ops->get_paging_state(v, &ps);
    vs.vcpu_id = v->vcpu_id;
    vs.cr4_osxsave = ps.cr4 & X86_CR4_OSXSAVE;
    vs.apic_enabled = hvm_vlapic_enabled(v);
    vs.xcr0 = hvm_fpu_live_xcr0(v);
    cpuid_policy_lookup(v->domain->cpuid, &vs, leaf, subleaf, out);
}

enum hvm_disposition hvm_exit_cpuid(struct vcpu *v)
{
    struct guest_regs *r = &v->hvm.regs;
    u32 out[4];

    hvm_cpuid(v, (u32)r->rax, (u32)r->rcx, out);
    r->rax = out[0];
    r->rbx = out[1];
    r->rcx = out[2];
    r->rdx = out[3];
    return HVM_ADVANCE;
}
