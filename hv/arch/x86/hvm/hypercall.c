/*
 * The x86 hypercall entry: VMMCALL (directly or through the hypercall
 * page). The register convention follows the guest's mode at the call,
 * not the kind of domain, as Xen does (XTF's hvm32 tests call from 32-bit
 * code).
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/hypercall.h>
#include <lares/lib.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/trace.h>
#include <asm/percpu.h>

/* Set by hypercall_continue() during the handler on this CPU, used right after it. */
static struct {
    bool pending;
    unsigned int argno;
    u64 value;
} continuation[MAX_CPUS];

long hypercall_continue(unsigned int argno, u64 value)
{
    unsigned int cpu = smp_processor_id();

    BUG_ON(argno >= HYPERCALL_MAX_ARGS);
    continuation[cpu].pending = true;
    continuation[cpu].argno = argno;
    continuation[cpu].value = value;
    return -ERESTART;
}

/* Rewrite the argument register (in the convention of the call) for the repeat. */
static void set_arg(struct guest_regs *r, bool compat, unsigned int argno, u64 value)
{
    u64 *regs64[HYPERCALL_MAX_ARGS] = {&r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8, &r->r9};
    u64 *regs32[HYPERCALL_MAX_ARGS] = {&r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp};

    if (compat)
        *regs32[argno] = (u32)value;
    else
        *regs64[argno] = value;
}

enum hvm_disposition hvm_exit_hypercall(struct vcpu *v)
{
    struct guest_regs *r = &v->hvm.regs;
    enum hvm_mode mode = hvm_ops->guest_mode(v);
    struct hvm_paging_state ps;
    struct hypercall_args a;
    u64 nr;
    long ret;

    if (mode == HVM_MODE_REAL) {
        hvm_inject_ud(v); /* as Xen: no hypercalls from real mode */
        return HVM_INJECT;
    }
    if (mode == HVM_MODE_64) {
        nr = r->rax;
        a.arg[0] = r->rdi;
        a.arg[1] = r->rsi;
        a.arg[2] = r->rdx;
        a.arg[3] = r->r10;
        a.arg[4] = r->r8;
        a.arg[5] = r->r9;
        a.compat = false;
    } else {
        nr = (u32)r->rax;
        a.arg[0] = (u32)r->rbx;
        a.arg[1] = (u32)r->rcx;
        a.arg[2] = (u32)r->rdx;
        a.arg[3] = (u32)r->rsi;
        a.arg[4] = (u32)r->rdi;
        a.arg[5] = (u32)r->rbp;
        a.compat = true;
    }

    hvm_ops->get_paging_state(v, &ps);
    if (ps.cpl != 0)
        ret = -EPERM; /* user space reaches hypercalls only through the kernel */
    else
        ret = hypercall_dispatch(v, nr, &a);

    trace_hypercall(v, nr, a.arg[0], a.arg[1], ret);
    if (continuation[smp_processor_id()].pending) {
        unsigned int cpu = smp_processor_id();

        continuation[cpu].pending = false;
        if (ret == -ERESTART) {
            set_arg(r, a.compat, continuation[cpu].argno, continuation[cpu].value);
            return HVM_RESUME; /* RAX still holds the hypercall number */
        }
    }
    r->rax = a.compat ? (u32)ret : (u64)ret;
    return HVM_ADVANCE;
}
