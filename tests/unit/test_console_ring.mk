UNIT_TESTS += test_console_ring
test_console_ring_SRCS := tests/unit/test_console_ring.c hv/lib/console_ring.c
