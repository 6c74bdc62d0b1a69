UNIT_TESTS += test_evtchn_ports
test_evtchn_ports_SRCS := tests/unit/test_evtchn_ports.c hv/lib/evtchn_ports.c tests/unit/stub_panic.c
