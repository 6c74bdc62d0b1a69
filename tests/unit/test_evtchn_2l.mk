UNIT_TESTS += test_evtchn_2l
test_evtchn_2l_SRCS := tests/unit/test_evtchn_2l.c hv/lib/evtchn_2l.c
test_evtchn_2l_CFLAGS := -pthread
