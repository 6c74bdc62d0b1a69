"""Debian's unmodified Linux kernel as a PVH domU under Lares, to an
interactive busybox shell on its Xen console (hvc0), typed into through
the serial line.

Each test is one QEMU run that covers several scenarios, to keep the
Linux boots few:

  - one 256 MiB, 1-vCPU domU: it runs as a Xen PVH guest with the Xen
    clocksource and PV timer, event channels and grant tables v1;
    ballooning from inside returns pages to Lares (the free count shows
    it); `poweroff` destroys the domain and frees all of its memory;
  - a 2-vCPU domU on -smp 2, booted from Debian's bzImage itself (the
    hypervisor decompresses it): both CPUs online; `reboot` brings it back
    to the shell (a new domain, from the same decompressed copy), and the
    copy is freed with the last domain;
  - a domU from the bzImage next to kernels Lares cannot use (a blob, and
    bzImages with zstd and gzip payloads): those are refused with a
    message that says why, the Linux one boots;
  - two Linux domUs and a test guest: each console is reachable by
    switching the focus (Ctrl-A three times); a crash of one Linux
    (`echo c > /proc/sysrq-trigger`) ends only that domain.

The guest's lines appear on the serial console as "[time] (name) text".
"""
import re
import struct
import time

import pytest

from guest_images import linux_images  # noqa: F401
from lares import BUILD, EXIT_OK, Session

pytestmark = pytest.mark.linux

SWITCH = "\x01\x01\x01"  # Ctrl-A three times: the next input focus
BOOT = 240               # seconds for a Linux boot to reach its shell (TCG, shared host)
TARGET_KB = "/sys/devices/system/xen_memory/xen_memory0/target_kb"
CURRENT_KB = "/sys/devices/system/xen_memory/xen_memory0/info/current_kb"
KLOG = r"\[ *[\d.]+\] "  # a kernel log line's time stamp (dmesg)
FREE_RE = r"boot domains: all ended; free memory (\d+) pages, (\d+) before"


def domain(name, vcpus=1, memory="256M", cmdline="console=hvc0", kernel="vmlinux"):
    return (f"domain={name},kernel={kernel},initrd=initramfs.cpio.gz,memory={memory},"
            f'vcpus={vcpus},cmdline="{cmdline}"')


def session(request, images, domains, *, smp=1, mem="512M", extra_modules=(), kernel=None):
    # Linux restores x87 state at task switches; under QEMU 7.2's multi-threaded
    # TCG that can reset the whole machine when another CPU does it while CPU 0
    # enters or leaves a guest (docs/svm-under-qemu-notes.md, 1). One TCG thread
    # for all CPUs cannot race; the test-guest SMP tests keep multi-threaded TCG.
    accel = "tcg,thread=single" if smp > 1 else "tcg"
    return Session(request, smp=smp, mem=mem, timeout=900, append=" ".join(domains),
                   modules=[kernel or images.vmlinux, images.initramfs, *extra_modules],
                   accel=accel)


UNPACKED = r"domain {}: kernel: bzImage {}, xz \d+\.\d MiB -> \d+\.\d MiB in \d+\.\d s"
FREED = r"boot kernels: freed the decompressed kernel of module 0 \((\d+) pages\)"


def bzimage_pages(vmlinuz):
    """Pages the decompressed kernel takes: the size the kernel build appended to the payload."""
    img = vmlinuz.read_bytes()
    pm_start = ((img[0x1f1] or 4) + 1) * 512
    offset, length = struct.unpack_from("<II", img, 0x248)
    size, = struct.unpack_from("<I", img, pm_start + offset + length - 4)
    return (size + 4095) // 4096


def fake_bzimage(vmlinuz, path, magic):
    """Debian's setup code and header, with a small payload in another codec's format."""
    img = vmlinuz.read_bytes()
    head = bytearray(img[:((img[0x1f1] or 4) + 1) * 512])
    struct.pack_into("<II", head, 0x248, 0, 64)  # payload_offset, payload_length
    path.write_bytes(bytes(head) + magic + bytes(64 - len(magic)))
    return path


def shell_up(s, name):
    s.expect(rf"\({name}\) LARES-INIT-UP", timeout=BOOT)
    s.expect(rf"\({name}\) / # ", timeout=60)


READY = {"echo": r"\(echo\) console_echo: ready"}


def shells_up(s, *names, timeout=BOOT):
    """Several domains boot at once, in any order: wait until each has its shell prompt."""
    start = s.pos
    deadline = time.monotonic() + timeout
    pending = {n: re.compile(READY[n] if n in READY else
                             rf"\({n}\) LARES-INIT-UP(.|\n)*?\({n}\) / # ") for n in names}
    while pending:
        for n, rx in list(pending.items()):
            m = rx.search(s.buf, start)
            if m:
                s.pos = max(s.pos, m.end())
                del pending[n]
        if pending:
            assert time.monotonic() < deadline, f"no shell from {sorted(pending)} in {timeout}s"
            s._drain(0.5)  # more output


