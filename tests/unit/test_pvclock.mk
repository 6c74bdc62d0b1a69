UNIT_TESTS += test_pvclock
test_pvclock_SRCS := tests/unit/test_pvclock.c hv/lib/pvclock.c hv/lib/time_scale.c
