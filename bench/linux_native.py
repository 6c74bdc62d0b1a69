#!/usr/bin/python3
"""Linux benchmark baseline: QEMU start -> the initramfs marker, for Debian's
kernel booted directly by QEMU (no hypervisor), next to QEMU booting a trivial
Multiboot image. This is the baseline column of the Linux-under-Lares
benchmark.

    bench/linux_native.py [--runs 3] [--cpu max] [--mem 256M]

Builds the images on demand (scripts/build-guest-images.sh). Results:
docs/BENCHMARKS.md.
"""
import argparse
import os
import subprocess
import sys

import qemu_timing as qt

# Lines of a Linux boot worth a column, in the order they appear; the last ends a run.
LINUX_MARKS = {
    "kernel banner": r"Linux version ",
    "run /init": r"Run /init as init process",
    "initramfs marker": r"^LARES-INIT-UP$",
}


def linux_images():
    subprocess.run(["make", "-s", "-C", str(qt.ROOT), "tools"], check=True)
    p = subprocess.run([str(qt.ROOT / "scripts" / "build-guest-images.sh")], check=True,
                       capture_output=True, text=True,
                       env={**os.environ,
                            "VMLINUX_EXTRACT": str(qt.BUILD / "tools" / "vmlinux-extract")})
    return dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--append", default="console=ttyS0", help="kernel command line")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--logs", default=str(qt.BUILD / "bench" / "linux_native"))
    a = ap.parse_args()

    img = linux_images()
    trivial = qt.trivial_case(smp=a.smp)
    linux = qt.Case(f"linux {img['release']} native",
                    qt.qemu_command(kernel=img["vmlinux"], modules=[img["initramfs"]],
                                    append=a.append, qemu_exit=False, cpu=a.cpu, mem=a.mem,
                                    smp=a.smp),
                    LINUX_MARKS, a.timeout, baseline=trivial.label)
    cases = [trivial, linux]
    results = qt.measure(cases, a.runs, a.logs)
    print(f"kernel: {img['package']}")
    print(qt.report(cases, results))
    print("\ncommands:\n" + qt.commands(cases))
    return 0 if all(r.complete for runs in results.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
