UNIT_TESTS += test_x87_state
test_x87_state_SRCS := tests/unit/test_x87_state.c hv/lib/x87_state.c
