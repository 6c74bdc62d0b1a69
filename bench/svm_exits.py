#!/usr/bin/python3
"""SVM benchmarks (issue 3), inside one run of this script:

  1. null-hypercall and CPUID-exit round trips, timed by a guest
     (tests/guests/bench_exits) with the guest's TSC: per round trip, and
     as a multiple of the same loop with the trapping instruction replaced
     by a NOP of equal length; the guest takes the minimum of --reps
     repetitions of --iterations round trips;
  2. the time Lares takes to build a 64 MiB domain (its own "built: ... us"
     line, measured with the hypervisor's clock), minimum over --builds boots.

    bench/svm_exits.py [--cpu max] [--iterations 5000] [--reps 5] [--builds 5]

Results: docs/BENCHMARKS.md.
"""
import argparse
import re
import shlex
import subprocess
import sys

import qemu_timing as qt

BENCH_RE = re.compile(r"bench: (\w+) ([\d.]+) ns per round trip; same loop without the exit "
                      r"([\d.]+) ns; ratio ([\d.]+)")
BUILT_RE = re.compile(r"d\d+ \((\w+)\): built: (\d+) MiB.*, (\d+) us$")


def run(cmd, timeout):
    p = subprocess.run(["timeout", "-k", "5", str(timeout)] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(errors="replace").replace("\r\n", "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--iterations", type=int, default=5000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--builds", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()

    subprocess.run(["make", "-s", "-C", str(qt.ROOT), "all"], check=True)
    guests = qt.BUILD / "guests"
    ok = True

    cmd = qt.qemu_command(cpu=a.cpu, modules=[f"{guests}/bench_exits.elf "
                                              f"iterations={a.iterations} reps={a.reps}"],
                          append="domain=bench,kernel=0,memory=8M")
    status, out = run(cmd, a.timeout)
    rows = BENCH_RE.findall(out)
    print("| exit | round trip (ns) | same loop without the exit (ns) | ratio |")
    print("|---|---:|---:|---:|")
    for name, rt, plain, ratio in rows:
        print(f"| {name} | {float(rt):,.0f} | {float(plain):.2f} | {float(ratio):,.0f} |")
    if len(rows) != 2 or status != 33:
        print(f"(bench guest failed: status {status})\n{out[-2000:]}", file=sys.stderr)
        ok = False
    print(f"\ncommand: {shlex.join(cmd)}\n")

    build_cmd = qt.qemu_command(cpu=a.cpu, modules=[f"{guests}/hello.elf"],
                                append="domain=big,kernel=0,memory=64M")
    times = []
    for _ in range(a.builds):
        status, out = run(build_cmd, a.timeout)
        m = [BUILT_RE.search(l) for l in out.splitlines()]
        m = [x for x in m if x]
        if status != 33 or not m:
            print(f"(build run failed: status {status})\n{out[-2000:]}", file=sys.stderr)
            ok = False
            continue
        times.append(int(m[0].group(3)))
    if times:
        print(f"| domain build, 64 MiB | min {min(times) / 1000:.1f} ms | "
              f"median {sorted(times)[len(times) // 2] / 1000:.1f} ms | {len(times)} builds |")
    print(f"\ncommand: {shlex.join(build_cmd)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
