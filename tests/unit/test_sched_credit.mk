UNIT_TESTS += test_sched_credit
test_sched_credit_SRCS := tests/unit/test_sched_credit.c hv/lib/sched_core.c hv/lib/credit.c \
                          hv/lib/sched_rr.c hv/lib/runstate.c tests/unit/stub_panic.c
