#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-rootfs.sh: the images the example LAVA job (job-qemu.yaml) deploys,
# built from the Debian archive and a Debian kernel package's files:
#
#   OUT/vmlinuz               the kernel (copied from KDIR/boot)
#   OUT/rootfs.cpio.gz        Debian bookworm (mmdebstrap, variant minbase)
#                             with systemd, the libraries pinfork loads
#                             (liburing2, libibverbs1 + providers, libnuma1,
#                             libfuse3-3), wget, and the few kernel modules
#                             a guest needs (virtio disk and net, ext4, fuse,
#                             nbd, rdma_rxe). The whole system is the
#                             initramfs: LAVA appends its test overlay to it
#                             (deploy "overlays: lava"), no guestfs needed.
#   OUT/scratch.img.gz        an empty ext4 file system (256 MiB sparse)
#                             for O_DIRECT cases (tmpfs has no O_DIRECT on
#                             6.1); the test definition mounts it
#   OUT/swap.img.gz           swap space labelled pinfork-swap (256 MiB): the
#                             test definition turns it on for the page-out
#                             events and off afterwards
#
# usage: build-rootfs.sh [--out DIR] [--kernel-dir KDIR] [--mirror URL]
#   --out DIR          where the images go (default /var/tmp/lava)
#   --kernel-dir KDIR  an unpacked linux-image .deb: KDIR/boot/vmlinuz-*,
#                      KDIR/lib/modules/VERSION (default: Debian 12's 6.1
#                      as run.sh --kernel debian unpacks it)
#   --mirror URL       Debian mirror (default http://deb.debian.org/debian)
# Needs root, mmdebstrap, cpio, gzip, e2fsprogs, kmod. About 2 minutes and
# 60 MB of download on a first run; the archive is not contacted again while
# OUT/rootfs.stamp matches this script, KDIR and the mirror (remove
# OUT/rootfs.cpio.gz to rebuild).
set -euo pipefail
export LC_ALL=C

out=/var/tmp/lava
kdir=/var/cache/pinfork/kernels/linux-image-6.1.0-57-amd64_6.1.192-3
mirror=http://deb.debian.org/debian
SUITE=bookworm
PACKAGES=systemd-sysv,udev,kmod,iproute2,procps,util-linux,mount,wget,gzip,liburing2,libibverbs1,ibverbs-providers,libnuma1,libfuse3-3
# rdma_rxe needs the crc32 shash (crc32_generic) or its ib device fails to
# register (rdma link add: ENOENT)
MODULES=(virtio_pci virtio_blk virtio_net ext4 crc32c_generic fuse nbd rdma_rxe crc32_generic)

die() { printf 'build-rootfs.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?}; shift ;;
	--kernel-dir) kdir=${2:?}; shift ;;
	--mirror) mirror=${2:?}; shift ;;
	-h|--help) sed -n '3,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (--help)" ;;
	esac
	shift
done

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap root mode, device nodes in the cpio)"
for t in mmdebstrap cpio gzip mkfs.ext4 mkswap modprobe depmod; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install mmdebstrap cpio e2fsprogs kmod)"
done
vmlinuz=$(find "$kdir/boot" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort | head -1)
[ -n "$vmlinuz" ] || die "$kdir/boot/vmlinuz-*: no kernel"
kver=${vmlinuz##*/vmlinuz-}
[ -d "$kdir/lib/modules/$kver" ] || die "$kdir/lib/modules/$kver: no modules"
mkdir -p "$out"

# Every .ko a wanted module needs, dependencies first (paths under KDIR).
module_files() {
	local m
	for m in "${MODULES[@]}"; do
		modprobe -d "$kdir" -S "$kver" --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++'
}

add_modules() {
	local root=$1 f rel
	while read -r f; do
		rel=${f#"$kdir"/}
		install -D -m 0644 "$f" "$root/$rel"
	done < <(module_files)
	cp "$kdir/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$kver/"
	depmod -b "$root" "$kver"
}

# A root that logs in on the serial console without a password (LAVA's
# auto_login sends "root"), with a prompt LAVA can wait for.
configure() {
	local root=$1
	echo pinfork-lava >"$root/etc/hostname"
	chroot "$root" passwd -d root >/dev/null
	: >"$root/etc/fstab"
	# nothing on the network to wait for: qemu user net, configured below
	rm -f "$root"/etc/systemd/system/*.wants/systemd-networkd-wait-online.service
	mkdir -p "$root/etc/systemd/network"
	printf '[Match]\nName=e*\n[Network]\nDHCP=ipv4\n' >"$root/etc/systemd/network/50-dhcp.network"
	chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
}

build_cpio() {
	local root=$out/rootfs.d
	rm -rf "$root"
	mmdebstrap --mode=root --variant=minbase --include="$PACKAGES" \
		--aptopt='Acquire::Retries "3"' "$SUITE" "$root" "$mirror"
	configure "$root"
	add_modules "$root"
	rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc \
		"$root"/usr/share/man "$root"/usr/share/locale
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out/rootfs.cpio.gz.tmp"
	mv "$out/rootfs.cpio.gz.tmp" "$out/rootfs.cpio.gz"
	rm -rf "$root"
}

build_swap() {
	local img=$out/swap.img
	rm -f "$img" "$img.gz"
	truncate -s 256M "$img"
	mkswap -L pinfork-swap "$img" >/dev/null
	gzip -1 "$img"
}

build_scratch() {
	local img=$out/scratch.img
	rm -f "$img" "$img.gz"
	truncate -s 256M "$img"
	mkfs.ext4 -q -F -L pinfork-scratch "$img"
	gzip -1 "$img"
}

# What the image is made of: this recipe, the kernel, the mirror. A fresh
# checkout of the same recipe does not rebuild.
stamp=$( { cat "$0"; echo "$kdir $mirror"; } | sha256sum | cut -d' ' -f1)
if [ ! -s "$out/rootfs.cpio.gz" ] || [ "$(cat "$out/rootfs.stamp" 2>/dev/null)" != "$stamp" ]; then
	build_cpio
	echo "$stamp" >"$out/rootfs.stamp"
fi
[ -s "$out/scratch.img.gz" ] || build_scratch
[ -s "$out/swap.img.gz" ] || build_swap
install -m 0644 "$vmlinuz" "$out/vmlinuz"
printf 'build-rootfs.sh: %s: vmlinuz (%s), rootfs.cpio.gz (%s), scratch.img.gz, swap.img.gz\n' \
	"$out" "$kver" "$(du -h "$out/rootfs.cpio.gz" | cut -f1)"
