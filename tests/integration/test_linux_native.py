"""Debian's kernel and our initramfs boot directly under QEMU, without Lares.

This validates the guest images on their own (QEMU's -kernel enters the
vmlinux through its PVH note), so a later failure under Lares is Lares's.
"""
import re

import pytest

from guest_images import linux_images  # noqa: F401
from lares import Session

pytestmark = pytest.mark.linux


def test_boots_to_an_interactive_busybox_shell(request, linux_images):
    release = linux_images.release
    with Session(request, kernel=linux_images.vmlinux, modules=[linux_images.initramfs],
                 qemu_exit=False, mem="256M", timeout=400,
                 append="console=ttyS0 panic=-1") as s:
        s.expect(r"Linux version " + re.escape(release), timeout=120)
        s.expect(r"Run /init as init process", timeout=300)
        s.expect(r"LARES-INIT-UP", timeout=60)
        s.expect(r"/ # ", timeout=60)

        s.send("echo $((6*7))\n")
        s.expect(r"\n42\n")
        s.send("uname -r\n")
        s.expect(r"\n" + re.escape(release) + r"\n")

        # The front-end drivers of the same kernel build, ready for insmod.
        s.send("ls /lib/modules/$(uname -r)/kernel/drivers/*/xen-*.ko\n")
        s.expect(re.escape(f"/lib/modules/{release}/kernel/drivers/block/xen-blkfront.ko"))
        s.expect(re.escape(f"/lib/modules/{release}/kernel/drivers/net/xen-netfront.ko"))

        # A controlling tty: the shell does job control on the real console device.
        s.send("tty\n")
        s.expect(r"\n/dev/ttyS0\n")
        s.send("sleep 600 &\n")
        s.send("jobs\n")
        s.expect(r"\[1\]\+ +Running +sleep 600")
        assert "job control turned off" not in s.buf

        s.send("poweroff -f\n")
        assert s.wait(timeout=60) == 0  # -no-reboot: a clean power-off ends QEMU
