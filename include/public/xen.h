/*
 * Xen guest ABI, core part: hypercall numbers, domain ids, VIRQs, VM
 * assists, and the memory shared between hypervisor and guest
 * (shared_info, vcpu_info, vcpu_time_info, vcpu_runstate_info).
 *
 * Lares implements Xen's ABI for 64-bit x86 guests, so every name, number
 * and layout here is Xen's (xen/include/public/xen.h and arch-x86/). Only
 * the 64-bit layouts exist. Rules for every header under include/public/:
 *   - fixed-width types only, explicit padding, no native pointers: a
 *     pointer the guest passes is a guest-virtual address in a u64
 *     (xen_guest_handle_t);
 *   - each size and offset a guest depends on is checked at compile time;
 *   - each header compiles on its own, freestanding, hosted and (constants
 *     only, under __ASSEMBLY__) from assembly;
 *   - names are Xen's where Xen has one; our own helpers start with xen_
 *     or XEN_ so they cannot collide with hypervisor or guest code.
 */
#ifndef XEN_PUBLIC_XEN_H
#define XEN_PUBLIC_XEN_H

#ifdef __ASSEMBLY__
#define XEN_MK_ULL(x) x
#else
#define XEN_MK_ULL(x) x##ULL
#endif

/* ------------------------------------------------------------ hypercalls */
/* Numbers as Xen assigns them. PV-only ones are listed so that a
 * dispatcher can name them in logs; PVH guests get -ENOSYS for them. */
#define __HYPERVISOR_set_trap_table                 0 /* PV */
#define __HYPERVISOR_mmu_update                     1 /* PV */
#define __HYPERVISOR_set_gdt                        2 /* PV */
#define __HYPERVISOR_stack_switch                   3 /* PV */
#define __HYPERVISOR_set_callbacks                  4 /* PV */
#define __HYPERVISOR_fpu_taskswitch                 5 /* PV */
#define __HYPERVISOR_sched_op_compat                6 /* PV, obsolete */
#define __HYPERVISOR_platform_op                    7
#define __HYPERVISOR_set_debugreg                   8 /* PV */
#define __HYPERVISOR_get_debugreg                   9 /* PV */
#define __HYPERVISOR_update_descriptor             10 /* PV */
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14 /* PV */
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16 /* PV, obsolete */
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19 /* PV, obsolete */
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22 /* PV */
#define __HYPERVISOR_iret                          23 /* PV; a ud2 in the hypercall page */
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25 /* PV */
#define __HYPERVISOR_mmuext_op                     26 /* PV */
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30 /* PV */
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42
#define __HYPERVISOR_arch_0                        48 /* x86: mca (PV only) */
#define __HYPERVISOR_arch_1                        49
#define __HYPERVISOR_arch_2                        50
#define __HYPERVISOR_arch_3                        51
#define __HYPERVISOR_arch_4                        52
#define __HYPERVISOR_arch_5                        53
#define __HYPERVISOR_arch_6                        54
#define __HYPERVISOR_arch_7                        55
#define __HYPERVISOR_mca                           __HYPERVISOR_arch_0

/* The hypercall page has this many 32-byte entries (one 4 KiB page). */
#define XEN_HYPERCALL_PAGE_ENTRY_SIZE 32
#define XEN_HYPERCALL_PAGE_ENTRIES    128

/* Guest pages are 4 KiB on x86. */
#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE  4096

/* ------------------------------------------------------------ console_io */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* ------------------------------------------------------------ vm_assist */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0 /* PV 32-bit */
#define VMASST_TYPE_4gb_segments_notify  1 /* PV 32-bit */
#define VMASST_TYPE_writable_pagetables  2 /* PV */
#define VMASST_TYPE_pae_extended_cr3     3 /* PV 32-bit */
#define VMASST_TYPE_architectural_iopl   4 /* PV */
#define VMASST_TYPE_runstate_update_flag 5 /* the only one that matters to PVH */
#define VMASST_TYPE_m2p_strict           32 /* PV 64-bit */

