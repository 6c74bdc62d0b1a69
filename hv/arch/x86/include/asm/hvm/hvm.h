/*
 * The vendor seam. Vendor-neutral code (hv/arch/x86/hvm/, hv/common/)
 * drives guests only through 'hvm_ops'; hvm/svm/ implements it (and a
 * VT-x implementation would, later). Nothing outside the vendor directory
 * knows the VMCB.
 *
 * An exit is handled by the vendor's exit table, which decodes the
 * vendor-specific information, calls the vendor-neutral handlers below
 * (hvm_cpuid(), hvm_msr_read(), hvm_hypercall(), ...) and returns an
 * explicit disposition that the run loop (hvm/run.c) carries out.
 */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

#include <lares/hvm_start.h>
#include <lares/spinlock.h>
#include <lares/timer.h>
#include <lares/types.h>
#include <lares/vlapic.h>
#include <asm/hvm/regs.h>

struct vcpu;
struct domain;
struct svm_vcpu; /* defined in hvm/svm/ only */

enum hvm_disposition {
    HVM_RESUME,  /* re-enter at the same instruction (fault fixed, interrupt taken) */
    HVM_ADVANCE, /* the instruction was handled: skip it (length known per exit kind) */
    HVM_INJECT,  /* an exception was queued for the guest; re-enter without skipping */
    HVM_CRASH,   /* the guest did something it must not: crash its domain */
};

/* x86 exception vectors the hypervisor injects. */
#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_DF 8
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_AC 17
#define X86_EXC_NO_ERROR (-1)

/* Guest execution mode, for hypercall ABI selection and decoding. */
enum hvm_mode {
    HVM_MODE_REAL = 0,
    HVM_MODE_16 = 2,
    HVM_MODE_32 = 4,
    HVM_MODE_64 = 8,
};

/* What the guest-memory walker needs to know about the guest's paging. */
struct hvm_paging_state {
    u64 cr0, cr3, cr4, efer;
    unsigned cpl;
};

/* Everything the hypervisor prints about a vCPU when its domain dies. */
struct hvm_dump_state {
    u64 cr0, cr2, cr3, cr4, efer;
    u16 cs, ss;
    u64 cs_base, ss_base;
    unsigned cpl;
    enum hvm_mode mode;
    u64 pending_event; /* vendor-encoded event in flight at the exit, 0 if none */
};

/* Why an interrupt (or NMI) cannot be injected at this entry. */
enum hvm_intr_block {
    HVM_INTR_OK,
    HVM_INTR_BLOCKED_EVENT,  /* another event is being injected at this entry */
    HVM_INTR_BLOCKED_SHADOW, /* STI / MOV SS interrupt shadow */
    HVM_INTR_BLOCKED_IF,     /* RFLAGS.IF is clear (interrupts only) */
    HVM_INTR_BLOCKED_NMI,    /* inside the guest's NMI handler (NMIs only) */
    HVM_INTR_BLOCKED_NMI_IRET, /* ... at its IRET: the next exit past it unmasks NMIs */
};

/* The vendor-neutral part of a vCPU. */
struct hvm_vcpu {
    struct guest_regs regs;
    u64 xcr0;               /* guest's XCR0 (loaded while the vCPU is on a CPU) */
    void *fpu_area;         /* XSAVE/FXSAVE image while the vCPU is off-CPU */
    u64 dr[4];              /* debug address registers (not switched by hardware) */
    u64 hypercall_page_gfn; /* last hypercall-page MSR value (for RDMSR) */
    u64 tsc_offset;         /* guest TSC = host TSC + tsc_offset (the vendor loads it) */
    u64 guest_entries;      /* odd while the vCPU may be in guest mode (hvm/run.c) */
    struct svm_vcpu *svm;   /* vendor part */

    /* Interrupts (hvm/vlapic.c, hvm/intr.c). */
    spinlock_t vlapic_lock; /* the vlapic; also the start request below */
    struct vlapic vlapic;
    struct timer vlapic_timer; /* the LVT timer on a host timer */
    u8 vtpr;                   /* V_TPR as last set at entry (CR8 writes change it) */
    bool nmi_pending;          /* an NMI waits for injection (atomic) */

