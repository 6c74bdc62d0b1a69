#!/bin/bash
# Build the Linux guest images from Debian packages, cached:
#
#   $LARES_CACHE/linux/vmlinux            ELF vmlinux (PVH entry) of Debian's current kernel
#   $LARES_CACHE/linux/System.map         its symbols, to symbolise guest RIPs (from the -dbg package)
#   $LARES_CACHE/linux/config             its build configuration
#   $LARES_CACHE/linux/lib/modules/<release>/kernel/drivers/{block,net}/xen-*.ko
#   $LARES_CACHE/linux/initramfs.cpio.gz  busybox initramfs (newc, gzip) with those modules
#
# The kernel is whatever linux-image-amd64 currently depends on in the local
# apt lists (never a pinned version). Re-running does nothing unless that
# version changed or the initramfs sources are newer than the image.
# On success the last lines on stdout are key=value pairs (release=, vmlinux=,
# initramfs=, system_map=, modules=) for scripts and tests.
#
# env:  LARES_CACHE      cache root (default: <repo>/cache)
#       VMLINUX_EXTRACT  the extractor (default: <repo>/build/tools/vmlinux-extract)
#       BUSYBOX          a static busybox (default: /bin/busybox from busybox-static)
# exit: 0 ok, 75 the Debian mirror (or apt lists) could not be reached, 1 any other failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${LARES_CACHE:-$ROOT/cache}
OUT=$CACHE/linux
EXTRACT=${VMLINUX_EXTRACT:-$ROOT/build/tools/vmlinux-extract}
BUSYBOX=${BUSYBOX:-/bin/busybox}
INITRAMFS_SRC=$ROOT/images/initramfs
EX_TEMPFAIL=75

