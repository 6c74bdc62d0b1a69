/*
 * The CPUID a guest sees: a whitelist computed from the host's leaves.
 *
 * Only features the hypervisor can stand behind are passed through; every
 * other bit is 0 (linux-pvh.md §2.2, §8 row 9). Highlights:
 *  - vendor string and family/model are the host's (Linux picks VMMCALL
 *    from the vendor);
 *  - leaf 1: hypervisor bit and x2APIC set (the x2APIC is emulated),
 *    initial APIC ID = vcpu_apic_id(); MONITOR, TSC-deadline, PCID, VMX,
 *    MCE/MCA, DS, thermal, PSN cleared; MTRR only if the MSRs are emulated;
 *  - no SVM, OSVW, NodeId, TOPOEXT, SME/SEV, IBS, PKU, LA57, RDTSCP/RDPID
 *    (TCG reports RDTSCP as an RDTSC exit), WAITPKG, TSX, speculation
 *    control (their MSRs are not emulated), MONITORX;
 *  - XSAVE limited to the state components the hypervisor context-switches;
 *    AVX and AVX-512 follow their components;
 *  - invariant TSC only if the host has it;
 *  - topology: APIC ID 2n per vCPU n (cores, no SMT siblings) in leaves 1,
 *    4 (Intel), 0xb and 0x80000008;
 *  - Xen leaves 0x40000000..0x40000005 (Xen 4.17, hypercall MSR
 *    0x40000000, TSC kHz in 0x40000003.0 ECX, vCPU and domain IDs);
 *  - leaves beyond the reported maxima return zeros.
 *
 * struct cpuid_policy is per domain (a few KiB: allocate it); lookups are
 * per vCPU and cheap.
 */
#ifndef LARES_CPUID_POLICY_H
#define LARES_CPUID_POLICY_H

#include <lares/cpuid_table.h>
#include <lares/types.h>

/* XCR0 state components */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_YMM (1ull << 2)
#define XCR0_OPMASK (1ull << 5)
#define XCR0_ZMM_HI256 (1ull << 6)
#define XCR0_HI16_ZMM (1ull << 7)
#define XCR0_AVX512 (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)

#define XEN_CPUID_BASE 0x40000000u
#define XEN_CPUID_VERSION 0x00040011u /* 4.17 */
#define XEN_HYPERCALL_MSR 0x40000000u
/* 0x40000004 EAX */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)

#define CPUID_POLICY_MAX 64

enum cpuid_vendor { CPUID_VENDOR_OTHER, CPUID_VENDOR_AMD, CPUID_VENDOR_INTEL };

struct cpuid_policy_config {
    u16 domid;
    unsigned int nr_vcpus; /* 1..GUEST_MAX_VCPUS */
    u32 tsc_khz;           /* guest TSC frequency, 0 if unknown */
    u64 xcr0_mask;         /* components the hypervisor saves/restores; 0: no XSAVE */
    bool mtrr;             /* the MTRR MSRs are emulated: advertise MTRR */
};

struct cpuid_policy {
    /* Read-only facts for other code (XSETBV, MSR and page-walk checks). */
    enum cpuid_vendor vendor;
    u32 max_basic, max_ext;  /* what leaves 0 and 0x80000000 report */
    u64 xcr0_max;            /* valid guest XCR0 bits; 0 if XSAVE is hidden */
    unsigned int maxphyaddr; /* 0x80000008 EAX[7:0] (36 if the host has no such leaf) */
    bool gbpages;            /* 1 GiB pages advertised */
    bool invariant_tsc;      /* 0x80000007 EDX[8] advertised */
    bool x2apic;             /* always true: the vLAPIC speaks x2APIC */
    /* Internals */
    struct cpuid_policy_config cfg;
    u32 lppp; /* APIC ID slots per package (leaf 1 EBX[23:16]) */
    unsigned int nr;
    struct cpuid_leaf l[CPUID_POLICY_MAX]; /* static part of the guest view */
    struct cpuid_leaf spare;               /* written instead of l[] if it were full */
    bool overflow;
};

/* The per-vCPU state some leaves reflect. */
struct cpuid_vcpu_state {
    u32 vcpu_id;
    bool cr4_osxsave;  /* leaf 1 ECX[27] mirrors CR4.OSXSAVE */
    bool apic_enabled; /* leaf 1 EDX[9] mirrors IA32_APIC_BASE.EN */
    u64 xcr0;          /* sizes the XSAVE area in 0xd.0 EBX */
};

/*
 * Compute the policy from the host's leaves. Returns 0, or -EINVAL for a bad
 * configuration (vCPU count) or a host table without leaf 0 / leaf 1.
 */
int cpuid_policy_init(struct cpuid_policy *p, const struct cpuid_table *host,
                      const struct cpuid_policy_config *cfg);

/* The guest's CPUID(leaf, subleaf) on vCPU v: regs = { eax, ebx, ecx, edx }. */
void cpuid_policy_lookup(const struct cpuid_policy *p, const struct cpuid_vcpu_state *v, u32 leaf,
                         u32 subleaf, u32 regs[4]);

#endif
