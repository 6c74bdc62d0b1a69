/*
 * __HYPERVISOR_vcpu_op(cmd, vcpuid, arg): per-vCPU operations: bring-up,
 * timers, and where the hypervisor writes vcpu_info / runstate / time.
 */
#ifndef XEN_PUBLIC_VCPU_H
#define XEN_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise                     0 /* arg: arch context (PV; HVM: vcpu_hvm_context) */
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3 /* returns 1 or 0 */
#define VCPUOP_get_runstate_info              4 /* arg: struct vcpu_runstate_info (out) */
#define VCPUOP_register_runstate_memory_area  5 /* arg: struct vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer             6 /* arg: struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8 /* arg: struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info            10 /* arg: struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12 /* arg: struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13 /* arg: struct vcpu_register_time_memory_area */
#define VCPUOP_register_runstate_phys_area   14 /* arg: struct vcpu_register_runstate_memory_area, GPA */
#define VCPUOP_register_vcpu_time_phys_area  15 /* arg: struct vcpu_register_time_memory_area, GPA */

/* vcpu_set_singleshot_timer.flags: fail with -ETIME if the deadline passed. */
#define VCPU_SSHOTTMR_future (1 << 0)

#ifndef __ASSEMBLY__

/* addr: guest-virtual address of a struct vcpu_runstate_info (or a GPA for
 * the _phys_area variant), under either of Xen's names. The area may
 * straddle a page boundary. */
struct vcpu_register_runstate_memory_area {
    union {
        xen_guest_handle_t h;
        uint64_t p;
    } addr;
};
XEN_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8);

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
XEN_ABI_SIZE(struct vcpu_set_periodic_timer, 8);

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* absolute system time */
    uint32_t flags;          /* VCPU_SSHOTTMR_* */
    uint32_t pad0;
};
XEN_ABI_SIZE(struct vcpu_set_singleshot_timer, 16);
XEN_ABI_OFFSET(struct vcpu_set_singleshot_timer, flags, 8);

/* Move this vCPU's vcpu_info to guest frame mfn (a GFN for PVH) at
 * offset; the 64 bytes must not cross the page. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd; /* must be 0 */
};
XEN_ABI_SIZE(struct vcpu_register_vcpu_info, 16);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, offset, 8);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, rsvd, 12);

/* phys_id: APIC id in bits 31:0, ACPI id in bits 63:32 (dom0). */
struct vcpu_get_physid {
    uint64_t phys_id;
};
XEN_ABI_SIZE(struct vcpu_get_physid, 8);

/* addr: guest-virtual address of a struct vcpu_time_info kept up to date
 * alongside the one in vcpu_info (GPA for the _phys_area variant). */
struct vcpu_register_time_memory_area {
    union {
        xen_guest_handle_t h;
        uint64_t p;
    } addr;
};
XEN_ABI_SIZE(struct vcpu_register_time_memory_area, 8);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_VCPU_H */
