#!/bin/bash
# pinfork VM mode: checks run inside the guest by vm/selftest.sh.
#   selftest-guest.sh KERNEL_RELEASE_PREFIX OUTDIR
# Prints TAP; exits 0 when every check holds. OUTDIR is a --share of the host.
set -uo pipefail

want_release=${1:-}
outdir=${2:?usage: selftest-guest.sh RELEASE_PREFIX OUTDIR}
n=0 failed=0

check() { # description command...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		sed 's/^/# /' /tmp/check.out | head -n 20
		failed=$((failed + 1))
	fi
}

untainted() { cat /proc/sys/kernel/tainted; [ "$(cat /proc/sys/kernel/tainted)" = 0 ]; }
release() { uname -r; [[ $(uname -r) == "$want_release"* ]]; }
vm_env() { [ "${PINFORK_VM:-}" = 1 ] && [ "${PINFORK_SCRATCH:-}" = /mnt/pinfork-scratch ]; }
scratch_ext4() {
	[ "$(findmnt -n -o FSTYPE "$PINFORK_SCRATCH")" = ext4 ] &&
		dd if=/dev/zero of="$PINFORK_SCRATCH/direct" bs=1M count=4 oflag=direct status=none
}
swap_on() { swapon --show --noheadings | grep -q .; }
numa_nodes() {
	local nodes
	nodes=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l)
	echo "nodes: $nodes"
	[ "$nodes" = 2 ]
}
hugetlb_pool() {
	local total
	total=$(awk '/^HugePages_Total:/ { print $2 }' /proc/meminfo)
	echo "HugePages_Total: $total"
	[ "$total" -gt 0 ] && mountpoint -q /dev/hugepages
}
overlay_root() { echo pinfork > /usr/.pinfork-vm-probe && [ "$(findmnt -n -o FSTYPE /)" = overlay ]; }
debugfs() { mountpoint -q /sys/kernel/debug; }
eth0_addr() { ip -4 addr show dev eth0 | grep -q 'inet 10\.0\.2\.15/24'; }
cwd_kept() { [ "$PWD" = "$expected_cwd" ]; }
modules_visible() {
	# A kernel without modules has nothing to show.
	[ ! -e /proc/modules ] || [ -z "$(cat /proc/modules)" ] ||
		[ -f "/lib/modules/$(uname -r)/modules.dep" ]
}
soft_roce() {
	# Loading fails harmlessly when the drivers are built in.
	modprobe rdma_rxe 2>/dev/null
	modprobe ib_uverbs 2>/dev/null
	rdma link add rxe0 type rxe netdev eth0 || return 1
	ibv_devices
	ibv_devices | grep -qw rxe0 && ibv_devinfo -d rxe0 | grep -q PORT_ACTIVE
}
share_write() { echo "written in the guest" > "$outdir/from-guest"; }

expected_cwd=$(cat "$outdir/cwd")
echo "TAP version 13"
echo "1..13"
check "kernel release starts with '$want_release'" release
check "kernel is not tainted after boot" untainted
check "PINFORK_VM and PINFORK_SCRATCH are set" vm_env
check "scratch disk is ext4 and takes O_DIRECT writes" scratch_ext4
check "swap is on" swap_on
check "two NUMA nodes" numa_nodes
check "hugetlb pool is preallocated and hugetlbfs mounted" hugetlb_pool
check "root is a writable overlay" overlay_root
check "debugfs is mounted" debugfs
check "eth0 has 10.0.2.15/24" eth0_addr
check "command runs in the host's cwd" cwd_kept
check "kernel modules folder is visible" modules_visible
check "soft-RoCE: rxe0 on eth0 is listed by ibv_devices" soft_roce
share_write
[ "$failed" = 0 ]
