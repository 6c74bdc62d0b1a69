/*
 * guest_walk() on synthetic page tables in a host buffer standing for
 * guest-physical [0, MEM): every paging mode and page size, the full
 * permission matrix against a reference model written here, reserved bits,
 * non-present entries at each level, canonical checks, A/D updates and
 * their races, unbacked paging structures, and random tables (fuzz).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/errno.h>
#include <lares/guest_walk.h>

#define MEM (4u << 20) /* guest-physical memory backing the tables */

#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define A (1ull << 5)
#define D (1ull << 6)
#define PS (1ull << 7)
#define G (1ull << 8)
#define NX (1ull << 63)

#define CR0_PE_PG (GW_CR0_PE | GW_CR0_PG)

struct gmem {
    u8 *mem;
    u64 next; /* bump allocator for tables */
    unsigned reads, cmpxchgs;
    int race;             /* cmpxchg reports -EAGAIN this many times */
    u64 fail_cmpxchg_gpa; /* cmpxchg to this entry fails with -EIO */
};

static struct gmem gm;

static int mem_read(void *ctx, u64 gpa, u64 *val, unsigned size)
{
    struct gmem *m = ctx;

    assert_true(size == 4 || size == 8);
    assert_int_equal(gpa % size, 0); /* entries are naturally aligned */
    m->reads++;
    if (gpa >= MEM || MEM - gpa < size)
        return -ENXIO;
    *val = 0;
    memcpy(val, m->mem + gpa, size);
    return 0;
}

static int mem_cmpxchg(void *ctx, u64 gpa, u64 old, u64 new, unsigned size)
{
    struct gmem *m = ctx;
    u64 cur = 0;

    assert_true(size == 4 || size == 8);
    assert_int_equal(gpa % size, 0);
    m->cmpxchgs++;
    if (gpa == m->fail_cmpxchg_gpa)
        return -EIO;
    if (gpa >= MEM || MEM - gpa < size)
        return -ENXIO;
    if (m->race) {
        m->race--;
        return -EAGAIN;
    }
    memcpy(&cur, m->mem + gpa, size);
    if (cur != old)
        return -EAGAIN;
    memcpy(m->mem + gpa, &new, size);
    return 0;
}

static const struct guest_mem_ops ops = {&gm, mem_read, mem_cmpxchg};

static int setup(void **state)
{
    gm.mem = calloc(1, MEM);
    gm.next = 0x1000;
    gm.fail_cmpxchg_gpa = ~0ull;
    return 0;
}

static int teardown(void **state)
{
    free(gm.mem);
    memset(&gm, 0, sizeof(gm));
    return 0;
}

static u64 alloc_table(void)
{
    u64 t = gm.next;
    gm.next += 0x1000;
    assert_true(gm.next <= MEM);
    return t;
}

static u64 get(u64 gpa, unsigned size)
{
    u64 v = 0;
    memcpy(&v, gm.mem + gpa, size);
    return v;
}

static void set(u64 gpa, u64 v, unsigned size)
{
    memcpy(gm.mem + gpa, &v, size);
}

enum mode { M2, MPAE, MLONG };

struct pt {
    enum mode mode;
    u64 cr3;
};

static unsigned esize(enum mode m)
{
    return m == M2 ? 4 : 8;
}
static unsigned levels(enum mode m)
{
    return m == MLONG ? 4 : m == MPAE ? 3 : 2;
}

