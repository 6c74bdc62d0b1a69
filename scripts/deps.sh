#!/bin/sh
# Install the Debian 12 packages that building and testing Lares needs, if
# any are missing. Idempotent; says what it installs. Needs root (or sudo)
# only when something is actually missing.
set -eu

PACKAGES="gcc make binutils bc cpio xz-utils qemu-system-x86 python3 python3-pytest
python3-pytest-timeout libcmocka-dev grub-pc-bin grub-common xorriso mtools
liblzma-dev liblz4-dev libzstd-dev zlib1g-dev lz4 zstd bzip2 busybox-static curl file gdb"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists.
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
echo "deps: done"
