"""Time QEMU boots by their serial output.

Every line QEMU prints on the serial console (-serial stdio) is stamped on
arrival with the monotonic clock, counted from just before QEMU is started.
A benchmark is a list of cases (a QEMU command plus the regexes of the lines
to time); the cases are run interleaved, N rounds, so that load on the host
affects them alike, and each mark is reported as the minimum over the rounds.
Ratios to a baseline case come from the same interleaved run.

    cases = [Case("trivial", cmd1, {"booted": r"^trivial: booted"}),
             Case("lares", cmd2, {"up": r"CPUs online"}, baseline="trivial")]
    results = measure(cases, runs=5)
    print(report(cases, results))
"""
import os
import re
import select
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("BUILD", ROOT / "build"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from lares import qemu_command  # noqa: E402,F401  (the same QEMU flags as the tests)


@dataclass
class Case:
    label: str
    cmd: list
    marks: dict  # name -> regex; the last one ends the run
    timeout: float = 300.0
    baseline: str = ""  # label of the case its ratio is taken against (default: the first)
    keys: dict = field(default_factory=dict)  # mark -> bytes typed on the serial line once seen


@dataclass
class Run:
    marks: dict                 # name -> seconds from QEMU start (missing: not reached)
    lines: list                 # (seconds, text)
    status: object              # QEMU exit status, or "killed" once the last mark was seen
    seconds: float              # until QEMU exited or was stopped
    complete: bool = field(default=False)


def timed_boot(case, log=None):
    """Start QEMU, stamp its serial lines, stop it once the last mark is seen."""
    names = list(case.marks)
    regexes = {n: re.compile(r) for n, r in case.marks.items()}
    marks, lines, partial = {}, [], b""
    t0 = time.monotonic()
    proc = subprocess.Popen(case.cmd, stdin=subprocess.PIPE if case.keys else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    fd = proc.stdout.fileno()
    status = None
    try:
        while True:
            now = time.monotonic() - t0
            if now > case.timeout:
                status = "timeout"
                break
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    status = proc.returncode
                    break
                continue
            data = os.read(fd, 65536)
            stamp = time.monotonic() - t0
            if not data:
                status = proc.wait()
                break
            partial += data
            *complete, partial = partial.split(b"\n")
            for raw in complete:
                text = raw.decode(errors="replace").rstrip("\r")
                lines.append((stamp, text))
                for n in names:
                    if n not in marks and regexes[n].search(text):
                        marks[n] = stamp
                        if n in case.keys:
                            proc.stdin.write(case.keys[n])
                            proc.stdin.flush()
            if names[-1] in marks:
                status = "stopped"
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    seconds = time.monotonic() - t0
    if log:
        with open(log, "w") as f:
            f.write(f"# {shlex.join(case.cmd)}\n")
            for stamp, text in lines:
                f.write(f"{stamp:9.3f} {text}\n")
    return Run(marks, lines, status, seconds, complete=names[-1] in marks)


def measure(cases, runs, log_dir=None, progress=sys.stderr):
    """Run every case `runs` times, interleaved; return {label: [Run, ...]}."""
    results = {c.label: [] for c in cases}
    for i in range(runs):
        for c in cases:
            log = None
            if log_dir:
                Path(log_dir).mkdir(parents=True, exist_ok=True)
                log = Path(log_dir) / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', c.label)}.{i}.log"
            r = timed_boot(c, log)
            results[c.label].append(r)
            if progress:
                got = ", ".join(f"{n} {s:.3f}s" for n, s in r.marks.items()) or "no marks"
                print(f"[{i + 1}/{runs}] {c.label}: {got} (status {r.status})", file=progress)
    return results


def best(runs, mark):
    """Minimum time to `mark` over the runs that reached it, or None."""
    times = [r.marks[mark] for r in runs if mark in r.marks]
    return min(times) if times else None


def report(cases, results):
    """A Markdown table: per case and mark, min/median over runs, and the ratio of
    the mins to the last mark of the case's baseline."""
    def final_min(c):
        return best(results[c.label], list(c.marks)[-1])

    by_label = {c.label: c for c in cases}
    out = ["| case | mark | min (s) | median (s) | runs reached | min / baseline min |",
           "|---|---|---:|---:|---:|---:|"]
    for c in cases:
        base_case = by_label.get(c.baseline, cases[0])
        base = final_min(base_case)
        runs = results[c.label]
        for mark in c.marks:
            times = [r.marks[mark] for r in runs if mark in r.marks]
            if not times:
                out.append(f"| {c.label} | {mark} | not reached | | 0/{len(runs)} | |")
                continue
            ratio = f"{min(times) / base:.2f} ({base_case.label})" if base else ""
            out.append(f"| {c.label} | {mark} | {min(times):.3f} | {statistics.median(times):.3f} "
                       f"| {len(times)}/{len(runs)} | {ratio} |")
    return "\n".join(out)


def commands(cases):
    return "\n".join(f"{c.label}: {shlex.join(c.cmd)}" for c in cases)


def build_trivial():
    out = BUILD / "bench" / "trivial.elf"
    subprocess.run(["make", "-s", "-C", str(ROOT / "bench" / "trivial"), f"OUT={out}"],
                   check=True)
    return out


def trivial_case(smp=1, timeout=60):
    """The baseline: QEMU boots a Multiboot image that prints one line."""
    return Case(f"trivial -smp {smp}",
                qemu_command(kernel=build_trivial(), smp=smp, qemu_exit=False),
                {"line printed": r"^trivial: booted$"}, timeout)
