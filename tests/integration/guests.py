"""Run the test guests of tests/guests (tiny PVH kernels).

Two ways, both without Lares:

    r = boot_guest(request, "hello")                 # bare QEMU: -kernel guest.elf
    assert r.rc == GUEST_EXIT["SUCCESS"]

    r = boot_guest_on_xen(request, "hello", xen)     # real Xen, guest as PVH dom0
    assert result_words(r.output) == ["SUCCESS"]

On bare QEMU a guest finds no Xen CPUID leaves, writes its console to port
0xE9 (captured with -debugcon) and leaves through isa-debug-exit.
"""
import re
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from lares import BUILD, ROOT, Session, boot

GUEST_DIR = BUILD / "guests"
GUEST_LIST = ROOT / "tests" / "guests" / "guests.mk"

# QEMU exit status per result on bare QEMU: isa-debug-exit code << 1 | 1,
# codes from tests/guests/lib/include/guest/report.h.
GUEST_EXIT = {"SUCCESS": 33, "FAILURE": 35, "SKIP": 37, "CRASH": 39, "ERROR": 41}

# CPU models the framework must work on (TCG only).
CPU_MODELS = ["max", "qemu64,+svm,+npt"]

# Real Xen under TCG needs a CPU model without the features TCG gets wrong
# (see /work/shared/anchors/xen/RESULTS.md).
XEN_CPU = "EPYC,-monitor,-smap,-rdtscp"
XEN_CMDLINE = "console=com1 loglvl=all guest_loglvl=all dom0=pvh dom0-iommu=none dom0_mem=64M"
XEN_END = r"Dom0 (halted|crashed|shutdown)|Panic on CPU|\*\*\*\*\*\*\*\*"


def listed_guests():
    """Guest names from tests/guests/guests.mk, in order."""
    return re.findall(r"^GUESTS \+= (\w+)", GUEST_LIST.read_text(), re.M)


def guest_path(name):
    return GUEST_DIR / f"{name}.elf"


def result_words(text):
    """Every "Test result: WORD" in the output (a good run has exactly one)."""
    return re.findall(r"^Test result: (\w+)", text, re.M)


def boot_guest(request, name, cpu="max", append="", timeout=30):
    """Boot a guest on bare QEMU; r.serial holds its port-0xE9 output."""
    return boot(request, timeout=timeout, kernel=guest_path(name), cpu=cpu, mem="128M",
                append=append, qemu_exit=False, serial="none", extra=["-debugcon", "stdio"])


@dataclass
class XenRun:
    output: str    # Xen's serial console, the guest's lines included
    end: str       # what ended the run: "halted", "crashed", "shutdown" or a panic
    seconds: float

    def __str__(self):
        tail = "\n".join(self.output.splitlines()[-40:])
        return f"Xen run ended with {self.end!r} after {self.seconds:.1f}s\n--- last lines ---\n{tail}"


def boot_guest_on_xen(request, name, xen, timeout=120):
    """Boot real Xen with the guest as its PVH dom0; stop when dom0 ends.

    Xen halts (or reboots) the machine when dom0 ends instead of leaving
    QEMU, so the run is watched and QEMU killed at that point.
    """
    t0 = time.monotonic()
    with Session(request, timeout=timeout + 10, kernel=xen, append=XEN_CMDLINE,
                 modules=[guest_path(name)], cpu=XEN_CPU, mem="512M", qemu_exit=False) as s:
        m = s.expect(XEN_END, timeout=timeout)
        return XenRun(s.buf, m.group(1) or m.group(0), time.monotonic() - t0)


def pvh_entry_note(path):
    """(entry, load segments) of an ELF64 PVH image: the PHYS32_ENTRY note
    value and [(paddr, filesz, memsz)] of its PT_LOAD headers."""
    data = Path(path).read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2, f"{path}: not ELF64"
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    entry, loads = None, []
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz, memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            loads.append((paddr, filesz, memsz))
        elif p_type == 4:
            pos = off
            while pos < off + filesz:
                namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
                name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
                desc = pos + 12 + (namesz + 3) // 4 * 4
                if name == b"Xen" and ntype == 18:
                    entry = int.from_bytes(data[desc:desc + descsz], "little")
                pos = desc + (descsz + 3) // 4 * 4
    return entry, loads
