/*
 * Hypercalls. One dispatch table (hv/common/hypercall.c) maps Xen's
 * hypercall numbers to handlers, each with its argument count and who may
 * call it; unknown numbers and sub-ops return -ENOSYS. The architecture
 * code decodes the guest's registers according to the guest's mode at the
 * VMMCALL (64-bit: RDI RSI RDX R10 R8 R9; 32-bit: EBX ECX EDX ESI EDI EBP),
 * so 32-bit guests can call too; handlers see the mode in 'compat' (32-bit
 * guests' structures have 4-byte longs and pointers).
 *
 * Handlers live in one file per family under hv/common/ and follow the
 * pattern: copy arguments in, do the typed work, copy results out.
 */
#ifndef LARES_HYPERCALL_H
#define LARES_HYPERCALL_H

#include <lares/types.h>

struct vcpu;

#define HYPERCALL_MAX_ARGS 6

struct hypercall_args {
    u64 arg[HYPERCALL_MAX_ARGS];
    bool compat; /* the guest called from 32-bit code */
};

typedef long (*hypercall_fn)(struct vcpu *v, const struct hypercall_args *a);

/* Who may call. */
#define HC_ANY 0     /* any domain */
#define HC_CONTROL 1 /* the control domain only */

/* Run hypercall nr for v (already known to be at CPL 0). */
long hypercall_dispatch(struct vcpu *v, u64 nr, const struct hypercall_args *a);

/*
 * Long operations are done in pieces, as Xen's continuations: a handler
 * that stops early (to bound the time one exit takes) calls
 * hypercall_continue() with the argument that says where to resume and
 * returns -ERESTART. The guest's register for that argument is rewritten
 * and its RIP is left on the hypercall instruction, so the vCPU executes
 * the same hypercall again (after any pending interrupt or reschedule);
 * the guest never sees -ERESTART.
 */
long hypercall_continue(unsigned int argno, u64 value);

/* Name of a hypercall for logs ("?" if unknown). */
const char *hypercall_name(u64 nr);

long do_xen_version(struct vcpu *v, const struct hypercall_args *a);
long do_console_io(struct vcpu *v, const struct hypercall_args *a);
long do_sched_op(struct vcpu *v, const struct hypercall_args *a);
long do_memory_op(struct vcpu *v, const struct hypercall_args *a);
long do_hvm_op(struct vcpu *v, const struct hypercall_args *a);
long do_grant_table_op(struct vcpu *v, const struct hypercall_args *a);
long do_event_channel_op(struct vcpu *v, const struct hypercall_args *a);
long do_vcpu_op(struct vcpu *v, const struct hypercall_args *a);
long do_vm_assist(struct vcpu *v, const struct hypercall_args *a);
long do_sysctl(struct vcpu *v, const struct hypercall_args *a);

#endif
