/*
 * Does every CPU have what Lares needs (AMD SVM with nested paging, not
 * disabled by the firmware)? Nothing is enabled here. A CPU that falls
 * short makes Lares print what is missing and what to do, then stop with
 * machine_finish(EXIT_UNSUPPORTED) (QEMU status 37).
 */
#ifndef ASM_SVM_CHECK_H
#define ASM_SVM_CHECK_H

struct svm_probe;

/* Read this CPU's SVM capabilities (CPUID, VM_CR); the verdict is svm_support_check()'s. */
void svm_probe_this_cpu(struct svm_probe *p);

/* The boot CPU, as early as possible; does not return if it is unusable. */
void svm_check_boot_cpu(void);

/* Each other CPU during its start-up: records the result. */
void svm_check_secondary(void);

/* Boot CPU, after SMP start-up: does not return if any other CPU was unusable. */
void svm_check_all_cpus(void);

#endif
