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
#   ./pinfork/requirements   the shared libraries the programs load: soname,
#                            the Debian package that ships it here, and
#                            whether the tarball carries it
#   ./pinfork/lib*.so.*      with KSELFTEST_BUNDLE_LIBS=1 (the default): every
#                            library but glibc's, next to the programs (their
#                            RUNPATH has $ORIGIN), so they run on a rootfs
#                            without liburing or libibverbs, or with another
#                            libfuse3 soname (Debian 13 ships libfuse3.so.4).
#                            KSELFTEST_BUNDLE_LIBS=0 for an RDMA lab: the
#                            system's libibverbs finds the system's providers
#   ./pinfork/README         how to run it
#
# Debug info stripped (symbols kept). Reproducible: sorted names, owner
# root, mtime of the last commit (or $SOURCE_DATE_EPOCH), gzip without a
# time stamp. PINFORK_PROFILE picks the settings timeout (harness/install.sh).
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

# "soname path" of every library the programs load (ldd: the whole tree),
# glibc's own and the tarball's helper library left out.
program_libraries() {
	local f
	for f in "$stage/$COLLECTION"/*; do
		if [ -f "$f" ] && [ -x "$f" ] && [[ $f != *.so ]]; then ldd "$f"; fi
	done | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
		grep -Ev '^(libc|libm|libpthread|libdl|librt|ld-linux[^ ]*|libpinfork_helper)\.so'
}

# Copies the libraries next to the programs; each gets RUNPATH $ORIGIN, so
# its own dependencies (libibverbs' libnl) come from the tarball too: a
# program's RUNPATH serves only its direct dependencies.
bundle_libraries() {
	local so path
	command -v patchelf >/dev/null ||
		die "KSELFTEST_BUNDLE_LIBS=1 needs patchelf (apt-get install patchelf), or KSELFTEST_BUNDLE_LIBS=0"
	while read -r so path; do
		install -m 0644 "$(readlink -f "$path")" "$stage/$COLLECTION/$so"
		strip --strip-debug "$stage/$COLLECTION/$so"
		patchelf --set-rpath '$ORIGIN' "$stage/$COLLECTION/$so"
	done < <(program_libraries)
}

# The sonames the programs and the bundled libraries need.
needed_sonames() {
	local f
	for f in "$stage/$COLLECTION"/*; do
		readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' || true
	done | sort -u | grep -v '^libpinfork_helper\.so$'
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
		echo "# Shared libraries the pinfork programs load (built on"
		echo "# $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}"), $(uname -m)): 'bundled' ones are in"
		echo "# this folder, 'system' ones must be installed on the target."
		echo "# soname  package-on-the-build-machine  bundled|system"
		while read -r so; do
			path=$(ldconfig -p 2>/dev/null | awk -v so="$so" '$1 == so && !p { print $NF; p = 1 }')
			pkg=$(package_of "$path")
			where=system
			[ -e "$stage/$COLLECTION/$so" ] && where=bundled
			printf '%s %s %s\n' "$so" "${pkg:--}" "$where"
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
  KSELFTEST_URING_FIXED_ARGS="-t uring-fixed-*" ./run_kselftest.sh -t pinfork:uring_fixed
                      (the value is split at blanks; quotes in it stay quotes)
  PINFORK_PROFILE=quick ./run_kselftest.sh -c pinfork -o 300

Options as the kernel's run_kselftest.sh: -s -p [DIR] -t -S -c -l -d -f -n -o -h.
Exit 1 when a program failed (-f: 0), else 0. pinfork/settings holds the
per-program timeout of the profile it was built for; -o overrides it.
The programs run as root and need glibc >= the build machine's and the
libraries pinfork/requirements marks 'system' (a tarball built with
KSELFTEST_BUNDLE_LIBS=0: Debian 12 apt-get install liburing2 libibverbs1
libfuse3-3 libnuma1; the RDMA cases also need the lab's rdma-core providers).
pinfork/pinfork-restore puts back system knobs after a killed run.
EOF
}

"$REPO/harness/install.sh" "$stage" "$build" >/dev/null
# Debug info is 3/4 of the bytes and no use on a CI board; symbols stay.
for f in "$stage/$COLLECTION"/*; do
	if [ -x "$f" ] && [ ! -d "$f" ]; then strip --strip-debug "$f"; fi
done
install -m 0755 "$REPO/kselftest/run_kselftest.sh" "$stage/run_kselftest.sh"
if [ "${KSELFTEST_BUNDLE_LIBS:-1}" = 1 ]; then bundle_libraries; fi
write_requirements
write_readme

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}
mkdir -p "$(dirname "$out")"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner \
	--mtime="@$epoch" -cf - . | gzip -n >"$out.tmp"
mv "$out.tmp" "$out"
printf 'mktar.sh: %s: %d programs, %s bytes\n' "$out" \
	"$(grep -c "^$COLLECTION:" "$stage/kselftest-list.txt")" "$(stat -c %s "$out")"