def run(s, name, cmd, *patterns, timeout=60):
    """Type cmd into domain name's shell; each pattern must follow, in order; then the prompt."""
    s.send(cmd + "\n")
    found = [s.expect(rf"\({name}\) {p}", timeout=timeout) for p in patterns]
    s.expect(rf"\({name}\) / # ", timeout=timeout)
    return found


def focus(s, target):
    """Ctrl-A x3 until the input goes to target (a domain's name, or None for Lares)."""
    want = "Lares" if target is None else f"domain '{target}'"
    for _ in range(6):
        s.send(SWITCH)
        m = s.expect(r"\*\*\* Serial input to (Lares|domain '[^']+')", timeout=30)
        if m.group(1) == want:
            return
    raise AssertionError(f"the focus never reached {want}")


def memory_report(s, name):
    """Debug key 'm' (the focus must be on Lares): free pages, and the domain's pages."""
    s.send("m")
    free = int(s.expect(r"memory: (\d+) pages free", timeout=30).group(1))
    pages = int(s.expect(rf"memory: d\d+ \({name}\): (\d+) pages", timeout=30).group(1))
    return free, pages


def all_memory_back(s):
    m = s.expect(FREE_RE, timeout=120)
    assert m.group(1) == m.group(2), m.group(0)


def test_linux_domu_as_xen_pvh_guest(request, linux_images):
    release = re.escape(linux_images.release)
    with session(request, linux_images, [domain("linux")]) as s:
        shell_up(s, "linux")
        run(s, "linux", "uname -r", release)
        run(s, "linux", "cat /proc/cpuinfo", r"vendor_id\s*: AuthenticAMD")
        run(s, "linux", "grep -ow hypervisor /proc/cpuinfo", r"hypervisor\n")
        run(s, "linux", "grep -i xen /proc/interrupts", r" *\d+: +\d+ +xen-percpu +-virq +timer0",
            r" *\d+: +\d+ +xen-dyn.* +hvc_console")
        run(s, "linux", "dmesg | grep -i xen",
            *(KLOG + p for p in (r"Hypervisor detected: Xen HVM", r"Booting kernel on Xen PVH",
                                 r"xen:events: Using 2-level ABI",
                                 r"Xen: using vcpuop timer interface",
                                 r"installing Xen timer for CPU 0",
                                 r"xen:grant_table: Grant tables using version 1 layout",
                                 r"clocksource: Switched to clocksource xen")))
        run(s, "linux", "cat /sys/devices/system/clocksource/clocksource0/current_clocksource",
            r"xen\n")
        run(s, "linux", "cat /sys/hypervisor/type /sys/hypervisor/guest_type", r"xen\n", r"PVH\n")

        # Ballooning: 64 MiB less, asked for through sysfs, goes back to Lares.
        focus(s, None)
        free0, pages0 = memory_report(s, "linux")
        focus(s, "linux")
        run(s, "linux", f"echo $(( $(cat {TARGET_KB}) - 65536 )) > {TARGET_KB}")
        wait = (f"for i in $(seq 30); do [ $(cat {CURRENT_KB}) = $(cat {TARGET_KB}) ] && break; "
                "sleep 1; done")
        run(s, "linux", wait, timeout=60)
        target, current = run(s, "linux", f"cat {TARGET_KB} {CURRENT_KB}", r"(\d+)\n", r"(\d+)\n")
        assert target.group(1) == current.group(1), (
            f"balloon stopped at {current.group(1)} kB, target {target.group(1)} kB")
        focus(s, None)
        free1, pages1 = memory_report(s, "linux")
        assert pages1 == pages0 - 16384, f"domain pages {pages0} -> {pages1}"
        # The hypervisor itself may use a few of them (p2m tables of split 2 MiB frames).
        assert free1 - free0 >= 16384 - 64, f"free pages {free0} -> {free1}"
        focus(s, "linux")

        # poweroff: every vCPU halts with interrupts off; the domain goes, all memory comes back.
        s.send("poweroff\n")
        s.expect(r"d1 \(linux\): shut down: poweroff", timeout=60)
        s.expect(r"d1: destroyed", timeout=60)
        all_memory_back(s)
        assert s.wait(timeout=60) == EXIT_OK


