#!/bin/bash
# pinfork VM mode: boot a candidate kernel under qemu with this machine's root
# filesystem (read-only 9p + tmpfs overlay in the guest) and run one command in
# it as root, streaming its output and returning its exit status.
#
#   vm/boot.sh --kernel K [--modules DIR] [--timeout S] [--boot-timeout S]
#              [--mem MB] [--hugepages N] [--accel auto|kvm|tcg] [--verbose]
#              [--no-pvh] [--share HOSTDIR]... -- CMD [ARGS...]
#   vm/boot.sh --kernel K [--modules DIR] --resolve
#
# K: a bzImage/vmlinuz, a Debian linux-image .deb, or a name: "debian" or
# "debian-6.1" (what linux-image-amd64 points to), "debian-6.12" (Debian 12's
# bookworm-security 6.12), fetched with apt-get download and cached.
# --resolve: fetch K if needed, print "RELEASE<tab>WHAT" (its kernel release
# and what it is), boot nothing.
# Exit status: CMD's, or 125 when the VM itself failed ("# vm: error: ...").
set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_DIR=$(dirname "$VM_DIR")
CACHE_DIR=${XDG_CACHE_HOME:-/var/cache}/pinfork
SCRATCH_MNT=/mnt/pinfork-scratch
SCRATCH_SERIAL=pinfork-scratch
SWAP_SERIAL=pinfork-swap
SCRATCH_SIZE=1G
SWAP_SIZE=512M
# Modules the guest init needs before it can reach the root filesystem. ext4
# asks the crypto API for crc32c, which the initramfs cannot modprobe: preload.
BOOT_MODULES=(virtio_pci virtio_blk virtio_net 9pnet_virtio 9p overlay
	crc32c_generic crc32c_intel ext4)

kernel='' moddir='' moddir_src='' timeout=1800 boot_timeout=120 mem=3072 hugepages=32
accel=${PINFORK_VM_ACCEL:-auto} verbose=0 pvh=1 resolve_only=0
shares=()

say() { printf '# vm: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 125; }

usage() {
	sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 125
}

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel|--modules|--timeout|--boot-timeout|--mem|--hugepages|--share|--accel)
			[ $# -ge 2 ] || die "$1 needs a value" ;;
		esac
		case "$1" in
		--kernel) kernel=${2:?}; shift ;;
		--modules) moddir=${2:?}; shift ;;
		--timeout) timeout=${2:?}; shift ;;
		--boot-timeout) boot_timeout=${2:?}; shift ;;
		--mem) mem=${2:?}; shift ;;
		--hugepages) hugepages=${2:?}; shift ;;
		--share) shares+=("${2:?}"); shift ;;
		--accel) accel=${2:?}; shift ;;
		--verbose|-v) verbose=1 ;;
		--no-pvh) pvh=0 ;;
		--resolve) resolve_only=1 ;;
		-h|--help) sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
		--) shift; break ;;
		*) say "unknown argument: $1"; usage ;;
		esac
		shift
	done
	[ -n "$kernel" ] || { say "--kernel is required"; usage; }
	[ $# -gt 0 ] || [ "$resolve_only" = 1 ] || { say "no command given after --"; usage; }
	cmd=("$@")
	local n
	for n in "$timeout" "$boot_timeout" "$mem" "$hugepages"; do
		[[ $n =~ ^[0-9]+$ ]] || die "not a number: $n"
	done
	[ "$mem" -ge 512 ] || die "--mem must be at least 512 (MB)"
	case "$accel" in auto|kvm|tcg) ;; *) die "--accel must be auto, kvm or tcg" ;; esac
}

# ---------------------------------------------------------------- kernels

# The version string a bzImage carries (boot protocol: kernel_version field).
bzimage_version() {
	local img=$1 magic off
	magic=$(dd if="$img" bs=1 skip=514 count=4 status=none 2>/dev/null || true)
	[ "$magic" = HdrS ] || return 1
	off=$(od -An -tu2 -j526 -N2 "$img" | tr -d ' ')
	[ "$off" -gt 0 ] || return 1
	dd if="$img" bs=1 skip=$((off + 512)) count=128 status=none |
		tr '\0' '\n' | sed -n '1s/ .*//p'
}

