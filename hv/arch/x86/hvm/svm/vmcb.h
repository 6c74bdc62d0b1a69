/*
 * The AMD SVM Virtual Machine Control Block (AMD APM vol. 2, appendix B).
 * Only hvm/svm/ includes this file: nothing else may know the VMCB.
 *
 * The layout is the hardware's; every field a handler uses is checked
 * against the architectural offset at compile time.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <lares/compiler.h>
#include <lares/types.h>

/* intercept_dr (offset 0x04): reads of DRn in bit n, writes in bit 16 + n */
#define SVM_IDR_WRITES_0_7 (0xffu << 16)

/* intercept_misc1 (offset 0x0c) */
#define SVM_I1_INTR        (1u << 0)
#define SVM_I1_NMI         (1u << 1)
#define SVM_I1_SMI         (1u << 2)
#define SVM_I1_INIT        (1u << 3)
#define SVM_I1_VINTR       (1u << 4)
#define SVM_I1_IRET        (1u << 20)
#define SVM_I1_CPUID       (1u << 18)
#define SVM_I1_INVD        (1u << 22)
#define SVM_I1_PAUSE       (1u << 23)
#define SVM_I1_HLT         (1u << 24)
#define SVM_I1_INVLPGA     (1u << 26)
#define SVM_I1_IOIO        (1u << 27)
#define SVM_I1_MSR         (1u << 28)
#define SVM_I1_TASK_SWITCH (1u << 29)
#define SVM_I1_SHUTDOWN    (1u << 31)

/* intercept_misc2 (offset 0x10) */
#define SVM_I2_VMRUN   (1u << 0)
#define SVM_I2_VMMCALL (1u << 1)
#define SVM_I2_VMLOAD  (1u << 2)
#define SVM_I2_VMSAVE  (1u << 3)
#define SVM_I2_STGI    (1u << 4)
#define SVM_I2_CLGI    (1u << 5)
#define SVM_I2_SKINIT  (1u << 6)
#define SVM_I2_RDTSCP  (1u << 7)
#define SVM_I2_ICEBP   (1u << 8)
#define SVM_I2_WBINVD  (1u << 9)
#define SVM_I2_MONITOR (1u << 10)
#define SVM_I2_MWAIT   (1u << 11)
#define SVM_I2_MWAIT_C (1u << 12)
#define SVM_I2_XSETBV  (1u << 13)

/* vintr (offset 0x60) */
#define SVM_VINTR_V_TPR_MASK     0xfull
#define SVM_VINTR_V_IRQ          (1ull << 8)
#define SVM_VINTR_V_IGN_TPR      (1ull << 20)
#define SVM_VINTR_MASKING        (1ull << 24)
#define SVM_VINTR_PRIO_SHIFT     16
#define SVM_VINTR_VECTOR_SHIFT   32

/* tlb_control (offset 0x5c) */
#define SVM_TLB_NONE      0
#define SVM_TLB_FLUSH_ALL 1

/* np_ctl (offset 0x90) */
#define SVM_NP_ENABLE (1ull << 0)

/* eventinj / exitintinfo (offsets 0xa8 / 0x88) */
#define SVM_EVT_VECTOR_MASK 0xffull
#define SVM_EVT_TYPE_SHIFT  8
#define SVM_EVT_TYPE_INTR   (0ull << 8)
#define SVM_EVT_TYPE_NMI    (2ull << 8)
#define SVM_EVT_TYPE_EXC    (3ull << 8)
#define SVM_EVT_TYPE_SOFT   (4ull << 8)
#define SVM_EVT_TYPE_MASK   (7ull << 8)
#define SVM_EVT_EV          (1ull << 11) /* error code valid */
#define SVM_EVT_V           (1ull << 31)
#define SVM_EVT_ERR_SHIFT   32

