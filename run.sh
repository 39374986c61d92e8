#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pinfork: install what the build needs, build, run every test program on this
# kernel (or, with --kernel, on a candidate kernel in a VM) and write a results
# folder. Run as root: cases that need root SKIP otherwise.
#
# usage: ./run.sh [options]
#   --list                 list every case: PROG CASE SUMMARY (the cases of
#                          --profile if given, else of every profile)
#   -t, --tests GLOB       run only cases matching GLOB (repeatable or
#                          comma-separated; passed to each program as -t)
#   -p, --profile NAME     quick | full (default) | stress: configs/profile-NAME.conf
#   --timeout SEC          per-case timeout (passed as -T); each program's own
#                          limit grows to fit its cases
#   --race-seconds S       duration of each time-bounded race (passed as -r)
#   --results DIR          results folder (default: results/<timestamp>)
#   --restore              put back the system knobs a killed run left changed
#   --no-install           never install packages; fail naming what is missing
#   --kernel K             run in a VM booted with kernel K (vm/boot.sh): a
#                          bzImage, a Debian linux-image .deb, or 'debian'
#   --modules DIR          the modules folder (lib/modules/VER) of a bzImage
#   --compare OLD NEW      what changed between two results folders: new
#                          failures first, then fixed, then newly skipped
#   -h, --help
# Exit: 0 nothing failed, 1 a case or program failed (or the run was
# interrupted, or the build failed), 2 usage error.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BUILD="$REPO/build"
REPORT="$BUILD/pinfork-report"
RESTORE="$BUILD/pinfork-restore"
STATE_DIR=${PINFORK_STATE_DIR:-/var/tmp/pinfork}
KILL_GRACE=10		# seconds between TERM and KILL for a program

APT_PKGS=(build-essential make pkg-config liburing-dev libibverbs-dev
	ibverbs-providers rdma-core libnuma-dev)
DNF_PKGS=(gcc make pkgconf-pkg-config liburing-devel rdma-core-devel
	libibverbs numactl-devel)

opt_prebuilt=0 opt_list=0 opt_restore=0 opt_install=1 opt_timeout='' opt_race=''
opt_profile='' opt_results='' opt_kernel='' opt_modules='' globs='' opt_compare=()
vm_args=()		# the arguments a VM run passes on to ./run.sh
phase=setup interrupted='' cur_tpid='' cur_pipe=''
args=()			# the options of the program about to run

say() { printf 'run.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
	sed -n '/^# usage:/,/^set -euo/{/^set /d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

usage_error() {
	say "$*"
	say "try './run.sh --help'"
	exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_num() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

parse_args() {
	local opt val
	while [ $# -gt 0 ]; do
		opt=$1 val=''
		case "$opt" in
		--*=*) val=${opt#*=} opt=${opt%%=*} ;;
		esac
		case "$opt" in
		-t|--tests|-p|--profile|--timeout|--race-seconds|--results|--kernel|--modules)
			if [ -z "$val" ]; then
				[ $# -ge 2 ] || usage_error "$opt needs a value"
				val=$2
				shift
			fi
			[ -n "$val" ] || usage_error "$opt needs a value" ;;
		esac
		case "$opt" in
		--compare)
			[ $# -ge 3 ] || usage_error "--compare needs two results folders"
			opt_compare=("$2" "$3")
			shift 3
			continue ;;
		--list) opt_list=1 ;;
		-t|--tests) globs=${globs:+$globs,}$val ;;
		-p|--profile)
			[ -f "$REPO/configs/profile-$val.conf" ] ||
				usage_error "unknown profile '$val' (quick, full or stress)"
			opt_profile=$val ;;
		--timeout)
			if ! is_uint "$val" || [ "$val" -eq 0 ]; then
				usage_error "--timeout needs a number of seconds, not '$val'"
			fi
			opt_timeout=$val ;;
		--race-seconds)
			is_num "$val" || usage_error "--race-seconds needs seconds, not '$val'"
			opt_race=$val ;;
		--results) opt_results=$val ;;
		--restore) opt_restore=1 ;;
		--no-install) opt_install=0 ;;
		--prebuilt) opt_prebuilt=1 ;;	# internal: the VM guest runs what the host built
		--kernel) opt_kernel=$val ;;
		--modules) opt_modules=$val ;;
		-h|--help) usage; exit 0 ;;
		*) usage_error "unknown argument '$1'" ;;
		esac
		case "$opt" in
		--kernel|--modules|--results|--no-install) ;;
		-t|--tests|-p|--profile|--timeout|--race-seconds) vm_args+=("$opt" "$val") ;;
		*) vm_args+=("$opt") ;;
		esac
		shift
	done
	if [ $((opt_list + opt_restore)) -gt 1 ]; then
		usage_error "--list and --restore do not go together"
	fi
}

