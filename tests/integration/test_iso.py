"""Lares boots from a GRUB 2 ISO (BIOS, Multiboot 2) as it would on a real machine."""
import gzip
import os
import re
import subprocess

from lares import EXIT_OK, LARES, ROOT, boot


def make_iso(out, cmdline, *modules):
    subprocess.run([str(ROOT / "scripts" / "make-iso.sh"), str(out), cmdline, *modules],
                   check=True, timeout=120, env={**os.environ, "LARES_ELF": str(LARES)})


def test_grub_loads_lares_and_a_module_with_multiboot2(request, tmp_path):
    module = tmp_path / "guest.img"
    module.write_bytes(bytes(range(256)) * 40 + b"tail")  # 10244 bytes, not page-sized
    iso = tmp_path / "lares.iso"
    make_iso(iso, "qemu_exit loglvl=all", f"{module} role=test cmd=a$b")

    r = boot(request, iso=iso, timeout=120)
    assert r.rc == EXIT_OK, r
    assert r.lines(r"Boot loader: GRUB 2\.\S+ \(Multiboot 2\)$"), r
    assert r.lines(r"Command line: qemu_exit loglvl=all$"), r
    # GRUB 2 passes only the module's arguments, not its file name.
    mods = r.lines(r"Module 0: ")
    assert len(mods) == 1 and mods[0].endswith(") role=test cmd=a$b"), r
    start, end = (int(x, 16) for x in re.search(r"(0x[0-9a-f]+)-(0x[0-9a-f]+)", mods[0]).groups())
    assert end - start == 10244
    assert not r.lines(r"Module 1: "), r


def test_two_modules_keep_their_order_and_bytes(request, tmp_path):
    a, b = tmp_path / "a.bin", tmp_path / "b.cpio.gz"
    a.write_bytes(b"a" * 5000)
    # A gzip file (like an initramfs) must arrive as is, not unzipped by GRUB.
    b.write_bytes(gzip.compress(b"b" * 300000))
    iso = tmp_path / "lares.iso"
    make_iso(iso, "qemu_exit", f"{a} first", str(b))

    r = boot(request, iso=iso, timeout=120)
    assert r.rc == EXIT_OK, r
    first = r.lines(r"Module 0: .* first$")
    second = r.lines(r"Module 1: ")
    assert first and len(second) == 1, r
    start, end = (int(x, 16) for x in re.search(r"(0x[0-9a-f]+)-(0x[0-9a-f]+)", second[0]).groups())
    assert end - start == b.stat().st_size, r
