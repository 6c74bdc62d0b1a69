#!/bin/sh
# `make run`: boot Lares under QEMU on this terminal.
set -eu
cd "$(dirname "$0")/.."
echo "Booting Lares under QEMU (quit: Ctrl-A then X)."
exec qemu-system-x86_64 -accel tcg -M pc -cpu max -m 1G -smp 2 -display none \
    -serial mon:stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel build/lares.elf -append "console=com1 loglvl=info"
