"""Unclaimed platform MMIO (hv/arch/x86/hvm/mmio_null.c): guest-physical
addresses in [0xfec00000, 0xff000000) that nothing backs read as all ones
and drop writes, through the instruction emulated at the nested page
fault; instructions it does not emulate crash the domain with a report,
and addresses outside the window still crash it (bad_memory in
test_domains.py)."""
import pytest

from lares import EXIT_OK
from test_domains import CPUS, ended, memory_returned, run, verdict


@pytest.mark.parametrize("cpu", CPUS)
def test_window_reads_all_ones_and_drops_writes(request, cpu):
    r = run(request, [("mmio", "mmio_null")], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "mmio") == "SUCCESS", r
    for what in ("loads: 1, 2, 4 and 8 bytes", "stores: dropped", "string moves: REP",
                 "string moves across window/RAM pages", "a read at CPL 3"):
        assert r.lines(rf"\(mmio\)   {what}"), r
    ended(r, "mmio", "shut down: poweroff")
    memory_returned(r)


def test_instruction_not_emulated_crashes_the_domain_with_a_report(request):
    r = run(request, [("mmio", "mmio_null", 'cmdline="crash=1"'), ("ok", "hello")])
    assert r.rc == EXIT_OK, r
    # addl $1, (%rsi): 83 06 01, and what follows it.
    assert r.lines(r"d\d+ v0: instruction at rip 0x[0-9a-f]+: 83 06 01 "), r
    ended(r, "mmio", r"crashed: v0: read of unclaimed MMIO at guest-physical 0xfec00000 "
                     r"\(rip 0x[0-9a-f]+\): instruction not emulated")
    assert not r.lines(r"\(mmio\) Test result"), r
    assert verdict(r, "ok") == "SUCCESS", r
    memory_returned(r)


def test_event_delivery_into_the_window_is_not_emulated(request):
    # A page fault whose frame is pushed onto a stack in the window, at a MOV
    # the hypervisor could decode: the MOV must not be skipped.
    r = run(request, [("mmio", "mmio_null", 'cmdline="crash=2"')])
    assert r.rc == EXIT_OK, r
    ended(r, "mmio", r"crashed: v0: write to unclaimed MMIO at guest-physical 0xfec007f8 "
                     r"\(rip 0x[0-9a-f]+\): hit while delivering an event")
    # The instruction at RIP was not running, so it is not fetched (or shown) at all.
    assert r.lines(r"d\d+ v0: instruction at rip 0x[0-9a-f]+: \(not fetched\)"), r
    memory_returned(r)
