UNIT_TESTS += test_cmdline
test_cmdline_SRCS := tests/unit/test_cmdline.c hv/lib/cmdline.c hv/lib/param_table.c
