/*
 * Per-domain grant table, version 1: the bookkeeping behind
 * GNTTABOP_query_size / set_version / get_version / setup_table,
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table), and the validation and
 * pinning of an entry when another domain maps or copies a grant. Pure
 * code: pages come from the caller's allocator, p2m changes are the
 * caller's, results are GNTST_* / -errno values.
 *
 * The table is an array of 8-byte struct grant_entry_v1 (512 per 4 KiB
 * frame) in hypervisor-owned pages that the guest maps into its physmap
 * and writes concurrently with us. Rules that follow from that:
 *   - an entry's {flags, domid} word is read once, checked, and changed
 *     only with cmpxchg (the guest may rewrite it at any time); after a
 *     bounded number of lost races the guest is deemed misbehaving;
 *   - `frame` is read only after GTF_reading is published (from then on a
 *     well-behaved granter leaves the entry alone) and latched in the
 *     hypervisor-private active entry; later pins use the latched value;
 *   - GTF_reading/GTF_writing are cleared with atomic AND so that a
 *     concurrent guest update of other bits is not lost.
 *
 * Reserved entries (Xen's convention, include/public/grant_table.h):
 * 0..GNTTAB_NR_RESERVED_ENTRIES-1 belong to the toolstack.
 * GNTTAB_RESERVED_CONSOLE (0) grants the console page and
 * GNTTAB_RESERVED_XENSTORE (1) the xenstore page to the backend domain
 * (gnttab_set_reserved); Linux allocates its own grants from 8 up.
 *
 * Size: the table starts with one frame (Xen's INITIAL_NR_GRANT_FRAMES)
 * and grows on demand, one frame at a time or up to the frame a request
 * names, never beyond max_frames. The default is 64 frames (32768
 * entries), Xen's default gnttab_max_frames, which libxl also uses for a
 * domU unless configured: Linux sizes its grant-frame window (reserved
 * guest-physical space above RAM) from query_size's max_nr_frames, and
 * blkfront/netfront with several queues need thousands of grants. Memory is
 * only spent on frames the guest actually maps: 4 KiB shared + 4 KiB active
 * state per frame.
 *
 * Versions: only v1. set_version(1) succeeds; set_version(2) returns
 * -ENOSYS and reports version 1 (what Xen does for a domain created with
 * max_grant_version = 1: "behave as before set_version was introduced");
 * any other number returns -EINVAL and reports the version in force (so
 * set_version(0) is a query).
 *
 * Locking: every function requires the caller to hold the grant-table
 * lock of @gt (one per domain). Pinning an entry of domain A for domain B
 * takes A's lock only. Functions never sleep; allocation goes through
 * @ops with that lock held.
 */
#ifndef LARES_GRANT_TABLE_H
#define LARES_GRANT_TABLE_H

#include <lares/types.h>
#include <public/grant_table.h>

#define GNTTAB_FRAME_SIZE 4096u
#define GNTTAB_ENTRIES_PER_FRAME (GNTTAB_FRAME_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_INITIAL_FRAMES 1u
#define GNTTAB_DEFAULT_MAX_FRAMES 64u
#define GNTTAB_MAX_FRAMES_LIMIT 1024u /* gnttab_init refuses more */

/* Lost cmpxchg races tolerated per pin before the guest is deemed misbehaving (Xen: 4). */
#define GNTTAB_PIN_RETRIES 4u
/* Pins of one kind (read-only or writable) one entry can hold. */
#define GNTTAB_MAX_PINS 255u

/* Frame not mapped in the guest's physmap (setup_table reports this for it, as Xen's M2P). */
#define GNTTAB_GFN_NONE (~0ull)

/* gnttab_pin()/gnttab_unpin() flags. */
#define GNTTAB_PIN_READONLY (1u << 0) /* the access only reads the granted page */
#define GNTTAB_PIN_MAP (1u << 1)      /* a mapping (not a copy): GTF_sub_page is refused */

struct gnttab_ops {
    void *ctx;
    /*
     * A zeroed page for a grant frame: its hypervisor address, and its
     * machine frame in *mfn. NULL if there is no memory.
     */
    void *(*alloc_frame)(void *ctx, mfn_t *mfn);
    void (*free_frame)(void *ctx, void *page, mfn_t mfn);
    /* Zeroed bookkeeping memory (max_frames * 32 bytes, or 4 KiB per frame), or NULL. */
    void *(*zalloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *p);
};

/* Hypervisor-private state of one entry while another domain uses it. */
struct gnttab_active {
    u32 gfn;    /* the entry's frame, latched at the first pin */
    u16 domid;  /* the domain holding the pins */
    u8 readers; /* read-only pins */
    u8 writers; /* writable pins */
};

struct gnttab_frame {
    struct grant_entry_v1 *entries; /* the shared page (guest-writable) */
    struct gnttab_active *active;   /* [GNTTAB_ENTRIES_PER_FRAME] */
    mfn_t mfn;
    u64 gfn; /* where the guest mapped it, or GNTTAB_GFN_NONE */
};