# ---- build dependencies ----------------------------------------------------

missing_packages() {
	local p
	if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
		for p in "${APT_PKGS[@]}"; do
			[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] ||
				printf '%s\n' "$p"
		done
	elif command -v dnf >/dev/null && command -v rpm >/dev/null; then
		for p in "${DNF_PKGS[@]}"; do
			rpm -q --quiet --whatprovides "$p" || printf '%s\n' "$p"
		done
	fi
}

ensure_deps() {
	local missing pm
	mapfile -t missing < <(missing_packages)
	if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
		pm=apt-get
	elif command -v dnf >/dev/null; then
		pm=dnf
	else
		say "no apt-get or dnf here: make sure a C compiler, make, pkg-config and the liburing, libibverbs and libnuma headers are installed"
		return 0
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$opt_install" = 0 ]; then
		die "missing build dependencies: ${missing[*]} (--no-install given; install them with: $pm install ${missing[*]})"
	fi
	if [ "$(id -u)" -ne 0 ]; then
		die "missing build dependencies: ${missing[*]}; run as root, or install them with: sudo $pm install ${missing[*]}"
	fi
	say "installing build dependencies with $pm: ${missing[*]}"
	if [ "$pm" = apt-get ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
			die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >&2 ||
			die "apt-get install ${missing[*]} failed"
	else
		dnf install -y "${missing[@]}" >&2 || die "dnf install ${missing[*]} failed"
	fi
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] || die "still missing after installing: ${missing[*]}"
}

build() {
	make -s --no-print-directory -C "$REPO" -j"$(nproc)" all >&2 ||
		die "the build failed (see the errors above)"
}

# The test programs, sorted; only what exists and runs.
test_programs() {
	local p
	if [ "$opt_prebuilt" = 1 ]; then	# no make over 9p in the guest
		for p in "$BUILD"/tests/*; do [ -x "$p" ] && printf '%s\n' "$p"; done
		return 0
	fi
	make -s --no-print-directory -C "$REPO" tests | sort | while read -r p; do
		case "$p" in /*) ;; *) p="$REPO/$p" ;; esac
		[ -f "$p" ] && [ -x "$p" ] && printf '%s\n' "$p"
	done
}

# ---- knobs -------------------------------------------------------------------

# Shows what the journal of a killed run holds, then puts it back.
restore_knobs() {
	local journal="$STATE_DIR/knobs.journal" path value now seen=' '
	if [ ! -s "$journal" ]; then
		say "restore: nothing to restore (no journal at $journal)"
		return 0
	fi
	while IFS=$'\t' read -r path value; do
		[ -n "$path" ] || continue
		case "$seen" in *" $path "*) continue ;; esac
		seen="$seen$path "
		now=$(sed -n 's/.*\[\(.*\)\].*/\1/p;q' "$path" 2>/dev/null || true)
		[ -n "$now" ] || now=$(head -n 1 "$path" 2>/dev/null || echo '?')
		say "restore: $path: $now -> $value"
	done <"$journal"
	if [ ! -x "$RESTORE" ]; then
		make -s --no-print-directory -C "$REPO" "$RESTORE" >&2 ||
			die "restore: cannot build $RESTORE"
	fi
	if "$RESTORE"; then
		say "restore: done, journal cleared"
	else
		say "restore: some knobs could not be restored (journal kept: $journal)"
		return 1
	fi
}

# ---- profile -------------------------------------------------------------------

