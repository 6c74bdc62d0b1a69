# Test guests: each name is tests/guests/<name>/main.c, built into
# build/guests/<name>.elf. Add one line per test.

# Framework self-tests (meaningful on bare QEMU).
#GUESTS += selftest_faults
#GUESTS += selftest_usermode
#GUESTS += selftest_failure
#GUESTS += selftest_panic

# Hypervisor tests (SKIP on bare QEMU where they need Xen).
GUESTS += hello
