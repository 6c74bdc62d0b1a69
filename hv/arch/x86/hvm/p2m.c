/*
 * The domain's p2m on nested page tables (see asm/p2m.h).
 *
 * RAM is populated with 2 MiB frames where the range allows (fewer table
 * levels for every guest TLB miss) and 4 KiB frames elsewhere. A 2 MiB RAM
 * frame is one allocation, so it can only be freed whole: before a single
 * 4 KiB entry inside it changes, the range is "shattered" into 512 fresh
 * 4 KiB frames with the same contents. That happens at most once per
 * 2 MiB (typically for the page where the guest maps shared_info).
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/lib.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <asm/p2m.h>

static void *table_alloc(void *ctx, u64 *pa)
{
    void *p = alloc_page_zeroed();

    if (p)
        *pa = virt_to_phys(p);
    return p;
}

static void table_free(void *ctx, void *va)
{
    free_page(va);
}

static void *table_map(void *ctx, u64 pa)
{
    return phys_to_virt(pa);
}

static const struct npt_ops npt_ops = {
    .alloc_table = table_alloc,
    .free_table = table_free,
    .map = table_map,
};

int p2m_init(struct domain *d)
{
    int rc;

    spin_lock_init(&d->p2m.lock);
    d->p2m.ram_pages = 0;
    rc = npt_init(&d->p2m.npt, &npt_ops);
    /* Tables are hypervisor memory spent for the guest: a bounded amount. */
    d->p2m.npt.max_tables = npt_table_budget(d->max_pages);
    return rc;
}

u64 p2m_root_pa(struct domain *d)
{
    return d->p2m.npt.root_pa;
}

/*
 * A frame just taken out of the p2m may still be reached through the TLB
 * of a vCPU running on another CPU, until that vCPU flushes at its next
 * entry. Before such a frame goes back to the allocator (and perhaps to
 * another domain), every other vCPU of the domain that may be in guest
 * mode is made to exit once. guest_entries is odd while a vCPU may be in
 * guest mode; it is raised before the vCPU takes its TLB-flush request, so
 * either the vCPU sees the request at its entry, or we see it odd here and
 * wait for the exit (which happens: the kick is an interrupt). Called with
 * the p2m lock held: exiting needs no lock.
 */
static void flush_before_free(struct domain *d)
{
    struct vcpu *cur = current_vcpu();

    p2m_flush_guest_tlbs(d);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        u64 n;

        if (!v || v == cur)
            continue;
        n = __atomic_load_n(&v->hvm.guest_entries, __ATOMIC_SEQ_CST);
        if (n & 1)
            while (__atomic_load_n(&v->hvm.guest_entries, __ATOMIC_SEQ_CST) == n)
                cpu_relax();
    }
}

/* Give back the frame(s) an entry held, if they were the domain's RAM. */
static void release_frames(struct domain *d, const struct npt_entry *old, u64 gfn)
{
    unsigned order = old->order;
    u64 first = old->mfn - (gfn & ((1ull << order) - 1));

    if (!p2m_is_ram(old->type))
        return;
    domain_free_pages(d, mfn_to_virt(first), order);
    d->p2m.ram_pages -= 1ull << order;
}

/* The same for an entry just replaced while the domain may be running. */
static void release(struct domain *d, const struct npt_entry *old, u64 gfn)
{
    if (!p2m_is_ram(old->type))
        return;
    flush_before_free(d);
    release_frames(d, old, gfn);
}

static void free_leaf(void *arg, u64 gfn, const struct npt_entry *e)
{
    release_frames(arg, e, gfn); /* teardown: no vCPU runs any more */
}

