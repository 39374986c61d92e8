#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run_kselftest.sh: pinfork's own runner for a standalone kselftest tarball
# (`make kselftest-tar`). It speaks the interface of the kernel's
# tools/testing/selftests/run_kselftest.sh, which CI systems call (LKFT's
# kselftest.sh, tuxrun, KernelCI), without being a copy of it:
#
#   kselftest-list.txt       "collection:program" lines, next to this script
#   COLLECTION/settings      timeout=N seconds per program (default 45)
#   KSELFTEST_<PROG>_ARGS    extra arguments of one program (name upper-cased,
#                            every character not [A-Za-z0-9_] made '_')
#
# Output is TAP 13: one header and plan for the whole run, per program
# "# timeout set to N", "# selftests: COLLECTION: PROG", its output with every
# line prefixed "# ", then one result line:
#   ok N selftests: C: P               exit 0
#   ok N selftests: C: P # SKIP        exit 4
#   not ok N selftests: C: P # TIMEOUT S seconds     exit 124 (timeout(1))
#   not ok N selftests: C: P # exit=RC               anything else
# and at the end "# Totals: pass:.. fail:.. xfail:0 xpass:0 skip:.. error:0".
# Exit status: 1 when a program failed (unless -f), else 0; 1 on a bad option
# or an unknown collection or test, before anything runs.
# POSIX sh: runs under dash, bash and busybox ash.

set -u

SKIP_RC=4
TIMEOUT_RC=124
DEFAULT_TIMEOUT=45

BASE_DIR=$(cd "$(dirname "$0")" && pwd -P) || exit 1
LIST=$BASE_DIR/kselftest-list.txt

usage() {
	if [ "$1" != 0 ]; then exec >&2; fi
	cat <<EOF
Usage: $0 [OPTIONS]
  -s | --summary               program output to output.log, not to stdout
  -p | --per-test-log [DIR]    program output to DIR/PROG (default /tmp)
  -t | --test COLLECTION:TEST  run TEST of COLLECTION (repeatable)
  -S | --skip COLLECTION:TEST  leave TEST out (repeatable)
  -c | --collection NAME       run every test of NAME (repeatable)
  -l | --list                  list the collection:test entries
  -d | --dry-run               print what would run, run nothing
  -f | --no-error-on-fail      exit 0 even when tests failed
  -n | --netns                 accepted; pinfork uses no network, so ignored
  -o | --override-timeout SEC  per-program timeout instead of settings
  -h | --help                  this text
Environment: KSELFTEST_<PROG>_ARGS adds arguments to one program;
PINFORK_PROFILE, PINFORK_RACE_SECONDS as the programs document (--help).
EOF
	exit "$1"
}

die() {
	printf '%s: %s\n' "$0" "$*" >&2
	exit 1
}

is_seconds() {
	case "$1" in '' | *[!0-9]* | 0) return 1 ;; esac
	return 0
}

available() {
	if [ -r "$LIST" ]; then grep -v '^[[:space:]]*\(#\|$\)' "$LIST"; fi
}

# The per-program limit of COLLECTION: -o, else its settings file, else 45.
collection_timeout() {
	if [ -n "$override_timeout" ]; then
		printf '%s' "$override_timeout"
		return
	fi
	secs=$DEFAULT_TIMEOUT
	if [ -r "$BASE_DIR/$1/settings" ]; then
		v=$(sed -n 's/^[[:space:]]*timeout[[:space:]]*=[[:space:]]*\([0-9][0-9]*\)[[:space:]]*$/\1/p' \
			"$BASE_DIR/$1/settings" | tail -n 1)
		if is_seconds "$v"; then secs=$v; fi
	fi
	printf '%s' "$secs"
}

# The value of KSELFTEST_<PROG>_ARGS for program $1.
program_args() {
	var=KSELFTEST_$(printf '%s' "$1" | tr -c '[:alnum:]_' '_' | tr '[:lower:]' '[:upper:]')_ARGS
	eval "printf '%s' \"\${$var:-}\""
}

# Prefix every line with "# " as it comes (fflush: live output on a serial
# console, which is how LAVA reads it).
prefix() {
	awk '{ print "# " $0; fflush() }'
}

# Runs program $2 of collection $1 with limit $3 seconds in its folder; its
# output (stdout and stderr) to stdout; its exit status is the status. GNU
# timeout: the inner one kills the program's process group (it runs it in a
# group of its own), the outer --foreground one only guards a program on a
# terminal. busybox timeout has no --foreground and exits 128+SIGTERM when
# the limit hits: seen after the limit, that is the timeout status 124.
run_program() {
	cd "$BASE_DIR/$1" || return 1
	args=$(program_args "$2")
	set -f	# the arguments are split at blanks, as upstream, but never globbed
	if [ "$timeout_kind" = gnu ]; then
		# shellcheck disable=SC2086 # the arguments are words, as upstream
		timeout --foreground -k 10 "$(($3 + 5))" \
			timeout -k 5 "$3" "./$2" $args
	elif [ "$timeout_kind" = busybox ]; then
		start=$(date +%s)
		# shellcheck disable=SC2086
		timeout -k 5 "$3" "./$2" $args
		rc=$?
		case "$rc" in
		137 | 143) [ $(($(date +%s) - start)) -lt "$3" ] || rc=$TIMEOUT_RC ;;
		esac
		return "$rc"
	else
		echo "warning: no timeout(1): $2 runs without a limit"
		# shellcheck disable=SC2086
		"./$2" $args
	fi
}

# gnu, busybox or none: which timeout(1) there is.
timeout_kind() {
	if ! command -v timeout >/dev/null 2>&1; then
		echo none
	elif timeout --foreground 5 true 2>/dev/null; then
		echo gnu
	else
		echo busybox
	fi
}