/* Exit codes (exitcode, offset 0x70). */
#define SVM_EXIT_CR0_READ     0x000
#define SVM_EXIT_CR0_WRITE    0x010
#define SVM_EXIT_DR0_WRITE    0x030     /* ... DR15: 0x03f */
#define SVM_EXIT_EXCP_BASE    0x040
#define SVM_EXIT_INTR         0x060
#define SVM_EXIT_NMI          0x061
#define SVM_EXIT_SMI          0x062
#define SVM_EXIT_INIT         0x063
#define SVM_EXIT_VINTR        0x064
#define SVM_EXIT_CPUID        0x072
#define SVM_EXIT_IRET         0x074
#define SVM_EXIT_INVD         0x076
#define SVM_EXIT_PAUSE        0x077
#define SVM_EXIT_HLT          0x078
#define SVM_EXIT_INVLPGA      0x07a
#define SVM_EXIT_IOIO         0x07b
#define SVM_EXIT_MSR          0x07c
#define SVM_EXIT_TASK_SWITCH  0x07d
#define SVM_EXIT_SHUTDOWN     0x07f
#define SVM_EXIT_VMRUN        0x080
#define SVM_EXIT_VMMCALL      0x081
#define SVM_EXIT_VMLOAD       0x082
#define SVM_EXIT_VMSAVE       0x083
#define SVM_EXIT_STGI         0x084
#define SVM_EXIT_CLGI         0x085
#define SVM_EXIT_SKINIT       0x086
#define SVM_EXIT_RDTSCP       0x087
#define SVM_EXIT_ICEBP        0x088
#define SVM_EXIT_WBINVD       0x089
#define SVM_EXIT_MONITOR      0x08a
#define SVM_EXIT_MWAIT        0x08b
#define SVM_EXIT_MWAIT_COND   0x08c
#define SVM_EXIT_XSETBV       0x08d
#define SVM_EXIT_NPF          0x400
#define SVM_EXIT_NR           0x401     /* size of the dispatch table */
#define SVM_EXIT_INVALID_LOW  0xffffffffu /* QEMU stores -1 as a 32-bit value */

/* IOIO exitinfo1 */
#define SVM_IOIO_IN       (1u << 0)
#define SVM_IOIO_STR      (1u << 2)
#define SVM_IOIO_REP      (1u << 3)
#define SVM_IOIO_SZ_SHIFT 4       /* bits 4-6: SZ8, SZ16, SZ32 */
#define SVM_IOIO_ASZ_SHIFT 7      /* bits 7-9: A16, A32, A64 */
#define SVM_IOIO_SEG_SHIFT 10     /* bits 10-12: segment of a string source */
#define SVM_IOIO_PORT_SHIFT 16

/* NPF exitinfo1 (a #PF-style error code plus two walk bits) */
#define SVM_NPF_P       (1ull << 0)
#define SVM_NPF_W       (1ull << 1)
#define SVM_NPF_U       (1ull << 2)
#define SVM_NPF_RSVD    (1ull << 3)
#define SVM_NPF_I       (1ull << 4)
#define SVM_NPF_FINAL   (1ull << 32)  /* fault on the final guest-physical access */
#define SVM_NPF_PTWALK  (1ull << 33)  /* fault while walking the guest's own tables */

struct svm_seg {
    u16 sel;
    u16 attr;  /* compressed: type/S/DPL/P in 7:0, AVL/L/DB/G in 11:8 */
    u32 limit;
    u64 base;
};

struct vmcb {
    /* ---- control area ---- */
    u32 intercept_cr;         /* 0x000: reads in 15:0, writes in 31:16 */
    u32 intercept_dr;         /* 0x004 */
    u32 intercept_exceptions; /* 0x008 */
    u32 intercept_misc1;      /* 0x00c */
    u32 intercept_misc2;      /* 0x010 */
    u32 intercept_misc3;      /* 0x014 */
    u8 res018[0x03c - 0x018];
    u16 pause_filter_thresh;  /* 0x03c */
    u16 pause_filter_count;   /* 0x03e */
    u64 iopm_base_pa;         /* 0x040 */
    u64 msrpm_base_pa;        /* 0x048 */
    u64 tsc_offset;           /* 0x050 */
    u32 asid;                 /* 0x058 */
    u8 tlb_control;           /* 0x05c */
    u8 res05d[3];
    u64 vintr;                /* 0x060 */
    u64 interrupt_shadow;     /* 0x068 */
    u64 exitcode;             /* 0x070 */
    u64 exitinfo1;            /* 0x078 */
    u64 exitinfo2;            /* 0x080 */
    u64 exitintinfo;          /* 0x088 */
    u64 np_ctl;               /* 0x090 */
    u64 avic_apic_bar;        /* 0x098 */
    u64 ghcb_pa;              /* 0x0a0 */
    u64 eventinj;             /* 0x0a8 */
    u64 n_cr3;                /* 0x0b0 */
    u64 virt_ext;             /* 0x0b8 */
    u32 clean_bits;           /* 0x0c0: ignored by QEMU; we always write 0 */
    u32 res0c4;
    u64 next_rip;             /* 0x0c8: NRIPS only (absent under QEMU) */
    u8 insn_len;              /* 0x0d0: decode assists only (absent under QEMU) */
    u8 insn_bytes[15];        /* 0x0d1 */
    u8 res0e0[0x400 - 0x0e0];

