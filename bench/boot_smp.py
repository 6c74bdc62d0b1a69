#!/usr/bin/python3
"""Boot benchmark (issue 2): QEMU start -> Lares reports all CPUs online,
for -smp 1 and -smp 4, next to QEMU booting a trivial Multiboot image.

    bench/boot_smp.py [--runs 5] [--target 'smp: all {n} CPUs online'] [--cpu max]

{n} in the target is replaced by the CPU count. Results: docs/BENCHMARKS.md.
"""
import argparse
import subprocess
import sys

import qemu_timing as qt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smp", default="1,4", help="comma-separated CPU counts")
    ap.add_argument("--target", default=r"smp: all {n} CPUs online",
                    help="regex of the line to time; {n} = CPU count")
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--append", default="", help="extra hypervisor command line")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--logs", default=str(qt.BUILD / "bench" / "boot_smp"))
    a = ap.parse_args()

    subprocess.run(["make", "-s", "-C", str(qt.ROOT), "all"], check=True)
    cases = []
    for n in (int(x) for x in a.smp.split(",")):
        trivial = qt.trivial_case(smp=n)
        cases.append(trivial)
        cases.append(qt.Case(f"lares -smp {n}",
                             qt.qemu_command(smp=n, cpu=a.cpu, append=a.append),
                             {"target": a.target.replace("{n}", str(n))}, a.timeout,
                             baseline=trivial.label))
    results = qt.measure(cases, a.runs, a.logs)
    print(qt.report(cases, results))
    print("\ncommands:\n" + qt.commands(cases))
    ok = all(r.complete for runs in results.values() for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
