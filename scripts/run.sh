#!/bin/sh
# `make run`: boot Lares under QEMU on this terminal with Debian's Linux as
# a PVH domU (boot-time domain, docs/boot-domains.md) and leave the person
# at its shell. The images come from `make images` (cache/linux/).
#
# The serial line is the console: Ctrl-A three times moves the input
# between the domain and Lares (whose debug keys 'h' lists). QEMU's own
# escape key is moved from Ctrl-A to Ctrl-] so that Ctrl-A reaches Lares:
# Ctrl-] then x quits QEMU. Ctrl-C goes to the guest.
#
# env: LARES_APPEND   more hypervisor options
#      LINUX_CMDLINE  the domU's kernel command line (default: console=hvc0)
#      LINUX_MEMORY   its memory (default 256M); LINUX_VCPUS (default 1)
#      LARES_CACHE    where the images are (default: <repo>/cache)
set -eu
cd "$(dirname "$0")/.."
IMG=${LARES_CACHE:-cache}/linux
[ -f "$IMG/vmlinux" ] && [ -f "$IMG/initramfs.cpio.gz" ] || {
    echo "run: no Linux images in $IMG; run 'make images' first" >&2
    exit 1
}
echo "Lares with a Linux domU: at its shell, Ctrl-A three times switches the console" \
     "to Lares and back; Ctrl-] then x quits QEMU."
status=0
# One TCG thread for both CPUs: under QEMU 7.2's multi-threaded TCG a Linux
# guest's x87 restores can reset the machine (docs/svm-under-qemu-notes.md, 1).
qemu-system-x86_64 -accel tcg,thread=single -M pc -cpu max -m 1G -smp 2 -display none -monitor none \
    -chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con -echr 0x1d \
    -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel build/lares.elf \
    -initrd "$IMG/vmlinux,$IMG/initramfs.cpio.gz" \
    -append "console=com1 loglvl=info qemu_exit domain=linux,kernel=vmlinux,initrd=initramfs.cpio.gz,memory=${LINUX_MEMORY:-256M},vcpus=${LINUX_VCPUS:-1},cmdline=\"${LINUX_CMDLINE:-console=hvc0}\" ${LARES_APPEND:-}" ||
    status=$?
# isa-debug-exit: 33 means Lares finished and all is well.
[ "$status" -eq 33 ] && status=0
exit "$status"
