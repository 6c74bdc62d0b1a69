/*
 * A domain's physical-to-machine map (guest-physical frame -> host frame),
 * kept as nested page tables (lares/npt.h) under the domain's p2m lock.
 *
 * RAM frames behind P2M_RAM entries are allocated for the domain with
 * domain_alloc_pages() and counted against it; removing or replacing such
 * an entry frees the frame, and p2m_teardown() frees all of them.
 */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <lares/npt.h>
#include <lares/types.h>

struct domain;

int p2m_init(struct domain *d);
void p2m_teardown(struct domain *d);

/* Back [gfn, gfn + nr) with fresh zeroed RAM (2 MiB frames where aligned). */
int p2m_populate_ram(struct domain *d, u64 gfn, u64 nr);

/*
 * The same, zeroing lazily: whole 2 MiB chunks of the range get their frame
 * now (allocated and counted against the domain, so nothing can fail
 * later) but are mapped and zeroed only when first touched -- by the guest
 * (a nested page fault) or by the hypervisor (any p2m lookup). Zeroing RAM
 * the guest never uses is most of a domain's build time under TCG.
 */
int p2m_populate_ram_lazy(struct domain *d, u64 gfn, u64 nr);

/* Map a hypervisor page at gfn (whatever RAM was there is freed). */
int p2m_map_xen_page(struct domain *d, u64 gfn, u64 mfn);

/* Unmap gfn (freeing RAM behind it). */
int p2m_remove(struct domain *d, u64 gfn);

/*
 * Pin the RAM frame behind gfn (P2M_RAM_PINNED) so the hypervisor may keep
 * a pointer to it: the entry can no longer be replaced or removed (-EBUSY)
 * and is freed only with the domain. A frame inside a 2 MiB leaf is split
 * out first. *va = the hypervisor's pointer to the frame. 0, -EINVAL (not
 * RAM) or -ENOMEM.
 */
int p2m_pin_ram(struct domain *d, u64 gfn, void **va);

struct npt_entry p2m_lookup(struct domain *d, u64 gfn);

/*
 * The hypervisor's pointer to the page behind gfn if the guest may access
 * it as memory (RAM or a shared hypervisor page), with the p2m lock held
 * until p2m_put_page(d): while the
 * hypervisor reads or writes the page on the guest's behalf, no other vCPU
 * can remap or free it (and hand it to someone else). NULL, and nothing
 * held, if gfn is no such page. Keep the access short (one page at most):
 * every p2m change of the domain waits for it.
 */
void *p2m_get_page(struct domain *d, u64 gfn);
void p2m_put_page(struct domain *d);

u64 p2m_root_pa(struct domain *d);

/* The nested tables changed: every vCPU of d flushes its TLB before its next entry. */
void p2m_flush_guest_tlbs(struct domain *d);

#endif
