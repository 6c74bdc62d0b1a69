"""Grant tables and ballooning as a guest sees them: the grant_table and
balloon test guests (tests/guests/) run as 16 MiB domains; each must end
with its own SUCCESS verdict and a poweroff, and every frame (RAM given
back and taken again, grant frames) must be back with the hypervisor
afterwards.
"""
import pytest

from lares import BUILD, EXIT_OK, boot
from test_domains import CPUS, ended, memory_returned, verdict


@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("guest", ["grant_table", "balloon"])
def test_memory_guest(request, guest, cpu):
    r = boot(request, cpu=CPUS[cpu], timeout=120,
             append=f"domain={guest},kernel={guest}.elf,memory=16M",
             modules=[BUILD / "guests" / f"{guest}.elf"])
    assert r.rc == EXIT_OK, r
    assert verdict(r, guest) == "SUCCESS", r
    ended(r, guest, "shut down: poweroff")
    memory_returned(r)
