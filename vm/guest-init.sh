#!/bin/sh
# pinfork VM mode, stage 1: /init of the initramfs that vm/boot.sh packs.
# Runs under busybox. Loads the few modules listed in /modules.order, mounts
# the host's root (9p, read-only) under a tmpfs overlay, mounts the shares,
# scratch disk, swap and the usual pseudo filesystems, brings up eth0, then
# switch_root's into the overlay where stage 2 runs the command.
# Per-run settings come from the host through the "pfctl" 9p share (vm.conf).

PATH=/bin
export PATH
R=/newroot

/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /lower /rw /newroot /ctl
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# The host strips this marker from the console and reports it as an error.
die() {
	echo "<<pinfork-vm-error:$*>>"
	[ -s /tmp/insmod.log ] && sed 's/^/pinfork-vm: /' /tmp/insmod.log
	echo "pinfork-vm: block devices: $(ls /sys/block)"
	echo "pinfork-vm: modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
	poweroff -f
	sleep 5
	echo o > /proc/sysrq-trigger
}

mkdir -p /tmp
if [ -f /modules.order ]; then
	while read -r m; do
		# A module may be built in or already loaded: only failures of
		# what we then use matter, and those show up as mount errors.
		insmod "/modules/$m" 2>>/tmp/insmod.log || true
	done < /modules.order
fi

O9P="trans=virtio,version=9p2000.L,msize=262144"

# Device probing is synchronous, but give a slow TCG guest a little slack.
mount_9p() { # tag dir options
	i=0
	while ! mount -t 9p -o "$O9P,$3" "$1" "$2" 2>/tmp/mount.err; do
		i=$((i + 1))
		[ $i -ge 50 ] && return 1
		sleep 0.1
	done
}

mount_9p pfctl /ctl cache=none || die "cannot mount control share: $(cat /tmp/mount.err)"
[ -f /ctl/vm.conf ] || die "no vm.conf in control share"

mount_9p pfroot /lower ro,cache=loose || die "cannot mount host root over 9p: $(cat /tmp/mount.err)"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	die "cannot mount the overlay root"

# Fresh instances for the new root; the initramfs keeps its own until the
# switch so that device names read /dev/vda, not /newroot/dev/vda.
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t devtmpfs devtmpfs "$R/dev"
mkdir -p "$R/dev/pts" "$R/dev/shm" "$R/dev/hugepages" "$R/tmp" "$R/run"
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts "$R/dev/pts"
# devtmpfs has no /dev/fd: bash process substitution needs it
ln -sf /proc/self/fd "$R/dev/fd"
ln -sf /proc/self/fd/0 "$R/dev/stdin"
ln -sf /proc/self/fd/1 "$R/dev/stdout"
ln -sf /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t hugetlbfs hugetlbfs "$R/dev/hugepages" 2>/dev/null
mount -t debugfs debugfs "$R/sys/kernel/debug" 2>/dev/null
mount -t tracefs tracefs "$R/sys/kernel/tracing" 2>/dev/null
mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup" 2>/dev/null
mount -t configfs configfs "$R/sys/kernel/config" 2>/dev/null
mkdir -p "$R/run/lock" "$R/run/pinfork-vm/ctl"
mount --move /ctl "$R/run/pinfork-vm/ctl"
cp /bin/busybox /stage2.sh "$R/run/pinfork-vm/"

disk_by_serial() {
	for b in /sys/block/vd*; do
		[ "$(cat "$b/serial" 2>/dev/null)" = "$1" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}

# vm.conf: one "key value..." per line, written by vm/boot.sh.
while read -r key a b; do
	case "$key" in
	share)	# share TAG PATH (PATH may contain spaces, so it is last)
		mkdir -p "$R$b"
		mount_9p "$a" "$R$b" cache=mmap || die "cannot mount share $b: $(cat /tmp/mount.err)"
		;;
	roshare) # roshare TAG PATH
		mkdir -p "$R$b"
		mount_9p "$a" "$R$b" ro,cache=loose || die "cannot mount share $b: $(cat /tmp/mount.err)"
		;;
	scratch) # scratch SERIAL MOUNTPOINT
		dev=$(disk_by_serial "$a") || die "scratch disk not found"
		mkdir -p "$R$b"
		mount -t ext4 "$dev" "$R$b" || die "cannot mount scratch disk $dev"
		chmod 1777 "$R$b"
		;;
	swap)	# swap SERIAL
		dev=$(disk_by_serial "$a") || die "swap disk not found"
		swapon "$dev" || die "swapon $dev failed"
		;;
	modules) # modules VERSION DIR: make DIR the guest's /lib/modules/VERSION
		if [ "$b" != "/lib/modules/$a" ] && [ "$b" != "/usr/lib/modules/$a" ]; then
			mkdir -p "$R/lib/modules/$a"
			mount --bind "$R$b" "$R/lib/modules/$a" || die "cannot bind modules $b"
		fi
		;;
	esac
done < "$R/run/pinfork-vm/ctl/vm.conf"

hostname pinfork-vm
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
	ip link set eth0 up
	ip addr add 10.0.2.15/24 dev eth0
	ip route add default via 10.0.2.2 dev eth0 2>/dev/null
fi

umount /proc /sys /dev
exec switch_root "$R" /run/pinfork-vm/busybox sh /run/pinfork-vm/stage2.sh
