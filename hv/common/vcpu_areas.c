/*
 * Guest memory the hypervisor writes for each vCPU, at places the guest
 * chooses: its vcpu_info (VCPUOP_register_vcpu_info) and its runstate area
 * (VCPUOP_register_runstate_memory_area), plus the runstate accounting
 * behind the latter.
 *
 * Both live in ordinary guest RAM. The frames are pinned in the p2m
 * (p2m_pin_ram): the guest can no longer map something else over them, so
 * the pointers kept here stay valid until the domain is destroyed. The
 * runstate area is given as a guest-virtual address; it is translated once,
 * at registration (Linux keeps it in per-CPU kernel memory that never moves),
 * and may straddle two pages. A 32-bit guest registers it from 32-bit code
 * and gets the 32-bit layout (struct compat_runstate_info). Xen picks the
 * layout by the width it latched for the whole domain (at the hypercall page
 * or HVM_PARAM_CALLBACK_IRQ); the two agree for a guest that does not
 * change modes between those calls.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/guest_access.h>
#include <lares/mm.h>
#include <lares/runstate.h>
#include <lares/sched.h>
#include <lares/string.h>
#include <asm/p2m.h>
#include <public/vcpu.h>
#include "vcpu_op_internal.h"

long vcpu_register_vcpu_info(struct vcpu *v, struct vcpu *caller, u64 arg)
{
    struct domain *d = v->domain;
    struct vcpu_register_vcpu_info info;
    struct vcpu_info *new;
    unsigned long flags;
    void *page;
    bool kick;

    if (copy_from_guest(caller, &info, arg, sizeof(info)))
        return -EFAULT;
    /* Xen 4.17's checks, in its order. Within one page, 8-byte aligned (atomic bit ops). */
    if (info.offset > PAGE_SIZE - sizeof(*new) || (info.offset & 7))
        return -ENXIO;
    if (READ_ONCE(v->events.vcpu_info_registered))
        return -EINVAL; /* once per vCPU (later Xen says -EBUSY) */
    /* Our own, or a vCPU that is not running (Linux registers APs' before starting them). */
    if (v != caller && !(READ_ONCE(v->pause_flags) & VPF_DOWN))
        return -EINVAL;
    if (info.mfn >= NPT_MAX_GFN || p2m_pin_ram(d, info.mfn, &page))
        return -EINVAL;
    new = (struct vcpu_info *)((u8 *)page + info.offset);

    spin_lock_irqsave(&d->events.lock, flags);
    if (v->events.vcpu_info_registered) {
        spin_unlock_irqrestore(&d->events.lock, flags);
        return -EINVAL;
    }
    memcpy(new, v->events.vcpu_info, sizeof(*new));
    WRITE_ONCE(v->events.vcpu_info, new);
    v->events.vcpu_info_registered = true;
    /* Events raised at the old place are not lost: the guest rescans everything. */
    kick = d->events.abi->rescan(v);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (kick)
        vcpu_mark_events_pending(v);
    vcpu_time_publish(v);
    return 0;
}

/* Write bytes [off, off + len) of the guest's runstate area, which may span two pages. */
static void area_write(struct vcpu *v, u32 off, const void *src, u32 len)
{
    u8 **area = v->events.runstate_area;
    u32 split = v->events.runstate_split, first = 0;

    if (off < split) {
        first = split - off < len ? split - off : len;
        memcpy(area[0] + off, src, first);
    }
    if (first < len)
        memcpy(area[1] + (off + first - split), (const u8 *)src + first, len - first);
}

/*
 * Copy the runstate into the guest's area (the scheduler's lock serialises
 * writers and changes of the area). With VMASST_TYPE_runstate_update_flag
 * the guest retries while bit 63 of state_entry_time is set, so it is set
 * around the copy; without, the guest retries while state_entry_time
 * changes between its two reads of it.
 */
