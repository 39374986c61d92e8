#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pinfork: the installed suite's command (/usr/bin/pinfork of the Debian
# package). It runs the installed run.sh, which takes the same options, on the
# programs built when the package was: nothing is built here. The difference
# is where results go: ./pinfork-results/<timestamp> under the current folder
# unless --results is given (run.sh in a source tree writes into the tree).
#
# The suite is found in $PINFORK_LIBDIR, else in ../lib/pinfork beside this
# script's real location (/usr/bin -> /usr/lib/pinfork), so a package unpacked
# anywhere (dpkg -x pkg.deb ROOT; ROOT/usr/bin/pinfork) runs its own files.
set -euo pipefail

self=$(realpath -- "${BASH_SOURCE[0]}")
libdir=${PINFORK_LIBDIR:-$(dirname "$self")/../lib/pinfork}
run=$libdir/run.sh
if [ ! -x "$run" ]; then
	printf 'pinfork: %s: not found or not executable (set PINFORK_LIBDIR to the folder of run.sh)\n' "$run" >&2
	exit 1
fi

# Does this invocation run cases (and so need a results folder)?
wants_results() {
	local a
	for a in "$@"; do
		case "$a" in
		--results|--results=*|--list|--restore|--compare|-h|--help) return 1 ;;
		esac
	done
	return 0
}

# A results folder no earlier run has: run.sh would empty an earlier run's.
new_results_dir() {
	local base n=1 dir
	base=pinfork-results/$(date +%Y%m%d-%H%M%S)
	dir=$base
	while [ -e "$dir" ]; do dir=$base.$n; n=$((n + 1)); done
	printf './%s' "$dir"
}

if [[ " $* " == *" -h "* || " $* " == *" --help "* ]]; then
	"$run" --help | sed -e 's|\./run\.sh|pinfork|g' \
		-e 's|default: results/<timestamp>|default: ./pinfork-results/<timestamp>|'
	exit 0
fi
if wants_results "$@"; then
	set -- "$@" --results "$(new_results_dir)"
fi
exec "$run" "$@"
