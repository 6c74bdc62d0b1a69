/*
 * AMD SVM behind the hvm_ops seam: per-CPU enable, vCPU control blocks,
 * guest entry, event injection and state queries.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hypercall_page.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <lares/svm_support.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/svm_check.h>
#include "svm.h"

#define CPUID_SVM_FEATURES 0x8000000a

/* Per CPU: the host save area (VMRUN) and the host's VMSAVE image. */
static void *hsave_area[MAX_CPUS];
static struct vmcb *host_vmcb[MAX_CPUS];

static unsigned check_cpu(struct svm_probe *p)
{
    svm_probe_this_cpu(p);
    return svm_support_check(p);
}

static void explain(const char *who, unsigned problems, const struct svm_probe *p)
{
    char why[256];
    size_t n = svm_support_explain(problems, p, why, sizeof(why));

    while (n && why[n - 1] == '\n')
        why[--n] = '\0';
    printk("svm: %s cannot run guests: %s\n", who, why);
}

/*
 * The guest reads TSC_AUX with RDPID, which no intercept catches, and
 * with RDTSCP under QEMU, which ignores that intercept. The hypervisor
 * does not use the MSR: clear whatever firmware or a previous kernel left
 * there, so that no guest learns it.
 */
static void clear_tsc_aux(void)
{
    struct cpuid_regs r;
    bool rdtscp = false, rdpid = false;

    cpuid(0x80000000, &r);
    if (r.eax >= 0x80000001) {
        cpuid(0x80000001, &r);
        rdtscp = r.edx & (1u << 27);
    }
    cpuid(0, &r);
    if (r.eax >= 7) {
        cpuid_count(7, 0, &r);
        rdpid = r.ecx & (1u << 22);
    }
    if (rdtscp || rdpid)
        wrmsr(MSR_TSC_AUX, 0);
}

static int svm_cpu_up(void)
{
    unsigned cpu = smp_processor_id();
    struct cpuid_regs r;
    struct svm_probe p;
    unsigned problems = check_cpu(&p);
    int rc;

    if (problems) {
        explain("this CPU", problems, &p);
        return -ENODEV;
    }
    rc = svm_bitmaps_init();
    if (rc)
        return rc;
    if (!hsave_area[cpu]) {
        hsave_area[cpu] = alloc_page_zeroed();
        host_vmcb[cpu] = alloc_page_zeroed();
        if (!hsave_area[cpu] || !host_vmcb[cpu])
            return -ENOMEM;
    }
    clear_tsc_aux();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_phys(hsave_area[cpu]));
    /* The host's FS/GS/TR/... as they are now; reloaded after every exit. */
    __asm__ __volatile__("vmsave %%rax" : : "a"(virt_to_phys(host_vmcb[cpu])) : "memory");

    cpuid(CPUID_SVM_FEATURES, &r);
    svm_asid_cpu_init(r.ebx);
    if (cpu == 0) {
        printk("svm: enabled (revision %u, %u ASIDs, features %#x)\n", r.eax & 0xff, r.ebx, r.edx);
        svm_inject_quirk_init();
    }
    return 0;
}

static int svm_vcpu_init(struct vcpu *v)
{
    struct svm_vcpu *s = xzalloc_obj(struct svm_vcpu);

    if (!s)
        return -ENOMEM;
    s->vmcb = alloc_page_zeroed();
    if (!s->vmcb) {
        xfree(s);
        return -ENOMEM;
    }
    s->vmcb_pa = virt_to_phys(s->vmcb);
    v->hvm.svm = s;
    return svm_vmcb_init(v);
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    if (!s)
        return;
    free_page(s->vmcb);
    xfree(s);
    v->hvm.svm = NULL;
}

static void svm_enter(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);
    struct vmcb *vmcb = s->vmcb;
    struct guest_regs *r = &v->hvm.regs;
    unsigned cpu = smp_processor_id();

    /* An event whose delivery the last exit interrupted is delivered again. */
    if (!(vmcb->eventinj & SVM_EVT_V) && (s->reinject & SVM_EVT_V))
        vmcb->eventinj = s->reinject;
    s->reinject = 0;

    svm_asid_assign(s);
    vmcb->tsc_offset = v->hvm.tsc_offset;
    vmcb->rax = r->rax;
    vmcb->rsp = r->rsp;
    vmcb->rip = r->rip;
    vmcb->rflags = r->rflags;
    vmcb->clean_bits = 0;

    svm_inject_quirk_before_vmrun(vmcb);
    svm_vmrun(s->vmcb_pa, r, virt_to_phys(host_vmcb[cpu]));

    r->rax = vmcb->rax;
    r->rsp = vmcb->rsp;
    r->rip = vmcb->rip;
    r->rflags = vmcb->rflags;
    if (vmcb->interrupt_shadow & 1) {
        s->shadow = true;
        s->shadow_rip = r->rip;
    } else if (r->rip != s->shadow_rip) {
        s->shadow = false; /* the shadowed instruction has run */
    }
    /*
     * Software interrupts are not re-injected: without NRIPS the CPU would
     * need the next RIP; the INT instruction simply runs again instead.
     */
    if ((vmcb->exitintinfo & SVM_EVT_V) &&
        (vmcb->exitintinfo & SVM_EVT_TYPE_MASK) != SVM_EVT_TYPE_SOFT)
        s->reinject = vmcb->exitintinfo;
    vmcb->eventinj = 0;
}

