#!/bin/bash
# pinfork VM mode self-test: boots a kernel with vm/boot.sh and checks what
# the guest gets (scratch disk, swap, NUMA, hugetlb, overlay root, soft-RoCE),
# that exit codes, shares and timeouts behave, and measures boot time.
#
#   vm/selftest.sh [--kernel K] [--release PREFIX] [--runs N]
#
# K defaults to "debian" (PREFIX then defaults to 6.1.). --runs N boots N
# more times running `true` and prints the median time to the command (0
# skips it). Prints TAP; exits 0 when everything holds.
set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BOOT=$VM_DIR/boot.sh
kernel=debian release='' runs=3

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift ;;
	--release) release=${2:?}; shift ;;
	--runs) runs=${2:?}; shift ;;
	*) echo "usage: $0 [--kernel K] [--release PREFIX] [--runs N]" >&2; exit 2 ;;
	esac
	shift
done
[ -z "$release" ] && [ "$kernel" = debian ] && release=6.1.

out=$(mktemp -d "${TMPDIR:-/tmp}/pinfork-vm-selftest.XXXXXX")
trap 'rm -rf "$out"' EXIT
rm -f /usr/.pinfork-vm-probe

n=0 failed=0
result() { # status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}
ready_time() { sed -n 's/^# vm: guest ready after \([0-9.]*\)s$/\1/p' "$1"; }

echo "TAP version 13"
plan=5
[ "$runs" -gt 0 ] && plan=6
echo "1..$plan"

# 1: the checks inside the guest, their TAP shown as diagnostics.
pwd -P > "$out/cwd"
rc=0
"$BOOT" --kernel "$kernel" --share "$out" -- \
	"$VM_DIR/selftest-guest.sh" "$release" "$out" >"$out/guest.tap" 2>"$out/guest.err" || rc=$?
sed 's/^/# /' "$out/guest.err" "$out/guest.tap"
result "$rc" "guest checks pass (boot.sh exit $rc)"

# 2: a share is written through; the root overlay is not.
ok=0
[ "$(cat "$out/from-guest" 2>/dev/null)" = "written in the guest" ] || ok=1
[ ! -e /usr/.pinfork-vm-probe ] || { ok=1; echo "# guest write reached the host's /usr"; }
result "$ok" "--share is written through, the host root is not"

# 3: the command's exit status comes back.
rc=0
"$BOOT" --kernel "$kernel" -- sh -c 'echo "to stdout"; exit 7' >"$out/exit.out" 2>"$out/exit.err" || rc=$?
sed 's/^/# /' "$out/exit.err" "$out/exit.out"
ok=1
[ "$rc" = 7 ] && [ "$(cat "$out/exit.out")" = "to stdout" ] && ok=0
result "$ok" "exit status 7 and output come back unmarked (got $rc)"

# 4: a boot that cannot finish in time is an infrastructure error.
rc=0
"$BOOT" --kernel "$kernel" --boot-timeout 1 -- true >/dev/null 2>"$out/bt.err" || rc=$?
sed 's/^/# /' "$out/bt.err" | grep -v '# vm: console' || true
ok=1
[ "$rc" = 125 ] && grep -q '^# vm: error: ' "$out/bt.err" && ok=0
result "$ok" "boot timeout gives exit 125 (got $rc)"

# 5: so does a command that outlives --timeout.
rc=0
start=$SECONDS
"$BOOT" --kernel "$kernel" --timeout 25 -- sleep 600 >/dev/null 2>"$out/to.err" || rc=$?
sed 's/^/# /' "$out/to.err"
ok=1
[ "$rc" = 125 ] && [ $((SECONDS - start)) -lt 60 ] && ok=0
result "$ok" "--timeout kills a long command, exit 125 (got $rc)"

# 6: boot time, qemu start to command start.
if [ "$runs" -gt 0 ]; then
	times=()
	for _ in $(seq "$runs"); do
		"$BOOT" --kernel "$kernel" -- true >/dev/null 2>"$out/t.err" || true
		t=$(ready_time "$out/t.err")
		times+=("${t:-999}")
	done
	median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	echo "# boot to command: ${times[*]} s, median $median s"
	ok=1
	awk -v m="$median" 'BEGIN { exit !(m < 20) }' && ok=0
	result "$ok" "median boot to command under 20 s ($median s)"
fi

echo "# Totals: pass:$((n - failed)) fail:$failed"
[ "$failed" = 0 ]
