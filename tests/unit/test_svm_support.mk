UNIT_TESTS += test_svm_support
test_svm_support_SRCS := tests/unit/test_svm_support.c hv/lib/svm_support.c hv/lib/format.c
