#!/bin/bash
# Build a BIOS-bootable GRUB 2 ISO that loads Lares with Multiboot 2.
#
# usage: make-iso.sh OUT.iso "HYPERVISOR CMDLINE" ["MODULE_PATH [MODULE ARGS]"]...
#
# Each module argument is one string: a file, then optionally its command
# line (GRUB 2 passes only the command line to the kernel, not the file name).
# env:  LARES_ELF     the hypervisor image (default: <repo>/build/lares.elf)
#       GRUB_TIMEOUT  seconds the menu waits (default 0: boot at once)
#       GRUB_SERIAL   set to 1 to also show GRUB's menu on COM1 (115200 8n1)
# Needs grub-pc-bin, grub-common, xorriso, mtools (scripts/deps.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GRUB_PLATFORM_DIR=/usr/lib/grub/i386-pc

die() { echo "make-iso: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 OUT.iso \"CMDLINE\" [\"MODULE [ARGS]\"]..."
out=$1 cmdline=$2
shift 2
elf=${LARES_ELF:-$ROOT/build/lares.elf}
[ -f "$elf" ] || die "$elf not found (run make)"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue missing (apt-get install grub-common)"
[ -d "$GRUB_PLATFORM_DIR" ] || die "$GRUB_PLATFORM_DIR missing (apt-get install grub-pc-bin)"
command -v xorriso >/dev/null || die "xorriso missing (apt-get install xorriso)"

# Quote every word for GRUB's script parser, so '$' or ';' in a command
# line reach the hypervisor literally: 'it'\''s' for it's. (GRUB itself
# then backslash-escapes quote characters in the line it hands over.)
grub_quote() {
    local word out="" words
    read -r -a words <<< "$1"    # split on blanks, no globbing
    for word in "${words[@]}"; do
        out+=" '${word//\'/\'\\\'\'}'"
    done
    printf '%s' "$out"
}

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub" "$tree/boot/modules"
cp "$elf" "$tree/boot/lares.elf"

{
    echo "set timeout=${GRUB_TIMEOUT:-0}"
    echo "set timeout_style=menu"
    echo "set default=0"
    if [ "${GRUB_SERIAL:-0}" = 1 ]; then
        echo "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1"
        echo "terminal_input serial console"
        echo "terminal_output serial console"
    fi
    echo 'menuentry "Lares" {'
    echo "    multiboot2 /boot/lares.elf$(grub_quote "$cmdline")"
    i=0
    for mod in "$@"; do
        path=${mod%% *}
        args=${mod#"$path"}
        [ -f "$path" ] || die "module $path not found"
        name="$i-$(basename "$path")"
        cp "$path" "$tree/boot/modules/$name"
        # --nounzip: GRUB would otherwise hand over gzip files decompressed.
        echo "    module2 --nounzip /boot/modules/$name$(grub_quote "$args")"
        i=$((i + 1))
    done
    echo "    boot"
    echo "}"
} > "$tree/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
log=$(mktemp)
if ! grub-mkrescue -d "$GRUB_PLATFORM_DIR" --locales= --themes= --fonts= \
        -o "$out.tmp" "$tree" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log" "$out.tmp"
    die "grub-mkrescue failed"
fi
rm -f "$log"
mv "$out.tmp" "$out"
echo "make-iso: $out ($(stat -c %s "$out") bytes): multiboot2 $(basename "$elf")$(grub_quote "$cmdline"), $# module(s)" >&2
