UNIT_TESTS += test_timer_heap
test_timer_heap_SRCS := tests/unit/test_timer_heap.c hv/lib/timer_heap.c
