"""SMP guests and the virtual local APIC: vCPUs brought up by INIT/SIPI
(as Linux 6.1 PVH does) and by VCPUOP_initialise/up, LAPIC IPIs, NMIs and
event-channel IPIs between them, the LVT timer. More vCPUs than physical CPUs, on -smp 1 and 2.

Each guest checks the behaviour itself and prints its verdict; the
hypervisor must stay healthy (QEMU status 33) and give all memory back.
"""
import pytest

from lares import EXIT_OK
from test_domains import CPUS, ended, memory_returned, run, verdict


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_four_vcpus_come_up_by_init_sipi_and_exchange_ipis(request, smp, cpu):
    r = run(request, [("smp", "smp", "vcpus=4", "timeout=60")], smp=smp, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "smp") == "SUCCESS", r
    assert r.lines(r"\(smp\) 4 vCPUs up"), r
    assert r.lines(r"\(smp\) 300 IPI round trips"), r
    assert r.lines(r"\(smp\) 300 event-channel IPI round trips"), r
    ended(r, "smp", "shut down: poweroff")
    memory_returned(r)


@pytest.mark.parametrize("sched", ["credit", "rr"])
def test_smp_guest_next_to_other_domains(request, sched):
    domains = [("smp", "smp", "vcpus=4", "timeout=60"), ("h", "hello"),
               ("t", "lapic_timer")]
    r = run(request, domains, smp=2, extra=f"sched={sched}")
    assert r.rc == EXIT_OK, r
    for name, *_ in domains:
        assert verdict(r, name) == "SUCCESS", r
    memory_returned(r)


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_vcpus_started_with_vcpuop(request, smp, cpu):
    r = run(request, [("v", "vcpu_op", "vcpus=3", "timeout=60")], smp=smp, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "v") == "SUCCESS", r
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_lapic_timer(request, cpu):
    r = run(request, [("t", "lapic_timer", "timeout=60")], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "t") == "SUCCESS", r
    assert r.lines(r"\(t\) 40 one-shot timers: lateness avg \d+ us, max \d+ us"), r

