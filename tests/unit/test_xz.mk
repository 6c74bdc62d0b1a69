UNIT_TESTS += test_xz
test_xz_SRCS := tests/unit/test_xz.c hv/lib/xz_stream.c hv/lib/xz_lzma2.c hv/lib/xz_lzma.c \
                hv/lib/xz_bcj_x86.c hv/lib/xz_check.c
test_xz_LDLIBS := -llzma
