"""The credit scheduler: weights, caps, blocked domains, pinning, and the
choice of policy (sched=credit, the default, or sched=rr).

CPU time is measured with runstate times, not wall clocks: each cpu_share
guest reads its own VCPUOP_get_runstate_info over a window of N seconds
of runstate time and prints how long it was running, runnable, blocked
and offline (a vCPU held back by its cap is offline, as in Xen). Domains
started together measure nearly the same window, so their running times
compare directly.
"""
import re

import pytest

from lares import EXIT_OK
from test_domains import CPUS, memory_returned, run, verdict

SHARE_RE = re.compile(r"\((\w+)\) cpu_share: running (\d+) runnable (\d+) blocked (\d+) "
                      r"offline (\d+) of (\d+); loops (\d+)")
SECONDS = 3


def shares(r):
    """{domain: (running share of the window, the numbers)} from the cpu_share lines."""
    out = {}
    for m in SHARE_RE.finditer(r.serial):
        name = m.group(1)
        running, runnable, blocked, offline, total, loops = map(int, m.groups()[1:])
        assert running + runnable + blocked + offline == total, m.group(0)
        out[name] = (running / total, dict(running=running, runnable=runnable, blocked=blocked,
                                           offline=offline, total=total, loops=loops))
    return out


def hog(name, *opts, mode="spin"):
    cmd = f'cmdline="seconds={SECONDS} mode={mode}"'
    return (name, "cpu_share", cmd, "timeout=60", *opts)


def check_all_succeeded(r, names):
    assert r.rc == EXIT_OK, r
    for n in names:
        assert verdict(r, n) == "SUCCESS", r
    memory_returned(r)


@pytest.mark.parametrize("smp,pin", [(1, ""), (2, "cpus=0")])
def test_weights_256_and_512_share_one_cpu_1_to_2(request, smp, pin):
    opts = [pin] if pin else []
    r = run(request, [hog("a", "weight=256", *opts), hog("b", "weight=512", *opts)], smp=smp)
    check_all_succeeded(r, "ab")
    s = shares(r)
    ratio = s["b"][0] / s["a"][0]
    print(f"weight 256: {s['a'][0]:.3f}, weight 512: {s['b'][0]:.3f}, ratio {ratio:.3f}")
    assert 1.8 <= ratio <= 2.2, (s, r)
    # They had the CPU between them, and nothing else ran.
    assert s["a"][0] + s["b"][0] >= 0.95, s


@pytest.mark.parametrize("smp", [1, 2])
def test_cap_25_gets_at_most_a_quarter(request, smp):
    r = run(request, [hog("c", "cap=25")], smp=smp)
    check_all_succeeded(r, "c")
    share, n = shares(r)["c"]
    print(f"cap 25: {share:.3f}")
    assert 0.20 <= share <= 0.30, (n, r)
    # Held back by the cap shows as offline time (Xen's "steal" for the guest).
    assert n["offline"] >= 0.6 * n["total"], n


def test_cap_holds_against_a_heavier_weight(request):
    r = run(request, [hog("c", "cap=25", "weight=1024"), hog("h")], smp=1)
    check_all_succeeded(r, "ch")
    s = shares(r)
    assert s["c"][0] <= 0.30, s
    assert s["h"][0] >= 0.65, s


@pytest.mark.parametrize("smp", [1, 2])
def test_blocked_domain_uses_nothing_and_leaves_the_cpu_to_the_others(request, smp):
    r = run(request, [hog("z", mode="sleep"), hog("h")], smp=smp)
    check_all_succeeded(r, "zh")
    s = shares(r)
    print(f"sleeping: {s['z'][0]:.4f}, spinning: {s['h'][0]:.3f}")
    assert s["z"][0] < 0.01, s
    assert s["z"][1]["blocked"] >= 0.98 * s["z"][1]["total"], s
    assert s["h"][0] >= 0.95, s


