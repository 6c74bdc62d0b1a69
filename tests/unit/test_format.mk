UNIT_TESTS += test_format
test_format_SRCS := tests/unit/test_format.c hv/lib/format.c
test_format_CFLAGS := -Wno-format -Wno-format-extra-args
