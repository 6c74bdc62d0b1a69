/*
 * Building VMCBs: the intercepts every guest gets, the shared I/O and MSR
 * permission maps, and the PVH entry state.
 */
#include <lares/errno.h>
#include <lares/hvm_start.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <asm/msr.h>
#include <asm/p2m.h>
#include "svm.h"

#define IOPM_ORDER 2  /* 12 KiB used */
#define MSRPM_ORDER 1 /* 8 KiB */

static void *iopm, *msrpm;

u64 svm_iopm_pa(void)
{
    return virt_to_phys(iopm);
}

u64 svm_msrpm_pa(void)
{
    return virt_to_phys(msrpm);
}

/* Let the guest reach an MSR directly (both directions). */
static void msr_passthrough(u32 msr)
{
    u8 *map = msrpm;
    u32 base;

    if (msr < 0x2000)
        base = 0;
    else if (msr - 0xc0000000u < 0x2000)
        base = 0x800, msr -= 0xc0000000u;
    else if (msr - 0xc0010000u < 0x2000)
        base = 0x1000, msr -= 0xc0010000u;
    else
        return;
    map[base + msr / 4] &= (u8) ~(3u << ((msr % 4) * 2));
}

/*
 * One I/O map and one MSR map serve every guest: every port is
 * intercepted, and every MSR except those the VMCB switches itself
 * (VMLOAD/VMSAVE), so reading or writing them needs no exit.
 */
int svm_bitmaps_init(void)
{
    static const u32 switched_msrs[] = {
        MSR_FS_BASE,
        MSR_GS_BASE,
        MSR_KERNEL_GS_BASE,
        MSR_STAR,
        MSR_LSTAR,
        MSR_CSTAR,
        MSR_SFMASK,
        MSR_IA32_SYSENTER_CS,
        MSR_IA32_SYSENTER_ESP,
        MSR_IA32_SYSENTER_EIP,
    };

    if (iopm)
        return 0;
    iopm = alloc_pages(IOPM_ORDER);
    msrpm = alloc_pages(MSRPM_ORDER);
    if (!iopm || !msrpm)
        return -ENOMEM;
    memset(iopm, 0xff, PAGE_SIZE << IOPM_ORDER);
    memset(msrpm, 0xff, PAGE_SIZE << MSRPM_ORDER);
    for (unsigned i = 0; i < ARRAY_SIZE(switched_msrs); i++)
        msr_passthrough(switched_msrs[i]);
    return 0;
}

static void set_seg(struct svm_seg *s, u16 sel, u16 attr, u32 limit, u64 base)
{
    s->sel = sel;
    s->attr = attr;
    s->limit = limit;
    s->base = base;
}

int svm_vmcb_init(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);
    struct vmcb *vmcb = s->vmcb;

    memset(vmcb, 0, sizeof(*vmcb));
    vmcb->intercept_misc1 = SVM_I1_INTR | SVM_I1_NMI | SVM_I1_SMI | SVM_I1_INIT | SVM_I1_CPUID |
                            SVM_I1_INVD | SVM_I1_HLT | SVM_I1_INVLPGA | SVM_I1_IOIO | SVM_I1_MSR |
                            SVM_I1_SHUTDOWN;
    vmcb->intercept_misc2 = SVM_I2_VMRUN | SVM_I2_VMMCALL | SVM_I2_VMLOAD | SVM_I2_VMSAVE |
                            SVM_I2_STGI | SVM_I2_CLGI | SVM_I2_SKINIT | SVM_I2_RDTSCP |
                            SVM_I2_WBINVD | SVM_I2_MONITOR | SVM_I2_MWAIT | SVM_I2_MWAIT_C |
                            SVM_I2_XSETBV;
    /*
     * #DB and #AC are reflected back to the guest (svm/exits.c): a guest can
     * make their delivery raise them again (a data breakpoint on the stack
     * it pushes to, an #AC handler at CPL 3 on a misaligned stack), and
     * the CPU would loop in microcode without ever taking an interrupt
     * (XSA-156). With the intercepts each round trip exits.
     */
    vmcb->intercept_exceptions = (1u << X86_EXC_DB) | (1u << X86_EXC_AC);
    /*
     * Debug-register writes are emulated (svm/exits.c): QEMU keeps the
     * breakpoints a guest arms with MOV DR7 after #VMEXIT, where they fire
     * in the hypervisor, however DR7 is set then. Reads need no exit.
     */
    vmcb->intercept_dr = SVM_IDR_WRITES_0_7;
    vmcb->iopm_base_pa = svm_iopm_pa();
    vmcb->msrpm_base_pa = svm_msrpm_pa();
    vmcb->tsc_offset = 0;
    /* Physical interrupts exit to the host; the guest's IF masks only virtual ones. */
    vmcb->vintr = SVM_VINTR_MASKING;
    vmcb->np_ctl = SVM_NP_ENABLE;
    vmcb->n_cr3 = p2m_root_pa(v->domain);
    vmcb->g_pat = 0x0007040600070406ull; /* the architectural reset value */
    s->asid = 0;                         /* assigned at the first entry */
    s->asid_generation = 0;
    return 0;
}

