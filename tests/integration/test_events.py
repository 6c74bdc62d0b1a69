"""Event channels, upcalls, PV time and timers (issue 4, items 1-3).

The test guests check the guest-visible behaviour themselves and print
their verdict; here each runs as a boot-time domain and the hypervisor
must stay healthy (QEMU status 33) and give all memory back:

  evtchn_ops       every EVTCHNOP success and error path, port exhaustion
  evtchn_upcall    the callback vector: interrupt window, re-offer, no EOI
  timers           200 singleshot timers (none early), past deadlines,
                   SCHEDOP_block/poll, periodic timers
  pvclock          monotonic across vCPUs and schedule-outs; wall clock
  vcpu_areas       register_vcpu_info (errors, rescan, events follow) and
                   the runstate area (straddling pages, blocked time)
  evtchn_smp       event-channel IPIs between 4 vCPUs (halted, running,
                   polling a masked port)
  evtchn_pingpong  two domains, 10,000 round trips on one channel (same
                   and different physical CPUs), a port offered to
                   someone else is refused, teardown notifies the peer
"""
import re

import pytest

from lares import BUILD, EXIT_OK, Session
from test_domains import CPUS, ended, memory_returned, run, verdict

GUESTS = BUILD / "guests"


@pytest.mark.parametrize("cpu", CPUS)
def test_every_evtchnop_path(request, cpu):
    r = run(request, [("ops", "evtchn_ops", "vcpus=2", "timeout=60")], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "ops") == "SUCCESS", r
    assert r.lines(r"\(ops\)   \d+ ports \(\d+ more in use already\), then -ENOSPC"), r
    ended(r, "ops", "shut down: poweroff")
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_upcall_through_the_callback_vector(request, cpu):
    r = run(request, [("up", "evtchn_upcall", "timeout=60")], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "up") == "SUCCESS", r
    assert r.lines(r"\(up\)   1000 deliveries without an EOI"), r
    memory_returned(r)


LATENESS = re.compile(r"timer lateness over (\d+) singleshot timers of 1-20 ms \(us\): min (\d+)")


@pytest.mark.parametrize("cpu", CPUS)
def test_timers_fire_never_early(request, cpu):
    r = run(request, [("tm", "timers", "timeout=120")], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "tm") == "SUCCESS", r
    line = r.lines(LATENESS.pattern)
    assert line and LATENESS.search(line[0]).group(1) == "200", r
    memory_returned(r)


def test_timers_in_two_domains_on_one_cpu(request):
    """Each domain's timers wake it, whichever domain runs when they expire."""
    r = run(request, [("t1", "timers", "timeout=120", 'cmdline="count=100"'),
                      ("t2", "timers", "timeout=120", 'cmdline="count=100"')])
    assert r.rc == EXIT_OK, r
    assert verdict(r, "t1") == "SUCCESS" and verdict(r, "t2") == "SUCCESS", r
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_vcpu_info_and_runstate_areas(request, cpu):
    r = run(request, [("va", "vcpu_areas", "vcpus=2", "timeout=60")], cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "va") == "SUCCESS", r
    assert r.lines(r"\(va\)   runstate: running \d+ us, runnable \d+ us, blocked \d+ us"), r
    memory_returned(r)


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_pvclock_monotonic_across_vcpus_and_schedule_outs(request, smp, cpu):
    r = run(request, [("pv", "pvclock", "vcpus=4", "timeout=60")], smp=smp, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "pv") == "SUCCESS", r
    assert r.lines(r"\(pv\)   4 vCPUs: \d+ reads, \d+ compared with another vCPU's, \d+ yields: "
                   r"never backwards"), r
    memory_returned(r)