static unsigned idx(enum mode m, u64 va, unsigned level)
{
    if (m == M2)
        return (va >> (12 + 10 * (level - 1))) & 0x3ff;
    if (m == MPAE && level == 3)
        return (va >> 30) & 3;
    return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

static struct pt new_pt(enum mode m)
{
    struct pt pt = {.mode = m, .cr3 = alloc_table()};
    return pt;
}

/* Address of the entry for va at level, creating tables above with flags[]. */
static u64 entry_addr(struct pt *pt, u64 va, unsigned level, const u64 *flags)
{
    u64 table = pt->cr3;

    for (unsigned l = levels(pt->mode); l > level; l--) {
        u64 ea = table + idx(pt->mode, va, l) * esize(pt->mode);
        u64 e = get(ea, esize(pt->mode));
        if (!(e & P)) {
            e = alloc_table() | (flags ? flags[l] : (pt->mode == MPAE && l == 3 ? P : P | RW | US));
            set(ea, e, esize(pt->mode));
        }
        table = e & 0x000ffffffffff000ull;
    }
    return table + idx(pt->mode, va, level) * esize(pt->mode);
}

/* Map va -> pa with a page at level (1 = 4K, 2 = 2M/4M, 3 = 1G). */
static u64 map(struct pt *pt, u64 va, u64 pa, unsigned level, u64 leaf_flags, const u64 *flags)
{
    u64 ea = entry_addr(pt, va, level, flags);
    set(ea, pa | leaf_flags | (level > 1 ? PS : 0), esize(pt->mode));
    return ea;
}

static struct guest_paging paging(enum mode m)
{
    struct guest_paging pg = {
        .cr0 = CR0_PE_PG | GW_CR0_WP,
        .maxphyaddr = 48,
        .gbpages = true,
        .amd = true,
    };
    if (m == MLONG) {
        pg.cr4 = GW_CR4_PAE;
        pg.efer = GW_EFER_LMA | GW_EFER_NXE;
    } else if (m == MPAE) {
        pg.cr4 = GW_CR4_PAE;
        pg.efer = GW_EFER_NXE;
    } else {
        pg.cr4 = GW_CR4_PSE;
    }
    return pg;
}

static int walk(const struct pt *pt, struct guest_paging pg, u64 va, u32 acc, struct guest_walk *w)
{
    pg.cr3 = pt->cr3;
    return guest_walk(&ops, &pg, va, acc, w);
}

static void expect_gpa(const struct pt *pt, struct guest_paging pg, u64 va, u32 acc, u64 gpa,
                       u64 size)
{
    struct guest_walk w;
    int rc = walk(pt, pg, va, acc, &w);

    if (rc)
        fail_msg("walk %#llx: rc %d pfec %#x level %u", (unsigned long long)va, rc, w.pfec,
                 w.level);
    assert_int_equal(w.gpa, gpa);
    assert_int_equal(w.page_size, size);
}

static void expect_fault(const struct pt *pt, struct guest_paging pg, u64 va, u32 acc, u32 pfec,
                         unsigned level)
{
    struct guest_walk w;
    int rc = walk(pt, pg, va, acc, &w);

    if (rc != -EFAULT)
        fail_msg("walk %#llx: rc %d, want -EFAULT", (unsigned long long)va, rc);
    if (w.pfec != pfec)
        fail_msg("walk %#llx: pfec %#x, want %#x", (unsigned long long)va, w.pfec, pfec);
    assert_int_equal(w.level, level);
    assert_int_equal(w.gpa, 0);
}

/* ---------------------------------------------------------------- modes and sizes */

static void paging_off_is_identity_32bit(void **state)
{
    struct guest_paging pg = {.cr0 = GW_CR0_PE, .maxphyaddr = 48};
    struct guest_walk w;

    gm.reads = 0;
    assert_int_equal(guest_walk(&ops, &pg, 0x12345678, GW_WRITE, &w), 0);
    assert_int_equal(w.gpa, 0x12345678);
    assert_int_equal(w.level, 0);
    assert_int_equal(guest_walk(&ops, &pg, 0x1ffff0000ull, GW_FETCH | GW_USER, &w), 0);
    assert_int_equal(w.gpa, 0xffff0000);
    assert_int_equal(gm.reads, 0);
}

static void two_level_4k_and_4m(void **state)
{
    struct pt pt = new_pt(M2);
    struct guest_paging pg = paging(M2);

    map(&pt, 0x00401000, 0x00345000, 1, P | RW, NULL);
    map(&pt, 0x00800000, 0x01c00000, 2, P | RW, NULL);
    /* PSE-36: PDE bits 20:13 = address bits 39:32 */
    map(&pt, 0x00c00000, 0x00400000 | (0x12ull << 13), 2, P, NULL);

    expect_gpa(&pt, pg, 0x00401abc, 0, 0x00345abc, 4096);
    expect_gpa(&pt, pg, 0x00abcdef, GW_WRITE, 0x01ebcdef, 4u << 20);
    expect_gpa(&pt, pg, 0x00c01234, 0, 0x1200401234ull, 4u << 20);
    /* Linear addresses wrap at 4 GiB outside long mode. */
    expect_gpa(&pt, pg, 0x100401abcull, 0, 0x00345abc, 4096);
}

static void two_level_ps_ignored_without_cr4_pse(void **state)
{
    struct pt pt = new_pt(M2);
    struct guest_paging pg = paging(M2);
    const u64 pt_page = 0; /* page 0 is free; as a 4M page it maps GPA 0 */

    /* A PDE with PS set: without CR4.PSE it still points to a page table. */
    u64 pde = entry_addr(&pt, 0x00800000, 2, NULL);
    set(pde, pt_page | P | RW | US | PS, 4);
    set(pt_page + 5 * 4, 0x00777000 | P, 4);
    pg.cr4 = 0;
    expect_gpa(&pt, pg, 0x00805010, 0, 0x00777010, 4096);
    pg.cr4 = GW_CR4_PSE;
    expect_gpa(&pt, pg, 0x00805010, 0, 0x5010, 4u << 20);
}

static void pae_4k_and_2m(void **state)
{
    struct pt pt = new_pt(MPAE);
    struct guest_paging pg = paging(MPAE);

    map(&pt, 0xc0001000, 0x123456000ull, 1, P | RW, NULL);
    map(&pt, 0x40200000, 0x7fe00000, 2, P, NULL);
    expect_gpa(&pt, pg, 0xc0001fff, GW_WRITE, 0x123456fffull, 4096);
    expect_gpa(&pt, pg, 0x403fffff, 0, 0x7fffffff, 2u << 20);
    /* CR3 keeps bits 31:5 in PAE mode: a PDPT at a 32-byte boundary. */
    struct pt pt2 = pt;
    u8 pdpt[32];
    memcpy(pdpt, gm.mem + pt.cr3, 32);
    memcpy(gm.mem + 0x3fffe0, pdpt, 32);
    pt2.cr3 = 0x3fffe0;
    expect_gpa(&pt2, pg, 0xc0001000, 0, 0x123456000ull, 4096);
}

static void long_mode_4k_2m_1g(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);

    map(&pt, 0xffffffff81000000ull, 0x1000000, 1, P | RW, NULL);
    map(&pt, 0xffff888000200000ull, 0x200000, 2, P | RW | NX, NULL);
    map(&pt, 0x0000004000000000ull, 0x80000000ull, 3, P | RW | US, NULL);
    expect_gpa(&pt, pg, 0xffffffff81000123ull, GW_FETCH, 0x1000123, 4096);
    expect_gpa(&pt, pg, 0xffff8880003fffffull, GW_WRITE, 0x3fffff, 2u << 20);
    expect_gpa(&pt, pg, 0x000000403fffffffull, GW_USER | GW_WRITE, 0xbfffffffull, 1u << 30);

    /* Without 1 GiB page support, PS in a PDPTE is a reserved bit. */
    pg.gbpages = false;
    expect_fault(&pt, pg, 0x0000004000000000ull, GW_USER,
                 GW_PFEC_PRESENT | GW_PFEC_RSVD | GW_PFEC_USER, 3);
}

