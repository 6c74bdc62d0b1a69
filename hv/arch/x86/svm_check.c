/* Reading the SVM capabilities of each CPU (asm/svm_check.h; the decision is in
 * lares/svm_support.h). */
#include <lares/console.h>
#include <lares/shutdown.h>
#include <lares/string.h>
#include <lares/svm_support.h>
#include <asm/config.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/svm_check.h>

static unsigned int problems_of[MAX_CPUS];
static struct svm_probe probe_of[MAX_CPUS];

void svm_probe_this_cpu(struct svm_probe *p)
{
    struct cpuid_regs r;

    memset(p, 0, sizeof(*p));
    cpuid(0, &r);
    memcpy(p->vendor, &r.ebx, 4);
    memcpy(p->vendor + 4, &r.edx, 4);
    memcpy(p->vendor + 8, &r.ecx, 4);
    cpuid(0x80000000, &r);
    p->max_ext_leaf = r.eax;
    if (p->max_ext_leaf >= 0x80000001) {
        cpuid(0x80000001, &r);
        p->ext1_ecx = r.ecx;
    }
    if (p->max_ext_leaf >= 0x8000000a) {
        cpuid(0x8000000a, &r);
        p->svm_edx = r.edx;
        p->nr_asids = r.ebx;
    }
    /* VM_CR exists only where SVM does (reading it elsewhere would #GP). */
    if (p->ext1_ecx & CPUID_80000001_ECX_SVM)
        p->vm_cr = rdmsr(MSR_VM_CR);
}

static __noreturn void refuse(unsigned int cpu, unsigned int problems, const struct svm_probe *p)
{
    char why[512];

    svm_support_explain(problems, p, why, sizeof(why));
    pr_err("CPU%u (%s) cannot run Lares:\n%s", cpu, p->vendor, why);
    machine_finish(EXIT_UNSUPPORTED);
}

void svm_check_boot_cpu(void)
{
    struct svm_probe p;
    unsigned int problems;

    svm_probe_this_cpu(&p);
    problems = svm_support_check(&p);
    if (problems)
        refuse(0, problems, &p);
    printk("SVM: AMD SVM with nested paging, %u ASIDs, SVM features %#x\n", p.nr_asids, p.svm_edx);
}

void svm_check_secondary(void)
{
    unsigned int me = smp_processor_id();

    svm_probe_this_cpu(&probe_of[me]);
    problems_of[me] = svm_support_check(&probe_of[me]);
}

void svm_check_all_cpus(void)
{
    for_each_online_cpu(c)
    {
        if (problems_of[c])
            refuse(c, problems_of[c], &probe_of[c]);
    }
}
