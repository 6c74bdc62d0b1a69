UNIT_TESTS += test_domain_desc
test_domain_desc_SRCS := tests/unit/test_domain_desc.c hv/lib/domain_desc.c hv/lib/cmdline.c \
                         hv/lib/format.c
