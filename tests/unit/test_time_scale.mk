UNIT_TESTS += test_time_scale
test_time_scale_SRCS := tests/unit/test_time_scale.c hv/lib/time_scale.c