# Value of key (or key.PROG) in the profile; empty when unset.
profile_value() {
	local key=$1 prog=$2 file="$REPO/configs/profile-${profile}.conf" k v out=''
	[ -f "$file" ] || return 0
	while IFS='=' read -r k v; do
		k=${k//[[:space:]]/} v=${v%%#*} v=${v//[[:space:]]/}
		case "$k" in
		"$key") [ -n "$out" ] || out=$v ;;
		"$key.$prog") out=$v; break ;;
		esac
	done < <(grep -v '^[[:space:]]*#' "$file")
	printf '%s' "$out"
}

prog_args() {
	local prog=$1 race
	args=(-p "$profile")
	[ -z "$globs" ] || args+=(-t "$globs")
	[ -z "$opt_timeout" ] || args+=(-T "$opt_timeout")
	race=${opt_race:-$(profile_value race_seconds "$prog")}
	[ -z "$race" ] || args+=(-r "$race")
}

# A program's limit: the profile's, or more when --timeout asks for it.
prog_limit() {
	local path=$1 prog=$2 limit n
	limit=$(profile_value timeout "$prog")
	is_uint "$limit" || limit=300
	if [ -n "$opt_timeout" ]; then
		n=$("$path" --list "${args[@]}" 2>/dev/null | wc -l || true)
		n=$((n * opt_timeout + 30))
		[ "$n" -le "$limit" ] || limit=$n
	fi
	printf '%s' "$limit"
}

# ---- listing -----------------------------------------------------------------

