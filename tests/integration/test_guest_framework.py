"""The test-guest framework (tests/guests) on bare QEMU, without Lares.

Every guest must boot through QEMU's PVH loader, print through port 0xE9
and leave through isa-debug-exit with the status of its result. Guests
that need a Xen-ABI hypervisor must say SKIP here; the framework's own
self-tests must show that faults, user mode and failures are detected.
"""
import pytest

from guests import (CPU_MODELS, GUEST_EXIT, boot_guest, guest_path, listed_guests,
                    pvh_entry_note, result_words)

# What each guest must end with on bare QEMU. A new guest needs a line here.
BARE_QEMU_RESULT = {
    "selftest_faults": "SUCCESS",
    "selftest_usermode": "SUCCESS",
    "selftest_failure": "FAILURE",
    "selftest_panic": "CRASH",
    "selftest_noresult": "ERROR",
    "hello": "SUCCESS",
    "port_e9": "SUCCESS",
    "xen_version": "SKIP",
    "hypercall_buffers": "SKIP",
    "cpuid": "SKIP",
    "msr": "SKIP",
    "shared_info": "SKIP",
    "shutdown_crash": "SKIP",
    "triple_fault": "SKIP",
    "bad_memory": "SKIP",
    "infinite_loop": "SKIP",
    "hypercall_page": "SKIP",
    "bench_exits": "SKIP",
    "fpu_state": "SKIP",
    "compat_hypercall": "SKIP",
    "grant_table": "SKIP",
    "balloon": "SKIP",
    "reboot": "SKIP",
    "console_echo": "SKIP",
    "smp": "SKIP",
    "vcpu_op": "SKIP",
    "lapic_timer": "SKIP",
    "cpu_share": "SKIP",
    "evtchn_ops": "SKIP",
    "evtchn_upcall": "SKIP",
    "timers": "SKIP",
    "pvclock": "SKIP",
    "vcpu_areas": "SKIP",
    "evtchn_smp": "SKIP",
    "evtchn_pingpong": "SKIP",
    "hostile_exits": "SKIP",
    "vmrun_invalid": "SKIP",
    "hypercall_fuzz": "SKIP",
    "p2m_tables": "SKIP",
    "smp_balloon": "SKIP",
    "mmio_null": "SKIP",
    "xenstore_params": "SKIP",
    "sysctl": "SKIP",
    "debug_state": "SKIP",
}


def has_row(text, what, result):
    """A probe line "  <what>   <result>" as the self-tests print them."""
    return any(l.split() == what.split() + [result] for l in text.splitlines())


def test_every_guest_has_an_expected_result():
    missing = set(listed_guests()) - set(BARE_QEMU_RESULT)
    assert not missing, f"add the bare-QEMU result of {sorted(missing)} to BARE_QEMU_RESULT"


@pytest.mark.parametrize("name", listed_guests())
def test_guest_is_a_pvh_elf_at_1mib(name):
    entry, loads = pvh_entry_note(guest_path(name))
    assert loads and loads[0][0] == 0x100000, loads
    start, end = loads[0][0], loads[0][0] + loads[0][2]
    assert entry is not None, "no Xen PHYS32_ENTRY note"
    assert start <= entry < end


@pytest.mark.parametrize("name", listed_guests())
def test_bare_qemu_result(request, name):
    expected = BARE_QEMU_RESULT[name]
    r = boot_guest(request, name)
    assert r.rc == GUEST_EXIT[expected], r
    assert "Environment: no hypervisor" in r.serial, r
    if expected == "CRASH":
        assert result_words(r.serial) == [], r
        assert "PANIC:" in r.serial, r
    else:
        assert result_words(r.serial) == [expected], r
    if expected == "SKIP":
        assert "SKIP: needs a Xen-ABI hypervisor" in r.serial, r


@pytest.mark.parametrize("cpu", CPU_MODELS)
def test_hello(request, cpu):
    r = boot_guest(request, "hello", cpu=cpu)
    assert r.rc == GUEST_EXIT["SUCCESS"], r
    assert "Hello from a Lares test guest" in r.serial, r


@pytest.mark.parametrize("cpu", CPU_MODELS)
def test_expected_faults_come_back_with_vector_and_error_code(request, cpu):
    r = boot_guest(request, "selftest_faults", cpu=cpu)
    assert r.rc == GUEST_EXIT["SUCCESS"], r
    want = {
        "ud2": "#UD",
        "read of NULL": "#PF(0)",
        "write to NULL": "#PF(0x2)",
        "read of a non-canonical address": "#GP(0)",
        "write to a read-only page": "#PF(0x3)",
        "read of a read-only page": "none",
        "divide by zero": "#DE",
        "int3": "#BP",
        "NULL read 9 calls deep": "#PF(0)",
        "a function that does not fault": "none",
        "read after unmap_page": "#PF(0)",
    }
    for what, exc in want.items():
        assert has_row(r.serial, what, exc), f"missing '{what} {exc}'\n{r}"
    assert "FAILURE" not in r.serial, r


@pytest.mark.parametrize("cpu", CPU_MODELS)
def test_user_mode_round_trip_and_faults(request, cpu):
    r = boot_guest(request, "selftest_usermode", cpu=cpu)
    assert r.rc == GUEST_EXIT["SUCCESS"], r
    for what, exc in [("cli", "#GP(0)"), ("hlt", "#GP(0)"),
                      ("outb without I/O permission", "#GP(0)"),
                      ("read of a supervisor page", "#PF(0x5)")]:
        assert has_row(r.serial, what, exc), f"missing '{what} {exc}'\n{r}"


def test_failure_is_detected(request):
    r = boot_guest(request, "selftest_failure")
    assert r.rc == GUEST_EXIT["FAILURE"], r
    assert result_words(r.serial) == ["FAILURE"], r
    # Every report is printed, and later SKIP/ERROR/SUCCESS do not lower it.
    for line in ["SKIP: deliberate skip 1", "FAILURE: deliberate failure two",
                 "ERROR: deliberate error 0x3"]:
        assert line in r.serial, r
    assert r.lines(r"FAILURE: .*main\.c:\d+: \(1 \+ 1 == 3\) is false: deliberate check 4"), r


def test_unexpected_exception_is_a_crash(request):
    r = boot_guest(request, "selftest_panic")
    assert r.rc == GUEST_EXIT["CRASH"], r
    assert "Unhandled exception #UD at CPL 0" in r.serial, r
    assert r.lines(r"^RIP 0008:[0-9a-f]{16}"), r
    assert "PANIC: unexpected exception #UD" in r.serial, r
    assert result_words(r.serial) == [], r


def test_silent_test_is_an_error(request):
    r = boot_guest(request, "selftest_noresult")
    assert r.rc == GUEST_EXIT["ERROR"], r
    assert "ERROR: the test reported no result" in r.serial, r


def test_port_e9_token_reaches_the_debug_console(request):
    r = boot_guest(request, "port_e9")
    assert r.rc == GUEST_EXIT["SUCCESS"], r
    assert "port_e9 says LARES-E9-TOKEN-7c41d2" in r.serial, r


def test_guest_reads_its_command_line(request):
    # The PVH start info carries QEMU's -append; the framework prints it.
    r = boot_guest(request, "hello", append="host_vendor=AuthenticAMD domid=7")
    assert r.rc == GUEST_EXIT["SUCCESS"], r
    assert "Command line: host_vendor=AuthenticAMD domid=7" in r.serial, r
