UNIT_TESTS += test_buddy
test_buddy_SRCS := tests/unit/test_buddy.c hv/lib/buddy.c
