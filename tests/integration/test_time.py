"""TSC calibration, system time, the RTC wall clock and software timers."""
import re

import pytest

from lares import EXIT_OK, boot

TSC_LINE = r"TSC: (\d+)\.\d MHz \(calibrated against (HPET|PIT)\)$"


def stamps(r):
    return [float(m.group(1)) for m in re.finditer(r"^\[\s*(\d+\.\d+)\] ", r.serial, re.M)]


def test_tsc_calibrated_against_hpet_and_time_runs(request):
    r = boot(request, smp=2)
    assert r.rc == EXIT_OK, r
    m = re.search(TSC_LINE, r.serial, re.M)
    assert m and m.group(2) == "HPET", r
    assert int(m.group(1)) > 0, r
    assert r.lines(r"APIC timer: \d+\.\d MHz$"), r
    # Log stamps are 0 until calibration, then system time: never going back, and moving.
    t = stamps(r)
    assert t == sorted(t), r
    assert t[-1] > 0, r


@pytest.mark.parametrize("how", [{"machine": "pc,hpet=off"}, {"append": "calibrate=pit"}])
def test_pit_fallback(request, how):
    r = boot(request, **how)
    assert r.rc == EXIT_OK, r
    m = re.search(TSC_LINE, r.serial, re.M)
    assert m and m.group(2) == "PIT", r


def test_icount_gives_a_1ghz_tsc(request):
    # With -icount shift=0 QEMU's TSC runs at exactly 1 GHz of virtual time.
    r = boot(request, extra=["-icount", "shift=0,sleep=off"], append="timer_selftest")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"TSC: (999\.9|1000\.0) MHz \(calibrated against HPET\)"), r
    assert r.lines(r"timer self-test: passed"), r


def test_rtc_is_read(request):
    r = boot(request, extra=["-rtc", "base=2031-02-03T04:05:06,clock=vm"])
    assert r.rc == EXIT_OK, r
    assert r.lines(r"RTC: 2031-02-03 04:05:\d\d UTC$"), r


@pytest.mark.parametrize("smp, machine", [(1, "pc"), (4, "pc"), (2, "q35")])
def test_timers_fire_in_order_on_every_cpu(request, smp, machine):
    r = boot(request, smp=smp, machine=machine, append="timer_selftest")
    assert r.rc == EXIT_OK, r
    assert r.lines(rf"timer self-test: passed \({6 * smp} timers on {smp} CPUs, 300 on CPU0"), r


def test_timers_with_single_threaded_tcg(request):
    r = boot(request, smp=4, append="timer_selftest", accel="tcg,thread=single")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"timer self-test: passed \(24 timers on 4 CPUs"), r
