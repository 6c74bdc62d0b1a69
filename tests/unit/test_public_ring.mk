UNIT_TESTS += test_public_ring
test_public_ring_SRCS := tests/unit/test_public_ring.c