list_cases() {
	local path prog name summary listed=0
	while read -r path; do
		prog=${path##*/}
		args=(-p "${opt_profile:-stress}")
		[ -z "$globs" ] || args+=(-t "$globs")
		while IFS=$'\t' read -r name summary _; do
			[ -n "$name" ] || continue
			printf '%s %s %s\n' "$prog" "$name" "$summary"
			listed=$((listed + 1))
		done < <("$path" --list "${args[@]}" || say "$prog --list failed")
	done < <(test_programs)
	[ "$listed" -gt 0 ] || say "no case matched"
}

# ---- environment and kernel log ---------------------------------------------------

usec() { local t=${EPOCHREALTIME/./}; printf '%s' "$t"; }
seconds_since() {
	local d=$(($(usec) - $1))
	printf '%d.%03d' $((d / 1000000)) $((d % 1000000 / 1000))
}

kernel_config() {
	local cfg
	cfg="/boot/config-$(uname -r)"
	if [ -r /proc/config.gz ]; then
		echo "# from /proc/config.gz"
		zcat /proc/config.gz
	elif [ -r "$cfg" ]; then
		echo "# from $cfg"
		cat "$cfg"
	else
		echo "# no /proc/config.gz or $cfg"
	fi
}

write_env() {
	local keys f
	keys=$(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' "$REPO/configs/pinfork.config" |
		sed 's/^CONFIG_//' | tr '\n' '|')
	keys="${keys}TRANSPARENT_HUGEPAGE[A-Z0-9_]*|IO_URING|USERFAULTFD|KSM|HUGETLBFS|INFINIBAND[A-Z0-9_]*|RDMA_RXE|NUMA|SWAP|MIGRATION"
	{
		echo "== pinfork"
		echo "commit: $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
		echo "command: ./run.sh ${cmdline[*]}"
		echo "profile: $profile"
		echo "user: $(id -un) (uid $(id -u))"
		echo "== uname -a"
		uname -a
		echo "== /proc/cmdline"
		cat /proc/cmdline 2>/dev/null || true
		echo "== os"
		grep -s '^PRETTY_NAME=' /etc/os-release || true
		echo "cpus: $(nproc)"
		echo "numa nodes online: $(cat /sys/devices/system/node/online 2>/dev/null || echo none)"
		echo "== transparent hugepages"
		grep -rs --exclude-dir=stats . /sys/kernel/mm/transparent_hugepage/ | sort || true
		echo "== ksm"
		grep -s . /sys/kernel/mm/ksm/run /sys/kernel/mm/ksm/merge_across_nodes \
			/sys/kernel/mm/ksm/pages_to_scan /sys/kernel/mm/ksm/sleep_millisecs || true
		echo "== hugetlb"
		grep -s . /proc/sys/vm/nr_hugepages /proc/sys/vm/nr_overcommit_hugepages || true
		for f in /sys/kernel/mm/hugepages/hugepages-*; do
			[ -d "$f" ] && grep -s . "$f/nr_hugepages" "$f/free_hugepages" \
				"$f/resv_hugepages" "$f/surplus_hugepages"
		done || true
		echo "== /proc/meminfo"
		grep -E '^(MemTotal|MemFree|MemAvailable|Swap[A-Za-z]*|Mlocked|AnonHugePages|ShmemHugePages|ShmemPmdMapped|FileHugePages|FilePmdMapped|HugePages_[A-Za-z]*|Hugepagesize|Hugetlb)' /proc/meminfo || true
		echo "== swap"
		cat /proc/swaps 2>/dev/null || true
		echo "== sysctl"
		grep -s . /proc/sys/kernel/io_uring_disabled /proc/sys/kernel/io_uring_group \
			/proc/sys/vm/overcommit_memory /proc/sys/vm/max_map_count \
			/proc/sys/kernel/tainted /proc/sys/kernel/dmesg_restrict \
			/proc/sys/kernel/numa_balancing /proc/sys/vm/compaction_proactiveness || true
		echo "== rdma devices"
		ls /sys/class/infiniband 2>/dev/null || echo none
		echo "== kernel config"
		kernel_config | grep -E "^(# )?CONFIG_($keys)[= ]" || true
	} >"$results/env.txt" 2>&1
}

# Timestamp of the newest kernel log line: the run's slice is what follows it.
dmesg_mark() {
	{ dmesg 2>/dev/null || true; } | tail -n 1 |
		sed -n 's/^\[ *\([0-9][0-9]*\.[0-9]*\)\].*/\1/p'
}

write_dmesg() {
	local out="$results/dmesg.txt" log
	if ! log=$(dmesg 2>&1); then
		printf 'dmesg not readable: %s\n' "$log" >"$out"
		return 0
	fi
	if [ -z "$dmesg_start" ]; then	# no timestamps: count lines instead
		printf '%s\n' "$log" | tail -n "+$((dmesg_lines + 1))" >"$out"
		return 0
	fi
	printf '%s\n' "$log" | awk -v mark="$dmesg_start" '
		/^\[ *[0-9]+\.[0-9]+\]/ {
			ts = $0; sub(/^\[ */, "", ts); sub(/\].*/, "", ts)
			keep = (ts + 0 > mark + 0)
		}
		keep' >"$out"
}

# ---- running -----------------------------------------------------------------

tap_line() { printf '%s\n' "$*" | tee -a "$tap"; }

on_signal() {
	local sig=$1
	interrupted=$sig
	case "$phase" in
	setup)
		say "interrupted ($sig)"
		exit 1 ;;
	run)
		say "interrupted ($sig): stopping the running program"
		if [ -n "$cur_tpid" ]; then
			# timeout(1) leads its own process group: the program is in it
			kill -TERM -- "-$cur_tpid" 2>/dev/null || true
		fi ;;
	esac
}

