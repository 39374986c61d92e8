#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pinfork-lava.sh: what the LAVA test definition pinfork.yaml runs on the
# device: fetch a pinfork kselftest tarball (`make kselftest-tar`), prepare
# the machine, run the collection with the tarball's run_kselftest.sh and
# report every case to LAVA through tap2lava.awk.
#
# usage: pinfork-lava.sh -u TARBALL [-p PROFILE] [-t PROG]... [-S PROG]...
#                        [-d DIR] [-o SECONDS] [-P]
#   -u TARBALL   http(s)/ftp URL, file:// URL or path of pinfork-kselftest.tar.gz
#   -p PROFILE   PINFORK_PROFILE of the programs (quick, full, exhaustive,
#                stress; default quick)
#   -t PROG      run only these programs (repeatable; default: all)
#   -S PROG      leave these programs out (repeatable)
#   -d DIR       where the tarball is unpacked (default /opt/pinfork)
#   -o SECONDS   per-program timeout instead of the tarball's settings
#   -P           leave the machine as it is: no modules, no scratch mount, no
#                console level change (make check runs it so on its host)
# Preparation, each best effort (a case that needs what is missing SKIPs
# with its reason): an ext4 disk labelled pinfork-scratch is mounted at
# /mnt/pinfork-scratch for O_DIRECT (PINFORK_SCRATCH) and the programs'
# state folder (PINFORK_STATE_DIR: the swap file); a swap disk labelled
# pinfork-swap is turned on (and off at the end); modules fuse, nbd
# and rdma_rxe are loaded when the kernel has them. While the programs run
# the console log level is 3 (kernel warnings on the serial console would
# cut LAVA's signal lines; the programs read the kernel log from /dev/kmsg),
# then put back.
# Reports: pinfork.PROG.CASE pass|fail|skip per case, pinfork.PROG per
# program (its exit status), one lava-test-set per program, and
# pinfork-fetch fail when the tarball cannot be had. The runner's whole
# output is kept in DIR/output.tap. Exit status: 0 (results say the rest),
# 1 when nothing could run.
# POSIX sh: needs wget (for http/ftp), tar, gzip, awk.

set -u

HERE=$(cd "$(dirname "$0")" && pwd -P)
SCRATCH_LABEL=pinfork-scratch
SCRATCH_MNT=/mnt/pinfork-scratch
SWAP_LABEL=pinfork-swap

tarball='' profile=quick dir=/opt/pinfork override='' tests='' skips=''
saved_printk='' touch_machine=1 swap_on=''

say() { printf 'pinfork-lava: %s\n' "$*"; }

lava_case() {
	if command -v lava-test-case >/dev/null 2>&1; then
		lava-test-case "$1" --result "$2"
	else
		say "result $1 $2"
	fi
}

usage() {
	sed -n '3,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
	exit "$1"
}

parse_args() {
	while getopts u:p:t:S:d:o:Ph opt; do
		case "$opt" in
		u) tarball=$OPTARG ;;
		p) profile=$OPTARG ;;
		t) tests="$tests $OPTARG" ;;
		S) skips="$skips $OPTARG" ;;
		d) dir=$OPTARG ;;
		o) override=$OPTARG ;;
		P) touch_machine=0 ;;
		h) usage 0 ;;
		*) usage 1 >&2 ;;
		esac
	done
	[ -n "$tarball" ] || { say "no tarball (-u URL|PATH)"; usage 1 >&2; }
	case "$profile" in quick|full|exhaustive|stress) ;; *)
		say "unknown profile '$profile' (quick, full, exhaustive, stress)"; exit 1 ;;
	esac
}

