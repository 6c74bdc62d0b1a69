"""What happens when a domain reboots or crashes: on_reboot= and on_crash=
(docs/boot-domains.md). The reboot test guest shuts itself down (reboot
or crash) while it runs as a given domain id and succeeds as any other,
so a restarted domain (which gets a new id, as under Xen's toolstack)
ends with SUCCESS.
"""
import re

from lares import BUILD, EXIT_OK, TIMEOUT, boot
from test_domains import memory_returned

GUEST = BUILD / "guests" / "reboot.elf"


def run(request, *domains, timeout=60):
    return boot(request, append=" ".join(domains), modules=[GUEST], timeout=timeout)


def domain(name, action, on_domid, *more):
    return ",".join([f"domain={name},kernel=reboot.elf,memory=8M",
                     f'cmdline="action={action} on_domid={on_domid}"', *more])


def results(r, name):
    return [l.split("Test result: ")[1] for l in r.lines(rf"\({name}\) Test result: ")]


def test_reboot_restarts_the_domain_by_default(request):
    r = run(request, domain("r", "reboot", 1))
    assert r.rc == EXIT_OK, r
    assert r.lines(r"d1 \(r\): shut down: reboot"), r
    assert r.lines(r"d1 \(r\): restarted as d2"), r
    assert r.lines(r"\(r\) running as domain 2"), r
    assert results(r, "r") == ["SUCCESS"], r
    memory_returned(r)


def test_on_reboot_destroy(request):
    r = run(request, domain("r", "reboot", 1, "on_reboot=destroy"))
    assert r.rc == EXIT_OK, r
    assert r.lines(r"d1: ended \(reboot\)"), r
    assert not r.lines(r"restart"), r
    assert results(r, "r") == [], r
    memory_returned(r)


def test_crash_is_reported_and_destroys_by_default(request):
    r = run(request, domain("c", "crash", 1))
    assert r.rc == EXIT_OK, r
    assert r.lines(r"d1 \(c\) crashed: the guest reported a crash"), r
    # The registers and the last console lines come with the report.
    assert r.lines(r"^\[[ \d.]+\]   rip 0008:"), r
    assert r.lines(r"last console output of c:"), r
    assert r.lines(r"\| SCHEDOP_shutdown\(crash\)"), r
    assert r.lines(r"d1: ended \(crash, crashed\)"), r
    assert not r.lines(r"restart"), r
    memory_returned(r)


def test_on_crash_restart(request):
    r = run(request, domain("c", "crash", 1, "on_crash=restart"))
    assert r.rc == EXIT_OK, r
    assert r.lines(r"d1 \(c\): restarting \(on_crash=restart\)"), r
    assert results(r, "c") == ["SUCCESS"], r
    memory_returned(r)


def test_on_crash_preserve_keeps_the_domain_and_the_others_run(request):
    # The preserved domain never ends, so the hypervisor keeps running: stop it by time.
    r = run(request, domain("c", "crash", 1, "on_crash=preserve"),
            domain("ok", "crash", 99), timeout=20)
    assert r.rc == TIMEOUT, r
    assert r.lines(r"d1 \(c\): preserved \(on_crash=preserve\)"), r
    assert not r.lines(r"d1: destroyed"), r
    assert results(r, "ok") == ["SUCCESS"], r
    assert r.lines(r"d2: ended \(poweroff\)"), r