void p2m_teardown(struct domain *d)
{
    while (d->p2m.pool_frames)
        domain_free_pages(d, d->p2m.pool[--d->p2m.pool_frames], NPT_ORDER_2M);
    xfree(d->p2m.pool);
    d->p2m.pool = NULL;
    xfree(d->p2m.lazy);
    d->p2m.lazy = NULL;
    if (!d->p2m.npt.root)
        return;
    npt_for_each_leaf(&d->p2m.npt, free_leaf, d);
    npt_destroy(&d->p2m.npt);
    if (d->p2m.ram_pages)
        pr_err("p2m: d%u: %llu RAM frames unaccounted for at teardown\n", d->domid,
               (unsigned long long)d->p2m.ram_pages);
}

static bool chunk_lazy(const struct domain *d, u64 gfn)
{
    u64 c = gfn >> 9;

    return d->p2m.lazy && c < d->p2m.lazy_chunks && (d->p2m.lazy[c / 64] & (1ull << (c % 64)));
}

static void clear_frames(void *va, unsigned order);

/*
 * First touch of a lazily populated chunk: take a frame from the domain's
 * pool, zero it and map it. Caller holds the p2m lock.
 */
static void materialize(struct domain *d, u64 gfn)
{
    u64 c = gfn >> 9;
    void *frame;

    if (!chunk_lazy(d, gfn))
        return;
    BUG_ON(!d->p2m.pool_frames); /* one frame per lazy chunk, set aside when it was marked */
    frame = d->p2m.pool[--d->p2m.pool_frames];
    d->p2m.lazy[c / 64] &= ~(1ull << (c % 64));
    clear_frames(frame, NPT_ORDER_2M);
    /* The chunk is a hole at level 2, so this only fills in one entry. */
    BUG_ON(npt_set(&d->p2m.npt, c << 9, virt_to_mfn(frame), NPT_ORDER_2M, P2M_RAM, NULL));
    d->p2m.ram_pages += 512;
}

/* Replace the 2 MiB RAM frame around gfn by 512 single frames holding the same data. */
static int shatter(struct domain *d, u64 gfn)
{
    u64 base = gfn & ~511ull;
    struct npt_entry e = npt_lookup(&d->p2m.npt, base);
    void **frames;
    u8 *old;
    int rc = 0;

    if (e.type != P2M_RAM || e.order != NPT_ORDER_2M)
        return 0;
    frames = xmalloc(512 * sizeof(*frames));
    if (!frames)
        return -ENOMEM;
    for (unsigned i = 0; i < 512; i++) {
        frames[i] = domain_alloc_pages_unlimited(d, 0);
        if (!frames[i]) {
            while (i--)
                domain_free_pages(d, frames[i], 0);
            xfree(frames);
            return -ENOMEM;
        }
    }
    old = mfn_to_virt(e.mfn);
    for (unsigned i = 0; i < 512; i++) {
        memcpy(frames[i], old + (u64)i * PAGE_SIZE, PAGE_SIZE);
        rc = npt_set(&d->p2m.npt, base + i, virt_to_mfn(frames[i]), 0, P2M_RAM, NULL);
        if (rc) {
            /* Only the first set allocates (the split); later ones rewrite entries. */
            BUG_ON(i != 0);
            for (unsigned j = 0; j < 512; j++)
                domain_free_pages(d, frames[j], 0);
            xfree(frames);
            return rc;
        }
    }
    flush_before_free(d); /* nobody may write the old copy any more */
    domain_free_pages(d, old, NPT_ORDER_2M);
    xfree(frames);
    return 0;
}

/* Set one entry and free whatever RAM it replaced. Caller holds the p2m lock. */
static int set_entry_locked(struct domain *d, u64 gfn, u64 mfn, unsigned order, enum p2m_type t)
{
    struct npt_entry old;
    int rc;

    materialize(d, gfn); /* a lazy chunk becomes real RAM before any part of it changes */
    /* The hypervisor holds a pointer into a pinned frame: it must stay where it is. */
    if (order == NPT_ORDER_4K && npt_lookup(&d->p2m.npt, gfn).type == P2M_RAM_PINNED)
        return -EBUSY;
    if (order == NPT_ORDER_4K) {
        rc = shatter(d, gfn);
        if (rc)
            return rc;
    }
    rc = npt_set(&d->p2m.npt, gfn, mfn, order, t, &old);
    if (!rc)
        release(d, &old, gfn);
    return rc;
}