/* ------------------------------------------------------------ domain ids */
/* Ids at and above DOMID_FIRST_RESERVED never name a real domain. */
#define DOMID_FIRST_RESERVED 0x7FF0
#define DOMID_SELF           0x7FF0 /* "the calling domain" */
#define DOMID_IO             0x7FF1
#define DOMID_XEN            0x7FF2
#define DOMID_COW            0x7FF3
#define DOMID_INVALID        0x7FF4
#define DOMID_ANY            0x7FF5
#define DOMID_IDLE           0x7FFF
#define DOMID_MASK           0x7FFF

/* ------------------------------------------------------------ VIRQs */
/* Per-vCPU VIRQs may be bound on any vCPU; global ones only on vCPU 0. */
#define VIRQ_TIMER      0  /* per vCPU: timer deadline reached */
#define VIRQ_DEBUG      1  /* per vCPU: dump debug state */
#define VIRQ_CONSOLE    2  /* global: input on the hypervisor console (dom0) */
#define VIRQ_DOM_EXC    3  /* global: some domain crashed/shut down (dom0) */
#define VIRQ_TBUF       4  /* global: trace buffer records (dom0) */
#define VIRQ_DEBUGGER   6  /* global: a domain paused for a debugger */
#define VIRQ_XENOPROF   7  /* per vCPU */
#define VIRQ_CON_RING   8  /* global: console ring has data (dom0) */
#define VIRQ_PCPU_STATE 9  /* global: physical CPU state changed (dom0) */
#define VIRQ_MEM_EVENT  10 /* global */
#define VIRQ_ARGO       11 /* per domain */
#define VIRQ_ENOMEM     12 /* global: hypervisor heap low */
#define VIRQ_XENPMU     13 /* per vCPU */
#define VIRQ_ARCH_0     16 /* x86: machine check (dom0) */
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define VIRQ_MCA        VIRQ_ARCH_0
#define NR_VIRQS        24

/* ------------------------------------------------------------ shared memory */
/* vcpu_info slots inside shared_info; later vCPUs must register their own. */
#define XEN_LEGACY_MAX_VCPUS 32

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0) /* TSC in sync on all vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1) /* guest was paused; pet watchdogs */

