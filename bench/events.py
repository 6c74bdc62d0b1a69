#!/usr/bin/python3
"""Event-channel and timer benchmarks (issue 4), inside one run of this script:

  1. interdomain event-channel round trips (tests/guests/evtchn_pingpong:
     client sends, server answers, each side waits in STI;HLT for the
     callback vector), timed by the client with the pvclock, next to the
     null hypercall (xen_version) timed in the same guest just before:
     two domains on one physical CPU (-smp 1, and -smp 2 with both pinned
     to CPU 0) and on two (-smp 2, pinned to CPUs 0 and 1), the latter
     also with QEMU emulating both CPUs in one host thread;
  2. the lateness of 200 singleshot timers of 1-20 ms (tests/guests/timers):
     when the guest's upcall handler runs, against the deadline, both by
     the pvclock.

The cases run interleaved, --runs rounds; per case the minimum and median
over the rounds are reported.

    bench/events.py [--cpu max] [--runs 5] [--rounds 2000]

Results: docs/BENCHMARKS.md.
"""
import argparse
import re
import shlex
import statistics
import subprocess
import sys

import qemu_timing as qt

PINGPONG_RE = re.compile(r"client: (\d+) round trips, mean (\d+) ns; null hypercall (\d+) ns")
LATENESS_RE = re.compile(r"timer lateness over (\d+) singleshot timers of 1-20 ms \(us\): min (\d+) "
                         r"p50 (\d+) p90 (\d+) p99 (\d+) max (\d+) mean (\d+)")

# (label, -smp, cpus= of server and client, QEMU accelerator)
PINGPONG_CASES = [
    ("one CPU (-smp 1)", 1, ("", ""), "tcg"),
    ("same CPU (-smp 2, both on CPU 0)", 2, (",cpus=0", ",cpus=0"), "tcg"),
    ("different CPUs (-smp 2, CPUs 0 and 1)", 2, (",cpus=0", ",cpus=1"), "tcg"),
    ("different CPUs, one QEMU thread (tcg,thread=single)", 2, (",cpus=0", ",cpus=1"),
     "tcg,thread=single"),
]


def run(cmd, timeout):
    p = subprocess.run(["timeout", "-k", "5", str(timeout)] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(errors="replace").replace("\r\n", "\n")


def pingpong_cmd(cpu, smp, pins, accel, rounds):
    elf = qt.BUILD / "guests" / "evtchn_pingpong.elf"
    append = (f'domain=srv,kernel=0,memory=8M{pins[0]},cmdline="role=server peer=2 rounds={rounds}" '
              f'domain=cli,kernel=0,memory=8M{pins[1]},cmdline="role=client peer=1 rounds={rounds}"')
    return qt.qemu_command(cpu=cpu, smp=smp, accel=accel, modules=[elf], append=append)


def timers_cmd(cpu):
    return qt.qemu_command(cpu=cpu, modules=[qt.BUILD / "guests" / "timers.elf"],
                           append="domain=tm,kernel=0,memory=8M")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()

    subprocess.run(["make", "-s", "-C", str(qt.ROOT), "all"], check=True)
    ok = True
    rtt = {c[0]: [] for c in PINGPONG_CASES}
    lateness = []
    for _ in range(a.runs):
        for label, smp, pins, accel in PINGPONG_CASES:
            status, out = run(pingpong_cmd(a.cpu, smp, pins, accel, a.rounds), a.timeout)
            m = PINGPONG_RE.search(out)
            if status != 33 or not m or "FAILURE" in out:
                print(f"({label}: run failed, status {status})\n{out[-1500:]}", file=sys.stderr)
                ok = False
                continue
            rt, null = int(m.group(2)), int(m.group(3))
            rtt[label].append((rt / null, rt, null))
        status, out = run(timers_cmd(a.cpu), a.timeout)
        m = LATENESS_RE.search(out)
        if status != 33 or not m or "FAILURE" in out:
            print(f"(timers: run failed, status {status})\n{out[-1500:]}", file=sys.stderr)
            ok = False
        else:
            lateness.append([int(x) for x in m.groups()[1:]])

    print(f"Event-channel round trip between two domains, {a.rounds} round trips per run, "
          f"{a.runs} runs:\n")
    print("| where | round trip (us), min / median | null hypercall (us), min / median | "
          "round trip / null hypercall (medians) |")
    print("|---|---:|---:|---:|")
    for label, *_ in PINGPONG_CASES:
        rows = rtt[label]
        if not rows:
            continue
        rts = [r[1] / 1000 for r in rows]
        nulls = [r[2] / 1000 for r in rows]
        print(f"| {label} | {min(rts):.0f} / {statistics.median(rts):.0f} | "
              f"{min(nulls):.1f} / {statistics.median(nulls):.1f} | "
              f"{statistics.median(rts) / statistics.median(nulls):.1f} |")
    print(f"\nTimer lateness, 200 singleshot timers of 1-20 ms per run, {a.runs} runs "
          f"(us; per quantile the min / median over the runs):\n")
    names = ["min", "p50", "p90", "p99", "max", "mean"]
    print("| " + " | ".join(names) + " |")
    print("|" + "---:|" * len(names))
    if lateness:
        cols = list(zip(*lateness))
        print("| " + " | ".join(f"{min(c)} / {statistics.median(c):.0f}" for c in cols) + " |")
    print("\nCommands:\n")
    for label, smp, pins, accel in PINGPONG_CASES:
        print(f"    {shlex.join(pingpong_cmd(a.cpu, smp, pins, accel, a.rounds))}")
    print(f"    {shlex.join(timers_cmd(a.cpu))}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
