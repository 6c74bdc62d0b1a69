UNIT_TESTS += test_vmlinux_extract
test_vmlinux_extract_SRCS := tests/unit/test_vmlinux_extract.c tools/vmlinux-extract/bzimage.c \
                             tools/vmlinux-extract/elfinfo.c tools/vmlinux-extract/status.c \
                             hv/lib/bzimage.c
test_vmlinux_extract_CFLAGS := -Itools/vmlinux-extract
