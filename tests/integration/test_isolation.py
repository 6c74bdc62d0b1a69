"""Isolation: hostile guests next to well-behaved ones.

Each run boots a hostile test guest together with a well-behaved one; the
hostile guest's own verdict says whether every attempt ended the way the
architecture (or Xen's ABI) says, and the hypervisor must stay healthy:
QEMU status 33, the well-behaved guest passes, every domain's memory comes
back. See docs/isolation.md for what each guest covers.
"""
import subprocess

import pytest

from lares import EXIT_OK, LARES
from test_domains import CPUS, ended, memory_returned, run, verdict


def symbol(name):
    """Address of a hypervisor symbol in lares.elf."""
    out = subprocess.run(["nm", str(LARES)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        addr, _, sym = line.split()
        if sym == name:
            return int(addr, 16)
    raise KeyError(name)


@pytest.mark.parametrize("cpu", CPUS)
def test_hostile_exits_next_to_a_good_guest(request, cpu):
    # Breakpoints on the code every interrupt and exception runs, on a
    # function every xen_version call runs, and on a variable every console
    # line writes.
    bps = {"host_code": symbol("common_interrupt"), "host_code2": symbol("do_xen_version"),
           "host_data": symbol("conring_prod")}
    args = " ".join(f"{k}={v:#x}" for k, v in bps.items())
    hx = ("hx", "hostile_exits", f'cmdline="{args}"')
    r = run(request, [hx, ("ok", "hello")], cpu=cpu, timeout=180)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "hx") == "SUCCESS", r
    assert verdict(r, "ok") == "SUCCESS", r
    assert r.lines(r"\(hx\)   breakpoints on hypervisor code and data: it carried on"), r
    assert r.lines(r"\(hx\)   string I/O: faults stop huge REP counts exactly"), r
    assert r.lines(r"\(hx\)   port I/O: 65535 ports answer"), r
    ended(r, "hx", "shut down: poweroff")
    memory_returned(r)


# vmrun_invalid cases (tests/guests/vmrun_invalid): a register value the
# CPU must refuse. Real hardware raises #GP; QEMU takes most of them, and
# then VMRUN fails its consistency checks.
VMRUN_CASES = ["cr0_nw", "cr4_high", "cr4_bit15", "cr3_high", "dr7_high"]


@pytest.mark.parametrize("cpu", CPUS)
def test_vmrun_refusing_a_vcpu_crashes_only_that_domain(request, cpu):
    domains = [("ok1", "hello")]
    domains += [(c, "vmrun_invalid", f"cmdline=case={c}") for c in VMRUN_CASES]
    domains += [("ok2", "xen_version")]
    r = run(request, domains, smp=2, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "ok1") == "SUCCESS" and verdict(r, "ok2") == "SUCCESS", r
    refused_by_vmrun = 0
    for c in VMRUN_CASES:
        if r.lines(rf"\({c}\) crashed: v0: VMRUN refused the vCPU state \(VMEXIT_INVALID\)"):
            ended(r, c, "shut down: crash")
            refused_by_vmrun += 1
        else:
            assert verdict(r, c) == "SUCCESS", r  # the CPU refused the value with #GP
    # Under QEMU 7.2 at least CR0.NW without CD gets as far as VMRUN.
    assert refused_by_vmrun > 0, r
    memory_returned(r)


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_hypercall_fuzz_next_to_good_guests(request, smp, cpu):
    domains = [("fuzz", "hypercall_fuzz", "vcpus=1"), ("ok1", "hello"), ("ok2", "xen_version")]
    r = run(request, domains, smp=smp, cpu=cpu, timeout=180)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "fuzz") == "SUCCESS", r
    assert r.lines(r"\(fuzz\)   10000 random calls \(a quarter from 32-bit code\), every one"), r
    assert r.lines(r"\(fuzz\)   bad pointers from 32-bit code: -EFAULT, nothing written"), r
    assert r.lines(r"\(fuzz\)   console_io write of 2-4 GiB from an aliased zero page: returned"), r
    for name in ("ok1", "ok2"):
        assert verdict(r, name) == "SUCCESS", r
    ended(r, "fuzz", "shut down: poweroff")
    memory_returned(r)


def test_hypercall_fuzz_other_seed(request):
    domains = [("fuzz", "hypercall_fuzz", 'cmdline="seed=0x5eed1234 iterations=20000"')]
    r = run(request, domains, timeout=240)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "fuzz") == "SUCCESS", r
    assert r.lines(r"\(fuzz\) seed 0x5eed1235, 20000 iterations"), r
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_nested_page_tables_per_domain_are_limited(request, cpu):
    # Without a limit the first guest takes every free page of the machine
    # (about 31000 remappings with 256 MiB) before it hears -ENOMEM.
    domains = [("tables", "p2m_tables"), ("ok", "hello")]
    r = run(request, domains, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "tables") == "SUCCESS", r
    assert verdict(r, "ok") == "SUCCESS", r
    assert not r.lines(r"Out of memory"), r
    memory_returned(r)


@pytest.mark.parametrize("smp", [1, 2])
def test_ballooning_while_another_vcpu_runs(request, smp):
    # Every freed frame waits until the domain's other vCPU has left guest
    # mode once: that must neither hang nor fail, on one CPU or two.
    domains = [("sb", "smp_balloon", "vcpus=2"), ("ok", "hello")]
    r = run(request, domains, smp=smp, timeout=240)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "sb") == "SUCCESS", r
    assert r.lines(r"\(sb\) 2000 rounds of decrease_reservation and populate_physmap"), r
    assert verdict(r, "ok") == "SUCCESS", r
    memory_returned(r)
