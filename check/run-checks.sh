#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: the harness's own tests, the oracles' negative self-tests,
# sanitizer and clang builds, then the suite on this kernel. Each concern is
# a file in check/sections/, run in name order in this shell; a file uses
# pass/fail/section/expect_line and $WORK, $BUILD, $PY, $demo.
# CHECK_SECTIONS="10 60" runs only the sections whose names start so.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
WORK=$(mktemp -d /tmp/pinfork-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0
step=0
demo=$BUILD/check/harness_demo
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
section() { step=$((step + 1)); echo; echo "== $step. $*"; }

# expect_line FILE REGEX WHAT
expect_line() {
	if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no line matching: $2)"; fi
}

wanted() {
	[ -z "${CHECK_SECTIONS:-}" ] && return 0
	for p in $CHECK_SECTIONS; do
		case "$(basename "$1")" in "$p"*) return 0 ;; esac
	done
	return 1
}

for s in check/sections/*.sh; do
	wanted "$s" || continue
	# shellcheck source=/dev/null
	. "$s"
done

echo
if [ "$failures" = 0 ]; then
	echo "make check: all checks passed"
	exit 0
fi
echo "make check: $failures check(s) failed"
exit 1