static void long_mode_cr3_high_bits_ignored(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);

    map(&pt, 0x1000, 0x5000, 1, P, NULL);
    pt.cr3 |= (1ull << 63) | 0x123; /* no-flush hint, PCID */
    expect_gpa(&pt, pg, 0x1000, 0, 0x5000, 4096);
}

/* ---------------------------------------------------------------- permissions */

struct perm_case {
    bool us_upper, us_leaf, rw_upper, rw_leaf, nx_upper, nx_leaf;
};

/* The architectural rules, stated independently of the walker. */
static bool reference_allows(const struct perm_case *c, u32 acc, bool wp, bool smep, bool smap,
                             bool ac, bool nxe, enum mode m)
{
    bool write = acc & GW_WRITE, fetch = acc & GW_FETCH, implicit = acc & GW_IMPLICIT;
    bool user = (acc & GW_USER) && !implicit;
    bool user_page = c->us_upper && c->us_leaf;
    bool ro = !(c->rw_upper && c->rw_leaf);
    bool noexec = nxe && m != M2 && (c->nx_upper || c->nx_leaf);

    if (fetch && noexec)
        return false;
    if (user) {
        if (!user_page)
            return false;
        return !(write && ro);
    }
    /* supervisor */
    if (write && ro && wp)
        return false;
    if (fetch && smep && user_page)
        return false;
    if (!fetch && smap && user_page && (implicit || !ac))
        return false;
    return true;
}

