UNIT_TESTS += test_acpi
test_acpi_SRCS := tests/unit/test_acpi.c tests/unit/phys_image.c hv/lib/acpi_tables.c \
                  hv/lib/acpi_madt.c hv/lib/fw_platform.c
