UNIT_TESTS += test_grant_table
test_grant_table_SRCS := tests/unit/test_grant_table.c hv/lib/grant_table.c
test_grant_table_CFLAGS := -pthread
