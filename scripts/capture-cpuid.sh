#!/bin/sh
# Capture the raw CPUID leaves of QEMU TCG CPU models as unit-test data for
# the guest CPUID policy: builds tests/tools/cpuid_probe.c (with the
# hypervisor's own collector), boots it under each model and writes
# tests/unit/data/cpuid_<name>.h. Re-run after a QEMU upgrade.
#
#   --check   write to build/cpuid-probe/data instead and fail if the
#             committed data differ from what this QEMU reports
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/cpuid-probe
DATA=$ROOT/tests/unit/data
CHECK=0
if [ "${1:-}" = "--check" ]; then
    CHECK=1
    DATA=$OUT/data
fi
mkdir -p "$OUT" "$DATA"

gcc -m32 -std=gnu11 -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
    -fno-asynchronous-unwind-tables -nostdlib -static -Wall -Wextra -Werror \
    -I"$ROOT/hv/include" -Wl,-T,"$ROOT/tests/tools/cpuid_probe.lds" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
    "$ROOT/tests/tools/cpuid_probe.c" "$ROOT/hv/lib/cpuid_table.c" -o "$OUT/probe.elf"

capture() { # name cpu-model
    name=$1 model=$2 rc=0
    timeout 120 qemu-system-x86_64 -accel tcg -M pc -cpu "$model" -m 32 -display none \
        -monitor none -no-reboot -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial stdio -kernel "$OUT/probe.elf" > "$OUT/$name.txt" || rc=$?
    if [ "$rc" -ne 33 ] || ! grep -q '^CPUID-PROBE DONE' "$OUT/$name.txt"; then
        echo "capture-cpuid: $model failed (QEMU status $rc), see $OUT/$name.txt" >&2
        exit 1
    fi
    qver=$(qemu-system-x86_64 --version | head -n1)
    {
        echo "/* Raw CPUID of QEMU TCG \"-cpu $model\" ($qver),"
        echo " * captured by scripts/capture-cpuid.sh. Do not edit. */"
        echo "static const struct cpuid_leaf cpuid_$name[] = {"
        awk '/^CPUID /{ printf "    { 0x%s, 0x%s, 0x%s, 0x%s, 0x%s, 0x%s },\n", $2, $3, $4, $5, $6, $7 }' \
            "$OUT/$name.txt"
        echo "};"
    } > "$DATA/cpuid_$name.h"
    echo "capture-cpuid: $DATA/cpuid_$name.h ($(grep -c '^CPUID ' "$OUT/$name.txt") leaves)"
}

capture qemu_max max
capture qemu64_svm_npt qemu64,+svm,+npt
capture qemu_epyc EPYC
capture qemu_skylake Skylake-Client

if [ "$CHECK" -eq 1 ]; then
    # Only the files this script writes: tests/unit/data holds other test data too.
    for f in "$DATA"/cpuid_*.h; do
        diff -u "$ROOT/tests/unit/data/$(basename "$f")" "$f" >&2 || stale=1
    done
    [ -z "${stale:-}" ] || {
        echo "capture-cpuid: tests/unit/data is stale for this QEMU: run scripts/capture-cpuid.sh" >&2
        exit 1
    }
    echo "capture-cpuid: committed data match this QEMU"
fi
