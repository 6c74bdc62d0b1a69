UNIT_TESTS += test_guest_lib
test_guest_lib_SRCS := tests/unit/test_guest_lib.c tests/guests/lib/cmdline.c
test_guest_lib_CFLAGS := -Itests/guests/lib/include
$(BUILD)/unit/test_guest_lib: $(wildcard tests/guests/lib/include/guest/*.h)