static void permission_matrix(enum mode m)
{
    unsigned checked = 0, faults = 0;

    for (unsigned bits = 0; bits < 64; bits++) {
        struct perm_case c = {
            .us_upper = bits & 1,
            .us_leaf = bits & 2,
            .rw_upper = bits & 4,
            .rw_leaf = bits & 8,
            .nx_upper = bits & 16,
            .nx_leaf = bits & 32,
        };
        if (m == M2 && (c.nx_upper || c.nx_leaf))
            continue; /* no NX bit in 32-bit paging entries */

        gm.next = 0x1000;
        memset(gm.mem, 0, MEM);
        struct pt pt = new_pt(m);
        u64 upper = P | (c.us_upper ? US : 0) | (c.rw_upper ? RW : 0) | (c.nx_upper ? NX : 0);
        u64 flags[5] = {0, 0, upper, upper, upper};
        if (m == MPAE)
            flags[3] = P; /* PDPTEs carry no rights */
        u64 leaf = P | (c.us_leaf ? US : 0) | (c.rw_leaf ? RW : 0) | (c.nx_leaf ? NX : 0);
        map(&pt, 0x40001000, 0x9000, 1, leaf, flags);

        for (unsigned env = 0; env < 32; env++) {
            bool wp = env & 1, smep = env & 2, smap = env & 4, ac = env & 8, nxe = env & 16;
            struct guest_paging pg = paging(m);
            pg.cr0 = CR0_PE_PG | (wp ? GW_CR0_WP : 0);
            pg.cr4 = (pg.cr4 & ~(GW_CR4_SMEP | GW_CR4_SMAP)) | (smep ? GW_CR4_SMEP : 0) |
                     (smap ? GW_CR4_SMAP : 0);
            pg.rflags = ac ? GW_RFLAGS_AC : 0;
            pg.efer = (pg.efer & ~GW_EFER_NXE) | (nxe ? GW_EFER_NXE : 0);
            if (m != M2 && !nxe && (c.nx_upper || c.nx_leaf))
                continue; /* NX set without NXE is a reserved-bit fault: tested elsewhere */

            for (u32 acc = 0; acc < 16; acc++) {
                if ((acc & GW_WRITE) && (acc & GW_FETCH))
                    continue;
                struct guest_walk w;
                bool ok = reference_allows(&c, acc, wp, smep, smap, ac, nxe, m);
                int rc = walk(&pt, pg, 0x40001234, acc, &w);
                checked++;
                if (ok) {
                    if (rc != 0)
                        fail_msg("mode %d bits %#x env %#x acc %#x: rc %d pfec %#x", m, bits, env,
                                 acc, rc, w.pfec);
                    assert_int_equal(w.gpa, 0x9234);
                    continue;
                }
                faults++;
                if (rc != -EFAULT)
                    fail_msg("mode %d bits %#x env %#x acc %#x: rc %d, want fault", m, bits, env,
                             acc, rc);
                u32 want = GW_PFEC_PRESENT;
                if (acc & GW_WRITE)
                    want |= GW_PFEC_WRITE;
                if ((acc & GW_USER) && !(acc & GW_IMPLICIT))
                    want |= GW_PFEC_USER;
                if ((acc & GW_FETCH) && (smep || (m != M2 && nxe)))
                    want |= GW_PFEC_FETCH;
                assert_int_equal(w.pfec, want);
                assert_int_equal(w.level, 1);
            }
        }
    }
    assert_true(checked > 1000);
    assert_true(faults > 100);
}

