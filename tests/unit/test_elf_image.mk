UNIT_TESTS += test_elf_image
test_elf_image_SRCS := tests/unit/test_elf_image.c hv/lib/elf_image.c