static int set_entry(struct domain *d, u64 gfn, u64 mfn, unsigned order, enum p2m_type t)
{
    int rc;

    spin_lock(&d->p2m.lock);
    rc = set_entry_locked(d, gfn, mfn, order, t);
    spin_unlock(&d->p2m.lock);
    if (!rc)
        p2m_flush_guest_tlbs(d);
    return rc;
}

/*
 * Zero whole frames with plain 64-byte blocks of stores: under QEMU's TCG
 * every iteration of a REP STOS costs about as much as a loop iteration,
 * so eight stores per iteration are several times faster than REP STOSB/Q.
 */
static void clear_frames(void *va, unsigned order)
{
    u64 *p = va, *end = p + (((u64)PAGE_SIZE << order) / 8);

    for (; p < end; p += 8)
        __asm__ __volatile__("movq %1, 0(%0); movq %1, 8(%0); movq %1, 16(%0); "
                             "movq %1, 24(%0); movq %1, 32(%0); movq %1, 40(%0); "
                             "movq %1, 48(%0); movq %1, 56(%0)"
                             :
                             : "r"(p), "r"(0ull)
                             : "memory");
}

/* One fresh zeroed 4 KiB RAM frame at gfn. Caller holds the p2m lock. */
static int populate_one_4k(struct domain *d, u64 gfn)
{
    void *p = domain_alloc_pages(d, 0);
    int rc;

    if (!p)
        return -ENOMEM;
    clear_frames(p, 0);
    rc = set_entry_locked(d, gfn, virt_to_mfn(p), 0, P2M_RAM);
    if (rc) {
        domain_free_pages(d, p, 0);
        return rc;
    }
    d->p2m.ram_pages++;
    return 0;
}

int p2m_populate_ram(struct domain *d, u64 gfn, u64 nr)
{
    u64 end = gfn + nr;
    int rc = 0;

    spin_lock(&d->p2m.lock);
    while (gfn < end) {
        unsigned order = (IS_ALIGNED(gfn, 512ull) && end - gfn >= 512) ? NPT_ORDER_2M : 0;
        void *p = domain_alloc_pages(d, order);

        if (!p && order) {
            order = 0;
            p = domain_alloc_pages(d, 0);
        }
        if (!p) {
            rc = -ENOMEM;
            break;
        }
        clear_frames(p, order);
        rc = set_entry_locked(d, gfn, virt_to_mfn(p), order, P2M_RAM);
        if (rc == -EBUSY && order) {
            /* The range was split into 4 KiB entries before (ballooning): fill it page by page. */
            domain_free_pages(d, p, order);
            rc = 0;
            for (u64 end4k = gfn + 512; !rc && gfn < end4k; gfn++)
                rc = populate_one_4k(d, gfn);
            if (rc)
                break;
            continue;
        }
        if (rc) {
            domain_free_pages(d, p, order);
            break;
        }
        d->p2m.ram_pages += 1ull << order;
        gfn += 1ull << order;
    }
    spin_unlock(&d->p2m.lock);
    return rc;
}

