UNIT_TESTS += test_console_lines
test_console_lines_SRCS := tests/unit/test_console_lines.c hv/lib/console_lines.c