# Work directories of this run, removed however it ends.
WORKDIRS=()
cleanup() { [ ${#WORKDIRS[@]} -eq 0 ] || rm -rf "${WORKDIRS[@]}"; }
trap cleanup EXIT

log() { echo "images: $*" >&2; }
die() { log "error: $*"; exit 1; }
unreachable() { log "error: $*"; exit $EX_TEMPFAIL; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# ---- which kernel: the package linux-image-amd64 depends on ------------------
kernel_package() {
    apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
        sed -n 's/^Depends: //p' | tr ',|' '\n\n' |
        grep -o -m1 'linux-image-[0-9][^ ]*-amd64' || true
}

resolve_kernel() {
    PKG=$(kernel_package)
    if [ -z "$PKG" ]; then
        log "linux-image-amd64 is not in the apt lists; running apt-get update"
        as_root apt-get update -qq >&2 || unreachable "apt-get update failed (Debian mirror unreachable?)"
        PKG=$(kernel_package)
        [ -n "$PKG" ] || unreachable "apt cannot resolve linux-image-amd64 (no Debian mirror in sources?)"
    fi
    VERSION=$(apt-cache show --no-all-versions "$PKG" | sed -n 's/^Version: //p' | head -n1)
    [ -n "$VERSION" ] || die "apt-cache knows $PKG but not its version"
    RELEASE=${PKG#linux-image-}
}

# ---- download and unpack the kernel package ----------------------------------
download_deb() {
    local dir=$1
    # apt-get download runs as the calling user; as root it warns about the sandbox.
    (cd "$dir" && apt-get download -q "$PKG=$VERSION" >&2 2>"$dir/download.log") && return 0
    log "download of $PKG $VERSION failed; refreshing apt lists and retrying"
    as_root apt-get update -qq >&2 || unreachable "apt-get update failed (Debian mirror unreachable?)"
    resolve_kernel
    (cd "$dir" && apt-get download -q "$PKG=$VERSION" >&2 2>"$dir/download.log") ||
        unreachable "cannot download $PKG $VERSION: $(tail -n3 "$dir/download.log" | tr '\n' ' ')"
}

# Debian's image package ships a placeholder System.map; the real one is in
# the -dbg package (860 MB), but near the start of its data archive, so
# stream the package and stop reading once the file is out.
fetch_system_map() {
    local dir=$1 url map="./usr/lib/debug/boot/System.map-$RELEASE" entry sym
    url=$(apt-get download --print-uris "$PKG-dbg=$VERSION" 2>/dev/null | cut -d"'" -f2)
    if [ -z "$url" ]; then
        log "warning: no $PKG-dbg $VERSION in the apt lists; System.map is Debian's placeholder"
        return 0
    fi
    log "streaming System.map out of $PKG-dbg"
    (curl -fsSL "$url" 2>/dev/null | dpkg-deb --fsys-tarfile /dev/stdin 2>/dev/null |
        tar -x -C "$dir" --occurrence=1 "$map") || true
    if [ ! -s "$dir/$map" ]; then
        log "warning: could not read System.map from $url; keeping Debian's placeholder"
        return 0
    fi
    # A partial download cannot be checked against apt's hash; check instead
    # that the map belongs to this kernel: pvh_start_xen is the PVH entry.
    entry=$(sed -n 's/.*PHYS32_ENTRY note) 0x\([0-9a-f]*\).*/\1/p' "$dir/extract.log")
    sym=$(awk '$3 == "pvh_start_xen" { print $1 }' "$dir/$map")
    if [ -z "$sym" ] || [ $((0x$sym - 0xffffffff80000000)) -ne $((0x$entry)) ]; then
        log "warning: System.map from $url does not match this kernel (pvh_start_xen=$sym, entry=$entry)"
        return 0
    fi
    mv "$dir/$map" "$dir/System.map"
    rm -rf "$dir/usr"
}

build_kernel() {
    local tmp deb mods="lib/modules/$RELEASE/kernel/drivers"
    [ -x "$EXTRACT" ] || die "$EXTRACT is missing: run 'make tools' first"
    EXTRACT=$(readlink -f "$EXTRACT")
    tmp=$(mktemp -d "$CACHE/.linux-new.XXXXXX")
    WORKDIRS+=("$tmp")
    chmod 755 "$tmp"
    download_deb "$tmp"
    deb=$(ls "$tmp"/linux-image-*.deb)
    log "unpacking $(basename "$deb")"
    dpkg-deb --fsys-tarfile "$deb" |
        tar -x -C "$tmp" "./boot/vmlinuz-$RELEASE" "./boot/System.map-$RELEASE" \
            "./boot/config-$RELEASE" "./$mods/block/xen-blkfront.ko" "./$mods/net/xen-netfront.ko"
    (cd "$tmp/boot" && "$EXTRACT" "vmlinuz-$RELEASE" ../vmlinux) | tee "$tmp/extract.log" >&2
    mv "$tmp/boot/vmlinuz-$RELEASE" "$tmp/vmlinuz"
    mv "$tmp/boot/System.map-$RELEASE" "$tmp/System.map"
    fetch_system_map "$tmp"
    mv "$tmp/boot/config-$RELEASE" "$tmp/config"
    rmdir "$tmp/boot"
    echo "$PKG $VERSION" > "$tmp/kernel.stamp"
    # Swap the finished directory in, so an interrupted run never leaves a half-built one.
    rm -rf "$OUT"
    mv "$tmp" "$OUT"
}

# ---- busybox initramfs ---------------------------------------------------------
initramfs_stale() {
    local img=$OUT/initramfs.cpio.gz f
    [ -s "$img" ] || return 0
    for f in "$OUT/kernel.stamp" "$BUSYBOX" "$0" "$INITRAMFS_SRC"/*; do
        [ "$f" -nt "$img" ] && return 0
    done
    return 1
}

build_initramfs() {
    local tmp d applet mods="lib/modules/$RELEASE/kernel/drivers"
    file -L "$BUSYBOX" | grep -q 'statically linked' ||
        die "$BUSYBOX is not a static busybox (install busybox-static)"
    tmp=$(mktemp -d "$CACHE/.initramfs.XXXXXX")
    WORKDIRS+=("$tmp")
    d=$tmp/root
    mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc} "$d/$mods"/{block,net}
    cp "$BUSYBOX" "$d/bin/busybox"
    # Applet links made here, so the guest needs no 'busybox --install' at boot.
    for applet in $("$BUSYBOX" --list-full); do
        [ -e "$d/$applet" ] || ln -s /bin/busybox "$d/$applet"
    done
    install -m 755 "$INITRAMFS_SRC/init" "$d/init"
    cp "$OUT/$mods/block/xen-blkfront.ko" "$d/$mods/block/"
    cp "$OUT/$mods/net/xen-netfront.ko" "$d/$mods/net/"
    cp "$OUT/kernel.stamp" "$d/etc/lares-kernel"
    (cd "$d" && find . -mindepth 1 | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9 -n > "$tmp/initramfs.cpio.gz"
    mv "$tmp/initramfs.cpio.gz" "$OUT/initramfs.cpio.gz"
    log "built $OUT/initramfs.cpio.gz ($(stat -c %s "$OUT/initramfs.cpio.gz") bytes)"
}

# ---- main ------------------------------------------------------------------------
mkdir -p "$CACHE"
exec 9>"$CACHE/.linux.lock"
flock 9    # tests may ask for the images concurrently

resolve_kernel
if [ -f "$OUT/kernel.stamp" ] && [ "$(cat "$OUT/kernel.stamp")" = "$PKG $VERSION" ] &&
   [ -s "$OUT/vmlinux" ]; then
    log "kernel $PKG $VERSION is up to date"
else
    log "fetching $PKG $VERSION"
    build_kernel
fi
if initramfs_stale; then
    build_initramfs
fi

echo "release=$RELEASE"
echo "package=$PKG $VERSION"
echo "vmlinux=$OUT/vmlinux"
echo "initramfs=$OUT/initramfs.cpio.gz"
echo "system_map=$OUT/System.map"
echo "modules=$OUT/lib/modules/$RELEASE"
