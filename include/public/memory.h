/*
 * __HYPERVISOR_memory_op(cmd, arg): the guest-physical memory map.
 * For auto-translated (HVM/PVH) guests every frame number here is a GFN.
 * The low 6 bits of cmd select the operation; for the reservation and
 * exchange operations the bits above hold the extent to start from (Xen
 * uses this to continue long calls), normally 0.
 */
#ifndef XEN_PUBLIC_MEMORY_H
#define XEN_PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation     0 /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation     1 /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page         2 /* arg unused */
#define XENMEM_current_reservation      3 /* domid_t */
#define XENMEM_maximum_reservation      4 /* domid_t */
#define XENMEM_machphys_mfn_list        5 /* PV */
#define XENMEM_populate_physmap         6 /* struct xen_memory_reservation */
#define XENMEM_add_to_physmap           7 /* struct xen_add_to_physmap */
#define XENMEM_memory_map               9 /* struct xen_memory_map */
#define XENMEM_machine_memory_map      10 /* struct xen_memory_map (dom0) */
#define XENMEM_exchange                11 /* struct xen_memory_exchange */
#define XENMEM_machphys_mapping        12 /* PV */
#define XENMEM_set_memory_map          13 /* struct xen_foreign_memory_map (toolstack) */
#define XENMEM_maximum_gpfn            14 /* domid_t */
#define XENMEM_remove_from_physmap     15 /* struct xen_remove_from_physmap */
#define XENMEM_set_pod_target          16
#define XENMEM_get_pod_target          17
#define XENMEM_add_to_physmap_batch    23 /* struct xen_add_to_physmap_batch */
#define XENMEM_claim_pages             24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo           26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource        28 /* struct xen_mem_acquire_resource */

/* Splitting cmd into operation and starting extent. */
#define XENMEM_CMD_MASK     0x3f
#define XENMEM_EXTENT_SHIFT 6

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)    (x) /* allocate below 2^x (PV) */
#define XENMEMF_node(x)            (((x) + 1) << 8)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_vnode              (1 << 18)

/* xen_add_to_physmap.space */
#define XENMAPSPACE_shared_info  0 /* idx 0: the domain's shared_info page */
#define XENMAPSPACE_grant_table  1 /* idx: grant-table frame (| XENMAPIDX_grant_table_status) */
#define XENMAPSPACE_gmfn         2 /* idx: a GFN of the same domain, moved to gpfn */
#define XENMAPSPACE_gmfn_range   3 /* like gmfn, `size` frames */
#define XENMAPSPACE_gmfn_foreign 4 /* idx: a GFN of another domain (batch only) */
#define XENMAPSPACE_dev_mmio     5 /* Arm only */
#define XENMAPIDX_grant_table_status 0x80000000

/* xen_mem_acquire_resource.type / .id */
#define XENMEM_resource_ioreq_server          0
#define XENMEM_resource_grant_table           1
#define XENMEM_resource_vmtrace_buf           2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1

#ifndef __ASSEMBLY__

/* Populate or release `nr_extents` extents of 2^extent_order frames; the
 * frame numbers are read from (or written to) extent_start[]. Returns the
 * number of extents done. */
struct xen_memory_reservation {
    xen_guest_handle_t extent_start; /* xen_pfn_t[nr_extents] */
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags; /* XENMEMF_* */
    domid_t domid;
    uint16_t pad0[3];
};
XEN_ABI_SIZE(struct xen_memory_reservation, 32);
XEN_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8);
XEN_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16);
XEN_ABI_OFFSET(struct xen_memory_reservation, mem_flags, 20);
XEN_ABI_OFFSET(struct xen_memory_reservation, domid, 24);

struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged; /* out (and in: must start at 0) */
};
XEN_ABI_SIZE(struct xen_memory_exchange, 72);
XEN_ABI_OFFSET(struct xen_memory_exchange, out, 32);
XEN_ABI_OFFSET(struct xen_memory_exchange, nr_exchanged, 64);

/* Map the object (space, idx) at guest frame gpfn of domid. */
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size; /* frames, XENMAPSPACE_gmfn_range only */
    uint32_t space; /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
XEN_ABI_SIZE(struct xen_add_to_physmap, 24);
XEN_ABI_OFFSET(struct xen_add_to_physmap, size, 2);
XEN_ABI_OFFSET(struct xen_add_to_physmap, space, 4);
XEN_ABI_OFFSET(struct xen_add_to_physmap, idx, 8);
XEN_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16);

struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space; /* XENMAPSPACE_* */
    uint16_t size;  /* entries in idxs/gpfns/errs */
    union {
        domid_t foreign_domid; /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;         /* 0 for the other spaces */
    } u;
    xen_guest_handle_t idxs;  /* xen_ulong_t[size] */
    xen_guest_handle_t gpfns; /* xen_pfn_t[size] */
    xen_guest_handle_t errs;  /* int32_t[size], out */
};
XEN_ABI_SIZE(struct xen_add_to_physmap_batch, 32);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, u, 6);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, idxs, 8);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, gpfns, 16);
XEN_ABI_OFFSET(struct xen_add_to_physmap_batch, errs, 24);

struct xen_remove_from_physmap {
    domid_t domid;
    uint16_t pad0[3];
    xen_pfn_t gpfn;
};
XEN_ABI_SIZE(struct xen_remove_from_physmap, 16);
XEN_ABI_OFFSET(struct xen_remove_from_physmap, gpfn, 8);

/* E820-style map: nr_entries is the buffer's capacity in, the count out. */
struct xen_memory_map {
    uint32_t nr_entries;
    uint32_t pad0;
    xen_guest_handle_t buffer; /* struct xen_e820_entry[nr_entries] */
};
XEN_ABI_SIZE(struct xen_memory_map, 16);
XEN_ABI_OFFSET(struct xen_memory_map, buffer, 8);

/* The entries XENMEM_memory_map returns (packed, as the BIOS E820 call). */
struct xen_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
} __attribute__((packed));
XEN_ABI_SIZE(struct xen_e820_entry, 20);

struct xen_foreign_memory_map {
    domid_t domid;
    uint16_t pad0[3];
    struct xen_memory_map map;
};
XEN_ABI_SIZE(struct xen_foreign_memory_map, 24);
XEN_ABI_OFFSET(struct xen_foreign_memory_map, map, 8);

/* Map frames of a resource of domid (grant table, ioreq server pages). */
struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type; /* XENMEM_resource_* */
    uint32_t id;
    uint32_t nr_frames; /* in: wanted; out: available when frame_list is 0 */
    uint32_t pad;
    uint64_t frame;                /* first frame of the resource */
    xen_guest_handle_t frame_list; /* xen_pfn_t[nr_frames], GFNs to map at */
};
XEN_ABI_SIZE(struct xen_mem_acquire_resource, 32);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, id, 4);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, nr_frames, 8);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, frame, 16);
XEN_ABI_OFFSET(struct xen_mem_acquire_resource, frame_list, 24);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_MEMORY_H */
