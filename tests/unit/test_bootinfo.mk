UNIT_TESTS += test_bootinfo
test_bootinfo_SRCS := tests/unit/test_bootinfo.c hv/lib/bootinfo.c