# fetch SOURCE FILE
fetch() {
	case "$1" in
	http://*|https://*|ftp://*)
		# bounded: a dead server must not hold the job until LAVA's timeout
		wget -q -T 60 -t 3 -O "$2" "$1" ;;
	file://*) cp "${1#file://}" "$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

unpack() {
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	if ! fetch "$tarball" "$dir/pinfork-kselftest.tar.gz"; then
		say "cannot fetch $tarball"
		return 1
	fi
	tar -xzf "$dir/pinfork-kselftest.tar.gz" -C "$dir" || return 1
	if [ ! -x "$dir/run_kselftest.sh" ] || [ ! -f "$dir/kselftest-list.txt" ]; then
		say "$tarball: no run_kselftest.sh and kselftest-list.txt at its top"
		return 1
	fi
}

# labelled_device LABEL
labelled_device() {
	if [ -e "/dev/disk/by-label/$1" ]; then
		echo "/dev/disk/by-label/$1"
	elif command -v blkid >/dev/null 2>&1; then
		blkid -L "$1" 2>/dev/null
	fi
}

# Swap the device labelled pinfork-swap, if it is not swapped already; off
# again in restore_swap.
start_swap() {
	dev=$(labelled_device "$SWAP_LABEL")
	if [ -z "$dev" ]; then
		say "no disk labelled $SWAP_LABEL: swap as the machine has it"
		return
	fi
	dev=$(readlink -f "$dev")
	if grep -q "^$dev " /proc/swaps; then
		return
	fi
	if swapon "$dev"; then
		swap_on=$dev
		say "swap: $dev"
	else
		say "swapon $dev failed: swap as the machine has it"
	fi
}

restore_swap() {
	[ -z "$swap_on" ] || swapoff "$swap_on" || say "swapoff $swap_on failed"
	swap_on=''
}

prepare() {
	for m in fuse nbd rdma_rxe; do
		modprobe "$m" 2>/dev/null || say "no module $m (cases that need it SKIP)"
	done
	if command -v udevadm >/dev/null 2>&1; then udevadm settle -t 30 2>/dev/null; fi
	dev=$(labelled_device "$SCRATCH_LABEL")
	if [ -n "$dev" ] && mkdir -p "$SCRATCH_MNT" && mount "$dev" "$SCRATCH_MNT"; then
		# the state folder holds the temporary swap file of the swapped
		# backing: swapon refuses a file on tmpfs (the root here)
		PINFORK_SCRATCH=$SCRATCH_MNT PINFORK_STATE_DIR=$SCRATCH_MNT/pinfork-state
		export PINFORK_SCRATCH PINFORK_STATE_DIR
		say "scratch: $dev on $SCRATCH_MNT (O_DIRECT files, the swap file)"
	else
		say "no disk labelled $SCRATCH_LABEL: O_DIRECT files and the swap file go to /var/tmp"
	fi
	start_swap
}

quiet_console() {
	saved_printk=$(cut -f1 /proc/sys/kernel/printk 2>/dev/null) || saved_printk=''
	[ -z "$saved_printk" ] || echo 3 >/proc/sys/kernel/printk || saved_printk=''
}

restore_console() {
	[ -z "$saved_printk" ] || echo "$saved_printk" >/proc/sys/kernel/printk || true
	saved_printk=''
}

runner_args() {
	args=''
	if [ -n "$tests" ]; then
		for t in $tests; do args="$args -t pinfork:$t"; done
	else
		args='-c pinfork'
	fi
	for s in $skips; do args="$args -S pinfork:$s"; done
	[ -z "$override" ] || args="$args -o $override"
	echo "$args"
}

run_suite() {
	awk_cmd='awk'
	# mawk reads a pipe in blocks unless told otherwise: results would lag
	case "$(awk -W version 2>&1 | head -1)" in mawk*) awk_cmd='awk -W interactive' ;; esac
	PINFORK_PROFILE=$profile
	export PINFORK_PROFILE
	say "running: PINFORK_PROFILE=$profile ./run_kselftest.sh $(runner_args) (kernel $(uname -r))"
	# shellcheck disable=SC2046 # runner_args are words
	(cd "$dir" && ./run_kselftest.sh $(runner_args) 2>&1) | tee "$dir/output.tap" |
		$awk_cmd -f "$HERE/tap2lava.awk"
}

main() {
	parse_args "$@"
	if ! unpack; then
		lava_case pinfork-fetch fail
		exit 1
	fi
	if [ "$touch_machine" = 1 ]; then
		prepare
		trap 'restore_console; restore_swap' EXIT
		trap 'restore_console; restore_swap; exit 1' INT TERM
		quiet_console
	fi
	run_suite
	restore_console
	say "totals: $(grep '^# Totals:' "$dir/output.tap" | tail -1)"
	# whatever a killed program left changed (THP, KSM, swap): the
	# tarball's pinfork-restore reads the journal in PINFORK_STATE_DIR
	# (not with -P: on a shared host the journal may be another run's)
	if [ "$touch_machine" = 1 ]; then
		if [ -x "$dir/pinfork/pinfork-restore" ]; then
			"$dir/pinfork/pinfork-restore" || say "pinfork-restore failed"
		fi
		restore_swap
		if mountpoint -q "$SCRATCH_MNT" 2>/dev/null; then
			umount "$SCRATCH_MNT" || say "cannot unmount $SCRATCH_MNT"
		fi
	fi
	exit 0
}

main "$@"