static void publish_runstate(struct vcpu *v, const struct vcpu_runstate_info *r)
{
    bool compat = v->events.runstate_compat;
    const u32 entry = compat ? offsetof(struct compat_runstate_info, state_entry_time)
                             : offsetof(struct vcpu_runstate_info, state_entry_time);
    bool flag = READ_ONCE(v->domain->events.runstate_update_flag);
    struct vcpu_runstate_info copy = *r;
    struct compat_runstate_info copy32;
    u64 marked = r->state_entry_time | XEN_RUNSTATE_UPDATE;

    if (!v->events.runstate_area[0])
        return;
    if (flag) {
        copy.state_entry_time = marked;
        area_write(v, entry, &marked, sizeof(marked));
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
    if (compat) {
        runstate_to_compat(&copy, &copy32);
        area_write(v, 0, &copy32, sizeof(copy32));
    } else {
        area_write(v, 0, &copy, sizeof(copy));
    }
    if (flag) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        area_write(v, entry, &r->state_entry_time, sizeof(r->state_entry_time));
    }
}

/* The scheduler's runstate (the one source of truth) at a switch; its lock is held. */
void vcpu_runstate_publish(struct vcpu *v, const struct vcpu_runstate_info *r)
{
    publish_runstate(v, r);
}

/* Pin the page of guest-virtual gva (as caller sees it); the hypervisor's pointer to that byte. */
static int pin_gva(struct vcpu *caller, u64 gva, u8 **p)
{
    void *page;
    u64 gpa;

    if (guest_linear_to_phys(caller, gva, true, &gpa))
        return -EFAULT;
    if (p2m_pin_ram(caller->domain, gpa >> PAGE_SHIFT, &page))
        return -EFAULT;
    *p = (u8 *)page + (gpa & (PAGE_SIZE - 1));
    return 0;
}

struct runstate_area_change {
    struct vcpu *v;
    u8 *first, *second; /* first NULL: unregister */
    u32 split;
    bool compat;
};

/*
 * Under the scheduler's lock: a switch of v on another CPU publishes its
 * runstate through these pointers, and the caller may name any vCPU of its
 * domain, running or not.
 */
static void change_runstate_area(void *arg)
{
    const struct runstate_area_change *c = arg;
    struct vcpu *v = c->v;
    struct vcpu_runstate_info now;

    v->events.runstate_area[0] = c->first;
    v->events.runstate_area[1] = c->second;
    v->events.runstate_split = c->split;
    v->events.runstate_compat = c->compat;
    /*
     * As Xen: the totals as of the last state change, the current state
     * since state_entry_time (the guest adds the open period itself).
     */
    now = v->sched.runstate;
    publish_runstate(v, &now);
}

long vcpu_register_runstate_area(struct vcpu *v, struct vcpu *caller, u64 arg, bool compat)
{
    struct vcpu_register_runstate_memory_area area;
    struct runstate_area_change c = {.v = v, .compat = compat};
    u32 size = compat ? sizeof(struct compat_runstate_info) : sizeof(struct vcpu_runstate_info);
    u32 gva32;
    u64 gva;

    /* From 32-bit code the argument is a 4-byte guest handle (Xen reads no more). */
    if (compat) {
        if (copy_from_guest(caller, &gva32, arg, sizeof(gva32)))
            return -EFAULT;
        gva = gva32;
    } else {
        if (copy_from_guest(caller, &area, arg, sizeof(area)))
            return -EFAULT;
        gva = area.addr.p;
    }
    if (gva) {
        c.split = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
        if (c.split > size)
            c.split = size;
        /* An earlier area's pages stay pinned: they are the guest's own RAM. */
        if (pin_gva(caller, gva, &c.first))
            return -EFAULT;
        /* 32-bit addresses wrap at 4 GiB, as the guest's own accesses do. */
        if (c.split < size &&
            pin_gva(caller, compat ? (u32)(gva + c.split) : gva + c.split, &c.second))
            return -EFAULT;
    }
    schedule_locked_call(change_runstate_area, &c); /* no more updates if gva was 0 */
    return 0;
}