# qemu can start an uncompressed vmlinux that has a PVH entry point directly
# (multiboot-like, no real-mode setup), which skips the decompression that
# costs several seconds under TCG. Unpack the bzImage payload once into the
# cache; print its path, or fail so that the bzImage is booted as it is.
pvh_vmlinux() {
	local img=$1 out key setup off len size tmp zf
	command -v readelf >/dev/null || return 1
	key=$(sha256sum < "$img" | cut -c1-16)
	out=$CACHE_DIR/vmlinux/$key.elf
	if [ ! -f "$out" ]; then
		mkdir -p "$CACHE_DIR/vmlinux"
		[ -f "$out.nopvh" ] && return 1
		setup=$(od -An -tu1 -j497 -N1 "$img" | tr -d ' ')
		[ "$setup" = 0 ] && setup=4
		off=$(od -An -tu4 -j584 -N4 "$img" | tr -d ' ')
		len=$(od -An -tu4 -j588 -N4 "$img" | tr -d ' ')
		[ "${len:-0}" -gt 0 ] || { : > "$out.nopvh"; return 1; }
		tmp=$out.tmp.$$
		# The kernel build appends the decompressed size (le32) to the
		# payload; decompressors may complain about it, so check the size.
		zf=$tmp.z
		tail -c +$(((setup + 1) * 512 + off + 1)) "$img" | head -c "$len" > "$zf"
		size=$(tail -c 4 "$zf" | od -An -tu4 | tr -d ' ')
		# shellcheck disable=SC2094 # $zf is only read
		case "$(od -An -tx1 -N4 "$zf" | tr -d ' ')" in
		1f8b*) gzip -dc ;;
		fd377a58) xz -dc ;;
		28b52ffd) zstd -qdc ;;
		5d00*) xz -F lzma -dc ;;
		425a68*) bzip2 -dc ;;
		02214c18) lz4 -dc ;;
		*) false ;;
		esac < "$zf" > "$tmp" 2>/dev/null || true
		rm -f "$zf"
		if [ "$(stat -c %s "$tmp")" = "$size" ] &&
			[ "$(od -An -tx1 -N4 "$tmp" | tr -d ' ')" = 7f454c46 ] &&
			readelf -n "$tmp" 2>/dev/null | grep -q -e '(0x00000012)' -e PHYS32_ENTRY; then
			mv "$tmp" "$out"
		else
			rm -f "$tmp"
			: > "$out.nopvh"
			return 1
		fi
	fi
	touch "$out"	# in use: keep it from prune_cache
	echo "$out"
}

