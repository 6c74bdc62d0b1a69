/*
 * grant_table: the guest's own grant table, version 1, as a PVH guest
 * sees it (what Linux's grant-table driver does at boot).
 *
 * The hypervisor must: report the table's size (GNTTABOP_query_size: one
 * frame to start, a limit of 64), keep the version at 1 (set_version(1)
 * succeeds, 2 is refused with the version left at 1, get_version says 1),
 * map frame i wherever the guest asks with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table) -- also at GFNs above
 * RAM, growing the table on demand, a frame living at one GFN at a time --
 * report those GFNs through setup_table (~0 for unmapped frames), refuse
 * frames beyond the limit and v2 status frames, and answer requests for
 * other or unknown domains with the right status.
 */
#include <guest.h>
#include <public/grant_table.h>
#include <public/memory.h>

const char test_title[] = "grant_table: v1 table size, version, frames in the physmap";

#define MAX_FRAMES 64
#define NONE (~0ull)
/* Above the 16 MiB of RAM the test runs with, inside the guest's identity map. */
#define GFN_A 0x4000ull /* 64 MiB */
#define GFN_B 0x4001ull
#define GFN_C 0x5000ull

static struct gnttab_query_size query(u16 dom, long *rc)
{
    struct gnttab_query_size q = {.dom = dom, .status = 0x7777};

    *rc = hypercall_grant_table_op(GNTTABOP_query_size, &q, 1);
    return q;
}

static long map_frame(u64 idx, u64 gfn)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx, .gpfn = gfn};

    return hypercall_memory_op(XENMEM_add_to_physmap, &x);
}

/* setup_table for n frames: the status, and the frames' GFNs in out[]. */
static s16 frames(u32 n, u64 *out)
{
    struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = n, .status = 0x7777};
    long rc;

    for (u32 i = 0; i < n; i++)
        out[i] = 0x1234;
    s.frame_list = (u64)out;
    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &s, 1);
    check(rc == 0, "setup_table(%u): rc %ld", n, rc);
    return s.status;
}

static void check_size(void)
{
    struct gnttab_query_size q;
    long rc;

    q = query(DOMID_SELF, &rc);
    check(rc == 0 && q.status == GNTST_okay, "query_size: rc %ld status %d", rc, q.status);
    check(q.nr_frames == 1 && q.max_nr_frames == MAX_FRAMES, "query_size: %u frames of %u",
          q.nr_frames, q.max_nr_frames);
    q = query(0x7fe0, &rc);
    check(rc == 0 && q.status == GNTST_bad_domain, "query_size(unknown domain): rc %ld status %d",
          rc, q.status);
    rc = hypercall_grant_table_op(GNTTABOP_query_size, &q, 2);
    check(rc == -EINVAL, "query_size with count 2: rc %ld", rc);
    rc = hypercall_grant_table_op(GNTTABOP_query_size, (void *)0x7ff000000000ull, 1);
    check(rc == -EFAULT, "query_size at an unmapped address: rc %ld", rc);
}

static void check_version(void)
{
    struct gnttab_set_version sv = {.version = 1};
    struct gnttab_get_version gv = {.dom = DOMID_SELF};
    long rc;

    rc = hypercall_grant_table_op(GNTTABOP_set_version, &sv, 1);
    check(rc == 0 && sv.version == 1, "set_version(1): rc %ld version %u", rc, sv.version);
    sv.version = 2;
    rc = hypercall_grant_table_op(GNTTABOP_set_version, &sv, 1);
    check(rc == -ENOSYS && sv.version == 1, "set_version(2): rc %ld version %u", rc, sv.version);
    rc = hypercall_grant_table_op(GNTTABOP_get_version, &gv, 1);
    check(rc == 0 && gv.version == 1, "get_version: rc %ld version %u", rc, gv.version);
    gv.dom = 0x7fe0;
    rc = hypercall_grant_table_op(GNTTABOP_get_version, &gv, 1);
    check(rc == -ESRCH, "get_version(unknown domain): rc %ld", rc);
    rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &gv, 1);
    check(rc == -ENOSYS, "map_grant_ref (no backends yet): rc %ld", rc);
}

