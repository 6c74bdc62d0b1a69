/*
 * Can this CPU run Lares? The decision from CPUID and VM_CR values, kept
 * apart from reading them so it is unit-tested on the host with the values
 * real CPUs and QEMU models report. Lares needs AMD SVM with nested paging
 * (NPT); it enables nothing here.
 */
#ifndef LARES_SVM_SUPPORT_H
#define LARES_SVM_SUPPORT_H

#include <lares/types.h>

#define CPUID_80000001_ECX_SVM (1u << 2)
#define CPUID_8000000A_EDX_NPT (1u << 0)
#define VM_CR_SVMDIS (1u << 4)

/* What one CPU reported. */
struct svm_probe {
    char vendor[13];  /* CPUID 0 vendor string */
    u32 max_ext_leaf; /* CPUID 0x80000000 EAX */
    u32 ext1_ecx;     /* CPUID 0x80000001 ECX (0 if the leaf is absent) */
    u32 svm_edx;      /* CPUID 0x8000000A EDX (0 if the leaf is absent) */
    u32 nr_asids;     /* CPUID 0x8000000A EBX */
    u64 vm_cr;        /* MSR VM_CR (read only when SVM is reported) */
};

/* Reasons a CPU cannot run Lares (a bit mask). */
#define SVM_MISSING_SVM (1u << 0)   /* no AMD-V at all (e.g. an Intel CPU) */
#define SVM_MISSING_NPT (1u << 1)   /* SVM without nested paging */
#define SVM_DISABLED_BIOS (1u << 2) /* VM_CR.SVMDIS: firmware turned SVM off */

/* 0 if usable, else SVM_MISSING_* / SVM_DISABLED_BIOS bits. */
unsigned svm_support_check(const struct svm_probe *p);

/*
 * One human sentence per problem into buf (newline-separated): what is
 * missing and what to do about it. Returns the length written.
 */
size_t svm_support_explain(unsigned problems, const struct svm_probe *p, char *buf, size_t size);

#endif
