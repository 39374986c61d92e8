#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mktar.sh BUILD OUT: the standalone kselftest tarball (`make kselftest-tar`),
# laid out as the kernel's `make -C tools/testing/selftests gen_tar` lays out
# kselftest.tar.gz, so LKFT's kselftest.sh (TESTPROG_URL), tuxrun's kselftest
# overlay and KernelCI unpack and run it as they are:
#
#   ./run_kselftest.sh       our own runner (kselftest/run_kselftest.sh)
#   ./kselftest-list.txt     pinfork:PROG lines
#   ./pinfork/               programs, settings, config, pinfork-restore and
#                            libpinfork_helper.so (harness/install.sh)
#   ./pinfork/requirements   what the programs load from the target's system:
#                            soname, the Debian package that ships it here
#   ./pinfork/README         how to run it
#
# Debug info stripped (symbols kept). Reproducible: sorted names, owner root, mtime of the last commit (or
# $SOURCE_DATE_EPOCH), gzip without a time stamp.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
COLLECTION=pinfork

die() { printf 'mktar.sh: %s\n' "$*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: mktar.sh BUILD OUT"
build=$1 out=$2
case "$build" in /*) ;; *) build="$REPO/$build" ;; esac
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

stage=$(mktemp -d "${TMPDIR:-/tmp}/pinfork-ktar.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"	# "./" in the tarball: the mode of the folder it unpacks into

# The sonames the programs need that the tarball does not carry.
needed_sonames() {
	local f
	for f in "$stage/$COLLECTION"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
	done | sort -u | while read -r so; do
		[ -e "$stage/$COLLECTION/$so" ] || printf '%s\n' "$so"
	done
}

# The Debian package that ships library file $1 (a merged /usr lists it
# under either name), empty when not known.
package_of() {
	local p
	[ -n "$1" ] && command -v dpkg >/dev/null || return 0
	for p in "$1" "/usr$1" "${1#/usr}" "$(readlink -f "$1")"; do
		dpkg -S "$p" 2>/dev/null | awk -F: 'NR == 1 { print $1 }' | grep . && return 0
	done
	return 0
}

# "soname package" lines; the package is what ships the library on this
# build machine (dpkg -S), '-' where that is not known.
write_requirements() {
	local so path pkg
	{
		echo "# Shared libraries the pinfork programs load from the target's system"
		echo "# (built on $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}"), $(uname -m))."
		echo "# soname  package-on-the-build-machine"
		while read -r so; do
			path=$(ldconfig -p 2>/dev/null | awk -v so="$so" '$1 == so && !p { print $NF; p = 1 }')
			pkg=$(package_of "$path")
			printf '%s %s\n' "$so" "${pkg:--}"
		done < <(needed_sonames)
		echo "# run-time tools: sh (dash, bash or busybox), awk, timeout (coreutils)"
	} >"$stage/$COLLECTION/requirements"
}

write_readme() {
	cat >"$stage/$COLLECTION/README" <<EOF
pinfork kselftest tarball ($(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown))

Unpack anywhere as root and run:
  ./run_kselftest.sh -c pinfork            every program (TAP 13 on stdout)
  ./run_kselftest.sh -l                    the programs
  ./run_kselftest.sh -t pinfork:uring_fixed
  KSELFTEST_URING_FIXED_ARGS="-t 'uring-*'" ./run_kselftest.sh -t pinfork:uring_fixed
  PINFORK_PROFILE=quick ./run_kselftest.sh -c pinfork -o 300

Options as the kernel's run_kselftest.sh: -s -p [DIR] -t -S -c -l -d -f -n -o -h.
Exit 1 when a program failed (-f: 0), else 0. pinfork/settings holds the
per-program timeout of the profile it was built for; -o overrides it.
The programs need the shared libraries in pinfork/requirements (Debian:
apt-get install liburing2 libibverbs1 libfuse3-3 libnuma1), and run as root.
pinfork/pinfork-restore puts back system knobs after a killed run.
EOF
}

"$REPO/harness/install.sh" "$stage" "$build" >/dev/null
# Debug info is 3/4 of the bytes and no use on a CI board; symbols stay.
for f in "$stage/$COLLECTION"/*; do
	if [ -x "$f" ] && [ ! -d "$f" ]; then strip --strip-debug "$f"; fi
done
install -m 0755 "$REPO/kselftest/run_kselftest.sh" "$stage/run_kselftest.sh"
write_requirements
write_readme

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}
mkdir -p "$(dirname "$out")"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime="@$epoch" -cf - . | gzip -n >"$out.tmp"
mv "$out.tmp" "$out"
printf 'mktar.sh: %s: %d programs, %s bytes\n' "$out" \
	"$(grep -c "^$COLLECTION:" "$stage/kselftest-list.txt")" "$(stat -c %s "$out")"
