UNIT_TESTS += test_hypercall_page
test_hypercall_page_SRCS := tests/unit/test_hypercall_page.c hv/lib/hypercall_page.c
