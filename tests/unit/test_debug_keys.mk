UNIT_TESTS += test_debug_keys
test_debug_keys_SRCS := tests/unit/test_debug_keys.c hv/lib/debug_keys.c hv/lib/format.c
