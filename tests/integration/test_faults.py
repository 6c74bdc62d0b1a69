"""Exceptions in the hypervisor: reports with registers and symbols, then a clean stop."""
import re

import pytest

from lares import EXIT_OK, EXIT_PANIC, Session, boot

REGISTERS = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12",
             "r13", "r14", "r15", "cr0", "cr2", "cr3", "cr4"]


def backtrace(r):
    """Function names of the backtrace lines, innermost first."""
    text = r.serial.split("Backtrace:", 1)[1]
    return re.findall(r"\[<[0-9a-f]{16}>\] (?:\? )?([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+", text)


def assert_full_report(r, name, vector, function):
    assert r.rc == EXIT_PANIC, r
    assert r.lines(rf"Lares fatal exception on CPU0"), r
    assert r.lines(rf"{re.escape(name)} \(vector {vector}\), error code"), r
    for reg in REGISTERS:
        assert re.search(rf"\b{reg}:\s*[0-9a-f]{{16}}\b", r.serial), (reg, r)
    assert r.lines(rf"RIP: 0008:[0-9a-f]{{16}} {function}\+0x[0-9a-f]+/0x[0-9a-f]+"), r
    assert r.lines(rf"Panic: Fatal exception {re.escape(name)} on CPU0 at {function}\+"), r


@pytest.mark.parametrize("kind,name,vector,function,detail", [
    ("null", "#PF page fault", 14, "fault_null", r"\[read, not present\]"),
    ("write-text", "#PF page fault", 14, "fault_write_text", r"\[write, protection violation\]"),
    ("exec-data", "#PF page fault", 14, "data_ret", r"instruction fetch"),
    ("ud", "#UD invalid opcode", 6, "fault_ud", None),
    ("gp", "#GP general protection", 13, "fault_gp", None),
    ("divide", "#DE divide error", 0, "fault_divide", None),
])
def test_fault_report(request, kind, name, vector, function, detail):
    r = boot(request, append=f"debug_fault={kind}")
    if kind == "exec-data":
        # The faulting RIP is in data, which has no symbol; the caller is named instead.
        assert r.lines(r"RIP: 0008:[0-9a-f]{16} \?$"), r
        assert "fault_exec_data" in backtrace(r), r
        function = r"\?"
        assert r.rc == EXIT_PANIC and r.lines(detail), r
        return
    assert_full_report(r, name, vector, function)
    if detail:
        assert r.lines(detail), r
    if kind == "null":
        assert r.lines(r"cr2: 0000000000000000"), r
    assert backtrace(r)[0] == function, r


def test_backtrace_names_every_frame_of_a_deep_fault(request):
    r = boot(request, append="debug_fault=deep")
    assert_full_report(r, "#PF page fault", 14, "deep_level3")
    frames = backtrace(r)
    want = ["deep_level3", "deep_level2", "deep_level1", "deep", "debug_fault_run", "start_lares"]
    assert frames[:len(want)] == want, r


def test_deep_fault_on_a_cpu_without_1g_pages(request):
    r = boot(request, cpu="qemu64,+svm,+npt", append="debug_fault=deep")
    assert_full_report(r, "#PF page fault", 14, "deep_level3")
    assert backtrace(r)[:3] == ["deep_level3", "deep_level2", "deep_level1"], r


def test_stack_overflow_is_caught_as_double_fault_on_its_own_stack(request):
    r = boot(request, append="debug_fault=stack-overflow")
    assert_full_report(r, "#DF double fault", 8, "overflow_stack")
    assert r.lines(r"\.\.\. the same frame \d+ more times"), r
    assert "start_lares" in backtrace(r), r


def test_fault_while_reporting_a_fault_still_ends_cleanly(request):
    r = boot(request, append="debug_fault=nested")
    assert r.rc == EXIT_PANIC, r
    assert r.lines(r"#UD invalid opcode \(vector 6\)"), r
    assert r.lines(r"Exception while reporting an exception: vector 14, .* CR2 0000000000000008"), r
    assert r.lines(r"Panic: Nested fatal exception \(vector 14\)"), r


def test_nmi_is_reported_and_boot_continues(request):
    r = boot(request, append="debug_fault=nmi")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"NMI on CPU0 at nmi\+0x[0-9a-f]+/0x[0-9a-f]+; ignored"), r
    assert r.lines(r"debug_fault=nmi: continued after the NMI"), r


def test_interrupt_handlers_by_vector(request):
    r = boot(request, append="debug_fault=irq")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"set_irq_handler\(0x80\) = 0, another handler there = -16, "
                   r"exception vector = -22"), r
    assert r.lines(r"handler ran for vector 0x80$"), r
    assert r.lines(r"Interrupt on vector 0x81, which has no handler; ignored"), r
    assert r.lines(r"debug_fault=irq: done"), r


def test_exception_table_fixups(request):
    r = boot(request, append="debug_fault=extable")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"probe_read_u64\(NULL\) = -14 \(value 0\), "
                   r"probe_read_u64\(mapped\) = 0 \(value 0x1234567890abcdef\)"), r
    m = re.search(r"rdmsr_safe\(0xdeadbeef\) = (-?\d+) \(value (0x[0-9a-f]+|0)\), "
                  r"wrmsr_safe\(0xdeadbeef\) = (-?\d+), rdmsr_safe\(EFER\) = (-?\d+) "
                  r"\(value (0x[0-9a-f]+)\)", r.serial)
    assert m, r
    # Hardware faults on an unimplemented MSR (-EFAULT, value 0); QEMU's TCG reads 0 instead.
    assert int(m.group(1)) in (0, -14) and int(m.group(2), 16) == 0, r
    assert int(m.group(3)) in (0, -14), r
    assert int(m.group(4)) == 0 and int(m.group(5), 16) & (1 << 10), r  # EFER.LMA: long mode


def test_unknown_kind_is_named_and_ignored(request):
    r = boot(request, append="debug_fault=banana")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"debug_fault=banana: unknown kind; known: null"), r


def test_panic_without_qemu_exit_reboots(request):
    # -no-reboot turns the reset into a QEMU exit with status 0.
    r = boot(request, qemu_exit=False, append="debug_fault=ud")
    assert r.rc == 0, r
    assert r.lines(r"Panic: Fatal exception #UD"), r
    assert r.lines(r"Rebooting\."), r


def test_panic_with_noreboot_halts(request):
    with Session(request, qemu_exit=False, append="noreboot debug_fault=ud", timeout=60) as s:
        s.expect(r"Not rebooting \(noreboot\); CPU halted\.")
        assert s.proc.poll() is None  # still running: halted, not reset or exited


def test_cpu_without_nx_uses_no_nx_bits(request):
    # Setting NX in a page-table entry without EFER.NXE would be a reserved-bit fault.
    r = boot(request, cpu="qemu64,-nx,+svm,+npt", append="mm_selftest debug_fault=exec-data")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"Paging: .* NX not supported"), r
    assert r.lines(r"mm_selftest: passed"), r
    assert r.lines(r"debug_fault=exec-data: no fault \(this CPU has no NX\)"), r


def test_text_is_read_only_without_nx_too(request):
    r = boot(request, cpu="qemu64,-nx,+svm,+npt", append="debug_fault=write-text")
    assert_full_report(r, "#PF page fault", 14, "fault_write_text")
