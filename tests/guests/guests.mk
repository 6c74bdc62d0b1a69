# Test guests: each name is tests/guests/<name>/main.c, built into
# build/guests/<name>.elf. Add one line per test.

# Framework self-tests; they need no hypervisor (run on bare QEMU too).
GUESTS += selftest_faults
GUESTS += selftest_usermode
GUESTS += selftest_failure
GUESTS += selftest_panic
GUESTS += selftest_noresult

# Hypervisor tests; those that need Xen print SKIP on bare QEMU.
GUESTS += hello
