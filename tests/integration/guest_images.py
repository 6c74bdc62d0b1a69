"""Guest images built from Debian packages, for tests that boot Linux.

    from guest_images import linux_images   # a session fixture

    def test_x(request, linux_images):
        linux_images.vmlinux, linux_images.initramfs, linux_images.release, ...

The images are built (or found up to date) by scripts/build-guest-images.sh;
when the Debian mirror cannot be reached the tests that need them are skipped.
"""
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from lares import BUILD, ROOT

VMLINUX_EXTRACT = BUILD / "tools" / "vmlinux-extract"
EX_TEMPFAIL = 75  # build-guest-images.sh: mirror unreachable


@dataclass
class LinuxImages:
    release: str      # e.g. 6.1.0-56-amd64
    package: str      # e.g. "linux-image-6.1.0-56-amd64 6.1.192-2"
    vmlinux: Path     # ELF with the PVH entry note
    initramfs: Path   # busybox, /init prints LARES-INIT-UP
    system_map: Path
    modules: Path     # lib/modules/<release> with xen-blkfront.ko, xen-netfront.ko
    vmlinuz: Path     # the original bzImage


def build_tools():
    subprocess.run(["make", "-s", "-C", str(ROOT), "tools"], check=True)


def build_linux_images(timeout=1800):
    build_tools()
    p = subprocess.run([str(ROOT / "scripts" / "build-guest-images.sh")], capture_output=True,
                       text=True, timeout=timeout,
                       env={**os.environ, "VMLINUX_EXTRACT": str(VMLINUX_EXTRACT)})
    if p.returncode == EX_TEMPFAIL:
        pytest.skip(f"Debian mirror unreachable, cannot fetch the kernel: {p.stderr.strip()}")
    assert p.returncode == 0, f"build-guest-images.sh failed ({p.returncode}):\n{p.stderr}"
    kv = dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    vmlinux = Path(kv["vmlinux"])
    return LinuxImages(release=kv["release"], package=kv["package"], vmlinux=vmlinux,
                       initramfs=Path(kv["initramfs"]), system_map=Path(kv["system_map"]),
                       modules=Path(kv["modules"]), vmlinuz=vmlinux.parent / "vmlinuz")


@pytest.fixture(scope="session")
def linux_images():
    return build_linux_images()