    /* A new register state to load at the next entry (INIT/SIPI, VCPUOP_initialise). */
    bool start_pending; /* d->lock */
    struct hvm_start_state start;
};

struct hvm_ops {
    const char *name;

    /* Enable virtualisation on this CPU (called on every CPU). */
    int (*cpu_up)(void);

    int (*vcpu_init)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);

    /* The PVH entry state: 32-bit flat protected mode, paging off, EBX = start_info. */
    void (*set_pvh_state)(struct vcpu *v, u32 entry, u32 start_info_gpa);
    /* Any other start (SIPI, VCPUOP_initialise); only on the CPU running v, at entry. */
    void (*set_start_state)(struct vcpu *v, const struct hvm_start_state *st);

    /*
     * Enter the guest and return at the next exit, with interrupts still
     * disabled. Then handle that exit and return the disposition and the
     * length of the instruction it concerns.
     */
    void (*enter)(struct vcpu *v);
    enum hvm_disposition (*handle_exit)(struct vcpu *v, unsigned *insn_len);

    /* Skipping an instruction also ends an STI/MOV SS interrupt shadow. */
    void (*clear_interrupt_shadow)(struct vcpu *v);
    void (*inject_exception)(struct vcpu *v, unsigned vector, int error_code, u64 cr2);

    enum hvm_mode (*guest_mode)(struct vcpu *v);
    void (*get_paging_state)(struct vcpu *v, struct hvm_paging_state *ps);
    void (*get_dump_state)(struct vcpu *v, struct hvm_dump_state *ds);
    /* A segment's base as the guest's mode applies it (enum io_seg; 0 for ES-DS in long mode). */
    u64 (*seg_base)(struct vcpu *v, unsigned seg);

    /*
     * MSRs whose state lives in the vendor's control block (EFER, PAT,
     * TSC, ...): 0 if handled, -ENOENT if not one of them, -EINVAL to
     * make the guest take #GP.
     */
    int (*msr_read)(struct vcpu *v, u32 msr, u64 *val);
    int (*msr_write)(struct vcpu *v, u32 msr, u64 val);

    /* The instruction the hypercall page stubs use (VMMCALL or VMCALL). */
    int hypercall_insn;

    /* The domain's nested page tables changed: flush before the next entry. */
    void (*flush_guest_tlb)(struct vcpu *v);

    /* Name of a vendor exit code, for logs. */
    const char *(*exit_name)(u64 code);

    /* Interrupt injection (see hvm/intr.c): may the guest take one now, inject it. */
    enum hvm_intr_block (*intr_blocked)(struct vcpu *v, bool nmi);
    void (*inject_intr)(struct vcpu *v, unsigned vector, bool nmi);
    /* Exit as soon as the guest could take an interrupt (or stop asking). */
    void (*intr_window)(struct vcpu *v, bool open);
    /* The task priority the guest sees through CR8 (TPR bits 7:4). */
    u8 (*get_vtpr)(struct vcpu *v);
    void (*set_vtpr)(struct vcpu *v, u8 tpr);
};

extern const struct hvm_ops *hvm_ops;

/* Probe the vendor at boot (NULL if none usable) and enable it on this CPU. */
int hvm_init(void);
int hvm_cpu_up(void);

/* ---- vendor-neutral exit handlers, called from the vendor exit table ---- */
void hvm_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, u32 out[4]);
int hvm_cpuid_domain_init(struct domain *d);
void hvm_cpuid_domain_destroy(struct domain *d);
enum hvm_disposition hvm_exit_cpuid(struct vcpu *v);
enum hvm_disposition hvm_exit_msr(struct vcpu *v, bool write);
enum hvm_disposition hvm_exit_io(struct vcpu *v, u16 port, unsigned size, bool in, u32 *val);
enum hvm_disposition hvm_exit_io_string(struct vcpu *v, u16 port, unsigned size, bool in, bool rep,
                                        unsigned addr_size, u64 seg_base);