static void check_frames(void)
{
    static u64 gfns[MAX_FRAMES + 1];
    volatile struct grant_entry_v1 *a, *b;
    struct gnttab_query_size q;
    long rc;

    check(frames(1, gfns) == GNTST_okay && gfns[0] == NONE, "frame 0 before mapping: %#lx",
          gfns[0]);
    rc = map_frame(0, GFN_A);
    check(rc == 0, "add_to_physmap(grant frame 0 at %#llx): rc %ld", GFN_A, rc);
    check(frames(1, gfns) == GNTST_okay && gfns[0] == GFN_A, "frame 0 at %#lx", gfns[0]);

    /* The frame is memory the guest writes its grants into. */
    a = (volatile struct grant_entry_v1 *)(GFN_A << XEN_PAGE_SHIFT);
    check(a[8].flags == 0 && a[8].frame == 0, "a fresh grant frame is not zero");
    a[8].domid = 0;
    a[8].frame = 0x12345;
    a[8].flags = GTF_permit_access | GTF_readonly;

    /* Moving it: the same frame appears at the new GFN (the old one is a hole now). */
    rc = map_frame(0, GFN_B);
    check(rc == 0, "add_to_physmap(grant frame 0 at %#llx): rc %ld", GFN_B, rc);
    b = (volatile struct grant_entry_v1 *)(GFN_B << XEN_PAGE_SHIFT);
    check(b[8].frame == 0x12345 && b[8].flags == (GTF_permit_access | GTF_readonly),
          "grant frame 0 lost its entries when it moved");
    check(frames(1, gfns) == GNTST_okay && gfns[0] == GFN_B, "frame 0 at %#lx after the move",
          gfns[0]);

    /* Growing on demand: frame 3 makes 4 frames; 1 and 2 exist but are not mapped. */
    rc = map_frame(3, GFN_C);
    check(rc == 0, "add_to_physmap(grant frame 3): rc %ld", rc);
    q = query(DOMID_SELF, &rc);
    check(q.nr_frames == 4, "%u frames after mapping frame 3", q.nr_frames);
    check(frames(4, gfns) == GNTST_okay && gfns[0] == GFN_B && gfns[1] == NONE && gfns[2] == NONE &&
              gfns[3] == GFN_C,
          "frames: %#lx %#lx %#lx %#lx", gfns[0], gfns[1], gfns[2], gfns[3]);

    /* A refused index leaves the frame already at that GFN where it is (as Xen: check first). */
    rc = map_frame(MAX_FRAMES, GFN_C);
    check(rc == -EINVAL, "add_to_physmap(grant frame %u over frame 3): rc %ld", MAX_FRAMES, rc);
    check(frames(4, gfns) == GNTST_okay && gfns[3] == GFN_C,
          "frame 3 at %#lx after a refused add_to_physmap at its GFN", gfns[3]);

    /* Beyond the limit, and v2 status frames. */
    rc = map_frame(MAX_FRAMES, GFN_C + 1);
    check(rc == -EINVAL, "add_to_physmap(grant frame %u): rc %ld", MAX_FRAMES, rc);
    rc = map_frame(XENMAPIDX_grant_table_status | 0, GFN_C + 1);
    check(rc == -EINVAL, "add_to_physmap(status frame 0): rc %ld", rc);
    check(frames(MAX_FRAMES + 1, gfns) == GNTST_general_error, "setup_table(%u) accepted",
          MAX_FRAMES + 1);

    /* A shared_info mapped over frame 3's GFN takes its place. */
    {
        struct xen_add_to_physmap x = {
            .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = GFN_C};

        rc = hypercall_memory_op(XENMEM_add_to_physmap, &x);
        check(rc == 0, "add_to_physmap(shared_info over a grant frame): rc %ld", rc);
        check(frames(4, gfns) == GNTST_okay && gfns[3] == NONE,
              "frame 3 still at %#lx after shared_info replaced it", gfns[3]);
    }
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    check_size();
    check_version();
    check_frames();
    test_success();
}
