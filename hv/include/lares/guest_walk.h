/*
 * Guest page-table walker: translate a guest-linear address to a
 * guest-physical one the way the CPU would, for the hypervisor's
 * copy_to/from_guest (hypercall arguments are guest-virtual).
 *
 * Paging modes: off, 32-bit 2-level (4 KiB and, with CR4.PSE, 4 MiB pages
 * incl. PSE-36), PAE 3-level (4 KiB, 2 MiB) and 4-level long mode (4 KiB,
 * 2 MiB, 1 GiB). 5-level paging (CR4.LA57) is not supported: the CPUID
 * policy hides LA57. Permission rules: U/S, R/W with CR0.WP, NX with
 * EFER.NXE, SMEP, SMAP with EFLAGS.AC; reserved bits and canonical
 * addresses as the SDM/APM describe them. A successful walk sets the
 * Accessed bits of the entries it used and, for a write, the leaf's Dirty
 * bit, with cmpxchg, as hardware does.
 *
 * Guest memory is reached only through struct guest_mem_ops; it may fail
 * (GPA not backed), which is reported, never a crash.
 */
#ifndef LARES_GUEST_WALK_H
#define LARES_GUEST_WALK_H

#include <lares/types.h>

/* Access type: OR of these; 0 = supervisor data read. */
#define GW_WRITE (1u << 0)
#define GW_USER (1u << 1) /* explicit access at CPL 3 */
#define GW_FETCH (1u << 2)
#define GW_IMPLICIT                                                                                \
    (1u << 3) /* supervisor access the CPU makes itself (GDT, IDT, TSS...):                        \
                 SMAP applies whatever EFLAGS.AC says; GW_USER is ignored */

/* Page-fault error code bits (the #PF error code pushed to the guest). */
#define GW_PFEC_PRESENT (1u << 0) /* 0: not present; 1: protection or reserved bit */
#define GW_PFEC_WRITE (1u << 1)
#define GW_PFEC_USER (1u << 2)
#define GW_PFEC_RSVD (1u << 3)
#define GW_PFEC_FETCH (1u << 4)

/* Control-register bits the walker looks at. */
#define GW_CR0_PE (1ull << 0)
#define GW_CR0_WP (1ull << 16)
#define GW_CR0_PG (1ull << 31)
#define GW_CR4_PSE (1ull << 4)
#define GW_CR4_PAE (1ull << 5)
#define GW_CR4_LA57 (1ull << 12)
#define GW_CR4_SMEP (1ull << 20)
#define GW_CR4_SMAP (1ull << 21)
#define GW_EFER_LMA (1ull << 10)
#define GW_EFER_NXE (1ull << 11)
#define GW_RFLAGS_AC (1ull << 18)

struct guest_mem_ops {
    void *ctx;
    /* Read the naturally aligned 4- or 8-byte entry at gpa. 0 or -errno. */
    int (*read)(void *ctx, u64 gpa, u64 *val, unsigned int size);
    /*
     * Atomically store new at gpa if it still holds old (4 or 8 bytes).
     * 0 if stored, -EAGAIN if the entry changed meanwhile, else -errno.
     */
    int (*cmpxchg)(void *ctx, u64 gpa, u64 old, u64 new, unsigned int size);
};

/* The vCPU state the translation depends on. */
struct guest_paging {
    u64 cr0, cr3, cr4, efer, rflags;
    unsigned int maxphyaddr; /* guest CPUID 0x80000008 EAX[7:0], 32..52 */
    bool gbpages;            /* guest CPUID 0x80000001 EDX[26]: 1 GiB pages */
    bool amd;                /* AMD rules: PML4E bit 8 (G) is reserved */
};

struct guest_walk {
    u64 gpa;            /* the translation (0 on failure) */
    u64 page_size;      /* of the mapping: 4 KiB, 2 MiB, 4 MiB or 1 GiB */
    unsigned int level; /* of the leaf, or where the walk stopped: 4 = PML4 ... 1 = PT,
                           0 with paging off */
    u64 leaf;           /* the leaf entry, with the A/D bits just set */
    u32 pfec;           /* -EFAULT: the #PF error code */
    u64 entry_gpa;      /* -ENXIO: the paging-structure entry that could not be accessed */
};

/*
 * Translate linear address gva for an access of type access (GW_*).
 * Returns 0 with w->gpa set, or:
 *   -EFAULT      page fault: inject #PF(w->pfec) with CR2 = gva
 *   -EINVAL      non-canonical address in long mode: #GP (or #SS)
 *   -ENXIO       a paging structure is not in guest memory (w->entry_gpa);
 *                copy_*_guest turns this into -EFAULT for the caller
 *   -EAGAIN      the guest kept changing the entries while A/D bits were set
 *   -EOPNOTSUPP  5-level paging or a nonsensical paging configuration
 */
int guest_walk(const struct guest_mem_ops *ops, const struct guest_paging *pg, u64 gva, u32 access,
               struct guest_walk *w);

#endif
