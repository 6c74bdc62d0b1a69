UNIT_TESTS += test_slab
test_slab_SRCS := tests/unit/test_slab.c hv/lib/slab.c hv/lib/buddy.c
