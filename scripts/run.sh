#!/bin/sh
# `make run`: boot Lares under QEMU on this terminal with two example
# guests (boot-time domains, docs/boot-domains.md). Lares leaves QEMU when
# both have ended; extra hypervisor options can be given in LARES_APPEND.
set -eu
cd "$(dirname "$0")/.."
G=build/guests
echo "Booting Lares under QEMU with two example guests (quit early: Ctrl-A then X)."
status=0
qemu-system-x86_64 -accel tcg -M pc -cpu max -m 1G -smp 2 -display none \
    -serial mon:stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel build/lares.elf \
    -initrd "$G/hello.elf,$G/xen_version.elf" \
    -append "console=com1 loglvl=info qemu_exit domain=hello,kernel=hello.elf,memory=16M domain=version,kernel=xen_version.elf,memory=16M ${LARES_APPEND:-}" ||
    status=$?
# isa-debug-exit: 33 means Lares finished and all is well.
[ "$status" -eq 33 ] && status=0
exit "$status"
