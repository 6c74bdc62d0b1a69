#!/usr/bin/python3
"""Linux under Lares: QEMU start -> the guest's initramfs marker for Debian's
kernel as a PVH domU of Lares, next to the same kernel and initramfs booted
directly by QEMU (no hypervisor) and QEMU booting a trivial image; min of N
interleaved runs each, ratios from the same run. For each Lares run, the VM
exits of the domain by reason (debug key 'e', typed as soon as the marker is
seen) and the hypervisor's memory overhead for the domain (debug key 'm':
pages Lares uses for it beyond the guest's own RAM) are reported too.

    bench/linux_boot.py [--runs 3] [--cpu max] [--mem 256M] [--vcpus 1] [--bzimage]

--bzimage adds a case booting the domU from Debian's bzImage (kernel=vmlinuz,
decompressed by the hypervisor) and reports the decompression time Lares
logs and the marker time against the vmlinux case.

Results: docs/BENCHMARKS.md. The real Xen's figures are quoted from the
anchor (../shared/anchors/xen), not run here.
"""
import argparse
import re
import statistics
import sys
from pathlib import Path

import qemu_timing as qt
from linux_native import LINUX_MARKS, linux_images

SWITCH = b"\x01\x01\x01"  # Ctrl-A three times: input focus to Lares (one domain)

LARES_MARKS = {
    "domain built": r"d1 \(linux\): built: ",
    "run /init": r"\(linux\) \[ *[\d.]+\] Run /init as init process",
    "initramfs marker": r"\(linux\) LARES-INIT-UP$",
    # Not timed: the reports asked for with debug keys right after the marker.
    "exit report": r"d1 \(linux\): \d+ VM exits; most frequent:",
    "memory report": r"memory: d1 \(linux\): \d+ pages",
}
EXITS_RE = re.compile(r"d1 \(linux\): (\d+) VM exits; most frequent:(.*)$")
FREE_RE = re.compile(r"memory: (\d+) pages free, (\d+) before the boot domains were built")
DOM_RE = re.compile(r"memory: d1 \(linux\): (\d+) pages, limit (\d+)")
TIMED = ("domain built", "run /init", "initramfs marker")
BZIMAGE_MARKS = {
    "kernel decompressed": r"domain linux: kernel: bzImage ",
    **{k: LARES_MARKS[k] for k in TIMED},
}
UNPACK_RE = re.compile(r"domain linux: kernel: bzImage (\S+), xz ([\d.]+) MiB -> ([\d.]+) MiB "
                       r"in ([\d.]+) s")


def lares_case(img, a):
    domain = (f"domain=linux,kernel=vmlinux,initrd=initramfs.cpio.gz,memory={a.mem},"
              f'vcpus={a.vcpus},cmdline="console=hvc0"')
    cmd = qt.qemu_command(kernel=qt.BUILD / "lares.elf", modules=[img["vmlinux"], img["initramfs"]],
                          append=domain, cpu=a.cpu, mem="1G", smp=max(a.smp, a.vcpus))
    return qt.Case(f"lares + linux {img['release']} domU", cmd, LARES_MARKS, a.timeout,
                   keys={"initramfs marker": SWITCH + b"e", "exit report": b"m"})


def bzimage_case(img, a):
    vmlinuz = Path(img["vmlinux"]).parent / "vmlinuz"
    domain = (f"domain=linux,kernel=vmlinuz,initrd=initramfs.cpio.gz,memory={a.mem},"
              f'vcpus={a.vcpus},cmdline="console=hvc0"')
    cmd = qt.qemu_command(kernel=qt.BUILD / "lares.elf", modules=[vmlinuz, img["initramfs"]],
                          append=domain, cpu=a.cpu, mem="1G", smp=max(a.smp, a.vcpus))
    return qt.Case(f"lares + linux {img['release']} domU from bzImage", cmd, BZIMAGE_MARKS,
                   a.timeout)


def unpack_times(runs):
    """The decompression as Lares logs it: (xz MiB, ELF MiB, [seconds per run])."""
    found = [UNPACK_RE.search(t) for r in runs for _, t in r.lines]
    found = [m for m in found if m]
    return (found[0].group(2), found[0].group(3), [float(m.group(4)) for m in found]) if found \
        else None