@pytest.mark.parametrize("smp", [1, 2])
@pytest.mark.parametrize("cpu", CPUS)
def test_event_channel_ipis_between_vcpus(request, smp, cpu):
    r = run(request, [("es", "evtchn_smp", "vcpus=4", "timeout=60")], smp=smp, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "es") == "SUCCESS", r
    assert r.lines(r"\(es\)   token passed 200 times round 4 vCPUs"), r
    assert r.lines(r"\(es\)   a running vCPU took its event; a polling vCPU was woken"), r
    memory_returned(r)


def pingpong(request, smp, pins=("", ""), rounds=10000, cpu="max"):
    """Server d1 and client d2 (ids in the order listed), optionally pinned."""
    doms = [("srv", "evtchn_pingpong", "timeout=120", f'cmdline="role=server peer=2 rounds={rounds}"'),
            ("cli", "evtchn_pingpong", "timeout=120", f'cmdline="role=client peer=1 rounds={rounds}"')]
    doms = [d + ((pin,) if pin else ()) for d, pin in zip(doms, pins)]
    return run(request, doms, smp=smp, cpu=cpu, timeout=240)


PINGPONG = {
    "one-cpu": (1, ("", "")),
    "same-cpu": (2, ("cpus=0", "cpus=0")),
    "different-cpus": (2, ("cpus=0", "cpus=1")),
}


@pytest.mark.parametrize("where", PINGPONG)
def test_interdomain_pingpong_10000_round_trips(request, where):
    smp, pins = PINGPONG[where]
    r = pingpong(request, smp, pins)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "srv") == "SUCCESS", r
    assert verdict(r, "cli") == "SUCCESS", r
    assert r.lines(r"\(srv\)   server: 10000 pings answered"), r
    assert r.lines(r"\(cli\)   client: 10000 round trips, mean \d+ ns"), r
    # The server's port was refused to the client, and its teardown reached the client.
    assert r.lines(r"\(cli\)   client: the server's end closed; ours is unbound"), r
    ended(r, "srv", "shut down: poweroff")
    memory_returned(r)


@pytest.mark.parametrize("cpu", CPUS)
def test_pingpong_on_both_cpu_models(request, cpu):
    r = pingpong(request, 2, rounds=1000, cpu=cpu)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "srv") == "SUCCESS" and verdict(r, "cli") == "SUCCESS", r
    memory_returned(r)


def test_crashed_peer_is_torn_down_too(request):
    """The server crashes instead of powering off: the client still sees its end unbound."""
    r = run(request, [("srv", "evtchn_pingpong", "timeout=60",
                       'cmdline="role=server peer=2 rounds=100 end=crash"'),
                      ("cli", "evtchn_pingpong", "timeout=60",
                       'cmdline="role=client peer=1 rounds=100"')])
    assert r.rc == EXIT_OK, r
    ended(r, "srv", "shut down: crash")
    assert verdict(r, "cli") == "SUCCESS", r
    assert r.lines(r"\(cli\)   client: the server's end closed; ours is unbound"), r
    memory_returned(r)


def test_debug_keys_dump_event_channels(request):
    """'E' lists each domain's ports and vCPU flags; 'v' raises VIRQ_DEBUG everywhere."""
    guest = GUESTS / "evtchn_pingpong.elf"
    # A server whose client never comes: it waits with its port offered to d2.
    append = 'domain=srv,kernel=0,memory=8M,timeout=15,cmdline="role=server peer=2"'
    with Session(request, timeout=90, modules=[guest], append=append) as s:
        port = s.expect(r"\(srv\)   server: port (\d+) offered to d2").group(1)
        s.send("\x01\x01\x01")
        s.expect(r"Serial input to")
        s.send("E")
        s.expect(r"d1 \(srv\): \d+ ports in use \(2-level\); callback vector 243")
        s.expect(rf"d1 port +{port}: unbound offered to d2, vCPU 0")
        s.expect(r"d1v0: upcall_pending \d, selector (0|0x[0-9a-f]+), vcpu_info in shared_info")
        s.send("v")
        s.expect(r"VIRQ_DEBUG raised on every vCPU")
        assert s.wait(60) == EXIT_OK
