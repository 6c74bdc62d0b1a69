/*
 * Copying to and from guest memory at guest-virtual (linear) addresses, as
 * hypercall arguments are given: the guest's page tables are walked with
 * its current paging state, then its p2m. A bad pointer, an unmapped page
 * or a page-table problem is -EFAULT for the caller, never a host fault.
 * Buffers may cross page boundaries.
 */
#ifndef LARES_GUEST_ACCESS_H
#define LARES_GUEST_ACCESS_H

#include <lares/types.h>

struct vcpu;
struct domain;

int copy_from_guest(struct vcpu *v, void *dst, u64 gva, size_t len);
int copy_to_guest(struct vcpu *v, u64 gva, const void *src, size_t len);

/* What went wrong when a copy failed (for instructions that must fault in the guest). */
struct guest_fault {
    bool page_fault; /* inject #PF(pfec) with CR2 = addr; else #GP(0) */
    u32 pfec;
    u64 addr;
};

/* Copy with fault details; access_user: the access is made at CPL 3 on the guest's behalf. */
int guest_linear_copy(struct vcpu *v, u64 gva, void *buf, size_t len, bool to_guest,
                      struct guest_fault *fault);

/*
 * Translate one guest-virtual address as v accesses it at its CPL (write
 * or read), setting A/D bits as the CPU would: 0, or -EFAULT with the
 * fault the guest must take.
 */
int guest_linear_translate(struct vcpu *v, u64 gva, bool write, u64 *gpa,
                           struct guest_fault *fault);

/* Translate one guest-virtual address as v would access it (write or read). 0 or -EFAULT. */
int guest_linear_to_phys(struct vcpu *v, u64 gva, bool write, u64 *gpa);

/* Guest-physical copies (domain building, frame-number arguments). 0 or -EFAULT. */
int copy_to_guest_phys(struct domain *d, u64 gpa, const void *src, size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, u64 gpa, size_t len);
int clear_guest_phys(struct domain *d, u64 gpa, size_t len);

#endif
