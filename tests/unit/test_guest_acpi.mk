UNIT_TESTS += test_guest_acpi
test_guest_acpi_SRCS := tests/unit/test_guest_acpi.c hv/lib/guest_acpi.c
