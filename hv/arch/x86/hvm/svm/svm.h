/* Internal interfaces of the SVM implementation (hvm/svm/ only). */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <lares/domain.h>
#include <asm/hvm/hvm.h>
#include "vmcb.h"

struct svm_vcpu {
    struct vmcb *vmcb;
    u64 vmcb_pa;
    /* ASID bookkeeping (asid.c): valid while generation matches the CPU's. */
    u32 asid;
    u64 asid_generation;
    unsigned asid_cpu;
    bool flush_tlb;  /* the p2m changed: flush this vCPU's TLB at the next entry */
    u64 reinject;    /* event whose delivery an exit interrupted (EXITINTINFO) */
    bool nmi_masked; /* in the guest's NMI handler: no NMI until its IRET */
    bool nmi_iret;   /* ... whose IRET exit came at nmi_iret_rip: unmasked once past it */
    u64 nmi_iret_rip;
    /*
     * An STI/MOV SS shadow an exit interrupted, at shadow_rip: QEMU drops it
     * at the next VMRUN, so it is remembered here while the guest has not
     * moved on (a second exit before the shadowed instruction ran must
     * still see it, as hardware would report it).
     */
    bool shadow;
    u64 shadow_rip;
};

static inline struct svm_vcpu *to_svm(struct vcpu *v)
{
    return v->hvm.svm;
}

/* entry.S */
void svm_vmrun(u64 vmcb_pa, struct guest_regs *regs, u64 host_vmcb_pa);

/* inject_quirk.c: QEMU TCG delivering an EVENTINJ interrupt twice */
void svm_inject_quirk_init(void);
void svm_inject_quirk_before_vmrun(const struct vmcb *vmcb);

/* asid.c */
void svm_asid_cpu_init(unsigned nr_asids);
void svm_asid_assign(struct svm_vcpu *s);

/* vmcb.c */
int svm_vmcb_init(struct vcpu *v);
void svm_vmcb_set_pvh_state(struct vcpu *v, u32 entry, u32 start_info_gpa);
struct hvm_start_state;
void svm_vmcb_set_start_state(struct vcpu *v, const struct hvm_start_state *st);
u64 svm_iopm_pa(void);
u64 svm_msrpm_pa(void);
int svm_bitmaps_init(void);

/* exits.c */
enum hvm_disposition svm_handle_exit(struct vcpu *v, unsigned *insn_len);
const char *svm_exit_name(u64 code);

/* msr.c */
int svm_msr_read(struct vcpu *v, u32 msr, u64 *val);
int svm_msr_write(struct vcpu *v, u32 msr, u64 val);

/* svm.c */
enum hvm_mode svm_guest_mode(struct vcpu *v);
enum hvm_mode svm_guest_mode_of(const struct vmcb *vmcb);
u64 svm_seg_base(const struct vmcb *vmcb, unsigned seg);
void svm_inject_exception(struct vcpu *v, unsigned vector, int error_code, u64 cr2);

/* intr.c */
enum hvm_intr_block svm_intr_blocked(struct vcpu *v, bool nmi);
void svm_inject_intr(struct vcpu *v, unsigned vector, bool nmi);
void svm_intr_window(struct vcpu *v, bool open);
u8 svm_get_vtpr(struct vcpu *v);
void svm_set_vtpr(struct vcpu *v, u8 tpr);
enum hvm_disposition svm_exit_vintr(struct vcpu *v);
enum hvm_disposition svm_exit_iret(struct vcpu *v);

#endif
