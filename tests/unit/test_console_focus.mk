UNIT_TESTS += test_console_focus
test_console_focus_SRCS := tests/unit/test_console_focus.c hv/lib/console_focus.c hv/lib/format.c