/* vcpu_runstate_info.state, and the index into vcpu_runstate_info.time[]. */
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3
/* Set in state_entry_time while the hypervisor rewrites the area (only when
 * the guest enabled VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (XEN_MK_ULL(1) << 63)

#ifndef __ASSEMBLY__

#include <stddef.h>
#include <stdint.h>

/* Compile-time ABI checks used by every public header. */
#define XEN_ABI_SIZE(type, size) \
    _Static_assert(sizeof(type) == (size), "ABI: size of " #type " must be " #size)
#define XEN_ABI_OFFSET(type, member, off)                                     \
    _Static_assert(offsetof(type, member) == (off),                           \
                   "ABI: offset of " #type "." #member " must be " #off)

typedef uint64_t xen_ulong_t; /* Xen's "unsigned long" on x86-64 */
typedef uint64_t xen_pfn_t;   /* a guest frame number (GFN) */
typedef uint16_t domid_t;

/*
 * A pointer argument: the guest-virtual address of the object, read and
 * written by the hypervisor through the guest's current page tables (so it
 * may cross pages that are not physically contiguous). 0 is "none".
 */
typedef uint64_t xen_guest_handle_t;

/* Opaque per-domain handle (a UUID), XENVER_guest_handle. */
typedef uint8_t xen_domain_handle_t[16];

/* One entry of a multicall batch (__HYPERVISOR_multicall). */
struct multicall_entry {
    xen_ulong_t op;     /* hypercall number */
    xen_ulong_t result; /* out: its return value */
    xen_ulong_t args[6];
};
XEN_ABI_SIZE(struct multicall_entry, 64);

/*
 * Per-vCPU time parameters (pvclock). The hypervisor makes `version` odd,
 * rewrites the fields, then makes it even; a reader retries until it sees
 * the same even version before and after. Guest time in ns:
 *   d = rdtsc() - tsc_timestamp;  d = shift < 0 ? d >> -shift : d << shift;
 *   now = system_time + ((d * tsc_to_system_mul) >> 32)
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* guest TSC when system_time was sampled */
    uint64_t system_time;       /* ns since the hypervisor's epoch */
    uint32_t tsc_to_system_mul; /* 32.32 fixed point, never 0 */
    int8_t tsc_shift;
    uint8_t flags;              /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
XEN_ABI_SIZE(struct vcpu_time_info, 32);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
XEN_ABI_OFFSET(struct vcpu_time_info, system_time, 16);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
XEN_ABI_OFFSET(struct vcpu_time_info, flags, 29);

struct arch_vcpu_info {
    uint64_t cr2; /* PV only */
    uint64_t pad;
};
XEN_ABI_SIZE(struct arch_vcpu_info, 16);

/*
 * Per-vCPU event state. evtchn_upcall_pending is set by the hypervisor and
 * cleared by the guest; evtchn_pending_sel has bit w set when word w of
 * shared_info.evtchn_pending may hold work for this vCPU.
 * evtchn_upcall_mask is only meaningful to PV guests (HVM/PVH use RFLAGS.IF).
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad0[6];
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
XEN_ABI_SIZE(struct vcpu_info, 64);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 8);
XEN_ABI_OFFSET(struct vcpu_info, arch, 16);
XEN_ABI_OFFSET(struct vcpu_info, time, 32);

/* PV-guest bookkeeping; PVH guests leave it zero. */
struct arch_shared_info {
    xen_ulong_t max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;
    xen_ulong_t p2m_vaddr;
    xen_ulong_t p2m_generation;
};
XEN_ABI_SIZE(struct arch_shared_info, 48);

/*
 * The page every domain shares with the hypervisor (mapped by the guest
 * with XENMEM_add_to_physmap, space XENMAPSPACE_shared_info). Port p of
 * the 2-level event channel ABI is bit (p % 64) of word (p / 64) of the
 * pending and mask bitmaps. wc_* is the wall-clock time (UTC) at system
 * time 0, versioned like vcpu_time_info.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[64];
    xen_ulong_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi; /* upper 32 bits of the seconds */
    struct arch_shared_info arch;
};
XEN_ABI_SIZE(struct shared_info, 3136);
XEN_ABI_OFFSET(struct shared_info, evtchn_pending, 2048);
XEN_ABI_OFFSET(struct shared_info, evtchn_mask, 2560);
XEN_ABI_OFFSET(struct shared_info, wc_version, 3072);
XEN_ABI_OFFSET(struct shared_info, wc_sec, 3076);
XEN_ABI_OFFSET(struct shared_info, wc_nsec, 3080);
XEN_ABI_OFFSET(struct shared_info, wc_sec_hi, 3084);
XEN_ABI_OFFSET(struct shared_info, arch, 3088);

/*
 * Time a vCPU spent in each RUNSTATE_*, in ns of system time
 * (VCPUOP_get_runstate_info, VCPUOP_register_runstate_memory_area).
 * Xen declares it in vcpu.h; it lives here because shared-memory layouts
 * belong together, and vcpu.h includes this header.
 */
struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad0;
    uint64_t state_entry_time; /* may carry XEN_RUNSTATE_UPDATE */
    uint64_t time[4];
};
XEN_ABI_SIZE(struct vcpu_runstate_info, 48);
XEN_ABI_OFFSET(struct vcpu_runstate_info, state_entry_time, 8);
XEN_ABI_OFFSET(struct vcpu_runstate_info, time, 16);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_XEN_H */