/*
 * The PVH boot ABI (Xen docs/misc/pvh.pandoc): 32-bit flat protected mode
 * with paging off, EBX = start_info, a 32-bit busy TSS. SVM's own EFER.SVME
 * must stay set in the VMCB; the guest never sees it (EFER is intercepted).
 */
void svm_vmcb_set_pvh_state(struct vcpu *v, u32 entry, u32 start_info_gpa)
{
    struct vmcb *vmcb = to_svm(v)->vmcb;
    struct guest_regs *r = &v->hvm.regs;

    set_seg(&vmcb->cs, 0x08, 0xc9b, 0xffffffff, 0);
    set_seg(&vmcb->ds, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&vmcb->es, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&vmcb->ss, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&vmcb->fs, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&vmcb->gs, 0x10, 0xc93, 0xffffffff, 0);
    set_seg(&vmcb->tr, 0x18, 0x08b, 0x67, 0);
    set_seg(&vmcb->ldtr, 0, 0x082, 0xffff, 0);
    set_seg(&vmcb->gdtr, 0, 0, 0xffff, 0);
    set_seg(&vmcb->idtr, 0, 0, 0xffff, 0);
    vmcb->cpl = 0;
    vmcb->cr0 = X86_CR0_PE | X86_CR0_ET;
    vmcb->cr3 = 0;
    vmcb->cr4 = 0;
    vmcb->efer = EFER_SVME;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;

    memset(r, 0, sizeof(*r));
    r->rip = entry;
    r->rbx = start_info_gpa;
    r->rflags = 0x2;
}

static void load_seg(struct svm_seg *to, const struct hvm_seg *from)
{
    set_seg(to, from->sel, from->attr, from->limit, from->base);
}

/*
 * A (re)start: INIT + SIPI or VCPUOP_initialise. Everything in flight for
 * the old context (an event being injected, the interrupt window, NMI
 * masking, a shadow) is dropped with it.
 */
void svm_vmcb_set_start_state(struct vcpu *v, const struct hvm_start_state *st)
{
    struct svm_vcpu *s = to_svm(v);
    struct vmcb *vmcb = s->vmcb;
    struct guest_regs *r = &v->hvm.regs;

    load_seg(&vmcb->cs, &st->cs);
    load_seg(&vmcb->ds, &st->ds);
    load_seg(&vmcb->es, &st->es);
    load_seg(&vmcb->fs, &st->fs);
    load_seg(&vmcb->gs, &st->gs);
    load_seg(&vmcb->ss, &st->ss);
    load_seg(&vmcb->tr, &st->tr);
    load_seg(&vmcb->ldtr, &st->ldtr);
    load_seg(&vmcb->gdtr, &st->gdtr);
    load_seg(&vmcb->idtr, &st->idtr);
    vmcb->cpl = (st->cs.attr >> 5) & 3;
    if (!(st->cr0 & X86_CR0_PE))
        vmcb->cpl = 0;
    vmcb->cr0 = st->cr0;
    vmcb->cr2 = 0;
    vmcb->cr3 = st->cr3;
    vmcb->cr4 = st->cr4;
    vmcb->efer = st->efer | EFER_SVME;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->eventinj = 0;
    vmcb->interrupt_shadow = 0;
    to_svm(v)->shadow = false;
    vmcb->intercept_misc1 &= ~(SVM_I1_VINTR | SVM_I1_IRET);
    vmcb->vintr = SVM_VINTR_MASKING;
    vmcb->kernel_gs_base = vmcb->star = vmcb->lstar = vmcb->cstar = vmcb->sfmask = 0;
    vmcb->sysenter_cs = vmcb->sysenter_esp = vmcb->sysenter_eip = 0;
    s->reinject = 0;
    s->nmi_masked = s->nmi_iret = false;
    s->flush_tlb = true;

    memset(r, 0, sizeof(*r));
    r->rax = st->rax, r->rbx = st->rbx, r->rcx = st->rcx, r->rdx = st->rdx;
    r->rsi = st->rsi, r->rdi = st->rdi, r->rbp = st->rbp, r->rsp = st->rsp;
    r->rip = st->rip;
    r->rflags = st->rflags;
}
