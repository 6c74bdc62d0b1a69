/*
 * __HYPERVISOR_grant_table_op(cmd, uop, count): sharing pages between
 * domains. uop points at an array of `count` structures of the type the
 * command names. A domain's grant table is an array of entries it writes
 * itself; version 1 entries are 8 bytes, 512 per 4 KiB frame.
 */
#ifndef XEN_PUBLIC_GRANT_TABLE_H
#define XEN_PUBLIC_GRANT_TABLE_H

#include "xen.h"

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version       10
#define GNTTABOP_swap_grant_ref    11
#define GNTTABOP_cache_flush       12

/* Entries 0..7 are reserved for the toolstack. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* grant_entry_v1.flags: type in bits 1:0, then flags. */
#define GTF_invalid         0
#define GTF_permit_access   1
#define GTF_accept_transfer 2
#define GTF_transitive      3
#define GTF_type_mask       3
#define GTF_readonly        (1 << 2) /* permit_access: grantee may only read */
#define GTF_reading         (1 << 3) /* set by the hypervisor while mapped/copied from */
#define GTF_writing         (1 << 4) /* set by the hypervisor while mapped/copied to */
#define GTF_PWT             (1 << 5)
#define GTF_PCD             (1 << 6)
#define GTF_PAT             (1 << 7)
#define GTF_sub_page        (1 << 8)
#define GTF_transfer_committed (1 << 2) /* accept_transfer */
#define GTF_transfer_completed (1 << 3) /* accept_transfer */

/* gnttab_map_grant_ref.flags */
#define GNTMAP_device_map      (1 << 0)
#define GNTMAP_host_map        (1 << 1)
#define GNTMAP_readonly        (1 << 2)
#define GNTMAP_application_map (1 << 3)
#define GNTMAP_contains_pte    (1 << 4)

/* gnttab_copy.flags */
#define GNTCOPY_source_gref (1 << 0)
#define GNTCOPY_dest_gref   (1 << 1)

/* gnttab_cache_flush.op */
#define GNTTAB_CACHE_CLEAN       (1 << 0)
#define GNTTAB_CACHE_INVAL       (1 << 1)
#define GNTTAB_CACHE_SOURCE_GREF 0x80000000

/* Per-operation status values (the `status` fields, not the call's rc). */
#define GNTST_okay              0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

#ifndef __ASSEMBLY__

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;
typedef uint16_t grant_status_t; /* v2 status frames */

struct grant_entry_v1 {
    uint16_t flags;  /* GTF_* */
    domid_t domid;   /* the domain allowed to use the grant */
    uint32_t frame;  /* the granted GFN (or the transfer target) */
};
XEN_ABI_SIZE(struct grant_entry_v1, 8);
XEN_ABI_OFFSET(struct grant_entry_v1, domid, 2);
XEN_ABI_OFFSET(struct grant_entry_v1, frame, 4);

struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
XEN_ABI_SIZE(struct grant_entry_header, 4);

union grant_entry_v2 {
    struct grant_entry_header hdr;
    struct {
        struct grant_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        struct grant_entry_header hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        struct grant_entry_header hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t spacer[4];
};
XEN_ABI_SIZE(union grant_entry_v2, 16);

struct gnttab_map_grant_ref {
    uint64_t host_addr; /* in */
    uint32_t flags;     /* in: GNTMAP_* */
    grant_ref_t ref;    /* in */
    domid_t dom;        /* in: the granting domain */
    int16_t status;     /* out: GNTST_* */
    grant_handle_t handle; /* out */
    uint64_t dev_bus_addr; /* out */
};
XEN_ABI_SIZE(struct gnttab_map_grant_ref, 32);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, flags, 8);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, status, 18);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status; /* out */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_unmap_grant_ref, 24);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20);

/* PV only: auto-translated guests map frames with XENMEM_add_to_physmap. */
struct gnttab_setup_table {
    domid_t dom;
    uint16_t pad0;
    uint32_t nr_frames;
    int16_t status; /* out */
    uint16_t pad1[3];
    xen_guest_handle_t frame_list; /* xen_pfn_t[nr_frames], out */
};
XEN_ABI_SIZE(struct gnttab_setup_table, 24);
XEN_ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_setup_table, status, 8);
XEN_ABI_OFFSET(struct gnttab_setup_table, frame_list, 16);

struct gnttab_dump_table {
    domid_t dom;
    int16_t status; /* out */
};
XEN_ABI_SIZE(struct gnttab_dump_table, 4);

struct gnttab_transfer {
    xen_pfn_t mfn;
    domid_t domid;
    uint16_t pad0;
    grant_ref_t ref;
    int16_t status; /* out */
    uint16_t pad1[3];
};
XEN_ABI_SIZE(struct gnttab_transfer, 24);
XEN_ABI_OFFSET(struct gnttab_transfer, ref, 12);
XEN_ABI_OFFSET(struct gnttab_transfer, status, 16);

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref; /* with GNTCOPY_*_gref */
        xen_pfn_t gmfn;  /* otherwise: a frame of the calling domain */
    } u;
    domid_t domid;
    uint16_t offset;
    uint32_t pad0;
};
XEN_ABI_SIZE(struct gnttab_copy_ptr, 16);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, domid, 8);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, offset, 10);

struct gnttab_copy {
    struct gnttab_copy_ptr source;
    struct gnttab_copy_ptr dest;
    uint16_t len;
    uint16_t flags; /* GNTCOPY_* */
    int16_t status; /* out */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_copy, 40);
XEN_ABI_OFFSET(struct gnttab_copy, dest, 16);
XEN_ABI_OFFSET(struct gnttab_copy, len, 32);
XEN_ABI_OFFSET(struct gnttab_copy, flags, 34);
XEN_ABI_OFFSET(struct gnttab_copy, status, 36);

struct gnttab_query_size {
    domid_t dom;             /* in */
    uint16_t pad0;
    uint32_t nr_frames;      /* out: frames in use */
    uint32_t max_nr_frames;  /* out: limit */
    int16_t status;          /* out */
    uint16_t pad1;
};
XEN_ABI_SIZE(struct gnttab_query_size, 16);
XEN_ABI_OFFSET(struct gnttab_query_size, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_query_size, max_nr_frames, 8);
XEN_ABI_OFFSET(struct gnttab_query_size, status, 12);

struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t status; /* out */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_unmap_and_replace, 24);
XEN_ABI_OFFSET(struct gnttab_unmap_and_replace, status, 20);

struct gnttab_set_version {
    uint32_t version; /* in: 1 or 2; out: the version in force */
};
XEN_ABI_SIZE(struct gnttab_set_version, 4);

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t dom;
    int16_t status; /* out */
    xen_guest_handle_t frame_list; /* uint64_t[nr_frames], out */
};
XEN_ABI_SIZE(struct gnttab_get_status_frames, 16);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, dom, 4);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, status, 6);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, frame_list, 8);

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version; /* out */
};
XEN_ABI_SIZE(struct gnttab_get_version, 8);

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status; /* out */
    uint16_t pad0;
};
XEN_ABI_SIZE(struct gnttab_swap_grant_ref, 12);

struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op; /* GNTTAB_CACHE_* */
};
XEN_ABI_SIZE(struct gnttab_cache_flush, 16);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_GRANT_TABLE_H */
