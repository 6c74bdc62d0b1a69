#!/bin/sh
# Fetch real Xen from Debian as a reference for Lares' tests:
#
#   fetch-xen-reference.sh [hypervisor]  the hypervisor ELF; the test guests
#                                        run on it as its PVH dom0
#                                        (tests/integration/test_guests_on_xen.py)
#   fetch-xen-reference.sh headers       Xen's public headers (libxen-dev),
#                                        to compare include/public/ with
#                                        (scripts/compare-public-abi.py)
#
# Prints the path of what it fetched. The version is whatever Debian's
# xen-system-amd64 depends on; downloads are cached in $XEN_REF_CACHE
# (default cache/xen-reference) and repeated only when that version changes.
set -eu
cd "$(dirname "$0")/.."
CACHE=${XEN_REF_CACHE:-cache/xen-reference}
what=${1:-hypervisor}
mkdir -p "$CACHE"

hv_pkg=$(apt-cache depends xen-system-amd64 2>/dev/null |
         sed -n 's/^ *Depends: \(xen-hypervisor-[0-9.]*-amd64\)$/\1/p' | head -n 1)
[ -n "$hv_pkg" ] || { echo "fetch-xen-reference: no xen-hypervisor package known to apt" >&2; exit 1; }
ver=$(apt-cache policy "$hv_pkg" | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || {
    echo "fetch-xen-reference: $hv_pkg has no candidate version" >&2; exit 1; }

# fetch PACKAGE: unpack PACKAGE=$ver into $CACHE/PACKAGE/root unless done.
fetch() {
    dir="$CACHE/$1"
    if [ "$(cat "$dir/version" 2>/dev/null)" != "$ver" ]; then
        rm -rf "$dir"
        mkdir -p "$dir/dl"
        (cd "$dir/dl" && apt-get download "$1=$ver" >/dev/null 2>&1) || {
            echo "fetch-xen-reference: apt-get download $1=$ver failed" >&2; exit 1; }
        dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
        rm -rf "$dir/dl"
        echo "$ver" > "$dir/version"
    fi
}

case "$what" in
hypervisor)
    fetch "$hv_pkg"
    elf="$CACHE/$hv_pkg/xen.elf"
    if [ ! -s "$elf" ]; then
        zcat "$CACHE/$hv_pkg"/root/boot/xen-*-amd64.gz > "$elf.tmp"
        mv "$elf.tmp" "$elf"
    fi
    echo "$elf"
    ;;
headers)
    fetch libxen-dev
    echo "$CACHE/libxen-dev/root/usr/include/xen"
    ;;
*)
    echo "usage: $0 [hypervisor|headers]" >&2
    exit 2
    ;;
esac
