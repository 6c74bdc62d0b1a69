UNIT_TESTS += test_symtab
test_symtab_SRCS := tests/unit/test_symtab.c hv/lib/symtab.c
