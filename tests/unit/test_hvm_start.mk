UNIT_TESTS += test_hvm_start
test_hvm_start_SRCS := tests/unit/test_hvm_start.c hv/lib/hvm_start.c
