/* Grant table v1 core (see lares/grant_table.h). */
#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/grant_table.h>
#include <public/memory.h>

BUILD_BUG_ON(sizeof(struct gnttab_active) != 8);
BUILD_BUG_ON(GNTTAB_ENTRIES_PER_FRAME * sizeof(struct gnttab_active) != GNTTAB_FRAME_SIZE);
BUILD_BUG_ON(GNTTAB_MAX_PINS > 0xff);

#ifdef LARES_HOST_TEST
void (*gnttab_test_before_cmpxchg)(struct grant_entry_v1 *entry);
#define BEFORE_CMPXCHG(e)                                                                          \
    do {                                                                                           \
        if (gnttab_test_before_cmpxchg)                                                            \
            gnttab_test_before_cmpxchg(e);                                                         \
    } while (0)
#else
#define BEFORE_CMPXCHG(e) ((void)(e))
#endif

/* The {flags, domid} half of an entry, which the guest and we update as one word. */
typedef u32 __attribute__((may_alias)) entry_word_t;
typedef u16 __attribute__((may_alias)) entry_half_t;

static inline entry_word_t *entry_word(struct grant_entry_v1 *e)
{
    return (entry_word_t *)e;
}

static inline u16 word_flags(u32 w)
{
    return (u16)w; /* flags at offset 0, little-endian */
}

static inline u16 word_domid(u32 w)
{
    return (u16)(w >> 16);
}

/*
 * idx if idx < size, else 0, computed without a branch the CPU could
 * mispredict: a guest-supplied index that passed the bounds check under
 * speculation still cannot reach beyond the array.
 */
static inline u64 index_clamp(u64 idx, u64 size)
{
    u64 mask = (u64)((s64)(idx - size) >> 63); /* all ones iff idx < size (both < 2^63) */

    return idx & mask;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

static int grow(struct grant_table *gt, unsigned int want)
{
    while (gt->nr_frames < want) {
        struct gnttab_frame *f = &gt->frames[gt->nr_frames];

        f->active = gt->ops->zalloc(gt->ops->ctx, GNTTAB_FRAME_SIZE);
        if (!f->active)
            return -ENOMEM;
        f->entries = gt->ops->alloc_frame(gt->ops->ctx, &f->mfn);
        if (!f->entries) {
            gt->ops->free(gt->ops->ctx, f->active);
            f->active = NULL;
            return -ENOMEM;
        }
        f->gfn = GNTTAB_GFN_NONE;
        gt->nr_frames++;
    }
    return 0;
}

int gnttab_init(struct grant_table *gt, u16 domid, unsigned int max_frames,
                const struct gnttab_ops *ops)
{
    if (!max_frames)
        max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
    if (max_frames > GNTTAB_MAX_FRAMES_LIMIT)
        return -EINVAL;

    gt->domid = domid;
    gt->version = 1;
    gt->nr_frames = 0;
    gt->max_frames = max_frames;
    gt->nr_pinned = 0;
    gt->ops = ops;
    gt->frames = ops->zalloc(ops->ctx, max_frames * sizeof(*gt->frames));
    if (!gt->frames)
        return -ENOMEM;
    if (grow(gt, GNTTAB_INITIAL_FRAMES)) {
        gnttab_destroy(gt);
        return -ENOMEM;
    }
    return 0;
}

unsigned int gnttab_destroy(struct grant_table *gt)
{
    unsigned int leaked = gt->nr_pinned;

    if (!gt->frames)
        return 0;
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        struct gnttab_frame *f = &gt->frames[i];

        gt->ops->free_frame(gt->ops->ctx, f->entries, f->mfn);
        gt->ops->free(gt->ops->ctx, f->active);
    }
    gt->ops->free(gt->ops->ctx, gt->frames);
    gt->frames = NULL;
    gt->nr_frames = 0;
    gt->nr_pinned = 0;
    return leaked;
}

void gnttab_query_size(const struct grant_table *gt, struct gnttab_query_size *op)
{
    op->nr_frames = gt->nr_frames;
    op->max_nr_frames = gt->max_frames;
    op->status = GNTST_okay;
}

int gnttab_set_version(struct grant_table *gt, u32 *version)
{
    int rc;

    if (*version == 1)
        rc = 0; /* already in force: nothing to convert */
    else if (*version == 2)
        rc = -ENOSYS; /* v2 disabled for every domain */
    else
        rc = -EINVAL;
    *version = gt->version;
    return rc;
}

u32 gnttab_get_version(const struct grant_table *gt)
{
    return gt->version;
}

s16 gnttab_setup_table(struct grant_table *gt, u32 nr_frames)
{
    if (nr_frames > gt->max_frames)
        return GNTST_general_error;
    if (grow(gt, nr_frames))
        return GNTST_general_error;
    return GNTST_okay;
}

u64 gnttab_frame_gfn(const struct grant_table *gt, unsigned int idx)
{
    if (idx >= gt->nr_frames)
        return GNTTAB_GFN_NONE;
    return gt->frames[index_clamp(idx, gt->nr_frames)].gfn;
}

int gnttab_map_frame(struct grant_table *gt, u64 idx, mfn_t *mfn, u64 *old_gfn)
{
    const struct gnttab_frame *f;
    int rc;

    /* Status frames exist in v2 only; Xen's v1 path sees a huge index. */
    if (idx & XENMAPIDX_grant_table_status)
        return -EINVAL;
    if (idx >= gt->max_frames)
        return -EINVAL;
    rc = grow(gt, (unsigned int)idx + 1);
    if (rc)
        return rc;
    f = &gt->frames[index_clamp(idx, gt->nr_frames)];
    *mfn = f->mfn;
    *old_gfn = f->gfn;
    return 0;
}

