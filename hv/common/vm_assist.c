/*
 * __HYPERVISOR_vm_assist(cmd, type): optional behaviours a guest asks for.
 * For an HVM/PVH domain Xen offers only VMASST_TYPE_runstate_update_flag
 * (bit 63 of the runstate area's state_entry_time is set while the
 * hypervisor updates the area; Linux then reads other vCPUs' runstates).
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hypercall.h>
#include <public/xen.h>

long do_vm_assist(struct vcpu *v, const struct hypercall_args *a)
{
    /* Xen's handler takes (unsigned int cmd, unsigned int type): upper bits are ignored. */
    unsigned int cmd = (unsigned int)a->arg[0], type = (unsigned int)a->arg[1];

    if (type != VMASST_TYPE_runstate_update_flag)
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        WRITE_ONCE(v->domain->events.runstate_update_flag, true);
        return 0;
    case VMASST_CMD_disable:
        WRITE_ONCE(v->domain->events.runstate_update_flag, false);
        return 0;
    default:
        return -ENOSYS;
    }
}
