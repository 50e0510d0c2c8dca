#!/usr/bin/env bash
# Prepares a Debian kernel to boot the host's own userspace in a throwaway VM (scripts/vm/run.sh), for
# kernel features this machine's kernel lacks (nftables flowtables, IPVS). Downloads Debian's current
# linux-image-amd64 with apt, unpacks kernel and modules into .cache/vm/, and builds a small initramfs
# (busybox + the modules needed to mount the host's root over 9p). Safe to run again; root and Debian.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=.cache/vm
mkdir -p "$cache"

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v depmod >/dev/null 2>&1 || need+=(kmod)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
  echo "vm: installing ${need[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# linux-image-amd64 is a meta package: it depends on exactly one versioned image package.
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "vm: cannot find the kernel package behind linux-image-amd64" >&2; exit 1; }
ver=${pkg#linux-image-}
root="$cache/kernel-$ver"
if [ ! -f "$root/boot/vmlinuz-$ver" ]; then
  echo "vm: downloading $pkg"
  rm -rf "$root" "$cache"/*.deb
  (cd "$cache" && apt-get download "$pkg" 2>/dev/null)
  dpkg-deb -x "$cache"/"$pkg"_*.deb "$root"
  rm -f "$cache"/*.deb
  depmod -b "$root" "$ver"
fi

# The initramfs: busybox, the modules to reach a 9p root and an overlay, and vm-init.sh as /init.
initrd="$cache/initrd-$ver"
rm -rf "$initrd" && mkdir -p "$initrd"/{bin,mods,proc,sys,dev,lower,upper,newroot}
cp /bin/busybox "$initrd/bin/"
mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci 9pnet 9pnet_virtio netfs fscache 9p overlay"
for m in $mods; do
  f=$(find "$root/lib/modules/$ver" -name "$m.ko*" | head -1)
  [ -n "$f" ] || { echo "vm: module $m missing from $pkg" >&2; exit 1; }
  cp "$f" "$initrd/mods/"
done
echo "$mods" >"$initrd/mods/order"
cp scripts/vm/vm-init.sh "$initrd/init"
chmod +x "$initrd/init"
(cd "$initrd" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$cache/initrd-$ver.gz"
rm -rf "$initrd"
echo "$ver" >"$cache/version"
echo "vm: ready: kernel $ver in $cache"
