/* SVM/NPT capability decision and its explanation (see lares/svm_support.h). */
#include <lares/format.h>
#include <lares/string.h>
#include <lares/svm_support.h>

unsigned svm_support_check(const struct svm_probe *p)
{
    unsigned problems = 0;

    if (p->max_ext_leaf < 0x80000001 || !(p->ext1_ecx & CPUID_80000001_ECX_SVM))
        return SVM_MISSING_SVM; /* nothing else is meaningful without SVM */
    if (p->vm_cr & VM_CR_SVMDIS)
        problems |= SVM_DISABLED_BIOS;
    if (p->max_ext_leaf < 0x8000000a || !(p->svm_edx & CPUID_8000000A_EDX_NPT))
        problems |= SVM_MISSING_NPT;
    return problems;
}

static size_t add(char *buf, size_t size, size_t len, const char *s)
{
    int n = format(len < size ? buf + len : NULL, len < size ? size - len : 0, "%s", s);

    return len + (size_t)n;
}

size_t svm_support_explain(unsigned problems, const struct svm_probe *p, char *buf, size_t size)
{
    size_t len = 0;

    if (size)
        buf[0] = '\0';
    if (problems & SVM_MISSING_SVM) {
        if (!strcmp(p->vendor, "GenuineIntel"))
            len = add(buf, size, len,
                      "This is an Intel CPU: Lares needs AMD SVM (Intel VT-x is not supported "
                      "yet).\n");
        else
            len = add(buf, size, len, "The CPU does not report AMD SVM (AMD-V).\n");
        len = add(buf, size, len,
                  "Under QEMU use -cpu max or -cpu qemu64,+svm,+npt; on hardware use an AMD "
                  "CPU with AMD-V.\n");
    }
    if (problems & SVM_MISSING_NPT)
        len = add(buf, size, len,
                  "The CPU has SVM but no nested paging (NPT), which Lares requires. Under "
                  "QEMU use -cpu max or -cpu qemu64,+svm,+npt (qemu64 and +svm alone lack "
                  "NPT).\n");
    if (problems & SVM_DISABLED_BIOS)
        len = add(buf, size, len,
                  "SVM is disabled by the firmware (VM_CR.SVMDIS is set): enable "
                  "\"SVM Mode\" / \"AMD-V\" in the BIOS setup.\n");
    return len;
}
