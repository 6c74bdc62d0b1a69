/* Grant table v1 core: sizes, versions, frame mapping, entry validation, pins and guest races. */
#include "unit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/grant_table.h>
#include <public/memory.h>

/* ------------------------------------------------------------ allocator with failure injection */
static int allocs_left; /* allocations that succeed before the next one fails; -1: no limit */
static int outstanding; /* allocations not yet freed */
static mfn_t next_mfn;

static bool may_allocate(void)
{
    if (allocs_left == 0)
        return false;
    if (allocs_left > 0)
        allocs_left--;
    return true;
}

static void *t_alloc_frame(void *ctx, mfn_t *mfn)
{
    void *p;

    if (!may_allocate())
        return NULL;
    p = aligned_alloc(GNTTAB_FRAME_SIZE, GNTTAB_FRAME_SIZE);
    assert_non_null(p);
    memset(p, 0, GNTTAB_FRAME_SIZE);
    *mfn = next_mfn++;
    outstanding++;
    return p;
}

static void t_free_frame(void *ctx, void *page, mfn_t mfn)
{
    assert_non_null(page);
    free(page);
    outstanding--;
}

static void *t_zalloc(void *ctx, size_t size)
{
    void *p;

    if (!may_allocate())
        return NULL;
    p = calloc(1, size);
    assert_non_null(p);
    outstanding++;
    return p;
}

static void t_free(void *ctx, void *p)
{
    assert_non_null(p);
    free(p);
    outstanding--;
}

static const struct gnttab_ops ops = {
    .alloc_frame = t_alloc_frame,
    .free_frame = t_free_frame,
    .zalloc = t_zalloc,
    .free = t_free,
};

#define DOM_GRANTER 1
#define DOM_BACKEND 2
#define DOM_OTHER 3

static struct grant_table gt;

static int setup(void **state)
{
    allocs_left = -1;
    outstanding = 0;
    next_mfn = 0x1000;
    gnttab_test_before_cmpxchg = NULL;
    assert_int_equal(gnttab_init(&gt, DOM_GRANTER, 0, &ops), 0);
    return 0;
}

static int teardown(void **state)
{
    gnttab_destroy(&gt);
    assert_int_equal(outstanding, 0);
    return 0;
}

