UNIT_TESTS += test_deferred
test_deferred_SRCS := tests/unit/test_deferred.c hv/common/deferred.c