struct grant_table {
    u16 domid;
    unsigned int version;   /* 1 */
    unsigned int nr_frames; /* frames allocated: entries 0 .. nr_frames * 512 - 1 exist */
    unsigned int max_frames;
    unsigned int nr_pinned;      /* entries with at least one pin */
    struct gnttab_frame *frames; /* [max_frames] */
    const struct gnttab_ops *ops;
};

/*
 * Set up @gt for domain @domid with at most @max_frames frames (0: the
 * default) and allocate its first frame. 0, -EINVAL (max_frames above
 * GNTTAB_MAX_FRAMES_LIMIT) or -ENOMEM (nothing left allocated).
 */
int gnttab_init(struct grant_table *gt, u16 domid, unsigned int max_frames,
                const struct gnttab_ops *ops);

/*
 * Free every frame. The caller has removed the frames from the guest's
 * physmap and made sure no other domain still uses a grant of this one
 * (nr_pinned == 0; pins that remain are dropped, with a count returned so
 * the caller can report the leak).
 */
unsigned int gnttab_destroy(struct grant_table *gt);

/* GNTTABOP_query_size for @gt (the caller resolves op->dom; GNTST_bad_domain is its job). */
void gnttab_query_size(const struct grant_table *gt, struct gnttab_query_size *op);

/*
 * GNTTABOP_set_version: *version in: the requested version, out: the
 * version in force. 0, -EINVAL or -ENOSYS (see the top of this file).
 */
int gnttab_set_version(struct grant_table *gt, u32 *version);

/* GNTTABOP_get_version. */
u32 gnttab_get_version(const struct grant_table *gt);

/*
 * GNTTABOP_setup_table: grow the table to at least @nr_frames frames.
 * GNTST_okay, or GNTST_general_error (more than max_frames, or no
 * memory). On success the caller writes gnttab_frame_gfn(gt, i) for
 * i < nr_frames to the guest's frame_list: for an auto-translated guest
 * that is where frame i is mapped, GNTTAB_GFN_NONE (~0) if it is not, as
 * on Xen. (Linux only uses this hypercall for PV guests.)
 */
s16 gnttab_setup_table(struct grant_table *gt, u32 nr_frames);

/* Guest frame where frame @idx is mapped; GNTTAB_GFN_NONE if not (or idx >= nr_frames). */
u64 gnttab_frame_gfn(const struct grant_table *gt, unsigned int idx);

/*
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx): the machine frame
 * of frame @idx, growing the table to idx + 1 frames if needed. *old_gfn
 * is where that frame is mapped now (GNTTAB_GFN_NONE if nowhere): the
 * caller removes that p2m entry, maps *mfn at the new GFN and then calls
 * gnttab_frame_set_gfn(). -EINVAL: idx has XENMAPIDX_grant_table_status
 * (v1 has no status frames) or is not below max_frames (Xen's answers);
 * -ENOMEM: no memory to grow.
 */
int gnttab_map_frame(struct grant_table *gt, u64 idx, mfn_t *mfn, u64 *old_gfn);

/* Record that frame @idx is now mapped at @gfn (GNTTAB_GFN_NONE: unmapped). */
void gnttab_frame_set_gfn(struct grant_table *gt, unsigned int idx, u64 gfn);

/*
 * The guest's p2m entry at @gfn is going away (removed or replaced): if a
 * grant frame was mapped there, forget it. Returns that frame's index or
 * -ENOENT.
 */
int gnttab_forget_gfn(struct grant_table *gt, u64 gfn);

/*
 * Validate entry @ref of @gt for domain @mapper and take one pin on it
 * (GNTTAB_PIN_* @flags): the entry must be GTF_permit_access for @mapper,
 * and not GTF_readonly for a writable pin. Sets GTF_reading (and
 * GTF_writing) in the shared entry. *gfn: the granted frame, a GFN of the
 * granting domain for the caller to translate (and to check: the guest
 * chose it). Returns GNTST_okay, GNTST_bad_gntref (ref beyond the table)
 * or GNTST_general_error (wrong type, domain, readonly, GTF_sub_page on a
 * map, the entry pinned by another domain, too many pins, or the guest
 * kept changing the entry).
 */
s16 gnttab_pin(struct grant_table *gt, grant_ref_t ref, u16 mapper, unsigned int flags, u64 *gfn);

/*
 * Drop one pin taken with the same @mapper and GNTTAB_PIN_READONLY flag.
 * Clears GTF_writing when no writable pin is left and GTF_reading when no
 * pin is left. GNTST_okay, GNTST_bad_gntref, or GNTST_general_error (no
 * such pin: a caller bug, reported rather than trusted).
 */
s16 gnttab_unpin(struct grant_table *gt, grant_ref_t ref, u16 mapper, unsigned int flags);

/*
 * Toolstack-style grant of a reserved entry (@ref < GNTTAB_NR_RESERVED_ENTRIES):
 * permit @backend to access (read and write) guest frame @gfn. 0 or -EINVAL.
 */
int gnttab_set_reserved(struct grant_table *gt, grant_ref_t ref, u16 backend, u32 gfn);

#ifdef LARES_HOST_TEST
/*
 * Test seam: called between reading an entry and the cmpxchg that
 * updates it, so a unit test can play a guest changing it in between.
 */
extern void (*gnttab_test_before_cmpxchg)(struct grant_entry_v1 *entry);
#endif

#endif