def exit_table(runs):
    rows = []
    for i, r in enumerate(runs):
        for _, text in r.lines:
            m = EXITS_RE.search(text)
            if m:
                rows.append(f"| {i + 1} | {int(m.group(1)):,} | {m.group(2).strip()} |")
    return "\n".join(["| run | VM exits at the marker | top 5 by reason |", "|---|---:|---|"] + rows)


def memory_overhead(runs):
    out = []
    for r in runs:
        free = dom = None
        for _, text in r.lines:
            free = FREE_RE.search(text) or free
            dom = DOM_RE.search(text) or dom
        if free and dom:
            used = int(free.group(2)) - int(free.group(1))
            out.append((used, int(dom.group(1)), used - int(dom.group(1))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpu", default="max")
    ap.add_argument("--mem", default="256M", help="the guest's memory (both cases)")
    ap.add_argument("--vcpus", type=int, default=1)
    ap.add_argument("--smp", type=int, default=1, help="QEMU CPUs (at least --vcpus)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--bzimage", action="store_true",
                    help="also boot the domU from the bzImage (the hypervisor decompresses it)")
    ap.add_argument("--logs", default=str(qt.BUILD / "bench" / "linux_boot"))
    a = ap.parse_args()

    img = linux_images()
    trivial = qt.trivial_case(smp=max(a.smp, a.vcpus))
    native = qt.Case(f"linux {img['release']} native",
                     qt.qemu_command(kernel=img["vmlinux"], modules=[img["initramfs"]],
                                     append="console=ttyS0", qemu_exit=False, cpu=a.cpu,
                                     mem=a.mem, smp=max(a.smp, a.vcpus)),
                     LINUX_MARKS, a.timeout, baseline="")
    lares = lares_case(img, a)
    lares.baseline = native.label
    cases = [trivial, native, lares]
    bz = None
    if a.bzimage:
        bz = bzimage_case(img, a)
        bz.baseline = native.label
        cases.append(bz)
    results = qt.measure(cases, a.runs, a.logs)

    # The ratio column: against the native boot's marker (the trivial image's for itself).
    shown = [trivial, native,
             qt.Case(lares.label, lares.cmd, {k: lares.marks[k] for k in TIMED}, baseline=native.label)]
    if bz:
        shown.append(bz)
    print(f"kernel: {img['package']}; -cpu {a.cpu}; guest {a.mem}, {a.vcpus} vCPU(s)")
    print(qt.report(shown, results))
    nat = qt.best(results[native.label], "initramfs marker")
    lar = qt.best(results[lares.label], "initramfs marker")
    if nat and lar:
        print(f"\nQEMU start -> initramfs marker: Lares {lar:.3f} s / native {nat:.3f} s "
              f"= {lar / nat:.2f} (target 1.30)")
        # The same ratio within each round (the two ran back to back, under similar host load).
        pairs = [(n.marks["initramfs marker"], l.marks["initramfs marker"])
                 for n, l in zip(results[native.label], results[lares.label])
                 if "initramfs marker" in n.marks and "initramfs marker" in l.marks]
        ratios = sorted(l / n for n, l in pairs)
        print("per round: " + ", ".join(f"{r:.2f}" for r in ratios) +
              f"; median {statistics.median(ratios):.2f}")
    if bz:
        un = unpack_times(results[bz.label])
        bzm = qt.best(results[bz.label], "initramfs marker")
        if un:
            print(f"\nbzImage decompression in Lares (its log): xz {un[0]} MiB -> {un[1]} MiB, "
                  f"min {min(un[2]):.1f} s, median {statistics.median(un[2]):.1f} s "
                  f"over {len(un[2])} runs")
        if bzm and lar:
            print(f"QEMU start -> initramfs marker: from bzImage {bzm:.3f} s, from vmlinux "
                  f"{lar:.3f} s (+{bzm - lar:.3f} s)")
    print("\nVM exits of the domain when its marker appeared (debug key 'e'):\n")
    print(exit_table(results[lares.label]))
    mem = memory_overhead(results[lares.label])
    if mem:
        print("\nHypervisor memory per domU (debug key 'm', pages of 4 KiB):\n")
        print("| pages gone since before the build | of which the domain's own | Lares's overhead |")
        print("|---:|---:|---:|")
        for used, dom, over in mem:
            print(f"| {used} | {dom} | {over} ({over * 4} KiB) |")
        print(f"\noverhead median: {statistics.median(o for _, _, o in mem)} pages")
    print("\ncommands:\n" + qt.commands(cases))
    return 0 if all(r.complete for runs in results.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
