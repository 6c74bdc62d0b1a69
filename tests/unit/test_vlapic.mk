UNIT_TESTS += test_vlapic
test_vlapic_SRCS := tests/unit/test_vlapic.c hv/lib/vlapic.c