# Runs one program the way the kselftest runner does; sets prog_rc, prog_result.
run_program() {
	local path=$1 num=$2 prog=${1##*/} limit start rcfile pidfile waited
	prog_args "$prog"
	limit=$(prog_limit "$path" "$prog")
	rcfile="$results/.rc" pidfile="$results/.pid"
	rm -f "$rcfile" "$pidfile"
	tap_line "# selftests: pinfork: $prog"
	start=$(usec)
	(
		rc=0
		timeout -k "$KILL_GRACE" "$limit" "$path" "${args[@]}" </dev/null 2>&1 &
		echo $! >"$pidfile"
		wait $! || rc=$?
		echo "$rc" >"$rcfile"
	) 2>/dev/null | tee "$results/programs/$prog.tap" | sed -u 's/^/# /' | tee -a "$tap" &
	cur_pipe=$!
	while [ ! -s "$pidfile" ] && kill -0 "$cur_pipe" 2>/dev/null; do
		sleep 0.01
	done
	cur_tpid=$(cat "$pidfile" 2>/dev/null || true)
	[ -z "$interrupted" ] || on_signal "$interrupted"
	waited=0
	while kill -0 "$cur_pipe" 2>/dev/null; do
		wait "$cur_pipe" 2>/dev/null || true
		if [ -n "$interrupted" ] && kill -0 "$cur_pipe" 2>/dev/null; then
			sleep 0.1
			waited=$((waited + 1))
			if [ "$waited" -eq $((KILL_GRACE * 10)) ] && [ -n "$cur_tpid" ]; then
				kill -KILL -- "-$cur_tpid" 2>/dev/null || true
			fi
		fi
	done
	cur_tpid=''
	prog_secs=$(seconds_since "$start")
	prog_rc=$(cat "$rcfile" 2>/dev/null || echo 255)
	if [ -n "$interrupted" ]; then
		prog_result=interrupted
		tap_line "not ok $num selftests: pinfork: $prog # interrupted ($interrupted)"
	elif [ "$prog_rc" = 0 ]; then
		prog_result=ok
		tap_line "ok $num selftests: pinfork: $prog"
	elif [ "$prog_rc" = 4 ]; then
		prog_result=skip
		tap_line "ok $num selftests: pinfork: $prog # SKIP"
	elif [ "$prog_rc" = 124 ] || [ "$prog_rc" = 137 ]; then
		prog_result="timeout $limit seconds"
		tap_line "not ok $num selftests: pinfork: $prog # TIMEOUT $limit seconds"
	else
		prog_result="exit=$prog_rc"
		tap_line "not ok $num selftests: pinfork: $prog # exit=$prog_rc"
	fi
	printf '%s\t%s\t%s\t%s\n' "$prog" "$prog_rc" "$prog_result" "$prog_secs" \
		>>"$results/programs.tsv"
	rm -f "$rcfile" "$pidfile"
	# A program killed from outside could not put its knobs back.
	case "$prog_result" in
	ok|skip) ;;
	*) if [ -s "$STATE_DIR/knobs.journal" ]; then restore_knobs || true; fi ;;
	esac
}