# Runs one program; its prefixed output goes to fd 4, its status is returned.
run_captured() {
	rc=$({ { run_program "$@" 2>&1; echo "$?" >&3; } | prefix >&4; } 3>&1)
	return "${rc:-1}"
}

result_line() { # NUM NAME RC SECONDS
	case "$3" in
	0) echo "ok $1 $2"; n_pass=$((n_pass + 1)) ;;
	"$SKIP_RC") echo "ok $1 $2 # SKIP"; n_skip=$((n_skip + 1)) ;;
	"$TIMEOUT_RC")
		echo "not ok $1 $2 # TIMEOUT $4 seconds"
		n_fail=$((n_fail + 1)) ;;
	*) echo "not ok $1 $2 # exit=$3"; n_fail=$((n_fail + 1)) ;;
	esac
}

# The file the programs' output goes to: stdout, output.log (-s) or DIR/PROG
# (-p). Opened as fd 4 once per program; stdout is duplicated, never reopened
# through /dev/stdout, so a runner writing to a file keeps one offset.
open_log() {
	if [ -n "$per_test_dir" ]; then
		exec 4>"$per_test_dir/$1"
	elif [ -n "$summary_log" ]; then
		exec 4>>"$summary_log"
	else
		exec 4>&1
	fi
}

run_one() { # NUM COLLECTION PROGRAM
	name="selftests: $2: $3"
	limit=$(collection_timeout "$2")
	open_log "$3"
	if [ -n "$override_timeout" ]; then
		echo "# overriding timeout to $limit" >&4
	else
		echo "# timeout set to $limit" >&4
	fi
	echo "# $name"
	if [ ! -f "$BASE_DIR/$2/$3" ]; then
		echo "# Warning: file $2/$3 is missing!"
		result_line "$1" "$name" 1 "$limit"
	elif [ ! -x "$BASE_DIR/$2/$3" ]; then
		echo "# Warning: file $2/$3 is not executable"
		result_line "$1" "$name" 1 "$limit"
	else
		run_captured "$2" "$3" "$limit"
		result_line "$1" "$name" "$?" "$limit"
	fi
	exec 4>&-
}

# Option parsing
summary_log='' per_test_dir='' dry_run='' error_on_fail=1 override_timeout=''
tests='' skips='' collections=''
while [ $# -gt 0 ]; do
	case "$1" in
	-s | --summary) summary_log=$BASE_DIR/output.log; shift ;;
	-p | --per-test-log)
		per_test_dir=/tmp
		if [ $# -gt 1 ] && [ -n "$2" ] && [ "${2#-}" = "$2" ]; then
			per_test_dir=$2
			shift
		fi
		shift ;;
	-t | --test) [ $# -gt 1 ] || usage 1; tests="$tests $2"; shift 2 ;;
	-S | --skip) [ $# -gt 1 ] || usage 1; skips="$skips $2"; shift 2 ;;
	-c | --collection) [ $# -gt 1 ] || usage 1; collections="$collections $2"; shift 2 ;;
	-l | --list) available; exit 0 ;;
	-d | --dry-run) dry_run=1; shift ;;
	-f | --no-error-on-fail) error_on_fail=''; shift ;;
	-n | --netns) shift ;;
	-o | --override-timeout)
		if [ $# -lt 2 ] || ! is_seconds "$2"; then die "-o: a number of seconds > 0"; fi
		override_timeout=$2
		shift 2 ;;
	-h | --help) usage 0 ;;
	*) usage 1 ;;
	esac
done

[ -r "$LIST" ] || die "Could not find list of tests to run ($LIST)"
if [ -n "$per_test_dir" ]; then
	if ! mkdir -p "$per_test_dir" || ! per_test_dir=$(cd "$per_test_dir" && pwd -P) ||
		[ ! -w "$per_test_dir" ]; then
		die "-p: cannot write logs in $per_test_dir"
	fi
	summary_log=''
fi
if [ -n "$summary_log" ]; then : >"$summary_log" || die "cannot write $summary_log"; fi

# The selection: -c and -t add (in order, each entry once), -S removes;
# without -c or -t, everything in the list.
selected=''
for c in $collections; do
	found=$(available | awk -F: -v c="$c" '$1 == c')
	[ -n "$found" ] || die "No such collection '$c'"
	selected="$selected $found"
done
for entry in $tests; do
	available | grep -qxF -e "$entry" || die "No such test '$entry'"
	selected="$selected $entry"
done
[ -n "$collections$tests" ] || selected=$(available)
run_list=''
for entry in $selected; do
	case " $run_list $skips " in *" $entry "*) continue ;; esac
	run_list="$run_list $entry"
done
total=0
for entry in $run_list; do total=$((total + 1)); done

if [ -n "$dry_run" ]; then
	for entry in $run_list; do
		c=${entry%%:*} p=${entry#*:} args=$(program_args "${entry#*:}")
		echo "cd $BASE_DIR/$c && timeout $(collection_timeout "$c") ./$p${args:+ $args}"
	done
	exit 0
fi

n_pass=0 n_fail=0 n_skip=0 num=0 last=''
timeout_kind=$(timeout_kind)
echo "TAP version 13"
echo "1..$total"
for entry in $run_list; do
	c=${entry%%:*} p=${entry#*:}
	if [ "$c" != "$last" ] && [ -w /dev/kmsg ]; then
		echo "kselftest: Running tests in $c" 2>/dev/null >/dev/kmsg
	fi
	last=$c
	num=$((num + 1))
	run_one "$num" "$c" "$p"
done
echo "# Totals: pass:$n_pass fail:$n_fail xfail:0 xpass:0 skip:$n_skip error:0"
if [ -n "$error_on_fail" ] && [ "$n_fail" -gt 0 ]; then exit 1; fi
exit 0