void gnttab_frame_set_gfn(struct grant_table *gt, unsigned int idx, u64 gfn)
{
    if (idx < gt->nr_frames)
        gt->frames[idx].gfn = gfn;
}

int gnttab_forget_gfn(struct grant_table *gt, u64 gfn)
{
    if (gfn == GNTTAB_GFN_NONE)
        return -ENOENT;
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        if (gt->frames[i].gfn == gfn) {
            gt->frames[i].gfn = GNTTAB_GFN_NONE;
            return (int)i;
        }
    }
    return -ENOENT;
}

/* Entry @ref and its active state; the caller has checked ref < nr_entries(gt). */
static void lookup(struct grant_table *gt, grant_ref_t ref, struct grant_entry_v1 **e,
                   struct gnttab_active **act)
{
    u64 r = index_clamp(ref, nr_entries(gt));
    struct gnttab_frame *f = &gt->frames[r / GNTTAB_ENTRIES_PER_FRAME];

    *e = &f->entries[r % GNTTAB_ENTRIES_PER_FRAME];
    *act = &f->active[r % GNTTAB_ENTRIES_PER_FRAME];
}

/*
 * Publish GTF_reading (and GTF_writing) in the shared entry after checking
 * it still allows the access. The type and domain are only checked for
 * the first pin: once pinned, the active entry is what counts.
 */
static s16 set_status(struct grant_entry_v1 *e, bool pinned, u16 mapper, unsigned int flags)
{
    u16 type_mask = GTF_type_mask | ((flags & GNTTAB_PIN_MAP) ? GTF_sub_page : 0);
    u32 seen = __atomic_load_n(entry_word(e), __ATOMIC_ACQUIRE);

    for (unsigned int tries = 0;; tries++) {
        u16 f = word_flags(seen);
        u32 want;

        if (!pinned && ((f & type_mask) != GTF_permit_access || word_domid(seen) != mapper))
            return GNTST_general_error;
        if (!(flags & GNTTAB_PIN_READONLY) && (f & GTF_readonly))
            return GNTST_general_error;

        f |= GTF_reading;
        if (!(flags & GNTTAB_PIN_READONLY))
            f |= GTF_writing;
        want = (seen & 0xffff0000u) | f;

        BEFORE_CMPXCHG(e);
        /* On failure `seen` is refreshed with what the guest wrote. */
        if (__atomic_compare_exchange_n(entry_word(e), &seen, want, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return GNTST_okay;
        if (tries == GNTTAB_PIN_RETRIES)
            return GNTST_general_error; /* the guest keeps rewriting it */
    }
}

static void clear_flags(struct grant_entry_v1 *e, u16 bits)
{
    __atomic_fetch_and((entry_half_t *)&e->flags, (u16)~bits, __ATOMIC_RELEASE);
}

s16 gnttab_pin(struct grant_table *gt, grant_ref_t ref, u16 mapper, unsigned int flags, u64 *gfn)
{
    bool readonly = flags & GNTTAB_PIN_READONLY;
    struct grant_entry_v1 *e;
    struct gnttab_active *act;
    bool pinned;
    s16 st;

    if (ref >= nr_entries(gt))
        return GNTST_bad_gntref;
    lookup(gt, ref, &e, &act);

    pinned = act->readers || act->writers;
    if (pinned) {
        if (act->domid != mapper)
            return GNTST_general_error;
        if ((readonly ? act->readers : act->writers) >= GNTTAB_MAX_PINS)
            return GNTST_general_error;
    }

    /* A new pin, or the first writable one, must (re)check the shared entry. */
    if (!pinned || (!readonly && !act->writers)) {
        st = set_status(e, pinned, mapper, flags);
        if (st != GNTST_okay)
            return st;
        if (!pinned) {
            /* Read after GTF_reading is visible: from now on the granter may not change it. */
            act->gfn = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
            act->domid = mapper;
            gt->nr_pinned++;
        }
    }

    if (readonly)
        act->readers++;
    else
        act->writers++;
    *gfn = act->gfn;
    return GNTST_okay;
}

s16 gnttab_unpin(struct grant_table *gt, grant_ref_t ref, u16 mapper, unsigned int flags)
{
    bool readonly = flags & GNTTAB_PIN_READONLY;
    struct grant_entry_v1 *e;
    struct gnttab_active *act;

    if (ref >= nr_entries(gt))
        return GNTST_bad_gntref;
    lookup(gt, ref, &e, &act);

    if (!(act->readers || act->writers) || act->domid != mapper)
        return GNTST_general_error;
    if (readonly ? !act->readers : !act->writers)
        return GNTST_general_error;

    if (readonly) {
        act->readers--;
    } else if (!--act->writers) {
        clear_flags(e, GTF_writing);
    }
    if (!act->readers && !act->writers) {
        clear_flags(e, GTF_reading);
        gt->nr_pinned--;
    }
    return GNTST_okay;
}

int gnttab_set_reserved(struct grant_table *gt, grant_ref_t ref, u16 backend, u32 gfn)
{
    struct grant_entry_v1 *e;
    struct gnttab_active *act;

    if (ref >= GNTTAB_NR_RESERVED_ENTRIES || ref >= nr_entries(gt))
        return -EINVAL;
    lookup(gt, ref, &e, &act);
    /* As a granting guest does: frame and domain first, then the type that makes it valid. */
    __atomic_store_n(&e->frame, gfn, __ATOMIC_RELAXED);
    __atomic_store_n(&e->domid, backend, __ATOMIC_RELAXED);
    __atomic_store_n((entry_half_t *)&e->flags, (u16)GTF_permit_access, __ATOMIC_RELEASE);
    return 0;
}