static void permissions_long(void **state)
{
    permission_matrix(MLONG);
}
static void permissions_pae(void **state)
{
    permission_matrix(MPAE);
}
static void permissions_2level(void **state)
{
    permission_matrix(M2);
}

static void user_bit_needed_at_every_level(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);
    u64 flags[5] = {0, 0, P | RW | US, P | RW, P | RW | US}; /* PDPTE: supervisor */

    map(&pt, 0x1000, 0x2000, 1, P | RW | US, flags);
    expect_fault(&pt, pg, 0x1000, GW_USER, GW_PFEC_PRESENT | GW_PFEC_USER, 1);
    expect_gpa(&pt, pg, 0x1000, 0, 0x2000, 4096); /* supervisor: not a user page, no SMAP */
}

/* ---------------------------------------------------------------- not present, reserved */

static void not_present_at_each_level(void **state)
{
    for (enum mode m = M2; m <= MLONG; m++) {
        for (unsigned level = levels(m); level >= 1; level--) {
            gm.next = 0x1000;
            memset(gm.mem, 0, MEM);
            struct pt pt = new_pt(m);
            struct guest_paging pg = paging(m);
            u64 ea = map(&pt, 0x40201000, 0x5000, 1, P | RW | US, NULL);
            /* Clear P at this level. */
            u64 table = pt.cr3;
            for (unsigned l = levels(m); l > level; l--)
                table =
                    get(table + idx(m, 0x40201000, l) * esize(m), esize(m)) & 0x000ffffffffff000ull;
            ea = table + idx(m, 0x40201000, level) * esize(m);
            set(ea, get(ea, esize(m)) & ~P, esize(m));
            expect_fault(&pt, pg, 0x40201000, GW_WRITE | GW_USER, GW_PFEC_WRITE | GW_PFEC_USER,
                         level);
            expect_fault(&pt, pg, 0x40201000, GW_FETCH, pg.efer & GW_EFER_NXE ? GW_PFEC_FETCH : 0,
                         level);
        }
    }
}

struct rsvd_case {
    enum mode mode;
    unsigned level;      /* entry to corrupt */
    unsigned page_level; /* mapping size */
    u64 bits;
    const char *what;
};