def test_pinned_domains_stay_off_the_other_cpu(request):
    # Two hogs pinned to CPU 1 share it; a third pinned to CPU 0 has it alone.
    r = run(request, [hog("a", "cpus=1"), hog("b", "cpus=1"), hog("c", "cpus=0")], smp=2)
    check_all_succeeded(r, "abc")
    s = shares(r)
    assert s["c"][0] >= 0.95, s
    assert 0.4 <= s["a"][0] <= 0.6 and 0.4 <= s["b"][0] <= 0.6, s


def test_round_robin_ignores_weights_and_says_so(request):
    r = run(request, [hog("a", "weight=256"), hog("b", "weight=512")], smp=1, extra="sched=rr")
    check_all_succeeded(r, "ab")
    assert r.lines(r"sched: rr policy"), r
    assert r.lines(r"domain b: weight=/cap= ignored: the rr scheduler has neither"), r
    s = shares(r)
    assert 0.8 <= s["b"][0] / s["a"][0] <= 1.25, s


def test_unknown_scheduler_falls_back_to_credit(request):
    r = run(request, [("h", "hello")], extra="sched=credit2")
    assert r.rc == EXIT_OK, r
    assert r.lines(r"sched=credit2: no such scheduler \(credit, rr\); using credit"), r
    assert r.lines(r"sched: credit policy"), r
    assert verdict(r, "h") == "SUCCESS", r


def test_pinning_to_an_absent_cpu_is_refused(request):
    r = run(request, [("h", "hello", "cpus=5"), ("ok", "hello")], smp=2)
    assert r.rc == EXIT_OK, r
    assert r.lines(r"domain h: cpus=: none of those CPUs is online; not started"), r
    assert verdict(r, "ok") == "SUCCESS", r
    memory_returned(r)


def test_each_domain_reports_its_cpu_time(request):
    r = run(request, [hog("h"), ("x", "hello")], smp=1)
    check_all_succeeded(r, "hx")
    m = re.search(r"d\d+ \(h\): CPU time (\d+)\.(\d+) s", r.serial)
    assert m, r
    assert int(m.group(1)) * 1000 + int(m.group(2)) >= SECONDS * 1000 * 0.9, m.group(0)


def test_debug_keys_dump_run_queues_and_domains(request):
    """'r' and 'q' on the serial console, once the input focus is on Lares."""
    from lares import Session
    from test_domains import GUESTS
    share = GUESTS / "cpu_share.elf"
    append = ("qemu_exit domain=spin,kernel=cpu_share.elf,memory=8M,weight=512,cap=90,"
              "cmdline=\"seconds=20\" "
              "domain=nap,kernel=cpu_share.elf,memory=8M,cmdline=\"seconds=20 mode=sleep\"")
    with Session(request, timeout=120, smp=2, append=append, modules=[str(share)],
                 qemu_exit=False) as s:
        s.expect(r"\*\*\* Serial input to domain 'spin'")
        s.expect(r"\(spin\) --- Lares test guest")
        s.send("\x01\x01\x01")
        s.expect(r"\*\*\* Serial input to domain 'nap'")
        s.send("\x01\x01\x01")
        s.expect(r"\*\*\* Serial input to Lares")
        s.send("r")
        s.expect(r"sched: credit policy, slice 30 ms, weight total \d+")
        s.expect(r"CPU0: (running d\dv0|idle)")
        s.expect(r"CPU1: (running d\dv0|idle)")
        s.send("q")
        s.expect(r"d1 \(spin\): running, 1 vCPUs, weight 512, cap 90, CPU time \d+ ms")
        s.expect(r"  v0: (running|runnable|offline) on CPU\d, .*ran \d+ ms")
        s.expect(r"    lapic: id 0 off")
        s.expect(r"d2 \(nap\): running, 1 vCPUs, weight 256, cap 0")
        s.expect(r"  v0: blocked on CPU\d")
        s.expect(r"    lapic: id 0 on, .*timer running")
        s.send("h")
        s.expect(r"'r'.*run queues")
        s.expect(r"boot domains: all ended", timeout=120)
        # Either may finish first.
        assert re.search(r"\(spin\) Test result: SUCCESS", s.buf), s.buf[-2000:]
        assert re.search(r"\(nap\) Test result: SUCCESS", s.buf), s.buf[-2000:]