int p2m_populate_ram_lazy(struct domain *d, u64 gfn, u64 nr)
{
    u64 end = gfn + nr, first = (gfn + 511) & ~511ull, last = end & ~511ull;
    int rc = 0;

    if (first >= last)
        return p2m_populate_ram(d, gfn, nr);
    if (!d->p2m.lazy) {
        d->p2m.lazy_chunks = last >> 9;
        d->p2m.lazy = xzalloc_array(u64, (d->p2m.lazy_chunks + 63) / 64);
        /*
         * Frames are kept here, not linked through themselves: the first
         * write to guest RAM is expensive under QEMU (the host backs it
         * then), and most of it is never touched by the guest.
         */
        d->p2m.pool = xzalloc_array(void *, d->p2m.lazy_chunks);
        if (!d->p2m.lazy || !d->p2m.pool)
            return -ENOMEM;
    } else if ((last >> 9) > d->p2m.lazy_chunks) {
        return p2m_populate_ram(d, gfn, nr); /* a second range higher up: eagerly */
    }
    /* The unaligned ends eagerly; whole chunks get a frame set aside, mapped later. */
    if (gfn < first)
        rc = p2m_populate_ram(d, gfn, first - gfn);
    if (!rc && last < end)
        rc = p2m_populate_ram(d, last, end - last);
    spin_lock(&d->p2m.lock);
    for (u64 c = first >> 9; !rc && c < last >> 9; c++) {
        void *frame = domain_alloc_pages(d, NPT_ORDER_2M);

        if (!frame) {
            spin_unlock(&d->p2m.lock);
            rc = p2m_populate_ram(d, c << 9, 512); /* no 2 MiB block left: 4 KiB frames */
            spin_lock(&d->p2m.lock);
            continue;
        }
        d->p2m.pool[d->p2m.pool_frames++] = frame;
        d->p2m.lazy[c / 64] |= 1ull << (c % 64);
    }
    spin_unlock(&d->p2m.lock);
    return rc;
}

int p2m_map_xen_page(struct domain *d, u64 gfn, u64 mfn)
{
    return set_entry(d, gfn, mfn, 0, P2M_XEN_PAGE);
}

int p2m_remove(struct domain *d, u64 gfn)
{
    return set_entry(d, gfn, 0, 0, P2M_HOLE);
}

int p2m_pin_ram(struct domain *d, u64 gfn, void **va)
{
    struct npt_entry e;
    int rc;

    spin_lock(&d->p2m.lock);
    materialize(d, gfn);
    e = npt_lookup(&d->p2m.npt, gfn);
    rc = p2m_is_ram(e.type) ? shatter(d, gfn) : -EINVAL;
    if (!rc && e.type == P2M_RAM) {
        e = npt_lookup(&d->p2m.npt, gfn); /* a new frame if it was shattered */
        rc = npt_set(&d->p2m.npt, gfn, e.mfn, NPT_ORDER_4K, P2M_RAM_PINNED, NULL);
    }
    if (!rc)
        *va = mfn_to_virt(npt_lookup(&d->p2m.npt, gfn).mfn);
    spin_unlock(&d->p2m.lock);
    /* Only a software bit changed: the guest's translations stay valid, no flush. */
    return rc;
}

struct npt_entry p2m_lookup(struct domain *d, u64 gfn)
{
    struct npt_entry e;

    spin_lock(&d->p2m.lock);
    materialize(d, gfn);
    e = npt_lookup(&d->p2m.npt, gfn);
    spin_unlock(&d->p2m.lock);
    return e;
}

void *p2m_get_page(struct domain *d, u64 gfn)
{
    struct npt_entry e;

    spin_lock(&d->p2m.lock);
    materialize(d, gfn); /* a lazily populated chunk gets its frame on first touch */
    e = npt_lookup(&d->p2m.npt, gfn);
    if (p2m_is_ram(e.type) || e.type == P2M_XEN_PAGE)
        return mfn_to_virt(e.mfn);
    spin_unlock(&d->p2m.lock);
    return NULL;
}

void p2m_put_page(struct domain *d)
{
    spin_unlock(&d->p2m.lock);
}

void p2m_flush_guest_tlbs(struct domain *d)
{
    /* Each vCPU flushes at its next entry; a running one is made to exit first. */
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        hvm_ops->flush_guest_tlb(v);
        if (v != current_vcpu())
            vcpu_kick(v);
    }
}
