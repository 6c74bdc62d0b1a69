"""Run Lares under QEMU for integration tests.

One QEMU process per test: `-accel tcg` (never KVM), isa-debug-exit for the
verdict, the serial console captured to build/test-logs/<test>.serial so it
survives a failure. Two ways to use it:

    r = boot(request, smp=2, append="loglvl=all")   # run to completion
    assert r.rc == EXIT_OK and "CPU1 online" in r.serial

    with Session(request, modules=[...]) as s:          # interactive
        s.expect(r"/ # ")
        s.send("uname -r\n")
"""
import os
import re
import select
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BUILD", ROOT / "build"))
LARES = BUILD / "lares.elf"
LOG_DIR = BUILD / "test-logs"

# isa-debug-exit status = (code << 1) | 1; codes from hv/include/lares/shutdown.h
EXIT_OK = 33
EXIT_FAILED = 35
EXIT_UNSUPPORTED = 37
EXIT_PANIC = 39
TIMEOUT = 124


def _log_path(request, suffix=""):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    mod = Path(request.node.fspath).stem
    return LOG_DIR / f"{mod}.{name}{suffix}.serial"


def qemu_command(*, smp=1, mem="256M", cpu="max", append="", modules=(), kernel=None,
                 iso=None, machine="pc", extra=(), serial="stdio", qemu_exit=True, accel="tcg"):
    assert accel.split(",")[0] == "tcg", "TCG only: never KVM"
    cmd = ["qemu-system-x86_64", "-accel", accel, "-M", machine, "-cpu", cpu,
           "-m", str(mem), "-smp", str(smp), "-display", "none", "-monitor", "none",
           "-no-reboot", "-nic", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-serial", serial]
    if iso:
        cmd += ["-cdrom", str(iso), "-boot", "d"]
    else:
        cmd += ["-kernel", str(kernel or LARES)]
        args = ("qemu_exit " if qemu_exit else "") + append
        cmd += ["-append", args.strip()]
        if modules:
            # QEMU separates modules with commas; a literal comma is ",,".
            cmd += ["-initrd", ",".join(str(m).replace(",", ",,") for m in modules)]
    cmd += list(extra)
    # For debugging a test: LARES_QEMU_EXTRA="-s" lets gdb attach (docs/development.md).
    cmd += os.environ.get("LARES_QEMU_EXTRA", "").split()
    return cmd


@dataclass
class Result:
    rc: int
    serial: str
    stderr: str
    seconds: float
    log: Path
    cmd: list = field(default_factory=list)

    def lines(self, pattern):
        return [l for l in self.serial.splitlines() if re.search(pattern, l)]

    def __str__(self):
        tail = "\n".join(self.serial.splitlines()[-40:])
        return (f"QEMU exit status {self.rc} after {self.seconds:.1f}s; serial log {self.log}\n"
                f"command: {' '.join(self.cmd)}\n--- last lines ---\n{tail}\n--- stderr ---\n{self.stderr}")


def boot(request, timeout=60, **kw):
    """Boot Lares and wait for QEMU to exit (or the timeout). Returns a Result."""
    log = _log_path(request)
    cmd = qemu_command(**kw)
    t0 = time.monotonic()
    with open(log, "wb") as out:
        try:
            p = subprocess.run(["timeout", "-k", "5", str(timeout)] + cmd, stdout=out,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            rc, err = p.returncode, p.stderr.decode(errors="replace")
        except Exception as e:  # pragma: no cover - harness failure
            rc, err = -1, str(e)
    dt = time.monotonic() - t0
    serial = log.read_bytes().decode(errors="replace").replace("\r\n", "\n")
    return Result(rc, serial, err, dt, log, cmd)


class Session:
    """Interactive QEMU: read the serial console, wait for patterns, type input."""

    def __init__(self, request, timeout=300, **kw):
        self.log_path = _log_path(request)
        self.cmd = qemu_command(**kw)
        self.timeout = timeout
        self.buf = ""
        self.pos = 0  # expect() searches from here on
        self.proc = None
        self.held_cr = ""  # a chunk's trailing "\r", until the next shows whether "\n" follows

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(["timeout", "-k", "5", str(self.timeout)] + self.cmd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        os.set_blocking(self.proc.stdout.fileno(), False)
        return self

    def __exit__(self, *exc):
        # self.proc is `timeout`: SIGTERM makes it stop QEMU too, whereas
        # SIGKILL would leave QEMU running as an orphan.
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.wait()
        self._drain(0)
        self.log.close()

    def _drain(self, wait):
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return False
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        text = self.held_cr + data.decode(errors="replace")
        self.held_cr = "\r" if text.endswith("\r") else ""
        self.buf += text[:len(text) - len(self.held_cr)].replace("\r\n", "\n")
        return True

    def expect(self, pattern, timeout=60):
        """Wait for a regex after the previous match; return the match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and not self._drain(0)):
                tail = "\n".join(self.buf[self.pos:].splitlines()[-40:])
                raise AssertionError(f"timed out after {timeout}s waiting for {pattern!r}; "
                                     f"serial log {self.log_path}\n--- unmatched output ---\n{tail}")
            self._drain(min(left, 0.2))

    def send(self, text, delay=0.02):
        """Type text, one byte at a time (the UART has a small FIFO)."""
        for ch in text.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(delay)

    def wait(self, timeout=60):
        """Wait for QEMU to exit; return its status."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._drain(0.2)
        while self._drain(0):
            pass
        return self.proc.poll()
