UNIT_TESTS += test_mptable
test_mptable_SRCS := tests/unit/test_mptable.c tests/unit/phys_image.c hv/lib/mptable.c \
                     hv/lib/fw_platform.c