    /* ---- state save area ---- */
    struct svm_seg es, cs, ss, ds, fs, gs; /* 0x400 ... 0x450 */
    struct svm_seg gdtr, ldtr, idtr, tr;   /* 0x460 ... 0x490 */
    u8 res4a0[0x4cb - 0x4a0];
    u8 cpl;                   /* 0x4cb */
    u32 res4cc;
    u64 efer;                 /* 0x4d0 */
    u8 res4d8[0x548 - 0x4d8];
    u64 cr4;                  /* 0x548 */
    u64 cr3;                  /* 0x550 */
    u64 cr0;                  /* 0x558 */
    u64 dr7;                  /* 0x560 */
    u64 dr6;                  /* 0x568 */
    u64 rflags;               /* 0x570 */
    u64 rip;                  /* 0x578 */
    u8 res580[0x5d8 - 0x580];
    u64 rsp;                  /* 0x5d8 */
    u64 s_cet;                /* 0x5e0 */
    u64 ssp;                  /* 0x5e8 */
    u64 isst_addr;            /* 0x5f0 */
    u64 rax;                  /* 0x5f8 */
    u64 star;                 /* 0x600 */
    u64 lstar;                /* 0x608 */
    u64 cstar;                /* 0x610 */
    u64 sfmask;               /* 0x618 */
    u64 kernel_gs_base;       /* 0x620 */
    u64 sysenter_cs;          /* 0x628 */
    u64 sysenter_esp;         /* 0x630 */
    u64 sysenter_eip;         /* 0x638 */
    u64 cr2;                  /* 0x640 */
    u8 res648[0x668 - 0x648];
    u64 g_pat;                /* 0x668 */
    u64 dbgctl;               /* 0x670 */
    u64 br_from;              /* 0x678 */
    u64 br_to;                /* 0x680 */
    u64 last_excp_from;       /* 0x688 */
    u64 last_excp_to;         /* 0x690 */
    u8 res698[0x1000 - 0x698];
};

#define VMCB_CHECK(field, off) _Static_assert(__builtin_offsetof(struct vmcb, field) == (off), #field)
VMCB_CHECK(intercept_misc1, 0x00c);
VMCB_CHECK(pause_filter_count, 0x03e);
VMCB_CHECK(iopm_base_pa, 0x040);
VMCB_CHECK(msrpm_base_pa, 0x048);
VMCB_CHECK(tsc_offset, 0x050);
VMCB_CHECK(asid, 0x058);
VMCB_CHECK(tlb_control, 0x05c);
VMCB_CHECK(vintr, 0x060);
VMCB_CHECK(interrupt_shadow, 0x068);
VMCB_CHECK(exitcode, 0x070);
VMCB_CHECK(exitinfo1, 0x078);
VMCB_CHECK(exitinfo2, 0x080);
VMCB_CHECK(exitintinfo, 0x088);
VMCB_CHECK(np_ctl, 0x090);
VMCB_CHECK(eventinj, 0x0a8);
VMCB_CHECK(n_cr3, 0x0b0);
VMCB_CHECK(clean_bits, 0x0c0);
VMCB_CHECK(next_rip, 0x0c8);
VMCB_CHECK(insn_len, 0x0d0);
VMCB_CHECK(es, 0x400);
VMCB_CHECK(cs, 0x410);
VMCB_CHECK(ss, 0x420);
VMCB_CHECK(ds, 0x430);
VMCB_CHECK(fs, 0x440);
VMCB_CHECK(gs, 0x450);
VMCB_CHECK(gdtr, 0x460);
VMCB_CHECK(ldtr, 0x470);
VMCB_CHECK(idtr, 0x480);
VMCB_CHECK(tr, 0x490);
VMCB_CHECK(cpl, 0x4cb);
VMCB_CHECK(efer, 0x4d0);
VMCB_CHECK(cr4, 0x548);
VMCB_CHECK(cr3, 0x550);
VMCB_CHECK(cr0, 0x558);
VMCB_CHECK(dr7, 0x560);
VMCB_CHECK(dr6, 0x568);
VMCB_CHECK(rflags, 0x570);
VMCB_CHECK(rip, 0x578);
VMCB_CHECK(rsp, 0x5d8);
VMCB_CHECK(rax, 0x5f8);
VMCB_CHECK(star, 0x600);
VMCB_CHECK(kernel_gs_base, 0x620);
VMCB_CHECK(sysenter_eip, 0x638);
VMCB_CHECK(cr2, 0x640);
VMCB_CHECK(g_pat, 0x668);
VMCB_CHECK(last_excp_to, 0x690);
_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB is one page");
#undef VMCB_CHECK

#endif