static void reserved_bits(void **state)
{
    static const struct rsvd_case cases[] = {
        {MLONG, 4, 1, PS, "PML4E.PS"},
        {MLONG, 4, 1, G, "PML4E.G on AMD"},
        {MLONG, 4, 1, 1ull << 48, "PML4E address above MAXPHYADDR"},
        {MLONG, 3, 1, 1ull << 51, "PDPTE bit 51"},
        {MLONG, 3, 3, 1ull << 13, "1G page bit 13"},
        {MLONG, 3, 3, 1ull << 29, "1G page bit 29"},
        {MLONG, 2, 2, 1ull << 20, "2M page bit 20"},
        {MLONG, 1, 1, 1ull << 50, "PTE above MAXPHYADDR"},
        {MPAE, 3, 1, RW, "PAE PDPTE.RW"},
        {MPAE, 3, 1, US, "PAE PDPTE.US"},
        {MPAE, 3, 1, PS, "PAE PDPTE.PS"},
        {MPAE, 3, 1, NX, "PAE PDPTE.NX"},
        {MPAE, 3, 1, 1ull << 52, "PAE PDPTE bit 52"},
        {MPAE, 2, 2, 1ull << 13, "PAE 2M page bit 13"},
        {MPAE, 2, 1, 1ull << 62, "PAE PDE bit 62"},
        {MPAE, 1, 1, 1ull << 52, "PAE PTE bit 52"},
        {M2, 2, 2, 1ull << 21, "4M page bit 21"},
        {M2, 2, 2, 1ull << 17, "4M page PSE-36 bit above MAXPHYADDR 36"},
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct rsvd_case *c = &cases[i];
        gm.next = 0x1000;
        memset(gm.mem, 0, MEM);
        struct pt pt = new_pt(c->mode);
        struct guest_paging pg = paging(c->mode);
        u64 va = c->page_level == 3 ? 0x80000000ull : 0x40400000;
        if (c->mode == M2)
            pg.maxphyaddr = 36;
        map(&pt, va, c->page_level == 3 ? 0x40000000 : 0x400000, c->page_level, P | RW | US, NULL);
        /* Corrupt the entry at c->level. */
        u64 table = pt.cr3;
        for (unsigned l = levels(c->mode); l > c->level; l--)
            table = get(table + idx(c->mode, va, l) * esize(c->mode), esize(c->mode)) &
                    0x000ffffffffff000ull;
        u64 ea = table + idx(c->mode, va, c->level) * esize(c->mode);
        u64 good = get(ea, esize(c->mode));
        expect_gpa(&pt, pg, va, 0, c->page_level == 3 ? 0x40000000 : 0x400000,
                   c->page_level == 1   ? 4096
                   : c->page_level == 3 ? 1u << 30
                   : c->mode == M2      ? 4u << 20
                                        : 2u << 20);
        set(ea, good | c->bits, esize(c->mode));
        struct guest_walk w;
        int rc = walk(&pt, pg, va, GW_WRITE, &w);
        if (rc != -EFAULT || w.pfec != (GW_PFEC_PRESENT | GW_PFEC_RSVD | GW_PFEC_WRITE) ||
            w.level != c->level)
            fail_msg("%s: rc %d pfec %#x level %u", c->what, rc, w.pfec, w.level);
    }
}

static void nx_without_nxe_is_reserved(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);

    map(&pt, 0x1000, 0x2000, 1, P | NX, NULL);
    expect_fault(&pt, pg, 0x1000, GW_FETCH, GW_PFEC_PRESENT | GW_PFEC_FETCH, 1);
    pg.efer &= ~GW_EFER_NXE;
    expect_fault(&pt, pg, 0x1000, 0, GW_PFEC_PRESENT | GW_PFEC_RSVD, 1);
}

static void intel_ignores_pml4e_global(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);

    map(&pt, 0x1000, 0x2000, 1, P, NULL);
    u64 pml4e = pt.cr3; /* index 0 */
    set(pml4e, get(pml4e, 8) | G, 8);
    pg.amd = false;
    expect_gpa(&pt, pg, 0x1000, 0, 0x2000, 4096);
    pg.amd = true;
    expect_fault(&pt, pg, 0x1000, 0, GW_PFEC_PRESENT | GW_PFEC_RSVD, 4);
}

static void non_canonical_and_unsupported(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);
    struct guest_walk w;

    map(&pt, 0x00007ffffffff000ull, 0x3000, 1, P, NULL);
    expect_gpa(&pt, pg, 0x00007fffffffffffull, 0, 0x3fff, 4096);
    assert_int_equal(walk(&pt, pg, 0x0000800000000000ull, 0, &w), -EINVAL);
    assert_int_equal(walk(&pt, pg, 0xffff7fffffffffffull, 0, &w), -EINVAL);
    assert_int_equal(walk(&pt, pg, 0x8000000000000000ull, 0, &w), -EINVAL);

    pg.cr4 |= GW_CR4_LA57;
    assert_int_equal(walk(&pt, pg, 0x1000, 0, &w), -EOPNOTSUPP);
    pg = paging(MLONG);
    pg.maxphyaddr = 60;
    assert_int_equal(walk(&pt, pg, 0x1000, 0, &w), -EOPNOTSUPP);
    pg = paging(MLONG);
    pg.cr0 = GW_CR0_PG; /* paging without protection */
    assert_int_equal(walk(&pt, pg, 0x1000, 0, &w), -EOPNOTSUPP);
}

