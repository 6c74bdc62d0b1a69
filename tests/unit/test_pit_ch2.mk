UNIT_TESTS += test_pit_ch2
test_pit_ch2_SRCS := tests/unit/test_pit_ch2.c hv/lib/pit_ch2.c
