/*
 * __HYPERVISOR_hvm_op(cmd, arg): operations for HVM and PVH guests.
 */
#ifndef XEN_PUBLIC_HVM_HVM_OP_H
#define XEN_PUBLIC_HVM_HVM_OP_H

#include "../xen.h"

#define HVMOP_set_param                0 /* struct xen_hvm_param */
#define HVMOP_get_param                1 /* struct xen_hvm_param */
#define HVMOP_set_pci_intx_level       2 /* obsolete (dm_op) */
#define HVMOP_set_isa_irq_level        3 /* obsolete (dm_op) */
#define HVMOP_set_pci_link_route       4 /* obsolete (dm_op) */
#define HVMOP_flush_tlbs               5 /* arg must be 0 */
#define HVMOP_pagetable_dying          9 /* struct xen_hvm_pagetable_dying */
#define HVMOP_get_time                10 /* struct xen_hvm_get_time */
#define HVMOP_xentrace                11
#define HVMOP_set_mem_access          12
#define HVMOP_get_mem_access          13
#define HVMOP_get_mem_type            15 /* struct xen_hvm_get_mem_type */
#define HVMOP_set_evtchn_upcall_vector 23 /* struct xen_hvm_evtchn_upcall_vector */
#define HVMOP_guest_request_vm_event  24
#define HVMOP_altp2m                  25

/* xen_hvm_get_mem_type.mem_type */
#define HVMMEM_ram_rw        0
#define HVMMEM_ram_ro        1
#define HVMMEM_mmio_dm       2
#define HVMMEM_unused        3
#define HVMMEM_ioreq_server  4

#ifndef __ASSEMBLY__

/* index: HVM_PARAM_* (hvm/params.h). */
struct xen_hvm_param {
    domid_t domid; /* DOMID_SELF from a guest */
    uint16_t pad;
    uint32_t index;
    uint64_t value; /* in for set, out for get */
};
XEN_ABI_SIZE(struct xen_hvm_param, 16);
XEN_ABI_OFFSET(struct xen_hvm_param, index, 4);
XEN_ABI_OFFSET(struct xen_hvm_param, value, 8);

struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint16_t pad[3];
    uint64_t gpa; /* top-level page table about to go away */
};
XEN_ABI_SIZE(struct xen_hvm_pagetable_dying, 16);
XEN_ABI_OFFSET(struct xen_hvm_pagetable_dying, gpa, 8);

struct xen_hvm_get_time {
    uint64_t now; /* out: system time, ns */
};
XEN_ABI_SIZE(struct xen_hvm_get_time, 8);

struct xen_hvm_get_mem_type {
    domid_t domid;
    uint16_t mem_type; /* out: HVMMEM_* */
    uint16_t pad[2];
    uint64_t pfn;
};
XEN_ABI_SIZE(struct xen_hvm_get_mem_type, 16);
XEN_ABI_OFFSET(struct xen_hvm_get_mem_type, mem_type, 2);
XEN_ABI_OFFSET(struct xen_hvm_get_mem_type, pfn, 8);

/* Per-vCPU upcall vector, used in preference to HVM_PARAM_CALLBACK_IRQ
 * (advertised by XEN_HVM_CPUID_UPCALL_VECTOR). */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
    uint8_t pad[3];
};
XEN_ABI_SIZE(struct xen_hvm_evtchn_upcall_vector, 8);
XEN_ABI_OFFSET(struct xen_hvm_evtchn_upcall_vector, vector, 4);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_HVM_HVM_OP_H */