/* ---------------------------------------------------------------- A/D bits */

static void accessed_and_dirty(void **state)
{
    for (enum mode m = M2; m <= MLONG; m++) {
        gm.next = 0x1000;
        memset(gm.mem, 0, MEM);
        struct pt pt = new_pt(m);
        struct guest_paging pg = paging(m);
        u64 va = 0x40201000;
        map(&pt, va, 0x7000, 1, P | RW, NULL);
        u64 ea[5] = {0};
        u64 table = pt.cr3;
        for (unsigned l = levels(m); l >= 1; l--) {
            ea[l] = table + idx(m, va, l) * esize(m);
            table = get(ea[l], esize(m)) & 0x000ffffffffff000ull;
        }

        /* A fault sets nothing. */
        expect_fault(&pt, pg, va, GW_USER, GW_PFEC_PRESENT | GW_PFEC_USER, 1);
        for (unsigned l = 1; l <= levels(m); l++)
            assert_int_equal(get(ea[l], esize(m)) & (A | D), 0);

        struct guest_walk w;
        assert_int_equal(walk(&pt, pg, va, 0, &w), 0);
        for (unsigned l = 1; l <= levels(m); l++) {
            u64 e = get(ea[l], esize(m));
            if (m == MPAE && l == 3)
                assert_int_equal(e & (A | D), 0); /* PDPTEs have no A bit */
            else
                assert_int_equal(e & (A | D), A);
        }
        assert_int_equal(w.leaf, get(ea[1], esize(m)));

        assert_int_equal(walk(&pt, pg, va, GW_WRITE, &w), 0);
        assert_int_equal(get(ea[1], esize(m)) & (A | D), A | D);
        assert_int_equal(get(ea[2], esize(m)) & D, 0); /* only the leaf gets D */
        assert_int_equal(w.leaf & D, D);

        /* Nothing to set: no cmpxchg. */
        gm.cmpxchgs = 0;
        assert_int_equal(walk(&pt, pg, va, GW_WRITE, &w), 0);
        assert_int_equal(gm.cmpxchgs, 0);
    }
}

static void large_page_leaf_gets_dirty(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);
    u64 ea = map(&pt, 0x40000000, 0x40000000, 3, P | RW, NULL);
    struct guest_walk w;

    assert_int_equal(walk(&pt, pg, 0x40000010, GW_WRITE, &w), 0);
    assert_int_equal(get(ea, 8) & (A | D), A | D);
}

static void racing_guest_makes_the_walk_retry(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);
    struct guest_walk w;

    map(&pt, 0x1000, 0x2000, 1, P | RW, NULL);
    gm.race = 2;
    gm.reads = 0;
    assert_int_equal(walk(&pt, pg, 0x1000, 0, &w), 0);
    assert_int_equal(w.gpa, 0x2000);
    assert_int_equal(gm.reads, 3 * 4); /* walked three times */

    map(&pt, 0x3000, 0x4000, 1, P | RW, NULL);
    gm.race = 1000; /* never settles */
    assert_int_equal(walk(&pt, pg, 0x3000, 0, &w), -EAGAIN);
    gm.race = 0;
}

static void failing_cmpxchg_is_reported(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);
    struct guest_walk w;
    u64 ea = map(&pt, 0x1000, 0x2000, 1, P | RW, NULL);

    gm.fail_cmpxchg_gpa = ea;
    assert_int_equal(walk(&pt, pg, 0x1000, 0, &w), -ENXIO);
    assert_int_equal(w.entry_gpa, ea);
    assert_int_equal(w.level, 1);
    gm.fail_cmpxchg_gpa = ~0ull;
}

/* ---------------------------------------------------------------- unbacked memory */

