#!/run/pinfork-vm/busybox sh
# shellcheck shell=sh
# pinfork VM mode, stage 2: PID 1 after switch_root into the overlay root.
# Runs the host-written command script, records its exit status in the
# control share (and as a console marker), then powers the guest off.

BB=/run/pinfork-vm/busybox
CTL=/run/pinfork-vm/ctl
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

sh=/bin/bash
[ -x "$sh" ] || sh=/bin/sh

echo "<<pinfork-vm-ready>>"
"$sh" "$CTL/cmd.sh" < /dev/null
rc=$?
echo "$rc" > "$CTL/exit-status"
$BB sync
echo "<<pinfork-vm-exit:$rc>>"
$BB poweroff -f
$BB sleep 5
echo o > /proc/sysrq-trigger
