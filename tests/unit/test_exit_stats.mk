UNIT_TESTS += test_exit_stats
test_exit_stats_SRCS := tests/unit/test_exit_stats.c hv/lib/exit_stats.c