def test_linux_smp_domu_from_bzimage_and_reboot(request, linux_images):
    release = re.escape(linux_images.release)
    doms = [domain("linux", vcpus=2, kernel="vmlinuz")]
    with session(request, linux_images, doms, smp=2, kernel=linux_images.vmlinuz) as s:
        s.expect(UNPACKED.format("linux", release), timeout=300)
        shell_up(s, "linux")
        run(s, "linux", "cat /sys/devices/system/cpu/online", r"0-1\n")
        run(s, "linux", "grep -c ^processor /proc/cpuinfo", r"2\n")
        run(s, "linux", "uname -r", release)
        # reboot: the domain is built again from its boot image, as a new domain --
        # from the copy decompressed at boot, which is not decompressed again.
        s.send("reboot\n")
        s.expect(r"d1 \(linux\): shut down: reboot", timeout=60)
        s.expect(r"d1 \(linux\): restarted as d2", timeout=120)
        shell_up(s, "linux")
        run(s, "linux", "cat /sys/devices/system/cpu/online", r"0-1\n")
        s.send("poweroff\n")
        s.expect(r"d2 \(linux\): shut down: poweroff", timeout=60)
        # The decompressed kernel goes with its last domain, and is counted as given back.
        freed = s.expect(FREED, timeout=60)
        assert int(freed.group(1)) == bzimage_pages(linux_images.vmlinuz)
        all_memory_back(s)
        assert s.wait(timeout=60) == EXIT_OK
        assert len(re.findall(r"kernel: bzImage", s.buf)) == 1, "decompressed more than once"


def test_linux_from_bzimage_next_to_kernels_it_cannot_use(request, linux_images, tmp_path):
    vmlinuz = linux_images.vmlinuz
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 16)
    zstd = fake_bzimage(vmlinuz, tmp_path / "zstd.bzImage", b"\x28\xb5\x2f\xfd")
    gzip = fake_bzimage(vmlinuz, tmp_path / "gzip.bzImage", b"\x1f\x8b\x08\x00")
    doms = [domain("linux", kernel="vmlinuz"), "domain=blob,kernel=blob.bin,memory=8M",
            "domain=zstd,kernel=zstd.bzImage,memory=64M",
            "domain=gzip,kernel=gzip.bzImage,memory=64M"]
    with session(request, linux_images, doms, kernel=vmlinuz,
                 extra_modules=[blob, zstd, gzip]) as s:
        s.expect(UNPACKED.format("linux", re.escape(linux_images.release)), timeout=300)
        s.expect(r"d1 \(linux\): built", timeout=60)
        s.expect(r"domain blob: the kernel module is neither an ELF file nor a bzImage; "
                 r"not started", timeout=60)
        for codec in ("zstd", "gzip"):
            s.expect(rf"domain {codec}: bzImage payload is {codec}-compressed; Lares decodes xz "
                     r"only -- extract it with tools/vmlinux-extract; not started", timeout=60)
        shell_up(s, "linux")
        run(s, "linux", "uname -r", re.escape(linux_images.release))
        s.send("poweroff\n")
        s.expect(r"d1 \(linux\): shut down: poweroff", timeout=60)
        s.expect(FREED, timeout=60)
        all_memory_back(s)
        assert s.wait(timeout=60) == EXIT_OK


def test_two_linux_domus_and_a_test_guest_share_the_console(request, linux_images):
    echo = BUILD / "guests" / "console_echo.elf"
    doms = [domain("one"), domain("two"), "domain=echo,kernel=console_echo.elf,memory=8M"]
    with session(request, linux_images, doms, smp=2, mem="1G", extra_modules=[echo]) as s:
        # The first domain gets the focus once all are built.
        s.expect(r"\*\*\* Serial input to domain 'one'", timeout=60)
        shells_up(s, "echo", "one", "two")

        run(s, "one", "echo one-$((1+1))", r"one-2\n")
        focus(s, "two")
        run(s, "two", "echo two-$((2+2))", r"two-4\n")
        focus(s, "echo")
        s.send("hello console\n")
        s.expect(r"\(echo\) echo: HELLO CONSOLE", timeout=30)
        focus(s, None)
        s.send("h")
        s.expect(r"VM exits of each domain", timeout=30)

        # A crash of one Linux ends only that domain.
        focus(s, "two")
        s.send("echo c > /proc/sysrq-trigger\n")
        s.expect(r"\(two\) .*Kernel panic - not syncing: sysrq triggered crash", timeout=60)
        s.expect(r"d2 \(two\) crashed: the guest reported a crash", timeout=60)
        s.expect(r"last console output of two:", timeout=30)
        s.expect(r"d2: ended \(crash, crashed\)", timeout=60)
        # The focus moved on by itself (to the next domain, echo).
        s.expect(r"\*\*\* Serial input to domain 'echo'", timeout=30)
        s.send("quit\n")
        s.expect(r"\(echo\) Test result: SUCCESS", timeout=30)
        # No domain after echo: the focus falls back to Lares.
        s.expect(r"\*\*\* Serial input to Lares", timeout=30)
        focus(s, "one")
        run(s, "one", "echo still-$((3*3))", r"still-9\n")
        s.send("poweroff\n")
        all_memory_back(s)
        assert s.wait(timeout=60) == EXIT_OK
