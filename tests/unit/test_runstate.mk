UNIT_TESTS += test_runstate
test_runstate_SRCS := tests/unit/test_runstate.c hv/lib/runstate.c