# Extract a kernel .deb into the cache (once) and generate its modules.dep.
# Prints the extraction directory.
unpack_deb() {
	local deb=$1 key=$2 dir tmp
	dir=$CACHE_DIR/kernels/$key
	if [ ! -d "$dir" ]; then
		tmp=$(mktemp -d "$CACHE_DIR/kernels/.unpack.XXXXXX")
		dpkg-deb -x "$deb" "$tmp" || { rm -rf "$tmp"; die "cannot unpack $deb"; }
		local v
		for v in "$tmp"/lib/modules/*/; do
			[ -d "$v" ] && depmod -b "$tmp" "$(basename "$v")"
		done
		mv "$tmp" "$dir"
	fi
	echo "$dir"
}

# ---- named Debian kernels: one resolver per name family; each prints a
# package name (apt-cache: seconds, so fetch_apt_kernel remembers the answer).
# shellcheck disable=SC2317 # the resolvers are called by name

# "debian", "debian-6.1": what linux-image-amd64 points to (bookworm: 6.1).
debian_default_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# "debian-6.12": bookworm-security's 6.12, what the meta package
# linux-image-6.12-amd64 depends on, else the newest
# linux-image-6.12.*+deb12-amd64-unsigned that has a candidate.
# shellcheck disable=SC2317 # called by name
debian_612_package() {
	local pkg
	pkg=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null |
		awk '/Depends: linux-image-6\.12\.[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		for pkg in $(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
			grep -E '^linux-image-6[.]12[.][0-9]+[+]deb12-amd64-unsigned$' | sort -rV); do
			apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]' && break
			pkg=''
		done
	fi
	printf '%s' "$pkg"
}

# The kernel NAME (a name family above) as an unpacked folder in the cache.
# A package is downloaded once; the apt answer is remembered until the apt
# lists change. Offline (no answer), the newest cached kernel of the family
# (its folder names match CACHED, a glob) will do.
fetch_apt_kernel() {
	local name=$1 resolver=$2 cached=$3 pkg='' ver='' dir tmp deb stamp s
	local memo=$CACHE_DIR/kernels/$name.resolved
	# apt-get update renames files into the folder: its mtime changes
	stamp=$(stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0)
	if [ -f "$memo" ]; then
		read -r s pkg ver < "$memo" || true
		[ "$s" = "$stamp" ] && [ -d "$CACHE_DIR/kernels/${pkg}_$ver" ] || pkg=''
	fi
	if [ -z "$pkg" ]; then
		pkg=$("$resolver") || true
		[ -n "$pkg" ] && ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
	fi
	if [ -n "$pkg" ] && [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
		dir=$CACHE_DIR/kernels/${pkg}_$ver
		if [ ! -d "$dir" ]; then
			say "fetching $pkg $ver"
			tmp=$(mktemp -d "$CACHE_DIR/kernels/.fetch.XXXXXX")
			# _apt cannot write into a root-only temp dir; fine, it warns.
			(cd "$tmp" && timeout 900 apt-get download -q "$pkg=$ver" >/dev/null 2>"$tmp/apt.err") ||
				{ cat "$tmp/apt.err" >&2; rm -rf "$tmp"; die "apt-get download $pkg failed"; }
			deb=$(echo "$tmp"/*.deb)
			unpack_deb "$deb" "${pkg}_$ver" >/dev/null
			rm -rf "$tmp"
		fi
		echo "$stamp $pkg $ver" > "$memo"
	else
		dir=$(find "$CACHE_DIR/kernels" -maxdepth 1 -name "$cached" | sort -V | tail -n1)
		[ -n "$dir" ] || die "cannot resolve the kernel '$name' from the apt lists, and none is cached (try apt-get update)"
		say "$name: no answer from apt; using the newest cached: ${dir##*/}"
	fi
	echo "$dir"
}

# Prints the unpacked folder of a kernel NAME; fails for what is no name.
fetch_named_kernel() {
	case "$1" in
	debian|debian-6.1)
		# the newest cached 6.1 when offline (not 6.12, cached as well)
		fetch_apt_kernel debian debian_default_package 'linux-image-6.1.*-amd64_*' ;;
	debian-6.12)
		fetch_apt_kernel debian-6.12 debian_612_package 'linux-image-6.12.*-amd64*_*' ;;
	*) return 1 ;;
	esac
}

# Sets kimg, kver, moddir, kname from $kernel/$moddir.
resolve_kernel() {
	mkdir -p "$CACHE_DIR/kernels" || die "cannot create $CACHE_DIR/kernels"
	local dir=
	exec {lockfd}>"$CACHE_DIR/kernels/.lock"
	flock "$lockfd"
	case "$kernel" in
	debian|debian-6.1|debian-6.12)
		dir=$(fetch_named_kernel "$kernel")
		kname="$kernel $(basename "$dir")"
		;;
	*.deb)
		[ -f "$kernel" ] || die "no such file: $kernel"
		local sum
		sum=$(sha256sum "$kernel" | cut -c1-12)
		dir=$(unpack_deb "$kernel" "$(basename "$kernel" .deb)-$sum")
		kname=$(basename "$kernel")
		;;
	*)
		[ -f "$kernel" ] || die "no such kernel image: $kernel"
		kimg=$(realpath "$kernel")
		kname=$kernel
		;;
	esac
	if [ -n "$dir" ]; then
		kimg=$(find "$dir/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n1)
		[ -n "$kimg" ] || die "no vmlinuz in $dir/boot"
	fi
	kver=$(bzimage_version "$kimg") || die "$kimg is not a bzImage"
	if [ -n "$moddir" ]; then
		[ -d "$moddir" ] || die "no such modules folder: $moddir"
	else
		local c
		for c in "$dir/lib/modules/$kver" "$(dirname "$kimg")/../lib/modules/$kver" \
			"$(dirname "$kimg")/lib/modules/$kver" "/lib/modules/$kver"; do
			[ -n "$c" ] && [ -d "$c" ] && { moddir=$c; break; }
		done
	fi
	[ -n "$moddir" ] && moddir=$(realpath "$moddir")
	if [ -n "$moddir" ] && [ ! -f "$moddir/modules.dep" ]; then
		moddir_src=$moddir
		moddir=$(depmod_shadow "$moddir")
	fi
	flock -u "$lockfd"
}

