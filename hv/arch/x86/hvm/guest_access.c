/*
 * Guest memory access (lares/guest_access.h): the builder's page-table
 * walker (lib/guest_walk.c) reads the guest's tables through the p2m, then
 * data is copied page by page through the hypervisor's direct map.
 */
#include <lares/console.h>
#include <lares/cpuid_policy.h>
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/guest_walk.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <asm/cpu.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>

/*
 * Every access to a guest frame holds it with p2m_get_page(): another vCPU
 * may free the frame (remap it, balloon it out) at any moment, and the
 * allocator may give it to another domain.
 */
static int mem_read(void *ctx, u64 gpa, u64 *val, unsigned size)
{
    u8 *page = p2m_get_page(ctx, gpa >> PAGE_SHIFT);
    const void *p;

    if (!page)
        return -ENXIO;
    p = page + (gpa & (PAGE_SIZE - 1));
    *val = size == 8 ? __atomic_load_n((const u64 *)p, __ATOMIC_RELAXED)
                     : __atomic_load_n((const u32 *)p, __ATOMIC_RELAXED);
    p2m_put_page(ctx);
    return 0;
}

static int mem_cmpxchg(void *ctx, u64 gpa, u64 old, u64 new, unsigned size)
{
    u8 *page = p2m_get_page(ctx, gpa >> PAGE_SHIFT);
    void *p;
    bool ok;

    if (!page)
        return -ENXIO;
    p = page + (gpa & (PAGE_SIZE - 1));
    if (size == 8) {
        ok = __atomic_compare_exchange_n((u64 *)p, &old, new, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST);
    } else {
        u32 o = (u32)old;

        ok = __atomic_compare_exchange_n((u32 *)p, &o, (u32) new, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST);
    }
    p2m_put_page(ctx);
    return ok ? 0 : -EAGAIN;
}

static void paging_of(struct vcpu *v, struct guest_paging *pg, unsigned *cpl)
{
    struct hvm_paging_state ps;

    hvm_ops->get_paging_state(v, &ps);
    pg->cr0 = ps.cr0;
    pg->cr3 = ps.cr3;
    pg->cr4 = ps.cr4;
    pg->efer = ps.efer;
    pg->rflags = v->hvm.regs.rflags;
    pg->maxphyaddr = v->domain->cpuid->maxphyaddr;
    pg->gbpages = v->domain->cpuid->gbpages;
    pg->amd = v->domain->cpuid->vendor == CPUID_VENDOR_AMD;
    *cpl = ps.cpl;
}

int guest_linear_copy(struct vcpu *v, u64 gva, void *buf, size_t len, bool to_guest,
                      struct guest_fault *fault)
{
    struct domain *d = v->domain;
    const struct guest_mem_ops ops = {.ctx = d, .read = mem_read, .cmpxchg = mem_cmpxchg};
    bool wide = hvm_ops->guest_mode(v) == HVM_MODE_64;
    struct guest_paging pg;
    unsigned cpl;
    u8 *b = buf;

    paging_of(v, &pg, &cpl);
    while (len) {
        u32 access = (to_guest ? GW_WRITE : 0) | (cpl == 3 ? GW_USER : 0);
        struct guest_walk w;
        size_t chunk;
        u8 *page;
        int rc;

        if (!wide)
            gva &= 0xffffffffull; /* 32-bit linear addresses wrap */
        rc = guest_walk(&ops, &pg, gva, access, &w);
        if (rc) {
            pr_debug("d%u v%u: guest walk of %#llx failed: %d (pfec %#x, level %u, entry %#llx)\n",
                     d->domid, v->vcpu_id, (unsigned long long)gva, rc, w.pfec, w.level,
                     (unsigned long long)w.entry_gpa);
            if (fault) {
                fault->page_fault = rc == -EFAULT;
                fault->pfec = w.pfec;
                fault->addr = gva;
            }
            return -EFAULT;
        }
        page = p2m_get_page(d, w.gpa >> PAGE_SHIFT);
        if (!page) {
            if (fault) {
                fault->page_fault = false;
                fault->addr = gva;
            }
            return -EFAULT;
        }
        chunk = PAGE_SIZE - (w.gpa & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (to_guest)
            memcpy(page + (w.gpa & (PAGE_SIZE - 1)), b, chunk);
        else
            memcpy(b, page + (w.gpa & (PAGE_SIZE - 1)), chunk);
        p2m_put_page(d);
        b += chunk;
        gva += chunk;
        len -= chunk;
    }
    return 0;
}

int guest_linear_translate(struct vcpu *v, u64 gva, bool write, u64 *gpa, struct guest_fault *fault)
{
    struct domain *d = v->domain;
    const struct guest_mem_ops ops = {.ctx = d, .read = mem_read, .cmpxchg = mem_cmpxchg};
    struct guest_paging pg;
    struct guest_walk w;
    unsigned cpl;
    int rc;

    paging_of(v, &pg, &cpl);
    if (hvm_ops->guest_mode(v) != HVM_MODE_64)
        gva &= 0xffffffffull;
    rc = guest_walk(&ops, &pg, gva, (write ? GW_WRITE : 0) | (cpl == 3 ? GW_USER : 0), &w);
    if (rc) {
        fault->page_fault = rc == -EFAULT;
        fault->pfec = w.pfec;
        fault->addr = gva;
        return -EFAULT;
    }
    *gpa = w.gpa;
    return 0;
}

int guest_linear_to_phys(struct vcpu *v, u64 gva, bool write, u64 *gpa)
{
    struct domain *d = v->domain;
    const struct guest_mem_ops ops = {.ctx = d, .read = mem_read, .cmpxchg = mem_cmpxchg};
    struct guest_paging pg;
    struct guest_walk w;
    unsigned cpl;

    paging_of(v, &pg, &cpl);
    if (hvm_ops->guest_mode(v) != HVM_MODE_64)
        gva &= 0xffffffffull;
    if (guest_walk(&ops, &pg, gva, write ? GW_WRITE : 0, &w))
        return -EFAULT;
    *gpa = w.gpa;
    return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, u64 gva, size_t len)
{
    return guest_linear_copy(v, gva, dst, len, false, NULL);
}

int copy_to_guest(struct vcpu *v, u64 gva, const void *src, size_t len)
{
    return guest_linear_copy(v, gva, (void *)src, len, true, NULL);
}

/* Guest-physical copies: src NULL means "zero". */
static int phys_copy(struct domain *d, u64 gpa, void *buf, const void *src, size_t len)
{
    while (len) {
        u8 *page = p2m_get_page(d, gpa >> PAGE_SHIFT);
        size_t off = gpa & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;

        if (!page)
            return -EFAULT;
        if (chunk > len)
            chunk = len;
        if (buf)
            memcpy(buf, page + off, chunk), buf = (u8 *)buf + chunk;
        else if (src)
            memcpy(page + off, src, chunk), src = (const u8 *)src + chunk;
        else
            memset(page + off, 0, chunk);
        p2m_put_page(d);
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_to_guest_phys(struct domain *d, u64 gpa, const void *src, size_t len)
{
    static const u8 zero;

    /* phys_copy() treats a NULL src as "zero"; a real empty copy needs a pointer. */
    return phys_copy(d, gpa, NULL, src ? src : &zero, src ? len : 0);
}

int copy_from_guest_phys(struct domain *d, void *dst, u64 gpa, size_t len)
{
    return phys_copy(d, gpa, dst, NULL, len);
}

int clear_guest_phys(struct domain *d, u64 gpa, size_t len)
{
    return phys_copy(d, gpa, NULL, NULL, len);
}
