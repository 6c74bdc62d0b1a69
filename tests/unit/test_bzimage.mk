UNIT_TESTS += test_bzimage
test_bzimage_SRCS := tests/unit/test_bzimage.c hv/lib/bzimage.c hv/lib/kernel_unpack.c \
                     hv/lib/format.c hv/lib/xz_stream.c hv/lib/xz_lzma2.c hv/lib/xz_lzma.c \
                     hv/lib/xz_bcj_x86.c hv/lib/xz_check.c
test_bzimage_LDLIBS := -llzma