# A modules folder without modules.dep (not made by modules_install): build a
# symlink copy in the cache and run depmod there, leaving the original alone.
depmod_shadow() {
	local src=$1 key dir tmp
	key=$(printf '%s' "$src" | sha256sum | cut -c1-12)
	dir=$CACHE_DIR/kernels/modules-$key
	if [ ! -f "$dir/lib/modules/$kver/modules.dep" ]; then
		rm -rf "$dir"
		tmp=$dir/lib/modules/$kver
		mkdir -p "$tmp"
		cp -rs "$src/." "$tmp/"
		depmod -b "$dir" "$kver" || die "depmod failed for $src"
	fi
	echo "$dir/lib/modules/$kver"
}

# ---------------------------------------------------------------- initramfs

# Prints the boot modules and their dependencies, dependencies first, as
# "name path" lines, from modules.dep (whose lines list every dependency of a
# module, transitively). Modules the kernel lacks are left out: built in, or
# really missing, in which case the guest init reports what then fails.
module_closure() {
	awk -v want="${BOOT_MODULES[*]}" -v dir="$moddir" '
	function modname(p) { sub(/.*\//, "", p); sub(/\.ko.*/, "", p); gsub(/-/, "_", p); return p }
	function visit(m,   i, n, d) {
		if (m in seen || !(m in path)) return
		seen[m] = 1
		n = split(deps[m], d, " ")
		for (i = n; i >= 1; i--) visit(modname(d[i]))
		print m, (path[m] ~ /^\// ? "" : dir "/") path[m]
	}
	{
		sub(/:$/, "", $1)
		m = modname($1)
		path[m] = $1
		$1 = ""
		deps[m] = $0
	}
	END { n = split(want, w, " "); for (i = 1; i <= n; i++) visit(w[i]) }
	' FS='[: ]+' "$moddir/modules.dep"
}

# Derived files (initramfs images, uncompressed kernels) are cheap to remake:
# drop those unused for two weeks. Unpacked kernels stay.
prune_cache() {
	find "$CACHE_DIR/initramfs" "$CACHE_DIR/vmlinux" -maxdepth 1 -type f \
		-mtime +14 -delete 2>/dev/null || true
}

# Builds (or reuses) the initramfs for this kernel; sets $initrd.
build_initramfs() {
	local bb key list
	bb=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
	if ldd "$bb" >/dev/null 2>&1; then
		die "$bb is dynamically linked (apt-get install busybox-static)"
	fi
	list=
	[ -n "$moddir" ] && list=$(module_closure)
	key=$( { echo "$list"; sha256sum "$bb" "$VM_DIR/guest-init.sh" "$VM_DIR/guest-stage2.sh"
		if [ -n "$list" ]; then awk '{print $2}' <<<"$list" | xargs stat -L -c '%n %s %Y'; fi; } |
		sha256sum | cut -c1-16)
	initrd=$CACHE_DIR/initramfs/$key.cpio.gz
	[ -f "$initrd" ] && { touch "$initrd"; return 0; }
	mkdir -p "$CACHE_DIR/initramfs"
	local root=$work/initramfs name f
	mkdir -p "$root/bin" "$root/modules"
	cp "$bb" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	install -m 0755 "$VM_DIR/guest-init.sh" "$root/init"
	install -m 0755 "$VM_DIR/guest-stage2.sh" "$root/stage2.sh"
	if [ -n "$list" ]; then
		while read -r name f; do
			# busybox insmod cannot read compressed modules: unpack here.
			case "$f" in
			*.ko.xz) xz -dc "$f" ;;
			*.ko.zst) zstd -qdc "$f" ;;
			*.ko.gz) gzip -dc "$f" ;;
			*) cat "$f" ;;
			esac > "$root/modules/$name.ko"
			echo "$name.ko" >> "$root/modules.order"
		done <<<"$list"
	fi
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 | gzip -1) > "$initrd.tmp.$$"
	mv "$initrd.tmp.$$" "$initrd"
	rm -rf "$root"
}

