#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install.sh DIR BUILD: lays the built suite out as the kselftest collection
# "pinfork" in DIR (what `make install INSTALL_PATH=DIR` calls), so that the
# upstream runner runs it: `DIR/run_kselftest.sh -c pinfork` when DIR is (or is
# merged into) a kselftest install.
#
#   DIR/kselftest-list.txt   one "pinfork:PROG" line per program; lines of other
#                            collections already there are kept
#   DIR/pinfork/PROG         the test programs
#   DIR/pinfork/settings     timeout=N: the largest per-program limit of the
#                            profile $PINFORK_PROFILE (default full, the
#                            programs' default: configs/profile-NAME.conf).
#                            The runner has one timeout for the collection, so
#                            a run of a longer profile (PINFORK_PROFILE=stress
#                            at run time) needs the collection installed with
#                            the same PINFORK_PROFILE, or a runner that
#                            overrides the timeout (README "kselftest")
#   DIR/pinfork/config       the kernel config fragment (configs/pinfork.config)
#   DIR/pinfork/pinfork-restore  puts back knobs after a killed run (not a test)
#   DIR/pinfork/*.so         shared libraries a program loads (rpath $ORIGIN)
set -euo pipefail
export LC_ALL=C

COLLECTION=pinfork
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: install.sh DIR BUILD"
dir=$1 build=$2
case "$build" in /*) ;; *) build="$REPO/$build" ;; esac
[ -d "$build/tests" ] || die "$build/tests: nothing built (run make first)"

PROFILE=${PINFORK_PROFILE:-full}
PROFILE_CONF=$REPO/configs/profile-$PROFILE.conf
if ! [[ $PROFILE =~ ^[a-z]+$ ]] || [ ! -f "$PROFILE_CONF" ]; then
	die "PINFORK_PROFILE=$PROFILE: no such profile (configs/profile-NAME.conf: quick, full, exhaustive, stress)"
fi

# The slowest program's limit in the profile, so the runner's timeout never
# cuts a program that run.sh would have let finish.
profile_timeout() {
	local k v max=0
	while IFS='=' read -r k v; do
		k=${k//[[:space:]]/} v=${v%%#*} v=${v//[[:space:]]/}
		case "$k" in
		timeout|timeout.*)
			if [[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt "$max" ]; then max=$v; fi ;;
		esac
	done < <(grep -v '^[[:space:]]*#' "$PROFILE_CONF")
	[ "$max" -gt 0 ] || max=300
	printf '%s' "$max"
}

mapfile -t progs < <(find "$build/tests" -maxdepth 1 -type f -perm -u+x \
	-printf '%f\n' | sort)
[ ${#progs[@]} -gt 0 ] || die "$build/tests: no test programs"

mkdir -p "$dir/$COLLECTION"
dir=$(cd "$dir" && pwd -P)
for p in "${progs[@]}"; do
	install -m 0755 "$build/tests/$p" "$dir/$COLLECTION/$p"
done
# Shared libraries the programs load from their own folder (rpath $ORIGIN).
for so in "$build"/lib/*.so; do
	if [ -f "$so" ]; then install -m 0755 "$so" "$dir/$COLLECTION/${so##*/}"; fi
done
if [ -x "$build/pinfork-restore" ]; then
	install -m 0755 "$build/pinfork-restore" "$dir/$COLLECTION/pinfork-restore"
fi
install -m 0644 "$REPO/configs/pinfork.config" "$dir/$COLLECTION/config"
printf 'timeout=%s\n' "$(profile_timeout)" >"$dir/$COLLECTION/settings"

list="$dir/kselftest-list.txt"
tmp=$(mktemp "$dir/.kselftest-list.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if [ -f "$list" ]; then
	grep -v "^$COLLECTION:" "$list" >"$tmp" || true
fi
for p in "${progs[@]}"; do
	printf '%s:%s\n' "$COLLECTION" "$p"
done >>"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$list"
trap - EXIT

run_env=''
[ "$PROFILE" = full ] || run_env="PINFORK_PROFILE=$PROFILE "
printf 'install.sh: %d programs in %s/%s (profile %s, timeout=%s); run: %s%s/run_kselftest.sh -c %s\n' \
	"${#progs[@]}" "$dir" "$COLLECTION" "$PROFILE" "$(profile_timeout)" "$run_env" "$dir" "$COLLECTION"
