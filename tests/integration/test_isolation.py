"""Isolation: hostile guests next to well-behaved ones.

Each run boots a hostile test guest together with a well-behaved one; the
hostile guest's own verdict says whether every attempt ended the way the
architecture (or Xen's ABI) says, and the hypervisor must stay healthy:
QEMU status 33, the well-behaved guest passes, every domain's memory comes
back. See docs/isolation.md for what each guest covers.
"""
import pytest

from lares import EXIT_OK
from test_domains import CPUS, ended, memory_returned, run, verdict


@pytest.mark.parametrize("cpu", CPUS)
def test_hostile_exits_next_to_a_good_guest(request, cpu):
    r = run(request, [("hx", "hostile_exits"), ("ok", "hello")], cpu=cpu, timeout=180)
    assert r.rc == EXIT_OK, r
    assert verdict(r, "hx") == "SUCCESS", r
    assert verdict(r, "ok") == "SUCCESS", r
    assert r.lines(r"\(hx\)   string I/O: faults stop huge REP counts exactly"), r
    assert r.lines(r"\(hx\)   port I/O: 65535 ports"), r
    ended(r, "hx", "shut down: poweroff")
    memory_returned(r)
