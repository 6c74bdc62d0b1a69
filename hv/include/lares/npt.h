/*
 * Nested page tables as data: the guest-physical -> host-physical map of
 * one domain, in the x86-64 4-level page-table format that AMD NPT walks.
 * Pure code (no allocator, no direct map): the caller supplies table
 * allocation and physical-to-virtual mapping, so the same code is
 * unit-tested on the host.
 *
 * Leaves are 4 KiB or 2 MiB. Each present leaf carries a p2m type in the
 * software-available bits 9-11; a hole is a non-present entry.
 * Ownership and accounting of the frames behind RAM leaves is the caller's
 * business (hv/arch/x86/hvm/p2m.c).
 */
#ifndef LARES_NPT_H
#define LARES_NPT_H

#include <lares/types.h>

enum p2m_type {
    P2M_HOLE = 0,        /* nothing mapped: guest accesses fault (#NPF) */
    P2M_RAM = 1,         /* guest RAM owned by (and counted against) the domain */
    P2M_MMIO_DIRECT = 2, /* host device memory passed through, uncached */
    P2M_XEN_PAGE = 3,    /* hypervisor-owned page shared with the guest (shared_info) */
    P2M_RAM_PINNED = 4,  /* RAM the hypervisor writes into (vcpu_info, runstate): not remappable */
    P2M_NR_TYPES,
};

/* Guest RAM, owned by and counted against the domain. */
static inline bool p2m_is_ram(enum p2m_type t)
{
    return t == P2M_RAM || t == P2M_RAM_PINNED;
}

#define NPT_ORDER_4K 0
#define NPT_ORDER_2M 9
#define NPT_MAX_GFN (1ull << 36) /* 48-bit guest-physical addresses */

struct npt_ops {
    /* A zeroed 4 KiB table: returns its virtual address and sets *pa, or NULL. */
    void *(*alloc_table)(void *ctx, u64 *pa);
    void (*free_table)(void *ctx, void *va);
    void *(*map)(void *ctx, u64 pa); /* physical address of a table -> pointer */
    void *ctx;
};

struct npt {
    const struct npt_ops *ops;
    u64 *root;      /* PML4 */
    u64 root_pa;    /* what n_cr3 points at */
    u64 nr_tables;  /* tables allocated, root included */
    u64 max_tables; /* more make npt_set() fail with -ENOMEM; 0: no limit */
};

/*
 * A table budget for a domain of `pages` frames: what Xen's toolstack
 * gives an HVM domain's paging pool by default (1 MiB, plus 8 KiB per MiB
 * of RAM). Mapping the RAM itself needs far less; the rest is for frames
 * the guest maps far apart (shared_info, grant frames, ballooning).
 */
u64 npt_table_budget(u64 pages);

struct npt_entry {
    enum p2m_type type;
    u64 mfn;        /* frame backing the requested gfn (offset applied inside 2 MiB) */
    unsigned order; /* order of the leaf that maps it */
};

int npt_init(struct npt *t, const struct npt_ops *ops);

/*
 * Map [gfn, gfn + 2^order) to [mfn, ...) with a type (P2M_HOLE unmaps).
 * order is 0 or 9; for order 9 both gfn and mfn must be 2 MiB aligned and
 * the range must not already be split into 4 KiB entries (-EBUSY).
 * Setting a 4 KiB entry inside a 2 MiB leaf splits it first.
 * *old (if non-NULL) receives what the entry held before (order-9 sets report
 * the old 2 MiB leaf, or a hole).
 * Returns 0, -EINVAL (bad alignment/range/type) or -ENOMEM (no memory, or
 * max_tables reached).
 */
int npt_set(struct npt *t, u64 gfn, u64 mfn, unsigned order, enum p2m_type type,
            struct npt_entry *old);

/* What gfn maps to; type P2M_HOLE if nothing. */
struct npt_entry npt_lookup(const struct npt *t, u64 gfn);

/* Visit every present leaf in gfn order (for teardown accounting and dumps). */
typedef void (*npt_leaf_fn)(void *arg, u64 gfn, const struct npt_entry *e);
void npt_for_each_leaf(const struct npt *t, npt_leaf_fn fn, void *arg);

/* Free every table (leaves are not visited; walk them first if needed). */
void npt_destroy(struct npt *t);

#endif
