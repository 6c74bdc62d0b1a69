UNIT_TESTS += test_pvh_layout
test_pvh_layout_SRCS := tests/unit/test_pvh_layout.c hv/lib/pvh_layout.c hv/lib/guest_acpi.c
