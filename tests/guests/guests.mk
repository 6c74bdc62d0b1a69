# Test guests: each name is tests/guests/<name>/main.c, built into
# build/guests/<name>.elf. Add one line per test (and its expected result
# on bare QEMU in tests/integration/test_guest_framework.py).

# Framework self-tests; they need no hypervisor (run on bare QEMU too).
GUESTS += selftest_faults
GUESTS += selftest_usermode
GUESTS += selftest_failure
GUESTS += selftest_panic
GUESTS += selftest_noresult

# Hypervisor tests; those that need Xen print SKIP on bare QEMU.
GUESTS += hello
GUESTS += xen_version
GUESTS += hypercall_buffers
GUESTS += cpuid
GUESTS += msr
GUESTS += shared_info
GUESTS += port_e9
GUESTS += shutdown_crash
GUESTS += triple_fault
GUESTS += bad_memory
GUESTS += infinite_loop
GUESTS += hypercall_page
GUESTS += bench_exits
GUESTS += fpu_state
GUESTS += compat_hypercall
GUESTS += grant_table
GUESTS += balloon
GUESTS += reboot
GUESTS += smp
GUESTS += vcpu_op
GUESTS += lapic_timer
GUESTS += cpu_share
GUESTS += console_echo
GUESTS += evtchn_ops
GUESTS += evtchn_upcall
GUESTS += timers
GUESTS += evtchn_pingpong
GUESTS += pvclock
GUESTS += vcpu_areas
GUESTS += hostile_exits
GUESTS += vmrun_invalid
GUESTS += hypercall_fuzz
GUESTS += p2m_tables
GUESTS += smp_balloon
GUESTS += evtchn_smp
GUESTS += mmio_null
GUESTS += xenstore_params
GUESTS += sysctl
GUESTS += debug_state