void svm_inject_exception(struct vcpu *v, unsigned vector, int error_code, u64 cr2)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;
    u64 ev = vector | SVM_EVT_TYPE_EXC | SVM_EVT_V;

    if (error_code >= 0)
        ev |= SVM_EVT_EV | ((u64)(u32)error_code << SVM_EVT_ERR_SHIFT);
    if (vector == X86_EXC_PF)
        vmcb->cr2 = cr2;
    vmcb->eventinj = ev;
    to_svm(v)->reinject = 0; /* the new fault supersedes an interrupted delivery */
}

static void svm_clear_interrupt_shadow(struct vcpu *v)
{
    to_svm(v)->vmcb->interrupt_shadow &= ~1ull;
    to_svm(v)->shadow = false;
}

enum hvm_mode svm_guest_mode_of(const struct vmcb *vmcb)
{
    if (!(vmcb->cr0 & X86_CR0_PE))
        return HVM_MODE_REAL;
    if ((vmcb->efer & EFER_LMA) && (vmcb->cs.attr & 0x200)) /* CS.L */
        return HVM_MODE_64;
    return (vmcb->cs.attr & 0x400) ? HVM_MODE_32 : HVM_MODE_16; /* CS.D */
}

enum hvm_mode svm_guest_mode(struct vcpu *v)
{
    return svm_guest_mode_of(to_svm(v)->vmcb);
}

u64 svm_seg_base(const struct vmcb *vmcb, unsigned seg)
{
    /* EXITINFO1 / enum io_seg numbering: ES, CS, SS, DS, FS, GS. */
    const struct svm_seg *segs[] = {&vmcb->es, &vmcb->cs, &vmcb->ss,
                                    &vmcb->ds, &vmcb->fs, &vmcb->gs};

    if (seg >= ARRAY_SIZE(segs))
        return 0;
    if (svm_guest_mode_of(vmcb) == HVM_MODE_64 && seg < 4)
        return 0; /* flat in long mode */
    return segs[seg]->base;
}

static u64 svm_get_seg_base(struct vcpu *v, unsigned seg)
{
    return svm_seg_base(to_svm(v)->vmcb, seg);
}

static void svm_get_paging_state(struct vcpu *v, struct hvm_paging_state *ps)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    ps->cr0 = vmcb->cr0;
    ps->cr3 = vmcb->cr3;
    ps->cr4 = vmcb->cr4;
    ps->efer = vmcb->efer & ~EFER_SVME;
    ps->cpl = vmcb->cpl;
}

static void svm_get_dump_state(struct vcpu *v, struct hvm_dump_state *ds)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;

    ds->cr0 = vmcb->cr0;
    ds->cr2 = vmcb->cr2;
    ds->cr3 = vmcb->cr3;
    ds->cr4 = vmcb->cr4;
    ds->efer = vmcb->efer & ~EFER_SVME;
    ds->cs = vmcb->cs.sel;
    ds->ss = vmcb->ss.sel;
    ds->cs_base = vmcb->cs.base;
    ds->ss_base = vmcb->ss.base;
    ds->cpl = vmcb->cpl;
    ds->mode = svm_guest_mode(v);
    ds->pending_event = vmcb->exitintinfo & SVM_EVT_V ? vmcb->exitintinfo : 0;
}

static void svm_set_pvh_state(struct vcpu *v, u32 entry, u32 start_info_gpa)
{
    svm_vmcb_set_pvh_state(v, entry, start_info_gpa);
}

static void svm_set_start_state(struct vcpu *v, const struct hvm_start_state *st)
{
    svm_vmcb_set_start_state(v, st);
}

static void svm_flush_guest_tlb(struct vcpu *v)
{
    __atomic_store_n(&to_svm(v)->flush_tlb, true, __ATOMIC_SEQ_CST);
}

static const struct hvm_ops svm_ops = {
    .name = "SVM",
    .cpu_up = svm_cpu_up,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
    .set_pvh_state = svm_set_pvh_state,
    .set_start_state = svm_set_start_state,
    .enter = svm_enter,
    .handle_exit = svm_handle_exit,
    .clear_interrupt_shadow = svm_clear_interrupt_shadow,
    .inject_exception = svm_inject_exception,
    .guest_mode = svm_guest_mode,
    .get_paging_state = svm_get_paging_state,
    .get_dump_state = svm_get_dump_state,
    .seg_base = svm_get_seg_base,
    .msr_read = svm_msr_read,
    .msr_write = svm_msr_write,
    .hypercall_insn = HYPERCALL_VMMCALL,
    .flush_guest_tlb = svm_flush_guest_tlb,
    .exit_name = svm_exit_name,
    .intr_blocked = svm_intr_blocked,
    .inject_intr = svm_inject_intr,
    .intr_window = svm_intr_window,
    .get_vtpr = svm_get_vtpr,
    .set_vtpr = svm_set_vtpr,
};

/* The vendor probe: the ops if this CPU can run guests, else NULL with the reason logged. */
const struct hvm_ops *svm_probe(void);
const struct hvm_ops *svm_probe(void)
{
    struct svm_probe p;
    unsigned problems = check_cpu(&p);

    if (problems) {
        explain("this machine", problems, &p);
        return NULL;
    }
    return &svm_ops;
}
