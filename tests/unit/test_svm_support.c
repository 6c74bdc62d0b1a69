/* The SVM/NPT decision on the CPUID values of real CPUs and QEMU models. */
#include "unit.h"

#include <string.h>
#include <lares/svm_support.h>

/* QEMU 7.2 TCG values, from docs/svm-under-qemu.md of the shared notes. */
static const struct svm_probe qemu_max = {
    .vendor = "AuthenticAMD",
    .max_ext_leaf = 0x8000000a,
    .ext1_ecx = 0x00000004 | 0x1,
    .svm_edx = 0x10010001,
    .nr_asids = 16,
};
static const struct svm_probe qemu64 = {
    .vendor = "AuthenticAMD",
    .max_ext_leaf = 0x8000000a,
    .ext1_ecx = 0x00000004,
    .svm_edx = 0,
    .nr_asids = 16,
};
static const struct svm_probe intel = {
    .vendor = "GenuineIntel",
    .max_ext_leaf = 0x80000008,
    .ext1_ecx = 0x00000121,
};

static void usable_models(void **state)
{
    struct svm_probe min = qemu64;

    assert_int_equal(svm_support_check(&qemu_max), 0);
    min.svm_edx = CPUID_8000000A_EDX_NPT; /* qemu64,+svm,+npt */
    assert_int_equal(svm_support_check(&min), 0);
}

static void qemu64_lacks_npt(void **state)
{
    char buf[512];

    assert_int_equal(svm_support_check(&qemu64), SVM_MISSING_NPT);
    svm_support_explain(SVM_MISSING_NPT, &qemu64, buf, sizeof(buf));
    assert_non_null(strstr(buf, "no nested paging (NPT)"));
    assert_non_null(strstr(buf, "-cpu qemu64,+svm,+npt"));
}

static void intel_lacks_svm(void **state)
{
    char buf[512];

    assert_int_equal(svm_support_check(&intel), SVM_MISSING_SVM);
    svm_support_explain(SVM_MISSING_SVM, &intel, buf, sizeof(buf));
    assert_non_null(strstr(buf, "Intel CPU"));
    assert_non_null(strstr(buf, "-cpu max"));
}

static void short_leaves(void **state)
{
    struct svm_probe p = qemu_max;

    p.max_ext_leaf = 0x80000008; /* SVM bit set, but no leaf 0x8000000A to show NPT */
    assert_int_equal(svm_support_check(&p), SVM_MISSING_NPT);
    p.max_ext_leaf = 0x80000000;
    assert_int_equal(svm_support_check(&p), SVM_MISSING_SVM);
}

static void firmware_disabled(void **state)
{
    struct svm_probe p = qemu_max;
    char buf[512];

    p.vm_cr = VM_CR_SVMDIS;
    assert_int_equal(svm_support_check(&p), SVM_DISABLED_BIOS);
    p.svm_edx = 0;
    assert_int_equal(svm_support_check(&p), SVM_DISABLED_BIOS | SVM_MISSING_NPT);
    svm_support_explain(SVM_DISABLED_BIOS | SVM_MISSING_NPT, &p, buf, sizeof(buf));
    assert_non_null(strstr(buf, "BIOS"));
    assert_non_null(strstr(buf, "NPT"));
}

static void explain_truncates_safely(void **state)
{
    char buf[16];
    size_t n = svm_support_explain(SVM_MISSING_SVM | SVM_MISSING_NPT, &intel, buf, sizeof(buf));

    assert_true(n > sizeof(buf));
    assert_int_equal(strlen(buf), sizeof(buf) - 1);
    assert_int_equal(svm_support_explain(0, &qemu_max, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(usable_models),     cmocka_unit_test(qemu64_lacks_npt),
        cmocka_unit_test(intel_lacks_svm),   cmocka_unit_test(short_leaves),
        cmocka_unit_test(firmware_disabled), cmocka_unit_test(explain_truncates_safely),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
