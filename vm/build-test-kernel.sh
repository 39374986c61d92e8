#!/bin/bash
# Builds a test kernel with every driver pinfork's VM mode needs built in (no
# modules): x86_64 defconfig + kvm_guest.config + the fragment below, from
# Debian's linux-source-6.1 package. Slow (tens of minutes on 2 cores); runs
# at nice 19.
#
#   vm/build-test-kernel.sh [--dir DIR] [--jobs N] [--fragment FILE]...
#
# DIR defaults to /var/tmp/pinfork-kbuild (source in DIR/src, objects in
# DIR/out); the image is DIR/out/arch/x86/boot/bzImage. Extra --fragment files
# are merged last (e.g. CONFIG_DEBUG_VM=y). Then:
#   vm/boot.sh --kernel /var/tmp/pinfork-kbuild/out/arch/x86/boot/bzImage -- uname -r
set -euo pipefail

dir=/var/tmp/pinfork-kbuild jobs=2 fragments=()
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) dir=${2:?}; shift ;;
	--jobs) jobs=${2:?}; shift ;;
	--fragment) fragments+=("$(realpath "${2:?}")"); shift ;;
	*) echo "usage: $0 [--dir DIR] [--jobs N] [--fragment FILE]..." >&2; exit 2 ;;
	esac
	shift
done

tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.*' | head -n1)
if [ -z "$tarball" ]; then
	echo "no /usr/src/linux-source-6.1.tar.*: apt-get install linux-source-6.1" >&2
	exit 1
fi
for tool in gcc make flex bison bc; do
	command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install build-essential flex bison bc libelf-dev libssl-dev)" >&2; exit 1; }
done

mkdir -p "$dir/out"
if [ ! -f "$dir/src/Makefile" ]; then
	rm -rf "$dir/src"
	mkdir -p "$dir/src"
	tar -xf "$tarball" -C "$dir/src" --strip-components=1
fi

cat > "$dir/pinfork.config" <<'EOF'
# pinfork test kernel: everything the suite and its VM mode use, built in.
CONFIG_MODULES=n
CONFIG_LOCALVERSION="-pinfork"
CONFIG_LOCALVERSION_AUTO=n
CONFIG_IKCONFIG=y
CONFIG_IKCONFIG_PROC=y
# booting: PVH entry (qemu starts the vmlinux directly), virtio, 9p root
CONFIG_PVH=y
CONFIG_PCI=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_VIRTIO_NET=y
CONFIG_VIRTIO_CONSOLE=y
CONFIG_NET_9P=y
CONFIG_NET_9P_VIRTIO=y
CONFIG_9P_FS=y
CONFIG_9P_FS_POSIX_ACL=y
CONFIG_OVERLAY_FS=y
CONFIG_EXT4_FS=y
CONFIG_TMPFS=y
CONFIG_TMPFS_POSIX_ACL=y
CONFIG_DEVTMPFS=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_SWAP=y
CONFIG_DEBUG_FS=y
CONFIG_CGROUPS=y
CONFIG_MEMCG=y
# memory features the scenarios exercise
CONFIG_NUMA=y
CONFIG_X86_64_ACPI_NUMA=y
CONFIG_NUMA_EMU=y
CONFIG_MIGRATION=y
CONFIG_COMPACTION=y
CONFIG_TRANSPARENT_HUGEPAGE=y
CONFIG_READ_ONLY_THP_FOR_FS=y
CONFIG_HUGETLBFS=y
CONFIG_HUGETLB_PAGE=y
CONFIG_IO_URING=y
CONFIG_USERFAULTFD=y
CONFIG_KSM=y
CONFIG_MEMFD_CREATE=y
CONFIG_PROC_PAGE_MONITOR=y
CONFIG_CHECKPOINT_RESTORE=y
CONFIG_MEM_SOFT_DIRTY=y
CONFIG_IDLE_PAGE_TRACKING=y
CONFIG_GUP_TEST=y
CONFIG_CROSS_MEMORY_ATTACH=y
# soft-RoCE
CONFIG_INET=y
CONFIG_IPV6=y
CONFIG_INFINIBAND=y
CONFIG_INFINIBAND_USER_ACCESS=y
CONFIG_RDMA_RXE=y
EOF

cd "$dir/src"
run() { nice -n 19 make -s O="$dir/out" "$@"; }
run x86_64_defconfig
run kvm_guest.config
scripts/kconfig/merge_config.sh -m -O "$dir/out" "$dir/out/.config" \
	"$dir/pinfork.config" "${fragments[@]}" >/dev/null
run olddefconfig

# merge_config only warns when a symbol did not stick: fail instead.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	sym=${line%%=*} val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$sym=" "$dir/out/.config" && { echo "still set: $sym" >&2; missing=1; }
	elif ! grep -qx "$sym=$val" "$dir/out/.config"; then
		echo "not applied: $line ($(grep "^$sym=" "$dir/out/.config" || echo unset))" >&2
		missing=1
	fi
done < "$dir/pinfork.config"
[ "$missing" = 0 ] || exit 1

run -j"$jobs" bzImage
echo "$dir/out/arch/x86/boot/bzImage: $(cat "$dir/out/include/config/kernel.release")"
