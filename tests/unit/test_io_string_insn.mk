UNIT_TESTS += test_io_string_insn
test_io_string_insn_SRCS := tests/unit/test_io_string_insn.c hv/lib/io_string_insn.c
