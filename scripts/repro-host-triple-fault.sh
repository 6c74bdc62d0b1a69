#!/bin/sh
# Loop a 4-vCPU test guest on `-smp 2` and count whole-machine triple
# faults (docs/svm-under-qemu-notes.md, "hflags2 race"). Each run is one
# QEMU process; a run fails when QEMU's status is not 33 or its
# `-d cpu_reset` log says "Triple fault" (or the guest does not report
# SUCCESS: a different bug, listed apart). Failed runs keep their serial
# and QEMU logs in $OUT.
#
#   scripts/repro-host-triple-fault.sh [runs] [guest] [accel]
#
# runs   number of QEMU runs (default 200)
# guest  test guest from build/guests (default smp; pvclock, evtchn_smp work too)
# accel  QEMU -accel value (default tcg, i.e. multi-threaded TCG, where the
#        QEMU 7.2 race hits about one run in 20-60; tcg,thread=single never does)
#
# env: OUT (default build/repro-tf), TMO per-run timeout in seconds (default 120),
#      LARES_ELF the hypervisor image (default build/lares.elf; for A/B runs)
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-200}
GUEST=${2:-smp}
ACCEL=${3:-tcg}
OUT=${OUT:-build/repro-tf}
ELF=${LARES_ELF:-build/lares.elf}
mkdir -p "$OUT"
[ -f "$ELF" ] && [ -f "build/guests/$GUEST.elf" ] || {
    echo "repro: build first (make; make guests)" >&2
    exit 2
}
fail=0
i=1
while [ "$i" -le "$RUNS" ]; do
    timeout -k 5 "${TMO:-120}" qemu-system-x86_64 -accel "$ACCEL" -M pc -cpu max -m 256M -smp 2 \
        -display none -monitor none -no-reboot -nic none \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$OUT/run.serial" \
        -kernel "$ELF" -initrd "build/guests/$GUEST.elf" \
        -append "qemu_exit domain=g,kernel=$GUEST.elf,memory=8M,vcpus=4,timeout=60" \
        -d cpu_reset,guest_errors -D "$OUT/run.log" 2>"$OUT/run.stderr"
    rc=$?
    if grep -q "Triple fault" "$OUT/run.log"; then
        what="triple fault"
    elif [ "$rc" -ne 33 ]; then
        what="status $rc"
    elif ! grep -q "Test result: SUCCESS" "$OUT/run.serial"; then
        what="guest: $(grep -m1 -o "FAILURE: .*" "$OUT/run.serial" || echo "no SUCCESS")"
    else
        what=
    fi
    if [ -n "$what" ]; then
        fail=$((fail + 1))
        echo "run $i: $what (logs: $OUT/fail-$i.*)"
        cp "$OUT/run.serial" "$OUT/fail-$i.serial"
        cp "$OUT/run.log" "$OUT/fail-$i.log"
    fi
    i=$((i + 1))
done
echo "$RUNS runs of $GUEST (vcpus=4, -smp 2, -accel $ACCEL): $fail failed"
[ "$fail" -eq 0 ]
