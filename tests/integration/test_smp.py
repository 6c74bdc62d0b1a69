"""Every CPU the firmware lists comes online, takes cross-CPU calls, and is stopped at the end."""
import pytest

from lares import EXIT_OK, EXIT_PANIC, boot

SELFTEST = "smp_selftest"


def check_all_online(r, n):
    assert r.rc == EXIT_OK, r
    for cpu in range(n):
        assert r.lines(rf"CPU{cpu} online \(APIC id {cpu}\)$"), r
    assert not r.lines(rf"CPU{n} online"), r
    assert len(r.lines(r"smp: all \d+ CPUs online")) == 1, r
    assert r.lines(rf"smp: all {n} CPUs online$"), r
    assert r.lines(rf"IPI self-test: passed \({n} CPUs, "), r
    if n > 1:
        assert r.lines(rf"smp: {n - 1} other CPUs stopped$"), r


@pytest.mark.parametrize("n", [1, 2, 4])
def test_all_cpus_online(request, n):
    r = boot(request, smp=n, append=SELFTEST)
    check_all_online(r, n)


def test_q35(request):
    r = boot(request, smp=4, machine="q35", append=SELFTEST)
    check_all_online(r, 4)


def test_single_threaded_tcg(request):
    r = boot(request, smp=4, append=SELFTEST, accel="tcg,thread=single")
    check_all_online(r, 4)


def test_minimal_cpu_model_uses_xapic(request):
    r = boot(request, smp=2, cpu="qemu64,+svm,+npt", append=SELFTEST)
    check_all_online(r, 2)
    assert r.lines(r"APIC: xAPIC mode"), r


def test_hotpluggable_cpus_are_not_started(request):
    r = boot(request, smp="2,maxcpus=4", append=SELFTEST)
    check_all_online(r, 2)
    assert r.lines(r"ACPI: 4 CPUs listed, 2 enabled"), r


def test_panic_stops_the_other_cpus(request):
    r = boot(request, smp=4, append="debug_fault=ud")
    assert r.rc == EXIT_PANIC, r
    assert r.lines(r"smp: all 4 CPUs online"), r
    assert r.lines(r"smp: 3 other CPUs stopped$"), r
    # The CPUs stopped before QEMU was told to exit.
    text = r.serial
    assert text.index("other CPUs stopped") < text.index("exiting QEMU"), r
