/* The hypercall dispatch table (see lares/hypercall.h). */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hypercall.h>
#include <public/xen.h>

struct hypercall_row {
    hypercall_fn fn;
    u8 nr_args;
    u8 who;
    const char *name;
};

#define HC(nr, fn, nargs, who) [nr] = {fn, nargs, who, #nr}

static const struct hypercall_row table[64] = {
    HC(__HYPERVISOR_memory_op, do_memory_op, 2, HC_ANY),
    HC(__HYPERVISOR_xen_version, do_xen_version, 2, HC_ANY),
    HC(__HYPERVISOR_console_io, do_console_io, 3, HC_ANY),
    HC(__HYPERVISOR_sched_op, do_sched_op, 2, HC_ANY),
    HC(__HYPERVISOR_hvm_op, do_hvm_op, 2, HC_ANY),
    HC(__HYPERVISOR_grant_table_op, do_grant_table_op, 3, HC_ANY),
    HC(__HYPERVISOR_event_channel_op, do_event_channel_op, 2, HC_ANY),
    HC(__HYPERVISOR_vcpu_op, do_vcpu_op, 3, HC_ANY),
    HC(__HYPERVISOR_vm_assist, do_vm_assist, 2, HC_ANY),
    HC(__HYPERVISOR_sysctl, do_sysctl, 1, HC_ANY),
};

const char *hypercall_name(u64 nr)
{
    if (nr < ARRAY_SIZE(table) && table[nr].name)
        return table[nr].name + sizeof("__HYPERVISOR_") - 1;
    return "?";
}

long hypercall_dispatch(struct vcpu *v, u64 nr, const struct hypercall_args *a)
{
    const struct hypercall_row *row;

    if (nr >= ARRAY_SIZE(table) || !table[nr].fn)
        return -ENOSYS;
    row = &table[nr];
    if (row->who == HC_CONTROL && !v->domain->is_privileged)
        return -EPERM;
    return row->fn(v, a);
}
