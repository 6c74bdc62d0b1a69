/*
 * __HYPERVISOR_hvm_op: the HVM parameters a PVH guest reads and sets.
 * Which parameters a guest may touch follows Xen.
 *
 * The console page and its port are set up with the domain
 * (common/console_pv.c). Xenstore has no server yet: STORE_PFN reads ~0,
 * which Linux (since its "late xenstore init" support, e.g. 6.1.192)
 * takes as "xenstore not there yet" and waits on STORE_EVTCHN for it,
 * instead of failing (0 would make it give up on xenbus). STORE_EVTCHN is
 * a real port, left unbound for domain 0, the way Xen's dom0less builder
 * leaves it until xenstored connects: EVTCHNOP_status then says "unbound",
 * which tells XTF (and anyone who asks) that nobody serves the ring yet.
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/event.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/xen.h>

static int may_get(u32 index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_ALTP2M:
    case HVM_PARAM_X87_FIP_WIDTH:
        return 0;
    case HVM_PARAM_DM_DOMAIN:
    case HVM_PARAM_NESTEDHVM:
    case HVM_PARAM_BUFIOREQ_EVTCHN:
        return -EINVAL; /* deprecated */
    default:
        return -EPERM;
    }
}

static int may_set(u32 index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_X87_FIP_WIDTH:
        return 0;
    case HVM_PARAM_ALTP2M:
        return -EEXIST; /* read-only */
    case HVM_PARAM_DM_DOMAIN:
    case HVM_PARAM_NESTEDHVM:
    case HVM_PARAM_BUFIOREQ_EVTCHN:
        return -EINVAL;
    default:
        return -EPERM;
    }
}

static long param_op(struct vcpu *v, u64 arg, bool set)
{
    struct xen_hvm_param p;
    struct domain *d = v->domain;
    int rc;

    if (copy_from_guest(v, &p, arg, sizeof(p)))
        return -EFAULT;
    if (p.index >= HVM_NR_PARAMS) /* checked before the domain, as Xen does */
        return -EINVAL;
    if (p.domid != DOMID_SELF && p.domid != d->domid)
        return -ESRCH;
    rc = set ? may_set(p.index) : may_get(p.index);
    if (rc)
        return rc;
    if (set) {
        d->hvm_params[p.index] = p.value;
        if (p.index == HVM_PARAM_CALLBACK_IRQ)
            events_callback_changed(d);
        return 0;
    }
    /*
     * Without a console backend there is no ring: say so, rather than
     * hand out GFN 0 (XTF would write its console into page 0; Linux takes
     * an error or 0 alike as "no hvc console").
     */
    if ((p.index == HVM_PARAM_CONSOLE_PFN || p.index == HVM_PARAM_CONSOLE_EVTCHN) &&
        !d->hvm_params[HVM_PARAM_CONSOLE_PFN])
        return -ENOENT;
    p.value = d->hvm_params[p.index];
    return copy_to_guest(v, arg, &p, sizeof(p)) ? -EFAULT : 0;
}

int hvm_params_domain_init(struct domain *d)
{
    unsigned long flags;
    int g;

    spin_lock_irqsave(&d->events.lock, flags);
    g = evtchn_alloc_unbound(&d->events.ports, 0);
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (g < 0)
        return g;
    d->hvm_params[HVM_PARAM_STORE_EVTCHN] = (u32)g;
    d->hvm_params[HVM_PARAM_STORE_PFN] = ~0ull;
    return 0;
}

long do_hvm_op(struct vcpu *v, const struct hypercall_args *a)
{
    switch (a->arg[0]) {
    case HVMOP_set_param:
        return param_op(v, a->arg[1], true);
    case HVMOP_get_param:
        return param_op(v, a->arg[1], false);
    default:
        return -ENOSYS;
    }
}
