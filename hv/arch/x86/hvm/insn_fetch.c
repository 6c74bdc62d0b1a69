/*
 * Reading the instruction a vCPU stopped at, and its register operands,
 * for the exits whose information does not say enough without decode
 * assists (which QEMU lacks): string I/O, MOV to a debug register.
 */
#include <lares/domain.h>
#include <lares/guest_access.h>
#include <lares/mm.h>
#include <asm/hvm/hvm.h>

#define MAX_INSN_LEN 15

size_t hvm_fetch_insn(struct vcpu *v, u8 *buf, size_t max, unsigned *mode_bits)
{
    struct hvm_dump_state ds;
    u64 linear;
    size_t first;

    hvm_ops->get_dump_state(v, &ds);
    *mode_bits = ds.mode == HVM_MODE_64 ? 64 : ds.mode == HVM_MODE_32 ? 32 : 16;
    linear = (ds.mode == HVM_MODE_64 ? 0 : ds.cs_base) + v->hvm.regs.rip;
    if (max > MAX_INSN_LEN)
        max = MAX_INSN_LEN;
    /* Up to the end of the page first: the next one may not be mapped, or not needed. */
    first = PAGE_SIZE - (linear & (PAGE_SIZE - 1));
    if (first > max)
        first = max;
    if (copy_from_guest(v, buf, linear, first))
        return 0;
    if (first < max && !copy_from_guest(v, buf + first, linear + first, max - first))
        return max;
    return first;
}

u64 *hvm_gpr(struct vcpu *v, unsigned n)
{
    struct guest_regs *r = &v->hvm.regs;
    u64 *const gprs[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
                           &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15};

    return gprs[n & 15];
}
