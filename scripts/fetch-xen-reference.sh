#!/bin/sh
# Fetch real Xen (Debian's hypervisor package) as a reference to run the
# test guests on: tests/integration/test_guests_on_xen.py boots it under
# QEMU with a test guest as its PVH dom0, to show that the guests'
# expectations match what Xen does. Prints the path of the hypervisor ELF.
#
# The version is whatever Debian's xen-system-amd64 depends on; the
# download is cached in $XEN_REF_CACHE (default cache/xen-reference) and
# repeated only when that version changes.
set -eu
cd "$(dirname "$0")/.."
CACHE=${XEN_REF_CACHE:-cache/xen-reference}
mkdir -p "$CACHE"

pkg=$(apt-cache depends xen-system-amd64 2>/dev/null |
      sed -n 's/^ *Depends: \(xen-hypervisor-[0-9.]*-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "fetch-xen-reference: no xen-hypervisor package known to apt" >&2; exit 1; }
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || {
    echo "fetch-xen-reference: $pkg has no candidate version" >&2; exit 1; }

stamp="$CACHE/version"
elf="$CACHE/xen.elf"
if [ ! -s "$elf" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$pkg $ver" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download "$pkg=$ver" >/dev/null 2>&1) || {
        echo "fetch-xen-reference: apt-get download $pkg=$ver failed" >&2; exit 1; }
    dpkg-deb -x "$tmp"/*.deb "$tmp/root"
    gz=$(ls "$tmp"/root/boot/xen-*-amd64.gz | head -n 1)
    zcat "$gz" > "$elf.tmp"
    mv "$elf.tmp" "$elf"
    echo "$pkg $ver" > "$stamp"
fi
echo "$elf"