static void unbacked_paging_structures(void **state)
{
    struct pt pt = new_pt(MLONG);
    struct guest_paging pg = paging(MLONG);
    struct guest_walk w;

    /* CR3 outside guest memory. */
    struct pt bad = {MLONG, 0x80000000};
    assert_int_equal(walk(&bad, pg, 0x1000, 0, &w), -ENXIO);
    assert_int_equal(w.entry_gpa, 0x80000000);
    assert_int_equal(w.level, 4);

    /* A PDE pointing outside guest memory. */
    u64 pde = entry_addr(&pt, 0x200000, 2, NULL);
    set(pde, 0x90000000 | P | RW, 8);
    assert_int_equal(walk(&pt, pg, 0x200000, 0, &w), -ENXIO);
    assert_int_equal(w.entry_gpa, 0x90000000 + 0);
    assert_int_equal(w.level, 1);
    assert_int_equal(w.gpa, 0);
}

/* ---------------------------------------------------------------- fuzz */

static u64 rng_state = 0x123456789abcdefull;

static u64 rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_tables_never_misbehave(void **state)
{
    unsigned ok = 0, faults = 0;

    for (unsigned round = 0; round < 200; round++) {
        /* Random entries in the first 64 KiB: mostly pointers back into it. */
        for (unsigned off = 0; off < 0x10000; off += 8) {
            u64 r = rng();
            u64 v = ((r >> 16) & 0xf000) | (r & 0x1ff);
            if ((r >> 40) % 8 == 0)
                v |= r & 0xfff0000000000000ull;
            if ((r >> 44) % 16 == 0)
                v |= (r >> 8) & 0x000fffffffff0000ull;
            set(off, v, 8);
        }
        for (unsigned k = 0; k < 200; k++) {
            struct guest_paging pg = paging((enum mode)(rng() % 3));
            struct guest_walk w;
            pg.cr3 = rng() & 0xffe0;
            pg.cr0 = CR0_PE_PG | (rng() & 1 ? GW_CR0_WP : 0);
            pg.cr4 |= rng() & (GW_CR4_PSE | GW_CR4_SMEP | GW_CR4_SMAP);
            pg.rflags = rng() & GW_RFLAGS_AC;
            pg.maxphyaddr = 32 + rng() % 21;
            pg.gbpages = rng() & 1;
            u64 va = rng();
            int rc = guest_walk(&ops, &pg, va, rng() % 16, &w);
            assert_true(rc == 0 || rc == -EFAULT || rc == -EINVAL || rc == -ENXIO || rc == -EAGAIN);
            if (rc == 0) {
                ok++;
                assert_true(w.page_size == 4096 || w.page_size == 2u << 20 ||
                            w.page_size == 4u << 20 || w.page_size == 1u << 30);
                assert_true(w.gpa < (1ull << pg.maxphyaddr));
                assert_true(w.level >= 1 && w.level <= 3);
            } else if (rc == -EFAULT) {
                faults++;
                assert_true(w.level >= 1 && w.level <= 4);
                assert_int_equal(w.pfec & ~0x1fu, 0);
            }
        }
    }
    assert_true(ok > 100);
    assert_true(faults > 100);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(paging_off_is_identity_32bit),
        T(two_level_4k_and_4m),
        T(two_level_ps_ignored_without_cr4_pse),
        T(pae_4k_and_2m),
        T(long_mode_4k_2m_1g),
        T(long_mode_cr3_high_bits_ignored),
        T(permissions_long),
        T(permissions_pae),
        T(permissions_2level),
        T(user_bit_needed_at_every_level),
        T(not_present_at_each_level),
        T(reserved_bits),
        T(nx_without_nxe_is_reserved),
        T(intel_ignores_pml4e_global),
        T(non_canonical_and_unsupported),
        T(accessed_and_dirty),
        T(large_page_leaf_gets_dirty),
        T(racing_guest_makes_the_walk_retry),
        T(failing_cmpxchg_is_reported),
        T(unbacked_paging_structures),
        T(random_tables_never_misbehave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