make_results_dir() {
	local base
	if [ -n "$opt_results" ]; then
		results=$opt_results
	else
		base="$REPO/results/$(date +%Y%m%d-%H%M%S)"
		results=$base
		local n=1
		while [ -e "$results" ]; do results="$base.$n"; n=$((n + 1)); done
	fi
	mkdir -p "$results/programs" || die "cannot create $results"
	results=$(cd "$results" && pwd -P)
	tap="$results/output.tap"
	: >"$tap"
	rm -f "$results/records.tsv" "$results/programs.tsv" "$results"/programs/*.tap
	touch "$results/records.tsv" "$results/programs.tsv"
}

run_suite() {
	local progs=() path num=0 start_us start_iso end_iso rc=0 report_rc=0
	mapfile -t progs < <(test_programs)
	[ ${#progs[@]} -gt 0 ] || die "no test programs were built"
	make_results_dir
	start_us=$(usec)
	start_iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	dmesg_start=$(dmesg_mark)
	dmesg_lines=$({ dmesg 2>/dev/null || true; } | wc -l)
	write_env
	export PINFORK_RECORD="$results/records.tsv"
	say "results: $results"
	phase=run
	tap_line "TAP version 13"
	tap_line "1..${#progs[@]}"
	for path in "${progs[@]}"; do
		num=$((num + 1))
		run_program "$path" "$num"
		case "$prog_result" in ok|skip) ;; *) rc=1 ;; esac
		if [ -n "$interrupted" ]; then
			tap_line "Bail out! run.sh interrupted ($interrupted)"
			break
		fi
	done
	phase=report
	end_iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	write_dmesg
	"$REPORT" --records "$results/records.tsv" --programs "$results/programs.tsv" \
		--tap "$tap" --json "$results/results.json" --junit "$results/junit.xml" \
		--summary --kernel "$(uname -r)" --uname "$(uname -a)" \
		--host "$(uname -n)" --profile "$profile" --start "$start_iso" \
		--end "$end_iso" --seconds "$(seconds_since "$start_us")" \
		${interrupted:+--interrupted} >"$results/summary.txt" || report_rc=$?
	cat "$results/summary.txt"
	echo
	echo "Results: $results"
	[ "$report_rc" -ne 2 ] || say "pinfork-report failed: results.json/junit.xml may be incomplete"
	[ "$report_rc" -eq 0 ] || rc=1
	[ -z "$interrupted" ] || rc=1
	return "$rc"
}

# ---- compare two results folders --------------------------------------------

results_kernel() {
	sed -n 's/^  "kernel": "\(.*\)",$/\1/p' "$1/results.json" 2>/dev/null | head -1
}

# Prints the changes from OLD to NEW; exit 1 when NEW has new failures.
compare_results() {
	local old=$1 new=$2 d
	for d in "$old" "$new"; do
		[ -f "$d/records.tsv" ] || usage_error "$d: not a results folder (no records.tsv)"
	done
	printf 'pinfork compare\n  old: %s (%s)\n  new: %s (%s)\n' \
		"$old" "$(results_kernel "$old")" "$new" "$(results_kernel "$new")"
	awk -F'\t' '
	function bad(s) { return s == "fail" || s == "error" || s == "timeout" }
	function show(title, list, n) {
		printf "\n%s (%d)\n", title, n
		if (!n) print "  none"
		else printf "%s", list
	}
	FNR == NR { old[$1 " " $2] = $3; next }
	{
		key = $1 " " $2; was = (key in old) ? old[key] : "absent"; seen[key] = 1
		if (bad($3) && !bad(was)) {
			nf++; fails = fails sprintf("  %-14s %s (was %s): %s%s\n", $1, $2, was, $5,
				$7 != "" ? "; fixes: " $7 : "")
		} else if (bad(was) && $3 == "pass") {
			nx++; fixed = fixed sprintf("  %-14s %s (was %s)\n", $1, $2, was)
		} else if ($3 == "skip" && was != "skip") {
			ns++; skips = skips sprintf("  %-14s %s (was %s): %s\n", $1, $2, was, $5)
		} else if ($3 == "pass" && was == "skip") {
			nr++
		} else if (bad($3)) {
			still++
		}
	}
	END {
		for (k in old) if (!(k in seen)) gone++
		show("new failures", fails, nf)
		show("fixed", fixed, nx)
		show("newly skipped", skips, ns)
		printf "\nstill failing: %d; now run and passing (skipped before): %d; cases only in old: %d\n",
			still, nr, gone
		exit nf ? 1 : 0
	}' "$old/records.tsv" "$new/records.tsv"
}

# ---- VM mode -------------------------------------------------------------------

run_in_vm() {
	make_results_dir
	cd "$REPO"
	say "running in a VM with kernel $opt_kernel; results: $results"
	local modules=()
	[ -z "$opt_modules" ] || modules=(--modules "$opt_modules")
	exec "$REPO/vm/boot.sh" --kernel "$opt_kernel" "${modules[@]}" --share "$results" \
		--share "$REPO" -- ./run.sh --no-install --prebuilt "${vm_args[@]}" --results "$results"
}

main() {
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
	trap 'on_signal HUP' HUP
	cmdline=("$@")
	parse_args "$@"
	profile=${opt_profile:-full}
	if [ -n "$opt_kernel" ] && [ ! -x "$REPO/vm/boot.sh" ]; then
		usage_error "--kernel needs vm/boot.sh, which this tree does not have yet"
	fi
	if [ "$opt_restore" = 1 ]; then
		restore_knobs
		exit $?
	fi
	if [ ${#opt_compare[@]} -eq 2 ]; then
		compare_results "${opt_compare[@]}"
		exit $?
	fi
	if [ "$opt_prebuilt" = 0 ]; then
		ensure_deps
		build
	fi
	if [ "$opt_list" = 1 ]; then
		list_cases
		exit 0
	fi
	[ -z "$opt_kernel" ] || run_in_vm
	if [ "$(id -u)" -ne 0 ]; then
		say "warning: not root: cases that need root (system knobs, hugetlb, KSM, RDMA, the kernel log) will SKIP"
	fi
	run_suite
}

main "$@"
