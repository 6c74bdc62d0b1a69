/*
 * ASIDs: each CPU hands out its ASIDs 1..n-1 in order. When they run out
 * the CPU starts a new generation, flushes every TLB entry at the next
 * VMRUN and hands them out again; a vCPU whose ASID is from an older
 * generation (or from another CPU) simply gets a new one. No global
 * coordination and no per-ASID flushes are needed. (QEMU flushes its TLB
 * on every world switch anyway, so mistakes here would not show under
 * TCG: keep this simple enough to check by reading.)
 */
#include <lares/lib.h>
#include <asm/percpu.h>
#include "svm.h"

struct asid_state {
    u32 next;
    u32 max;        /* ASIDs are 1..max */
    u64 generation; /* starts at 1: a vCPU's 0 means "never assigned" */
    bool flush_all;
};

static struct asid_state asid_state[MAX_CPUS];

void svm_asid_cpu_init(unsigned nr_asids)
{
    struct asid_state *a = &asid_state[smp_processor_id()];

    BUG_ON(nr_asids < 2);
    a->max = nr_asids - 1;
    a->next = 1;
    a->generation = 1;
    a->flush_all = true;
}

/* Called with interrupts disabled just before VMRUN. */
void svm_asid_assign(struct svm_vcpu *s)
{
    unsigned cpu = smp_processor_id();
    struct asid_state *a = &asid_state[cpu];
    /* Taken atomically: a request made from now on is seen at the next entry (see p2m.c). */
    bool flush = __atomic_exchange_n(&s->flush_tlb, false, __ATOMIC_SEQ_CST);

    if (s->asid_generation != a->generation || s->asid_cpu != cpu) {
        if (a->next > a->max) {
            a->generation++;
            a->next = 1;
            a->flush_all = true;
        }
        s->asid = a->next++;
        s->asid_generation = a->generation;
        s->asid_cpu = cpu;
        flush = true; /* a recycled ASID may still tag another guest's entries */
    }
    s->vmcb->asid = s->asid;
    if (a->flush_all) {
        a->flush_all = false;
        flush = true;
    }
    s->vmcb->tlb_control = flush ? SVM_TLB_FLUSH_ALL : SVM_TLB_NONE;
}
