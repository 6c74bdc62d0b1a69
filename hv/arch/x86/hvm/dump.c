/* Printing a vCPU's state for crash reports. */
#include <lares/console.h>
#include <lares/domain.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/trace.h>

static const char *mode_name(enum hvm_mode m)
{
    switch (m) {
    case HVM_MODE_64:
        return "64-bit";
    case HVM_MODE_32:
        return "32-bit protected";
    case HVM_MODE_16:
        return "16-bit protected";
    default:
        return "real";
    }
}

void vcpu_dump(struct vcpu *v)
{
    const struct guest_regs *r = &v->hvm.regs;
    struct hvm_dump_state ds;

    hvm_ops->get_dump_state(v, &ds);
    printk("  d%uv%u: %s mode, CPL %u, %llu exits, %llu hypercalls\n", v->domain->domid, v->vcpu_id,
           mode_name(ds.mode), ds.cpl, (unsigned long long)v->exits,
           (unsigned long long)v->hypercalls);
    printk("  rip %04x:%016llx  rflags %016llx  rsp %04x:%016llx\n", ds.cs,
           (unsigned long long)r->rip, (unsigned long long)r->rflags, ds.ss,
           (unsigned long long)r->rsp);
    printk("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n", (unsigned long long)r->rax,
           (unsigned long long)r->rbx, (unsigned long long)r->rcx, (unsigned long long)r->rdx);
    printk("  rsi %016llx  rdi %016llx  rbp %016llx  r8  %016llx\n", (unsigned long long)r->rsi,
           (unsigned long long)r->rdi, (unsigned long long)r->rbp, (unsigned long long)r->r8);
    printk("  r9  %016llx  r10 %016llx  r11 %016llx  r12 %016llx\n", (unsigned long long)r->r9,
           (unsigned long long)r->r10, (unsigned long long)r->r11, (unsigned long long)r->r12);
    printk("  r13 %016llx  r14 %016llx  r15 %016llx\n", (unsigned long long)r->r13,
           (unsigned long long)r->r14, (unsigned long long)r->r15);
    printk("  cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx  efer %llx\n",
           (unsigned long long)ds.cr0, (unsigned long long)ds.cr2, (unsigned long long)ds.cr3,
           (unsigned long long)ds.cr4, (unsigned long long)ds.efer);
    if (ds.pending_event)
        printk("  event being delivered at the exit: %#llx\n",
               (unsigned long long)ds.pending_event);
    trace_dump(v);
}