# ---------------------------------------------------------------- accel

# /dev/kvm can be present yet unusable (a nested host that only runs PVM
# guests hangs real ones). Boot the kernel without a root fs under KVM: a
# working KVM reaches the "cannot mount root" panic in a few seconds. The
# verdict is cached for this host boot.
kvm_works() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	local id verdict f
	id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)
	f=$CACHE_DIR/kvm-probe.$id
	if [ -f "$f" ]; then
		verdict=$(cat "$f")
	else
		verdict=bad
		if timeout -k 1 15 qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 256 \
			-nodefaults -display none -no-reboot -serial stdio \
			-kernel "$kimg" -append "console=ttyS0 panic=-1 loglevel=4" \
			</dev/null 2>/dev/null | grep -q -m1 -e 'Kernel panic' -e 'Unable to mount root'; then
			verdict=ok
		fi
		rm -f "$CACHE_DIR"/kvm-probe.*
		echo "$verdict" > "$f"
		[ "$verdict" = ok ] || say "kvm does not boot a guest here; using tcg"
	fi
	[ "$verdict" = ok ]
}

choose_accel() {
	case "$accel" in
	tcg) ;;
	kvm) kvm_works || die "--accel kvm: kvm is not usable here" ;;
	auto) if kvm_works; then accel=kvm; else accel=tcg; fi ;;
	esac
}

# ---------------------------------------------------------------- run

work=''
qpid=''
fpid=''
# shellcheck disable=SC2317 # invoked from traps
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null || true
		sleep 0.5
		kill -KILL "$qpid" 2>/dev/null || true
	fi
	[ -z "$fpid" ] || kill "$fpid" 2>/dev/null || true
	[ -z "$work" ] || rm -rf "$work"
	return 0
}
# shellcheck disable=SC2317
on_signal() { trap - ERR EXIT; say "interrupted"; cleanup; exit "$1"; }