/* The shared entry as the granting guest sees it. */
static struct grant_entry_v1 *entry(grant_ref_t ref)
{
    return &gt.frames[ref / GNTTAB_ENTRIES_PER_FRAME].entries[ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* What Linux's gnttab_grant_foreign_access_ref writes. */
static void guest_grant(grant_ref_t ref, u16 domid, u32 gfn, u16 flags)
{
    struct grant_entry_v1 *e = entry(ref);

    e->frame = gfn;
    e->domid = domid;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------ size, version, setup */
static void test_init_defaults(void **state)
{
    struct gnttab_query_size q;

    memset(&q, 0xa5, sizeof(q));
    gnttab_query_size(&gt, &q);
    assert_int_equal(q.nr_frames, 1);
    assert_int_equal(q.max_nr_frames, 64);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(gt.domid, DOM_GRANTER);
    assert_int_equal(gnttab_get_version(&gt), 1);
    assert_int_equal(gt.nr_pinned, 0);
    /* One frame, its entries zeroed (GTF_invalid). */
    for (grant_ref_t r = 0; r < GNTTAB_ENTRIES_PER_FRAME; r++)
        assert_int_equal(entry(r)->flags, 0);
}

static void test_init_limits(void **state)
{
    struct grant_table t2;
    struct gnttab_query_size q;

    assert_int_equal(gnttab_init(&t2, 7, GNTTAB_MAX_FRAMES_LIMIT + 1, &ops), -EINVAL);

    assert_int_equal(gnttab_init(&t2, 7, 4, &ops), 0);
    gnttab_query_size(&t2, &q);
    assert_int_equal(q.nr_frames, 1);
    assert_int_equal(q.max_nr_frames, 4);
    assert_int_equal(gnttab_destroy(&t2), 0);
}

static void test_init_out_of_memory(void **state)
{
    struct grant_table t2;
    int before = outstanding;

    /* Fail the frame array, then the first frame's active state, then the first frame. */
    for (int ok = 0; ok < 3; ok++) {
        allocs_left = ok;
        assert_int_equal(gnttab_init(&t2, 7, 0, &ops), -ENOMEM);
        assert_int_equal(outstanding, before);
    }
    allocs_left = -1;
}

static void test_set_version(void **state)
{
    u32 v;

    v = 1;
    assert_int_equal(gnttab_set_version(&gt, &v), 0);
    assert_int_equal(v, 1);

    /* v2 is disabled: Xen's -ENOSYS, and the version in force is reported. */
    v = 2;
    assert_int_equal(gnttab_set_version(&gt, &v), -ENOSYS);
    assert_int_equal(v, 1);

    /* 0 (and anything else) is not a version: -EINVAL, but it reports the current one. */
    v = 0;
    assert_int_equal(gnttab_set_version(&gt, &v), -EINVAL);
    assert_int_equal(v, 1);
    v = 3;
    assert_int_equal(gnttab_set_version(&gt, &v), -EINVAL);
    assert_int_equal(v, 1);
    v = 0xffffffff;
    assert_int_equal(gnttab_set_version(&gt, &v), -EINVAL);
    assert_int_equal(v, 1);

    assert_int_equal(gnttab_get_version(&gt), 1);
}

static void test_setup_table(void **state)
{
    assert_int_equal(gnttab_setup_table(&gt, 0), GNTST_okay);
    assert_int_equal(gt.nr_frames, 1);
    assert_int_equal(gnttab_setup_table(&gt, 4), GNTST_okay);
    assert_int_equal(gt.nr_frames, 4);
    /* Never shrinks. */
    assert_int_equal(gnttab_setup_table(&gt, 2), GNTST_okay);
    assert_int_equal(gt.nr_frames, 4);
    /* Unmapped frames are reported as ~0, as Xen's M2P does for a translated guest. */
    for (unsigned int i = 0; i < 4; i++)
        assert_true(gnttab_frame_gfn(&gt, i) == GNTTAB_GFN_NONE);
    assert_true(gnttab_frame_gfn(&gt, 4) == GNTTAB_GFN_NONE);

    assert_int_equal(gnttab_setup_table(&gt, 64), GNTST_okay);
    assert_int_equal(gt.nr_frames, 64);
    assert_int_equal(gnttab_setup_table(&gt, 65), GNTST_general_error);
    assert_int_equal(gnttab_setup_table(&gt, 0xffffffff), GNTST_general_error);
    assert_int_equal(gt.nr_frames, 64);
}

static void test_setup_table_out_of_memory(void **state)
{
    allocs_left = 0;
    assert_int_equal(gnttab_setup_table(&gt, 3), GNTST_general_error);
    assert_int_equal(gt.nr_frames, 1);
    /* The active page succeeds, the shared frame fails: nothing half-made is kept. */
    allocs_left = 1;
    assert_int_equal(gnttab_setup_table(&gt, 2), GNTST_general_error);
    assert_int_equal(gt.nr_frames, 1);
    allocs_left = -1;
    assert_int_equal(gnttab_setup_table(&gt, 2), GNTST_okay);
    assert_int_equal(gt.nr_frames, 2);
}

/* ------------------------------------------------------------ add_to_physmap */
static void test_map_frame(void **state)
{
    mfn_t mfn, mfn0;
    u64 old;

    assert_int_equal(gnttab_map_frame(&gt, 0, &mfn0, &old), 0);
    assert_true(mfn0 == gt.frames[0].mfn);
    assert_true(old == GNTTAB_GFN_NONE);
    gnttab_frame_set_gfn(&gt, 0, 0x50000);
    assert_true(gnttab_frame_gfn(&gt, 0) == 0x50000);

    /* Mapping it again elsewhere: the caller learns where it was, to remove that entry. */
    assert_int_equal(gnttab_map_frame(&gt, 0, &mfn, &old), 0);
    assert_true(mfn == mfn0);
    assert_true(old == 0x50000);
    gnttab_frame_set_gfn(&gt, 0, 0x50010);

    /* Linux maps the highest frame first when it grows: everything below is allocated too. */
    assert_int_equal(gnttab_map_frame(&gt, 5, &mfn, &old), 0);
    assert_int_equal(gt.nr_frames, 6);
    assert_true(mfn == gt.frames[5].mfn);
    assert_true(old == GNTTAB_GFN_NONE);
    gnttab_frame_set_gfn(&gt, 5, 0x50005);

    /* setup_table for a translated guest reports the mapped GFNs. */
    assert_int_equal(gnttab_setup_table(&gt, 6), GNTST_okay);
    assert_true(gnttab_frame_gfn(&gt, 0) == 0x50010);
    assert_true(gnttab_frame_gfn(&gt, 5) == 0x50005);
    assert_true(gnttab_frame_gfn(&gt, 3) == GNTTAB_GFN_NONE);

    /* Distinct frames. */
    for (unsigned int i = 0; i < gt.nr_frames; i++)
        for (unsigned int j = i + 1; j < gt.nr_frames; j++)
            assert_true(gt.frames[i].mfn != gt.frames[j].mfn);
}

static void test_map_frame_limits(void **state)
{
    mfn_t mfn = 0x1234;
    u64 old = 0x5678;

    for (u64 i = 0; i < 64; i++)
        assert_int_equal(gnttab_map_frame(&gt, i, &mfn, &old), 0);
    assert_int_equal(gt.nr_frames, 64);

    mfn = 0x1234;
    assert_int_equal(gnttab_map_frame(&gt, 64, &mfn, &old), -EINVAL);
    assert_int_equal(gnttab_map_frame(&gt, 1ull << 32, &mfn, &old), -EINVAL);
    assert_int_equal(gnttab_map_frame(&gt, ~0ull, &mfn, &old), -EINVAL);
    /* A v1 table has no status frames. */
    assert_int_equal(gnttab_map_frame(&gt, XENMAPIDX_grant_table_status | 0, &mfn, &old), -EINVAL);
    assert_int_equal(gnttab_map_frame(&gt, XENMAPIDX_grant_table_status | 1, &mfn, &old), -EINVAL);
    assert_true(mfn == 0x1234); /* untouched on failure */
    assert_int_equal(gt.nr_frames, 64);
}

static void test_map_frame_out_of_memory(void **state)
{
    mfn_t mfn;
    u64 old;

    allocs_left = 4; /* two more frames (active + shared each), then failure */
    assert_int_equal(gnttab_map_frame(&gt, 9, &mfn, &old), -ENOMEM);
    assert_int_equal(gt.nr_frames, 3); /* what was allocated stays valid */
    allocs_left = -1;
    assert_int_equal(gnttab_map_frame(&gt, 9, &mfn, &old), 0);
    assert_int_equal(gt.nr_frames, 10);
}

static void test_forget_gfn(void **state)
{
    mfn_t mfn;
    u64 old;

    assert_int_equal(gnttab_map_frame(&gt, 2, &mfn, &old), 0);
    gnttab_frame_set_gfn(&gt, 2, 0x40002);
    assert_int_equal(gnttab_forget_gfn(&gt, 0x40003), -ENOENT);
    assert_int_equal(gnttab_forget_gfn(&gt, GNTTAB_GFN_NONE), -ENOENT);
    assert_int_equal(gnttab_forget_gfn(&gt, 0x40002), 2);
    assert_true(gnttab_frame_gfn(&gt, 2) == GNTTAB_GFN_NONE);
    assert_int_equal(gnttab_forget_gfn(&gt, 0x40002), -ENOENT);
    /* Out-of-range set_gfn is ignored. */
    gnttab_frame_set_gfn(&gt, 40, 0x1);
    assert_int_equal(gnttab_forget_gfn(&gt, 0x1), -ENOENT);
}

/* ------------------------------------------------------------ validation */
static void test_pin_bad_ref(void **state)
{
    u64 gfn = 0xdead;

    assert_int_equal(gnttab_pin(&gt, GNTTAB_ENTRIES_PER_FRAME, DOM_BACKEND, 0, &gfn),
                     GNTST_bad_gntref);
    assert_int_equal(gnttab_pin(&gt, 0xffffffff, DOM_BACKEND, 0, &gfn), GNTST_bad_gntref);
    assert_int_equal(gnttab_unpin(&gt, GNTTAB_ENTRIES_PER_FRAME, DOM_BACKEND, 0), GNTST_bad_gntref);
    assert_int_equal(gnttab_unpin(&gt, 0x80000000, DOM_BACKEND, 0), GNTST_bad_gntref);
    assert_true(gfn == 0xdead);
}

static void test_pin_rejects(void **state)
{
    u64 gfn = 0xdead;

    /* Invalid (never granted). */
    assert_int_equal(gnttab_pin(&gt, 8, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    /* Other types. */
    guest_grant(9, DOM_BACKEND, 0x100, GTF_accept_transfer);
    assert_int_equal(gnttab_pin(&gt, 9, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    guest_grant(10, DOM_BACKEND, 0x100, GTF_transitive);
    assert_int_equal(gnttab_pin(&gt, 10, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    /* Granted to someone else. */
    guest_grant(11, DOM_OTHER, 0x100, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, 11, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    /* Read-only grant, write access. */
    guest_grant(12, DOM_BACKEND, 0x100, GTF_permit_access | GTF_readonly);
    assert_int_equal(gnttab_pin(&gt, 12, DOM_BACKEND, 0, &gfn), GNTST_general_error);
    assert_int_equal(gnttab_pin(&gt, 12, DOM_BACKEND, GNTTAB_PIN_MAP, &gfn), GNTST_general_error);
    /* Sub-page grants cannot be mapped (copies ignore the bit in v1, as Xen). */
    guest_grant(13, DOM_BACKEND, 0x100, GTF_permit_access | GTF_sub_page);
    assert_int_equal(gnttab_pin(&gt, 13, DOM_BACKEND, GNTTAB_PIN_MAP | GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);

    assert_true(gfn == 0xdead);
    assert_int_equal(gt.nr_pinned, 0);
    /* Nothing was marked in use. */
    for (grant_ref_t r = 8; r <= 13; r++)
        assert_int_equal(entry(r)->flags & (GTF_reading | GTF_writing), 0);

    /* The copy of the sub-page grant is fine. */
    assert_int_equal(gnttab_pin(&gt, 13, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_true(gfn == 0x100);
    assert_int_equal(gnttab_unpin(&gt, 13, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
}

static void test_pin_readonly(void **state)
{
    u64 gfn = 0;

    guest_grant(8, DOM_BACKEND, 0x12345, GTF_permit_access | GTF_readonly);
    assert_int_equal(gnttab_pin(&gt, 8, DOM_BACKEND, GNTTAB_PIN_MAP | GNTTAB_PIN_READONLY, &gfn),
                     GNTST_okay);
    assert_true(gfn == 0x12345);
    assert_int_equal(entry(8)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    assert_int_equal(entry(8)->domid, DOM_BACKEND);
    assert_int_equal(gt.nr_pinned, 1);

    assert_int_equal(gnttab_unpin(&gt, 8, DOM_BACKEND, GNTTAB_PIN_MAP | GNTTAB_PIN_READONLY),
                     GNTST_okay);
    assert_int_equal(entry(8)->flags, GTF_permit_access | GTF_readonly);
    assert_int_equal(gt.nr_pinned, 0);
}

static void test_pin_writable(void **state)
{
    u64 gfn = 0;

    guest_grant(100, DOM_BACKEND, 0xabcde, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, 100, DOM_BACKEND, GNTTAB_PIN_MAP, &gfn), GNTST_okay);
    assert_true(gfn == 0xabcde);
    assert_int_equal(entry(100)->flags, GTF_permit_access | GTF_reading | GTF_writing);

    /* The granter's revoke (cmpxchg to 0 expecting no reading/writing) fails while in use. */
    u16 expect = GTF_permit_access;
    assert_false(__atomic_compare_exchange_n(&entry(100)->flags, &expect, 0, false,
                                             __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));

    assert_int_equal(gnttab_unpin(&gt, 100, DOM_BACKEND, GNTTAB_PIN_MAP), GNTST_okay);
    assert_int_equal(entry(100)->flags, GTF_permit_access);
    expect = GTF_permit_access;
    assert_true(__atomic_compare_exchange_n(&entry(100)->flags, &expect, 0, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST));
}

/* ------------------------------------------------------------ pin counting */
static void test_pin_counts(void **state)
{
    u64 gfn;

    guest_grant(20, DOM_BACKEND, 0x777, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, 20, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_int_equal(gnttab_pin(&gt, 20, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access | GTF_reading);
    /* A writable pin on top of read-only ones sets GTF_writing. */
    assert_int_equal(gnttab_pin(&gt, 20, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_int_equal(gnttab_pin(&gt, 20, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(gt.nr_pinned, 1);

    assert_int_equal(gnttab_unpin(&gt, 20, DOM_BACKEND, 0), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(gnttab_unpin(&gt, 20, DOM_BACKEND, 0), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access | GTF_reading);
    assert_int_equal(gnttab_unpin(&gt, 20, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access | GTF_reading);
    assert_int_equal(gnttab_unpin(&gt, 20, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access);
    assert_int_equal(gt.nr_pinned, 0);

    /* Writer released last: reading goes with it. */
    assert_int_equal(gnttab_pin(&gt, 20, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_int_equal(gnttab_pin(&gt, 20, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_int_equal(gnttab_unpin(&gt, 20, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(gnttab_unpin(&gt, 20, DOM_BACKEND, 0), GNTST_okay);
    assert_int_equal(entry(20)->flags, GTF_permit_access);
}

static void test_pin_limit(void **state)
{
    u64 gfn;

    guest_grant(21, DOM_BACKEND, 0x1, GTF_permit_access);
    for (unsigned int i = 0; i < GNTTAB_MAX_PINS; i++)
        assert_int_equal(gnttab_pin(&gt, 21, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_int_equal(gnttab_pin(&gt, 21, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    /* The other kind has its own count. */
    for (unsigned int i = 0; i < GNTTAB_MAX_PINS; i++)
        assert_int_equal(gnttab_pin(&gt, 21, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_int_equal(gnttab_pin(&gt, 21, DOM_BACKEND, 0, &gfn), GNTST_general_error);
    assert_int_equal(gt.frames[0].active[21].readers, GNTTAB_MAX_PINS);
    assert_int_equal(gt.frames[0].active[21].writers, GNTTAB_MAX_PINS);

    for (unsigned int i = 0; i < GNTTAB_MAX_PINS; i++) {
        assert_int_equal(gnttab_unpin(&gt, 21, DOM_BACKEND, 0), GNTST_okay);
        assert_int_equal(gnttab_unpin(&gt, 21, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    }
    assert_int_equal(entry(21)->flags, GTF_permit_access);
}

static void test_unpin_errors(void **state)
{
    u64 gfn;

    guest_grant(22, DOM_BACKEND, 0x1, GTF_permit_access);
    /* Not pinned at all. */
    assert_int_equal(gnttab_unpin(&gt, 22, DOM_BACKEND, 0), GNTST_general_error);
    assert_int_equal(gnttab_unpin(&gt, 22, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_general_error);

    assert_int_equal(gnttab_pin(&gt, 22, DOM_BACKEND, 0, &gfn), GNTST_okay);
    /* Wrong kind and wrong domain. */
    assert_int_equal(gnttab_unpin(&gt, 22, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_general_error);
    assert_int_equal(gnttab_unpin(&gt, 22, DOM_OTHER, 0), GNTST_general_error);
    assert_int_equal(entry(22)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(gnttab_unpin(&gt, 22, DOM_BACKEND, 0), GNTST_okay);
    assert_int_equal(gnttab_unpin(&gt, 22, DOM_BACKEND, 0), GNTST_general_error);
    assert_int_equal(gt.nr_pinned, 0);
}

/* ------------------------------------------------------------ a guest changing entries */
static void test_frame_latched(void **state)
{
    u64 gfn;

    guest_grant(30, DOM_BACKEND, 0x1000, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, 30, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_true(gfn == 0x1000);
    /* A misbehaving granter points the entry elsewhere while it is in use. */
    entry(30)->frame = 0x2000;
    assert_int_equal(gnttab_pin(&gt, 30, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_true(gfn == 0x1000);
    assert_int_equal(gnttab_unpin(&gt, 30, DOM_BACKEND, 0), GNTST_okay);
    assert_int_equal(gnttab_unpin(&gt, 30, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    /* Once unused, the next pin reads the entry afresh. */
    assert_int_equal(gnttab_pin(&gt, 30, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_true(gfn == 0x2000);
    assert_int_equal(gnttab_unpin(&gt, 30, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
}

static void test_pinned_by_other_domain(void **state)
{
    u64 gfn;

    guest_grant(31, DOM_BACKEND, 0x1000, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, 31, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    /* The granter re-targets the entry while it is in use; the holder keeps it. */
    entry(31)->domid = DOM_OTHER;
    assert_int_equal(gnttab_pin(&gt, 31, DOM_OTHER, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    assert_int_equal(gnttab_pin(&gt, 31, DOM_OTHER, 0, &gfn), GNTST_general_error);
    assert_int_equal(gnttab_unpin(&gt, 31, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    /* Released: now the entry says DOM_OTHER, and DOM_OTHER may use it. */
    assert_int_equal(gnttab_pin(&gt, 31, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    assert_int_equal(gnttab_pin(&gt, 31, DOM_OTHER, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_int_equal(gnttab_unpin(&gt, 31, DOM_OTHER, GNTTAB_PIN_READONLY), GNTST_okay);
}

static void test_readonly_set_while_pinned(void **state)
{
    u64 gfn;

    guest_grant(32, DOM_BACKEND, 0x1000, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, 32, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    /* The granter downgrades it to read-only (allowed while nobody writes): no writable pin. */
    __atomic_fetch_or(&entry(32)->flags, GTF_readonly, __ATOMIC_SEQ_CST);
    assert_int_equal(gnttab_pin(&gt, 32, DOM_BACKEND, 0, &gfn), GNTST_general_error);
    assert_int_equal(entry(32)->flags & GTF_writing, 0);
    assert_int_equal(gnttab_unpin(&gt, 32, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
}

/* Race scripts: what the "guest" does between our read and our cmpxchg. */
static int race_calls;
static u16 race_set_bits;

static void race_set_flag_once(struct grant_entry_v1 *e)
{
    if (race_calls++ == 0)
        __atomic_fetch_or(&e->flags, race_set_bits, __ATOMIC_SEQ_CST);
}

static void race_revoke(struct grant_entry_v1 *e)
{
    race_calls++;
    __atomic_store_n(&e->flags, 0, __ATOMIC_SEQ_CST);
}

static void race_retarget(struct grant_entry_v1 *e)
{
    race_calls++;
    __atomic_store_n(&e->domid, DOM_OTHER, __ATOMIC_SEQ_CST);
}

static void race_flip_forever(struct grant_entry_v1 *e)
{
    race_calls++;
    __atomic_fetch_xor(&e->flags, GTF_PWT, __ATOMIC_SEQ_CST);
}

static void test_race_harmless_change(void **state)
{
    u64 gfn;

    /* A cache-attribute bit appears between read and cmpxchg: retried, and the bit survives. */
    guest_grant(40, DOM_BACKEND, 0x1000, GTF_permit_access);
    race_calls = 0;
    race_set_bits = GTF_PCD;
    gnttab_test_before_cmpxchg = race_set_flag_once;
    assert_int_equal(gnttab_pin(&gt, 40, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_int_equal(race_calls, 2);
    assert_int_equal(entry(40)->flags, GTF_permit_access | GTF_PCD | GTF_reading | GTF_writing);
    gnttab_test_before_cmpxchg = NULL;

    /* A bit the guest sets while pinned survives the unpin's clearing. */
    __atomic_fetch_or(&entry(40)->flags, GTF_PWT, __ATOMIC_SEQ_CST);
    assert_int_equal(gnttab_unpin(&gt, 40, DOM_BACKEND, 0), GNTST_okay);
    assert_int_equal(entry(40)->flags, GTF_permit_access | GTF_PCD | GTF_PWT);
}

static void test_race_readonly_appears(void **state)
{
    u64 gfn;

    guest_grant(41, DOM_BACKEND, 0x1000, GTF_permit_access);
    race_calls = 0;
    race_set_bits = GTF_readonly;
    gnttab_test_before_cmpxchg = race_set_flag_once;
    assert_int_equal(gnttab_pin(&gt, 41, DOM_BACKEND, 0, &gfn), GNTST_general_error);
    assert_int_equal(entry(41)->flags, GTF_permit_access | GTF_readonly);
    assert_int_equal(gt.nr_pinned, 0);
}

static void test_race_revoked(void **state)
{
    u64 gfn = 0xdead;

    guest_grant(42, DOM_BACKEND, 0x1000, GTF_permit_access);
    race_calls = 0;
    gnttab_test_before_cmpxchg = race_revoke;
    assert_int_equal(gnttab_pin(&gt, 42, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    assert_int_equal(race_calls, 1);
    assert_int_equal(entry(42)->flags, 0); /* no stale GTF_reading left behind */
    assert_true(gfn == 0xdead);
    assert_int_equal(gt.frames[0].active[42].readers, 0);
}

static void test_race_retargeted(void **state)
{
    u64 gfn;

    guest_grant(43, DOM_BACKEND, 0x1000, GTF_permit_access);
    race_calls = 0;
    gnttab_test_before_cmpxchg = race_retarget;
    assert_int_equal(gnttab_pin(&gt, 43, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_general_error);
    assert_int_equal(entry(43)->flags, GTF_permit_access);
    assert_int_equal(entry(43)->domid, DOM_OTHER);
}

static void test_race_unstable_entry(void **state)
{
    u64 gfn;

    guest_grant(44, DOM_BACKEND, 0x1000, GTF_permit_access);
    race_calls = 0;
    gnttab_test_before_cmpxchg = race_flip_forever;
    assert_int_equal(gnttab_pin(&gt, 44, DOM_BACKEND, 0, &gfn), GNTST_general_error);
    /* One try plus GNTTAB_PIN_RETRIES, then the guest is deemed misbehaving. */
    assert_int_equal(race_calls, GNTTAB_PIN_RETRIES + 1);
    assert_int_equal(entry(44)->flags & (GTF_reading | GTF_writing), 0);
    assert_int_equal(gt.nr_pinned, 0);
}

static int race_flips_left;

static void race_flip_some(struct grant_entry_v1 *e)
{
    race_calls++;
    if (race_flips_left > 0) {
        race_flips_left--;
        __atomic_fetch_xor(&e->flags, GTF_PWT, __ATOMIC_SEQ_CST);
    }
}

static void test_race_then_stable(void **state)
{
    u64 gfn;

    /* The guest changes the entry on every try but the last allowed one: still succeeds. */
    guest_grant(45, DOM_BACKEND, 0x1000, GTF_permit_access);
    race_calls = 0;
    race_flips_left = GNTTAB_PIN_RETRIES;
    gnttab_test_before_cmpxchg = race_flip_some;
    assert_int_equal(gnttab_pin(&gt, 45, DOM_BACKEND, 0, &gfn), GNTST_okay);
    assert_int_equal(race_calls, GNTTAB_PIN_RETRIES + 1);
    /* Four flips of GTF_PWT: back to clear. */
    assert_int_equal(entry(45)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(gnttab_unpin(&gt, 45, DOM_BACKEND, 0), GNTST_okay);
}

/*
 * A real second thread plays the granting guest, toggling a cache bit of
 * the entry as fast as it can while we pin and unpin it. Whatever the
 * interleaving: no guest update is lost (cmpxchg and atomic AND only), no
 * GTF_reading/GTF_writing is left behind, and each pin either succeeds or
 * gives up with GNTST_general_error after its bounded retries.
 */
static bool guest_stop;
static unsigned long guest_toggles;

static void *guest_thread(void *arg)
{
    struct grant_entry_v1 *e = arg;

    while (!__atomic_load_n(&guest_stop, __ATOMIC_ACQUIRE)) {
        __atomic_fetch_xor(&e->flags, GTF_PWT, __ATOMIC_SEQ_CST);
        guest_toggles++;
    }
    return NULL;
}

static void test_race_real_thread(void **state)
{
    const int rounds = 200000;
    int ok = 0, failed = 0;
    pthread_t t;
    u64 gfn;

    guest_grant(46, DOM_BACKEND, 0x1000, GTF_permit_access);
    guest_stop = false;
    guest_toggles = 0;
    assert_int_equal(pthread_create(&t, NULL, guest_thread, entry(46)), 0);
    for (int i = 0; i < rounds; i++) {
        unsigned int fl = (i & 1) ? GNTTAB_PIN_READONLY : 0;
        s16 st = gnttab_pin(&gt, 46, DOM_BACKEND, fl, &gfn);

        if (st == GNTST_okay) {
            ok++;
            assert_true(gfn == 0x1000);
            assert_true(entry(46)->flags & GTF_reading);
            assert_int_equal(gnttab_unpin(&gt, 46, DOM_BACKEND, fl), GNTST_okay);
        } else {
            assert_int_equal(st, GNTST_general_error);
            failed++;
        }
    }
    __atomic_store_n(&guest_stop, true, __ATOMIC_RELEASE);
    assert_int_equal(pthread_join(t, NULL), 0);

    assert_int_equal(ok + failed, rounds);
    assert_true(ok > 0);
    assert_int_equal(gt.nr_pinned, 0);
    assert_int_equal(entry(46)->flags, GTF_permit_access | ((guest_toggles & 1) ? GTF_PWT : 0));
}

/* ------------------------------------------------------------ growth, reserved entries */
static void test_entries_follow_growth(void **state)
{
    grant_ref_t last = 64 * GNTTAB_ENTRIES_PER_FRAME - 1;
    mfn_t mfn;
    u64 old, gfn;

    assert_int_equal(gnttab_pin(&gt, last, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_bad_gntref);
    assert_int_equal(gnttab_map_frame(&gt, 63, &mfn, &old), 0);
    guest_grant(last, DOM_BACKEND, 0x4242, GTF_permit_access);
    assert_int_equal(gnttab_pin(&gt, last, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn), GNTST_okay);
    assert_true(gfn == 0x4242);
    assert_int_equal(gnttab_pin(&gt, last + 1, DOM_BACKEND, GNTTAB_PIN_READONLY, &gfn),
                     GNTST_bad_gntref);
    assert_int_equal(gnttab_unpin(&gt, last, DOM_BACKEND, GNTTAB_PIN_READONLY), GNTST_okay);
    /* The entries live in the frame the guest maps. */
    assert_ptr_equal(entry(last), &gt.frames[63].entries[GNTTAB_ENTRIES_PER_FRAME - 1]);
}

static void test_reserved_entries(void **state)
{
    u64 gfn;

    assert_int_equal(gnttab_set_reserved(&gt, GNTTAB_RESERVED_CONSOLE, 0, 0xfefff), 0);
    assert_int_equal(gnttab_set_reserved(&gt, GNTTAB_RESERVED_XENSTORE, 0, 0xfeffc), 0);
    assert_int_equal(gnttab_set_reserved(&gt, GNTTAB_NR_RESERVED_ENTRIES, 0, 0x1), -EINVAL);
    assert_int_equal(entry(0)->flags, GTF_permit_access);
    assert_int_equal(entry(0)->domid, 0);
    assert_int_equal(entry(0)->frame, 0xfefff);
    assert_int_equal(entry(1)->frame, 0xfeffc);
    assert_int_equal(entry(8)->flags, 0);

    /* The backend can map them, writable. */
    assert_int_equal(gnttab_pin(&gt, GNTTAB_RESERVED_CONSOLE, 0, GNTTAB_PIN_MAP, &gfn), GNTST_okay);
    assert_true(gfn == 0xfefff);
    assert_int_equal(gnttab_unpin(&gt, GNTTAB_RESERVED_CONSOLE, 0, GNTTAB_PIN_MAP), GNTST_okay);
}

static void test_destroy_reports_leaked_pins(void **state)
{
    struct grant_table t2;
    u64 gfn;

    assert_int_equal(gnttab_init(&t2, 9, 2, &ops), 0);
    assert_int_equal(gnttab_setup_table(&t2, 2), GNTST_okay);
    struct grant_entry_v1 *e = &t2.frames[1].entries[3];
    e->domid = DOM_BACKEND;
    e->frame = 0x55;
    e->flags = GTF_permit_access;
    assert_int_equal(gnttab_pin(&t2, GNTTAB_ENTRIES_PER_FRAME + 3, DOM_BACKEND, 0, &gfn),
                     GNTST_okay);
    assert_int_equal(gnttab_destroy(&t2), 1);
    /* Destroying twice is harmless. */
    assert_int_equal(gnttab_destroy(&t2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_frame_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_frame_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forget_gfn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_bad_ref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_writable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unpin_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frame_latched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pinned_by_other_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_set_while_pinned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_harmless_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_readonly_appears, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_revoked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_retargeted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_unstable_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_then_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race_real_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_follow_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserved_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_reports_leaked_pins, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