void hvm_io_string_decode(struct vcpu *v, unsigned len, unsigned *addr_bits, unsigned *seg);
/*
 * Copy up to max (at most 15) bytes of the instruction at the vCPU's CS:RIP
 * into buf; returns how many could be read (0: none) and sets *mode_bits
 * to the code's default size (16, 32 or 64).
 */
size_t hvm_fetch_insn(struct vcpu *v, u8 *buf, size_t max, unsigned *mode_bits);
/* A guest general-purpose register by its encoding number (0 rAX, 1 rCX, ... 15 r15). */
u64 *hvm_gpr(struct vcpu *v, unsigned n);
enum hvm_disposition hvm_exit_hlt(struct vcpu *v);
enum hvm_disposition hvm_exit_hypercall(struct vcpu *v);
enum hvm_disposition hvm_exit_xsetbv(struct vcpu *v);
/* walk: the fault came from reading the guest's own page tables, not from the access itself. */
enum hvm_disposition hvm_exit_npf(struct vcpu *v, u64 gpa, bool write, bool fetch, bool walk,
                                  unsigned *len);
/*
 * Unclaimed platform MMIO (hvm/mmio_null.c): is gpa in the window that
 * reads as all ones, and emulate the instruction that accessed it there.
 */
bool hvm_mmio_null_window(u64 gpa);
enum hvm_disposition hvm_mmio_null(struct vcpu *v, u64 gpa, bool write, unsigned *len);
enum hvm_disposition hvm_exit_triple_fault(struct vcpu *v);

void hvm_inject_gp(struct vcpu *v);
void hvm_inject_ud(struct vcpu *v);

/* Something would wake v from HLT: an interrupt it can take is pending. */
bool hvm_vcpu_has_pending_intr(struct vcpu *v);
/* Right before entry, interrupts off: inject what is pending, or ask for the window. */
void hvm_intr_assist(struct vcpu *v);
/* Right after an exit: take over TPR changes the guest made through CR8. */
void hvm_intr_after_exit(struct vcpu *v);
/* Raise an NMI in v (NMI IPI, ...). */
void hvm_inject_nmi_async(struct vcpu *v);

/*
 * Starting and stopping vCPUs (hvm/vcpu_start.c): INIT and SIPI from the
 * vlapic, VCPUOP_initialise/up; the new state is loaded by the vCPU's own
 * CPU before its next entry (hvm_vcpu_load_start_state()).
 */
void hvm_vcpu_init_signal(struct vcpu *v);
void hvm_vcpu_sipi(struct vcpu *v, u8 vector);
int hvm_vcpu_initialise(struct vcpu *v, const struct vcpu_hvm_context *ctx);
int hvm_vcpu_up(struct vcpu *v);
void hvm_vcpu_load_start_state(struct vcpu *v);

/* The virtual local APIC (hvm/vlapic.c, around lib/vlapic.c). */
int hvm_vlapic_init(struct vcpu *v);
void hvm_vlapic_destroy(struct vcpu *v);
/* v runs on this CPU now: its LAPIC timer follows it. */
void hvm_vlapic_follow(struct vcpu *v);
/* MSR access if the vlapic owns the MSR: 0, -EINVAL (#GP), or -ENOENT (not ours). */
int hvm_vlapic_rdmsr(struct vcpu *v, u32 msr, u64 *val);
int hvm_vlapic_wrmsr(struct vcpu *v, u32 msr, u64 val);
bool hvm_vlapic_enabled(struct vcpu *v);
void hvm_vlapic_dump(struct vcpu *v);

/* The vCPU run loop: run v here until it blocks, its domain stops, or the CPU is wanted. */
void hvm_run(struct vcpu *v);

/* Per-vCPU FPU/SSE/AVX and debug-register state, switched when vCPUs change CPU. */
int hvm_fpu_init(struct vcpu *v);
void hvm_fpu_destroy(struct vcpu *v);
void hvm_ctxt_switch_from(struct vcpu *v);
void hvm_ctxt_switch_to(struct vcpu *v);
/* The guest writes DR0-3 (n < 4): v is this CPU's current vCPU. */
void hvm_write_dr(struct vcpu *v, unsigned n, u64 val);

#endif