# Is $1 hidden in the guest by a fresh mount?
masked() {
	case "$1" in /tmp|/tmp/*|/run|/run/*|/dev|/dev/*|/proc|/proc/*|/sys|/sys/*) return 0 ;; esac
	return 1
}

# Is $1 inside one of the folders that follow?
under_any() {
	local p=$1 d
	shift
	for d in "$@"; do
		case "$p/" in "$d"/*) return 0 ;; esac
	done
	return 1
}

prepare_run() {
	mkdir -p "$work/ctl" "$work/disks"
	truncate -s "$SCRATCH_SIZE" "$work/disks/scratch.img"
	mkfs.ext4 -q -F -E lazy_itable_init=1,lazy_journal_init=1 -L pinfork-scratch \
		"$work/disks/scratch.img" || die "mkfs.ext4 failed"
	truncate -s "$SWAP_SIZE" "$work/disks/swap.img"
	chmod 0600 "$work/disks/swap.img"
	# To the guest this is a block device: holes do not matter.
	mkswap "$work/disks/swap.img" >/dev/null 2>&1 || die "mkswap failed"

	local conf=$work/ctl/vm.conf s i=0
	: > "$conf"
	qshare=()
	local all=("$REPO_DIR") ro=()
	for s in "${shares[@]}"; do
		[ -d "$s" ] || die "--share: no such folder: $s"
		all+=("$(realpath "$s")")
	done
	# The guest mounts fresh tmpfs on /tmp and /run: what it needs from
	# there (modules, the cwd) is shared read-only at the same path.
	for s in "$moddir" "$moddir_src" "$(pwd -P)"; do
		[ -n "$s" ] && masked "$s" && ! under_any "$s" "${all[@]}" && ro+=("$s")
	done
	for s in "${all[@]}"; do
		qshare+=(-fsdev "local,id=fs$i,path=${s//,/,,},security_model=none,multidevs=remap"
			-device "virtio-9p-pci,fsdev=fs$i,mount_tag=pfshare$i")
		echo "share pfshare$i $s" >> "$conf"
		i=$((i + 1))
	done
	for s in "${ro[@]}"; do
		qshare+=(-fsdev "local,id=fs$i,path=${s//,/,,},security_model=none,readonly=on,multidevs=remap"
			-device "virtio-9p-pci,fsdev=fs$i,mount_tag=pfshare$i")
		echo "roshare pfshare$i $s" >> "$conf"
		i=$((i + 1))
	done
	echo "scratch $SCRATCH_SERIAL $SCRATCH_MNT" >> "$conf"
	echo "swap $SWAP_SERIAL" >> "$conf"
	[ -n "$moddir" ] && echo "modules $kver $moddir" >> "$conf"

	# The command, run by the guest's bash in the host's cwd.
	local v
	{
		echo "cd -- $(printf '%q' "$(pwd -P)") || exit 125"
		echo "export HOME=/root USER=root LOGNAME=root SHELL=/bin/bash"
		echo "export PINFORK_VM=1 PINFORK_SCRATCH=$SCRATCH_MNT"
		[ "$accel" != tcg ] || echo "export PINFORK_VM_TCG=1"	# run.sh allows slower programs
		for v in TERM LANG LC_ALL TZ $(compgen -e | grep '^PINFORK_' || true); do
			case "$v" in PINFORK_VM|PINFORK_SCRATCH|PINFORK_VM_ACCEL|PINFORK_VM_TCG) continue ;; esac
			[ -n "${!v+x}" ] && echo "export $v=$(printf '%q' "${!v}")"
		done
		printf 'exec'
		printf ' %q' "${cmd[@]}"
		printf '\n'
	} > "$work/ctl/cmd.sh"
}

qemu_args() {
	local half=$((mem / 2)) cpu=max
	[ "$accel" = kvm ] && cpu=host
	local append="console=ttyS0 rdinit=/init panic=-1 mitigations=off"
	append+=" hugepages=$hugepages 8250.nr_uarts=1 i8042.noaux i8042.nopnp"
	# Under TCG, crypto self-tests and ACPI PCI IRQ routing (~0.2 s per
	# device) are the biggest avoidable costs of a boot.
	append+=" tsc=reliable no_timer_check cryptomgr.notests acpi=noirq"
	# Emulated, zeroing a few hundred MiB takes tens of seconds: Debian's 6.1
	# reported "soft lockup - CPU#0 stuck for 23s" in clear_page_erms during
	# pin_mm's compaction case, a taint the kernel-log oracle then blames on
	# the next case. The longest threshold (2 x 60 s) keeps real lockups.
	[ "$accel" != tcg ] || append+=" watchdog_thresh=60"
	append+=" ${PINFORK_VM_APPEND:-}"
	if [ "$verbose" = 1 ]; then append+=" loglevel=7"; else append+=" quiet loglevel=3"; fi
	# shellcheck disable=SC2054 # commas are qemu's, not array separators
	# One socket per NUMA node: two cores of one socket on two nodes share
	# an LLC, which the kernel WARNs about (taint W before any test ran).
	qargs=(-accel "$accel" -cpu "$cpu" -smp 2,sockets=2,cores=1,threads=1 -m "$mem"
		-object "memory-backend-ram,id=m0,size=${half}M"
		-object "memory-backend-ram,id=m1,size=$((mem - half))M"
		-numa node,nodeid=0,cpus=0,memdev=m0
		-numa node,nodeid=1,cpus=1,memdev=m1
		-nodefaults -no-user-config -display none -no-reboot
		-chardev stdio,id=con,signal=off -serial chardev:con
		-kernel "${boot_img//,/,,}" -initrd "${initrd//,/,,}" -append "$append"
		-fsdev "local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=fsroot,mount_tag=pfroot
		-fsdev "local,id=fsctl,path=${work//,/,,}/ctl,security_model=none"
		-device virtio-9p-pci,fsdev=fsctl,mount_tag=pfctl
		"${qshare[@]}"
		-drive "if=none,id=scratch,file=${work//,/,,}/disks/scratch.img,format=raw,cache=unsafe"
		-device "virtio-blk-pci,drive=scratch,serial=$SCRATCH_SERIAL"
		-drive "if=none,id=swap,file=${work//,/,,}/disks/swap.img,format=raw,cache=unsafe"
		-device "virtio-blk-pci,drive=swap,serial=$SWAP_SERIAL"
		-netdev user,id=n0,restrict=on
		-device virtio-net-pci,netdev=n0,romfile=)
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# Streams the console through console-filter.awk (boot noise to a log, shown
# on failure or with --verbose; the command's output to stdout; markers to
# files) and watches the clock.
run_vm() {
	local fifo=$work/console why='' t0 now awk_cmd=(awk)
	mkfifo "$fifo"
	# mawk reads a pipe in blocks unless interactive: the output would lag.
	case "$(awk -W version 2>/dev/null || true)" in mawk*) awk_cmd=(awk -W interactive) ;; esac
	say "booting $kname ($accel)"
	t0=$(now_us)
	# timeout(1) is a safety net should this script be SIGKILLed.
	timeout -k 5 $((timeout + 60)) qemu-system-x86_64 "${qargs[@]}" \
		</dev/null >"$fifo" 2>"$work/qemu.err" &
	qpid=$!
	"${awk_cmd[@]}" -v state="$work" -v t0_us="$t0" -v verbose="$verbose" \
		-f "$VM_DIR/console-filter.awk" <"$fifo" &
	fpid=$!
	while kill -0 "$fpid" 2>/dev/null; do
		sleep 0.2
		now=$(($(now_us) - t0))
		if [ ! -f "$work/ready" ] && [ "$now" -gt $((boot_timeout * 1000000)) ]; then
			why="guest did not start the command within $boot_timeout s"
		elif [ "$now" -gt $((timeout * 1000000)) ]; then
			why="run exceeded --timeout $timeout s"
		fi
		if [ -n "$why" ]; then
			cleanup_qemu
			break
		fi
	done
	wait "$fpid" || true
	fpid=''
	local qrc=0
	wait "$qpid" || qrc=$?
	qpid=''
	if [ -z "$why" ]; then
		[ -f "$work/ctl/exit-status" ] && return "$(cat "$work/ctl/exit-status")"
		[ -f "$work/exit-marker" ] && return "$(cat "$work/exit-marker")"
		if [ -f "$work/guest-error" ]; then
			why="guest init: $(cat "$work/guest-error")"
			[ -z "$moddir" ] && why+=" (no modules folder found for $kver: pass --modules DIR, or use a kernel with 9p, virtio and overlay built in)"
		elif [ -f "$work/panic" ]; then why="the guest kernel panicked while the command ran"
		elif [ -f "$work/ready" ]; then why="guest stopped without reporting an exit status (qemu status $qrc)"
		else why="qemu exited during boot (status $qrc)"
		fi
	fi
	if [ ! -f "$work/ready" ]; then
		tail -n 25 "$work/boot.log" 2>/dev/null | sed 's/^/# vm: console: /' >&2
		sed 's/^/# vm: qemu: /' "$work/qemu.err" | tail -n 10 >&2
	fi
	die "$why"
}

cleanup_qemu() {
	kill -TERM "$qpid" 2>/dev/null || true
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$qpid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$qpid" 2>/dev/null || true
}

main() {
	parse_args "$@"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found"
	trap cleanup EXIT
	# Whatever fails unexpectedly is ours, not the command's: exit 125.
	set -E
	trap 'rc=$?; [ "$rc" = 125 ] || say "error: internal error (status $rc) at line $LINENO"; exit 125' ERR
	trap 'on_signal 130' INT
	trap 'on_signal 143' TERM
	trap 'on_signal 129' HUP
	resolve_kernel
	if [ "$resolve_only" = 1 ]; then
		printf '%s\t%s\n' "$kver" "$kname"
		exit 0
	fi
	choose_accel
	prune_cache
	boot_img=$kimg
	if [ "$pvh" = 1 ] && [ "$accel" = tcg ]; then
		boot_img=$(pvh_vmlinux "$kimg") || boot_img=$kimg
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/pinfork-vm.XXXXXX")
	build_initramfs
	prepare_run
	qemu_args
	local rc=0
	run_vm || rc=$?
	exit "$rc"
}

main "$@"
