#!/usr/bin/python3
"""Scheduler overhead (issue 4): how much of a CPU-bound guest's throughput
is left when other domains share its physical CPU but hardly run.

A cpu_share guest (tests/guests/cpu_share) spins for --seconds of its own
runstate time and prints how many loop iterations it did and how long it
was running. The cases, on one physical CPU (-smp 1):

  alone     the spinning domain by itself
  blocked   next to 3 domains halted on a LAPIC timer for the whole window
  ticking   next to 3 domains woken every 10 ms by a periodic LAPIC timer
            (an idle kernel with a timer tick) that go back to sleep at once

Throughput is loop iterations per second of the window (runstate time, so
the same clock as the scheduler's). The cases run interleaved, --rounds
times, so that host load hits them alike; each round's ratio to the alone
case of the same round is reported, and the median over the rounds.

    bench/sched_overhead.py [--seconds 3] [--rounds 3] [--sched credit]

Results: docs/BENCHMARKS.md.
"""
import argparse
import re
import shlex
import statistics
import subprocess
import sys

import qemu_timing as qt

SHARE_RE = re.compile(r"\((\w+)\) cpu_share: running (\d+) runnable (\d+) blocked (\d+) "
                      r"offline (\d+) of (\d+); loops (\d+)")


def command(case, seconds, sched, cpu):
    doms = [f'domain=spin,kernel=cpu_share.elf,memory=8M,cmdline="seconds={seconds}"']
    mode = {"alone": None, "blocked": "sleep", "ticking": "tick"}[case]
    if mode:
        # The others outlast the spinner, so they are there for its whole window.
        doms += [f'domain={mode}{i},kernel=cpu_share.elf,memory=8M,'
                 f'cmdline="seconds={seconds + 1} mode={mode}"' for i in range(3)]
    return qt.qemu_command(cpu=cpu, smp=1, modules=[qt.BUILD / "guests" / "cpu_share.elf"],
                           append=f"sched={sched} " + " ".join(doms))


def run(cmd, timeout):
    p = subprocess.run(["timeout", "-k", "5", str(timeout)] + [str(c) for c in cmd],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode(errors="replace").replace("\r\n", "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sched", default="credit")
    ap.add_argument("--cpu", default="max")
    a = ap.parse_args()

    subprocess.run(["make", "-s", "-C", str(qt.ROOT), "all"], check=True)
    cases = ["alone", "blocked", "ticking"]
    got = {c: [] for c in cases}  # per round: (loops/s of window, running share, others' share)
    for r in range(a.rounds):
        for case in cases:
            cmd = command(case, a.seconds, a.sched, a.cpu)
            status, out = run(cmd, 60 + 10 * a.seconds)
            rows = {m.group(1): list(map(int, m.groups()[1:])) for m in SHARE_RE.finditer(out)}
            if status != 33 or "spin" not in rows:
                print(f"{case}: run failed (status {status})\n{out[-2000:]}", file=sys.stderr)
                return 1
            running, _, _, _, total, loops = rows["spin"]
            others = sum(v[0] for k, v in rows.items() if k != "spin")
            other_total = sum(v[4] for k, v in rows.items() if k != "spin") or 1
            got[case].append((loops / total * 1e9, running / total, others / other_total))
            print(f"round {r + 1} {case}: {loops / total * 1e3:,.0f} loops/ms, running "
                  f"{running / total:.4f}", file=sys.stderr)

    print(f"| case ({a.sched}, -smp 1) | loops per ms of window (median) | spinner running "
          f"| each other domain running | throughput vs alone (median of rounds) |")
    print("|---|---:|---:|---:|---:|")
    for case in cases:
        rate = statistics.median(x[0] for x in got[case])
        share = statistics.median(x[1] for x in got[case])
        other = statistics.median(x[2] for x in got[case])
        ratio = statistics.median(x[0] / y[0] for x, y in zip(got[case], got["alone"]))
        print(f"| {case} | {rate / 1e3:,.0f} | {share:.2%} | "
              f"{'-' if case == 'alone' else f'{other:.2%}'} | {ratio:.4f} |")
    print("\ncommands (round 1):")
    for case in cases:
        print(shlex.join(str(c) for c in command(case, a.seconds, a.sched, a.cpu)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
