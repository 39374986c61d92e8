#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pinfork: install what the build needs, build, run every test program on this
# kernel (or, with --kernel, on a candidate kernel in a VM) and write a results
# folder. Run as root: cases that need root SKIP otherwise.
#
# usage: ./run.sh [options]
#   --list                 list every case (the cases of --profile if given,
#                          else of every profile): a header line, then one
#                          tab-separated line a case: program case backing
#                          pin event groups summary fixes covers. '-' marks a
#                          dimension the case does not expand over; groups
#                          are the profiles that run it (quick,full,
#                          exhaustive,stress); covers the pairs of its rows it
#                          stands for (quick:pin*event,full:pin*backing...)
#   --list --json          the same as a JSON array of objects with those
#                          keys (covers: an array)
#   -t, --tests GLOB       run only cases matching GLOB (repeatable or
#                          comma-separated; passed to each program as -t)
#   -p, --profile NAME     configs/profile-NAME.conf: quick (every pin x event
#                          pair once a program, no races) | full (default:
#                          every pair of rows, the template being one, once a
#                          program; one 0.5 s race a template) | exhaustive
#                          (every case) | stress (every case, long races)
#   --timeout SEC          per-case timeout (passed as -T); each program's own
#                          limit grows to fit its cases
#   --race-seconds S       duration of each time-bounded race (passed as -r)
#   --results DIR          results folder (default: results/<timestamp>). An
#                          existing folder must be empty, or a results folder
#                          of an earlier run, which is then emptied first:
#                          results of two runs are never mixed
#   --repeat N             run the selected cases N times: DIR/round-1 ...
#                          DIR/round-N hold each round; DIR itself the merged
#                          results (how often each case failed; flaky cases:
#                          bad in some rounds, passed in others)
#   --restore              put back the system knobs a killed run left changed
#   --no-install           never install packages; fail naming what is missing
#   --kernel K             run on kernel K: in a VM (vm/boot.sh) booted with a
#                          bzImage, a linux-image .deb, or a name: debian (=
#                          debian-6.1: what linux-image-amd64 points to),
#                          debian-6.12 (bookworm-security's 6.12); or 'host'
#                          (this machine's kernel, run directly). Repeatable:
#                          with more than one kernel the results folder holds
#                          a folder per kernel (named by a label: host-RELEASE,
#                          debian-6.1.0-57 ...), kernels.tsv and the matrix.
#                          A file that does not exist is a usage error
#   --kernels FILE         add the kernels FILE lists (one a line, '#'
#                          comments; a relative path is relative to FILE)
#   --parallel N           run up to N kernels at once (default: as many as
#                          the machine has 4 cpus and 4 GiB available for: a
#                          VM has 2 cpus and 3 GiB; at least 1)
#   --modules DIR          the modules folder (lib/modules/VER) of a bzImage
#                          (only with a single --kernel)
#   --compare OLD NEW      what changed between two results folders: new
#                          failures first, then fixed, then newly skipped. A
#                          case renamed in between (configs/aliases.tsv:
#                          program, old name, new name) compares as one case
#   -h, --help
# An option's value may not start with '-' (it is taken for a forgotten
# value): write --tests=-x if you mean it; a results folder never does
# (write ./-x). An empty value (--results=) is a usage error.
# A run (and --restore) holds an exclusive lock, $PINFORK_STATE_DIR/run.lock,
# shared with test programs started by hand: a second run waits for the first
# up to $PINFORK_LOCK_WAIT seconds (default 600), then gives up (exit 1). A
# VM run (--kernel) changes nothing on the host and takes no lock.
# Environment: PINFORK_BUILD (build folder, default ./build),
# PINFORK_STATE_DIR (knob journal and lock, default /var/tmp/pinfork),
# PINFORK_LOCK_WAIT, PINFORK_ALIASES (the alias table of --compare, default
# configs/aliases.tsv).
# Exit: 0 nothing failed; 1 a case or program failed (in any round or on any
# kernel), a kernel's VM failed (its folder's error.txt says why), the run
# was interrupted, its results could not all be written (the summary still
# goes to the terminal), the lock was not had, or the build failed;
# 2 usage error (also: --compare of a folder without case records, --results
# naming a folder that is not ours); 4 no case ran (none matched, or all
# skipped).
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# Installed (the pinfork package's /usr/lib/pinfork, no Makefile): the built
# programs sit beside run.sh and are run as they are (no build step).
INSTALLED=0; [ -f "$REPO/Makefile" ] || INSTALLED=1
BUILD_DEFAULT=$REPO/build; [ "$INSTALLED" = 0 ] || BUILD_DEFAULT=$REPO
BUILD=$(realpath -m -- "${PINFORK_BUILD:-$BUILD_DEFAULT}")
case "$BUILD/" in	# make's name for it: relative, as `make BUILD=build-x` has it
"$REPO"/*/) MAKE_BUILD=${BUILD#"$REPO"/} ;;
*) MAKE_BUILD=$BUILD ;;
esac
REPORT="$BUILD/pinfork-report"
RESTORE="$BUILD/pinfork-restore"
STATE_DIR=${PINFORK_STATE_DIR:-/var/tmp/pinfork}
KILL_GRACE=10		# seconds between TERM and KILL for a program
TCG_SLOWDOWN=4		# program limits in a VM without KVM: pin_mm's quick cases took 240 s, not 120
RESULTS_MARK=.pinfork-results	# in every results folder run.sh makes
# What run.sh writes into a results folder (and may remove from it).
RESULTS_ENTRIES='output\.tap|results\.json|junit\.xml|summary\.txt|records\.tsv|cases\.tsv|programs\.tsv|programs|env\.txt|dmesg\.txt|\.rc|\.pid|round-[0-9]+|\.pinfork-results|kernels\.tsv|error\.txt|matrix\.tsv|matrix\.json|report\.html|summary\.md|[a-z0-9._-]+\.log'

APT_PKGS=(build-essential make pkg-config liburing-dev libfuse3-dev)
DNF_PKGS=(gcc make pkgconf-pkg-config liburing-devel fuse3-devel)
# Optional: without them the build leaves RDMA or NUMA out and those cases SKIP.
APT_OPTIONAL=(libibverbs-dev ibverbs-providers rdma-core libnuma-dev)
DNF_OPTIONAL=(rdma-core-devel libibverbs numactl-devel)

opt_prebuilt=$INSTALLED opt_list=0 opt_json=0 opt_restore=0 opt_install=1 opt_timeout='' opt_race=''
opt_profile='' opt_results='' opt_modules='' globs='' opt_compare=()
opt_repeat=1 opt_kernels=() opt_parallel=''
vm_args=()		# the arguments a VM run passes on to ./run.sh
phase=setup interrupted='' cur_pid='' stop_sent=''
args=()			# the options of the program about to run
run_tmp=''		# private scratch (in RAM when it can): survives a full disk
lock_waiter=''		# flock(1) waiting for the run lock

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
	local opt val joined
	while [ $# -gt 0 ]; do
		opt=$1 val='' joined=''
		case "$opt" in
		--*=*) val=${opt#*=} opt=${opt%%=*} joined=1 ;;
		esac
		case "$opt" in
		-t|--tests|-p|--profile|--timeout|--race-seconds|--results|--kernel|--modules|--repeat|--kernels|--parallel)
			if [ -z "$joined" ]; then
				[ $# -ge 2 ] || usage_error "$opt needs a value"
				val=$2
				shift
				not_an_option "$opt" "$val"
			fi
			[ -n "$val" ] || usage_error "$opt needs a value${joined:+ after '='}" ;;
		esac
		case "$opt" in
		--compare)
			[ $# -ge 3 ] || usage_error "--compare needs two results folders"
			not_an_option --compare "$2"
			not_an_option --compare "$3"
			opt_compare=("$2" "$3")
			shift 3
			continue ;;
		--repeat)
			if ! is_uint "$val" || [ "$val" -eq 0 ]; then
				usage_error "--repeat needs a number of rounds, not '$val'"
			fi
			opt_repeat=$((10#$val)) ;;
		--list) opt_list=1 ;;
		--json) opt_json=1 ;;
		-t|--tests) globs=${globs:+$globs,}$val ;;
		-p|--profile)
			[ -f "$REPO/configs/profile-$val.conf" ] ||
				usage_error "unknown profile '$val' (quick, full, exhaustive or stress)"
			opt_profile=$val ;;
		--timeout)
			# the programs' bounds (harness/pf_main.c): 1 s to a day
			if ! is_uint "$val" || [ "${#val}" -gt 6 ] || [ "$((10#$val))" -eq 0 ] ||
				[ "$((10#$val))" -gt 86400 ]; then
				usage_error "--timeout needs whole seconds from 1 to 86400, not '$val'"
			fi
			opt_timeout=$((10#$val)) ;;
		--race-seconds)
			if ! is_num "$val" || ! [[ $val =~ [1-9] ]] || [ "${#val}" -gt 12 ] ||
				[ "$((10#${val%%.*}))" -ge 86400 ]; then
				usage_error "--race-seconds needs seconds, more than 0 and less than 86400, not '$val'"
			fi
			opt_race=$val ;;
		--results)
			case "$val" in
			-*) usage_error "--results: a folder name starting with '-' is taken for an option: write ./$val" ;;
			esac
			opt_results=$val ;;
		--restore) opt_restore=1 ;;
		--no-install) opt_install=0 ;;
		--prebuilt) opt_prebuilt=1 ;;	# internal: the VM guest runs what the host built
		--kernel) opt_kernels+=("$val") ;;
		--kernels) add_kernel_list "$val" ;;
		--parallel)
			if ! is_uint "$val" || [ "${#val}" -gt 3 ] || [ "$((10#$val))" -eq 0 ]; then
				usage_error "--parallel needs a number of kernels from 1 to 999, not '$val'"
			fi
			opt_parallel=$((10#$val)) ;;
		--modules) opt_modules=$val ;;
		-h|--help) usage; exit 0 ;;
		*) usage_error "unknown argument '$1'" ;;
		esac
		case "$opt" in
		--kernel|--kernels|--parallel|--modules|--results|--no-install|--repeat) ;;
		-t|--tests|-p|--profile|--timeout|--race-seconds) vm_args+=("$opt" "$val") ;;
		*) vm_args+=("$opt") ;;
		esac
		shift
	done
	if [ "$opt_json" = 1 ] && [ "$opt_list" = 0 ]; then
		usage_error "--json goes with --list"
	fi
	if [ $((opt_list + opt_restore)) -gt 1 ]; then
		usage_error "--list and --restore do not go together"
	fi
	if [ "$opt_repeat" -gt 1 ] && [ ${#opt_kernels[@]} -gt 0 ]; then
		usage_error "--repeat does not go with --kernel yet"
	fi
	check_vm_args
}

# Kernel names vm/boot.sh resolves itself, and 'host' (anything else is a file).
KERNEL_NAMES='debian debian-6.1 debian-6.12'

# --kernels FILE: its kernels, in order. A relative path is relative to FILE.
add_kernel_list() {
	local file=$1 line n=0
	[ -f "$file" ] && [ -r "$file" ] || usage_error "--kernels: no such file: $file"
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		[ -n "$line" ] || continue
		if ! is_kernel_name "$line" && [[ $line != /* ]]; then
			line=$(dirname -- "$file")/$line
		fi
		opt_kernels+=("$line")
		n=$((n + 1))
	done <"$file"
	[ "$n" -gt 0 ] || usage_error "--kernels $file: lists no kernel (one a line, '#' comments)"
}

is_kernel_name() { [[ " host $KERNEL_NAMES " == *" $1 "* ]]; }

# What identifies a kernel among the others: debian and debian-6.1 are one.
kernel_identity() {
	case "$1" in
	debian|debian-6.1) printf 'name:debian' ;;
	*) if is_kernel_name "$1"; then printf 'name:%s' "$1"; else printf 'file:%s' "$(realpath -- "$1")"; fi ;;
	esac
}

# --kernel, --kernels and --modules, checked before anything is created or
# run; files become absolute paths (the VM is started from the repository).
check_vm_args() {
	local k i j seen=()
	if [ -n "$opt_modules" ] && [ ${#opt_kernels[@]} -eq 0 ]; then
		usage_error "--modules goes with --kernel (it is the modules folder of that kernel)"
	fi
	if [ -n "$opt_modules" ] && [ ${#opt_kernels[@]} -gt 1 ]; then
		usage_error "--modules goes with a single --kernel, not with ${#opt_kernels[@]} (${opt_kernels[*]}): which kernel are they for?"
	fi
	if [ -n "$opt_modules" ] && [ "${opt_kernels[0]}" = host ]; then
		usage_error "--modules does not go with --kernel host (the running kernel has its modules)"
	fi
	if [ -n "$opt_modules" ] && [ ! -d "$opt_modules" ]; then
		usage_error "--modules: no such folder: $opt_modules"
	fi
	[ -z "$opt_modules" ] || opt_modules=$(realpath -- "$opt_modules")
	for i in "${!opt_kernels[@]}"; do
		k=${opt_kernels[i]}
		if ! is_kernel_name "$k"; then
			[ -f "$k" ] || usage_error "--kernel: no such file: $k (a bzImage, a linux-image .deb, or one of: host $KERNEL_NAMES)"
			opt_kernels[i]=$(realpath -- "$k")
		fi
		seen[i]=$(kernel_identity "$k")
		for ((j = 0; j < i; j++)); do
			[ "${seen[j]}" != "${seen[i]}" ] ||
				usage_error "--kernel $k is given twice (the same kernel as ${opt_kernels[j]}): each kernel once"
		done
	done
}

# A value taken from the next argument must not look like an option:
# `-t --no-install` forgot the glob.
not_an_option() {
	case "$2" in
	-*) usage_error "$1 needs a value, not the option-like '$2' (write $1=$2 if you mean it)" ;;
	esac
}

# ---- build dependencies ----------------------------------------------------

# missing_packages [optional]: the required (or the optional) packages not installed.
missing_packages() {
	local p
	if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then
		local list=APT_PKGS; [ "${1:-}" = optional ] && list=APT_OPTIONAL
		local -n pkgs=$list
		for p in "${pkgs[@]}"; do
			[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] ||
				printf '%s\n' "$p"
		done
	elif command -v dnf >/dev/null && command -v rpm >/dev/null; then
		local list=DNF_PKGS; [ "${1:-}" = optional ] && list=DNF_OPTIONAL
		local -n pkgs=$list
		for p in "${pkgs[@]}"; do
			rpm -q --quiet --whatprovides "$p" || printf '%s\n' "$p"
		done
	fi
}

ensure_deps() {
	local missing optional pm
	mapfile -t missing < <(missing_packages)
	mapfile -t optional < <(missing_packages optional)
	if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
		pm=apt-get
	elif command -v dnf >/dev/null; then
		pm=dnf
	else
		say "no apt-get or dnf here: make sure a C compiler, make, pkg-config and the liburing and libfuse3 headers are installed (libibverbs and libnuma are optional)"
		return 0
	fi
	if [ ${#optional[@]} -gt 0 ] && { [ "$opt_install" = 0 ] || [ "$(id -u)" -ne 0 ]; }; then
		say "optional build dependencies missing: ${optional[*]}: the RDMA or NUMA cases will SKIP ($pm install ${optional[*]} adds them)"
		optional=()
	fi
	missing+=("${optional[@]}")
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
	mapfile -t missing < <(missing_packages; missing_packages optional)
	[ ${#missing[@]} -eq 0 ] || die "still missing after installing: ${missing[*]}"
}

build() {
	make -s --no-print-directory -C "$REPO" -j"$(nproc)" BUILD="$MAKE_BUILD" all >&2 ||
		die "the build failed (see the errors above)"
}

# The test programs, sorted; only what exists and runs.
test_programs() {
	local p
	if [ "$opt_prebuilt" = 1 ]; then	# no make over 9p in the guest
		for p in "$BUILD"/tests/*; do [ -x "$p" ] && printf '%s\n' "$p"; done
		return 0
	fi
	make -s --no-print-directory -C "$REPO" BUILD="$MAKE_BUILD" tests | sort | while read -r p; do
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
		make -s --no-print-directory -C "$REPO" BUILD="$MAKE_BUILD" \
			"$MAKE_BUILD/pinfork-restore" >&2 ||
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
	# an emulated guest (vm/boot.sh under TCG) runs several times slower
	[ "${PINFORK_VM_TCG:-}" != 1 ] || limit=$((limit * TCG_SLOWDOWN))
	if [ -n "$opt_timeout" ]; then
		n=$("$path" --list "${args[@]}" 2>/dev/null | wc -l || true)
		n=$((n * opt_timeout + 30))
		[ "$n" -le "$limit" ] || limit=$n
	fi
	printf '%s' "$limit"
}

# ---- listing -----------------------------------------------------------------

LIST_FIELDS=(program case backing pin event groups summary fixes covers)

# One tab-separated line a case, in LIST_FIELDS order.
list_rows() {
	local path prog name pin event backing groups summary fixes cves covers
	while read -r path; do
		prog=${path##*/}
		args=(-p "${opt_profile:-stress}")
		[ -z "$globs" ] || args+=(-t "$globs")
		while IFS=$'\t' read -r name pin event backing groups summary fixes cves covers _; do
			[ -n "$name" ] || continue
			printf '%s\t' "$prog" "$name" "$backing" "$pin" "$event" "$groups" "$summary" "$fixes"
			printf '%s\n' "${covers:--}"
		done < <("$path" --list "${args[@]}" || say "$prog --list failed")
	done < <(test_programs)
}

# Tab-separated lines as a JSON array of objects keyed by LIST_FIELDS;
# covers is an array of strings ('-': empty).
rows_to_json() {
	awk -F'\t' -v fields="${LIST_FIELDS[*]}" '
	# a backslash before each \ and ", spelled out: awks differ on gsub and \\
	function quote(s,   out, i, ch) {
		gsub(/[\001-\037]/, " ", s)
		for (i = 1; i <= length(s); i++) {
			ch = substr(s, i, 1)
			out = out (ch == "\\" || ch == "\"" ? "\\" : "") ch
		}
		return "\"" out "\""
	}
	function list(s,   out, i, k, item) {
		if (s == "-" || s == "")
			return "[]"
		k = split(s, item, ",")
		for (i = 1; i <= k; i++)
			out = out (i > 1 ? ", " : "") quote(item[i])
		return "[" out "]"
	}
	BEGIN { n = split(fields, name, " "); printf "[" }
	{
		printf "%s\n  {", (NR > 1 ? "," : "")
		for (i = 1; i <= n; i++)
			printf "%s%s: %s", (i > 1 ? ", " : ""), quote(name[i]),
				(name[i] == "covers" ? list($i) : quote($i))
		printf "}"
	}
	END { printf "%s]\n", (NR ? "\n" : "") }'
}

list_cases() {
	local rows
	rows=$(list_rows)
	[ -n "$rows" ] || say "no case matched"
	if [ "$opt_json" = 1 ]; then
		printf '%s' "$rows${rows:+$'\n'}" | rows_to_json
	else
		(IFS=$'\t'; printf '%s\n' "${LIST_FIELDS[*]}")
		[ -z "$rows" ] || printf '%s\n' "$rows"
	fi
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
	} >"$run_tmp/env.txt" 2>&1
	save_result "$run_tmp/env.txt" env.txt
}

# Timestamp of the newest kernel log line: the run's slice is what follows it.
dmesg_mark() {
	{ dmesg 2>/dev/null || true; } | tail -n 1 |
		sed -n 's/^\[ *\([0-9][0-9]*\.[0-9]*\)\].*/\1/p'
}

write_dmesg() {
	dmesg_slice >"$run_tmp/dmesg.txt"
	save_result "$run_tmp/dmesg.txt" dmesg.txt
}

dmesg_slice() {
	local log
	if ! log=$(dmesg 2>&1); then
		printf 'dmesg not readable: %s\n' "$log"
		return 0
	fi
	if [ -z "$dmesg_start" ]; then	# no timestamps: count lines instead
		printf '%s\n' "$log" | tail -n "+$((dmesg_lines + 1))"
		return 0
	fi
	printf '%s\n' "$log" | awk -v mark="$dmesg_start" '
		/^\[ *[0-9]+\.[0-9]+\]/ {
			ts = $0; sub(/^\[ */, "", ts); sub(/\].*/, "", ts)
			keep = (ts + 0 > mark + 0)
		}
		keep'
}

# ---- the run lock -------------------------------------------------------------

# "pid N (COMMAND)" of whoever holds the lock: the one /proc/locks names,
# else the pid the last holder wrote into the file.
lock_holder() {
	local lock=$1 pid ino cmd
	ino=$(stat -c %i "$lock" 2>/dev/null || true)
	pid=$(awk -v ino="$ino" '$2 == "FLOCK" && $6 ~ (":" ino "$") { print $5; exit }' \
		/proc/locks 2>/dev/null || true)
	[ -n "$pid" ] || pid=$(head -c 32 "$lock" 2>/dev/null | tr -dc '0-9' || true)
	[ -n "$pid" ] || { printf 'pid unknown'; return 0; }
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
	printf 'pid %s (%s)' "$pid" "${cmd% }"
}

# One run at a time on a machine: the programs share the knob journal, the
# kernel log and the system-wide pin counters. Held until run.sh exits (and by
# any program still alive: they inherit the descriptor).
take_run_lock() {
	local lock="$STATE_DIR/run.lock" wait=${PINFORK_LOCK_WAIT:-600} rc=0
	is_uint "$wait" || usage_error "PINFORK_LOCK_WAIT needs whole seconds, not '$wait'"
	mkdir -p "$STATE_DIR" 2>/dev/null || die "cannot create $STATE_DIR (set PINFORK_STATE_DIR)"
	if ( : <>"$lock" ) 2>/dev/null; then
		exec {lock_fd}<>"$lock"
	elif ( : <"$lock" ) 2>/dev/null; then
		exec {lock_fd}<"$lock"	# someone else's file: flock works read-only
	else
		die "cannot open the run lock $lock (set PINFORK_STATE_DIR to a folder of yours)"
	fi
	if ! flock -n "$lock_fd"; then
		say "another pinfork run holds $lock: $(lock_holder "$lock"); waiting up to $wait s (PINFORK_LOCK_WAIT)"
		flock -w "$wait" "$lock_fd" &	# in the background: signals still reach us
		lock_waiter=$!
		wait "$lock_waiter" || rc=$?
		lock_waiter=''
		[ "$rc" = 0 ] || die "gave up after $wait s: another pinfork run still holds $lock: $(lock_holder "$lock"); try again when it has finished"
	fi
	printf '%s\n' "$$" >"$lock" 2>/dev/null || true	# for whoever waits next
	export PINFORK_LOCK_HELD=1	# the programs must not take it again
}

# ---- results folder ------------------------------------------------------------

# Keeps what could not be written, with the error, for the end of the run.
note_write_error() { printf '%s\n' "$*" >>"$run_tmp/write-errors"; }

# Appends TEXT to FILE; a failure is noted, not fatal.
append_to() {
	local file=$1 text=$2 err
	if ! err=$( { printf '%s\n' "$text" >>"$file"; } 2>&1); then
		note_write_error "$file: ${err##*: }"
	fi
}

# Copies a file made in $run_tmp into the results folder.
save_result() {
	local err
	if ! err=$(cp -- "$1" "$results/$2" 2>&1); then
		note_write_error "$results/$2: ${err##*: }"
	fi
}

tap_line() {
	printf '%s\n' "$*"
	append_to "$scratch/output.tap" "$*"
	append_to "$tap" "$*"
}

# Whether DIR holds only what run.sh writes, and was made by it.
is_our_results() {
	local dir=$1 entry
	[ -f "$dir/$RESULTS_MARK" ] || [ -f "$dir/output.tap" ] || return 1
	for entry in $(cd "$dir" && ls -A | grep -vxE "$RESULTS_ENTRIES"); do
		is_kernel_folder "$dir" "$entry" || return 1
	done
}

# A kernel's folder of a run on several kernels: a results folder of ours
# named by its label.
is_kernel_folder() { # dir entry
	[[ $2 =~ ^[a-z0-9][a-z0-9._-]*$ ]] && [ -d "$1/$2" ] && [ ! -L "$1/$2" ] &&
		[ -f "$1/$2/$RESULTS_MARK" ] && is_our_results "$1/$2"
}

# An existing --results folder: empty, or an earlier run's (emptied here).
# Anything else is refused: results of two runs must never be mixed.
reuse_results_dir() {
	local dir=$1 entries entry
	[ -d "$dir" ] || usage_error "--results $dir: exists and is not a folder"
	entries=$(cd "$dir" && ls -A) || usage_error "--results $dir: cannot read it"
	[ -n "$entries" ] && [ "$entries" != "$RESULTS_MARK" ] || return 0	# new, or made for a kernel
	if ! is_our_results "$dir"; then
		usage_error "--results $dir: not empty and not (only) a pinfork results folder: give a new or empty folder"
	fi
	say "results: $dir holds an earlier run's results: removing them first"
	(cd "$dir" && ls -A | grep -xE "$RESULTS_ENTRIES" | xargs -r -d '\n' rm -rf --) ||
		die "cannot empty $dir"
	for entry in $(cd "$dir" && ls -A); do	# what is left: kernels' folders
		rm -rf -- "${dir:?}/$entry" || die "cannot empty $dir"
	done
}

make_results_dir() {
	local base n=1 err
	if [ -n "$opt_results" ]; then
		results=$opt_results
		[ ! -e "$results" ] || reuse_results_dir "$results"
	else
		base="$REPO/results/$(date +%Y%m%d-%H%M%S)"
		results=$base
		while [ -e "$results" ]; do results="$base.$n"; n=$((n + 1)); done
	fi
	err=$( { mkdir -p -- "$results" && : >"$results/$RESULTS_MARK"; } 2>&1) ||
		die "cannot create the results folder $results: ${err##*: }"
	results=$(cd "$results" && pwd -P)
}

# A round's files. The report reads the copies kept in RAM ($scratch), so
# that a results folder that cannot be written still gets its summary; the
# folder gets the records and the TAP as the run goes.
start_round_dir() {
	local err
	results=$1 scratch=$run_tmp/round-$2
	mkdir -p "$scratch" || die "cannot make $scratch"
	: >"$scratch/output.tap"
	: >"$scratch/records.tsv"
	: >"$scratch/programs.tsv"
	err=$( { mkdir -p "$results/programs" && : >"$results/output.tap" &&
		: >"$results/records.tsv" && : >"$results/programs.tsv"; } 2>&1) ||
		note_write_error "$results: ${err##*: }"
	tap="$results/output.tap"
	export PINFORK_RECORD="$scratch/records.tsv"
}

# ---- running -----------------------------------------------------------------

# Stops the running program: TERM (timeout(1) passes it on), KILL after
# KILL_GRACE seconds. The program is in our process group, so a SIGKILL of the
# group reaches it too.
stop_program() {
	[ -n "$cur_pid" ] || return 0
	if [ -z "$stop_sent" ]; then
		stop_sent=$(usec)
		kill -TERM "$cur_pid" 2>/dev/null || true
	elif [ $(($(usec) - stop_sent)) -gt $((KILL_GRACE * 1000000)) ]; then
		pkill -KILL -P "$cur_pid" 2>/dev/null || true
		kill -KILL "$cur_pid" 2>/dev/null || true
	fi
}

on_signal() {
	local sig=$1
	interrupted=$sig
	case "$phase" in
	setup)
		say "interrupted ($sig)"
		exit 1 ;;
	run)
		say "interrupted ($sig): stopping the running program"
		stop_program ;;
	kernels)
		say "interrupted ($sig): stopping the kernels' runs"
		stop_kernels ;;
	esac
}

# Waits for the program; a signal to run.sh stops it first. Sets prog_rc.
wait_program() {
	local pid=$1
	prog_rc=0
	wait "$pid" || prog_rc=$?
	while kill -0 "$pid" 2>/dev/null; do	# a signal cut the wait short
		stop_program
		sleep 0.1
	done
	prog_rc=0
	wait "$pid" 2>/dev/null || prog_rc=$?	# its own status, saved by bash
}

# The program's output: to its own TAP file, and as '#' lines to the terminal
# and output.tap. A record the program could not write ("# pinfork: cannot
# write ...") is noted. Signals are left to run.sh: the output is read to its
# end.
filter_output() {
	local own_tap=$1 errs="$run_tmp/write-errors"
	trap '' INT TERM HUP
	tee -a "$own_tap" 2>>"$errs" |
		awk -v errs="$errs" '
			{ print "# " $0; fflush() }
			/^# pinfork: cannot write / { print substr($0, 25) >>errs; close(errs) }' |
		tee -a "$tap" "$scratch/output.tap" 2>>"$errs"
}

# Waits up to KILL_GRACE seconds for the output of a program to end (a
# process it left behind may hold the pipe), then stops reading it.
wait_output() {
	local pid=$1 n=0
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt $((KILL_GRACE * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "a process left behind by the program still holds its output: not reading it any more"
		pkill -KILL -P "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# Runs one program the way the kselftest runner does; sets prog_rc, prog_result.
run_program() {
	local path=$1 num=$2 prog=${1##*/} limit start out_fd filter_pid
	prog_args "$prog"
	limit=$(prog_limit "$path" "$prog")
	tap_line "# selftests: pinfork: $prog"
	start=$(usec)
	exec {out_fd}> >(filter_output "$results/programs/$prog.tap")
	filter_pid=$!
	# --foreground: the program stays in run.sh's process group
	timeout --foreground -k "$KILL_GRACE" "$limit" "$path" "${args[@]}" \
		</dev/null >&"$out_fd" 2>&1 &
	cur_pid=$! stop_sent=''
	exec {out_fd}>&-
	[ -z "$interrupted" ] || stop_program
	wait_program "$cur_pid"
	cur_pid=''
	wait_output "$filter_pid"
	prog_secs=$(seconds_since "$start")
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
	append_to "$scratch/programs.tsv" \
		"$(printf '%s\t%s\t%s\t%s' "$prog" "$prog_rc" "$prog_result" "$prog_secs")"
	save_result "$scratch/programs.tsv" programs.tsv
	save_result "$scratch/records.tsv" records.tsv
	# A program killed from outside could not put its knobs back.
	case "$prog_result" in
	ok|skip) ;;
	*) if [ -s "$STATE_DIR/knobs.journal" ]; then restore_knobs || true; fi ;;
	esac
}

# Runs every program once into the folder DIR; sets round_rc (1: a program
# did not end ok or skip, or the run was interrupted).
run_round() {
	local dir=$1 path num=0
	start_round_dir "$dir" "$2"
	report_start_us=$(usec)	# a round's report counts its own time
	round_rc=0
	tap_line "TAP version 13"
	tap_line "1..${#progs[@]}"
	for path in "${progs[@]}"; do
		num=$((num + 1))
		if [ -n "$interrupted" ]; then
			break
		fi
		run_program "$path" "$num"
		case "$prog_result" in ok|skip) ;; *) round_rc=1 ;; esac
	done
	if [ -n "$interrupted" ]; then
		tap_line "Bail out! run.sh interrupted ($interrupted)"
		round_rc=1
	fi
}

# pinfork-report with what every report of this run says about it.
report() {
	"$REPORT" --kernel "$(uname -r)" --uname "$(uname -a)" --host "$(uname -n)" \
		--profile "$profile" --start "$start_iso" --end "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--seconds "$(seconds_since "$report_start_us")" ${interrupted:+--interrupted} "$@" \
		2>>"$run_tmp/report-errors"
}

# Writes a round's results.json, junit.xml and summary.txt (and, of a
# repeated run, cases.tsv for the merge); prints the summary when asked.
report_round() {
	local dir=$1 show=$2 rc=0
	report --records "$scratch/records.tsv" --programs "$scratch/programs.tsv" \
		--tap "$scratch/output.tap" --json "$dir/results.json" --junit "$dir/junit.xml" \
		--cases-out "$scratch/cases.tsv" --summary >"$run_tmp/summary.txt" || rc=$?
	finish_report "$dir" "$show" "$rc"
	[ "$opt_repeat" -eq 1 ] || save_result "$scratch/cases.tsv" cases.tsv
}

# The merged results of all rounds at the top of the results folder.
report_rounds() {
	local top=$1 r cases=() rc=0
	for ((r = 1; r <= opt_repeat; r++)); do
		if [ -f "$run_tmp/round-$r/cases.tsv" ]; then
			cases+=(--merge "$run_tmp/round-$r/cases.tsv")
		fi
	done
	if [ ${#cases[@]} -eq 0 ]; then
		note_write_error "$top: no round left its cases (cases.tsv)"
		report_rc=2
		return 0
	fi
	report "${cases[@]}" --json "$top/results.json" --junit "$top/junit.xml" \
		--cases-out "$run_tmp/records.tsv" --summary >"$run_tmp/summary.txt" || rc=$?
	finish_report "$top" 1 "$rc"
	save_result "$run_tmp/records.tsv" records.tsv
}

# Shows the summary (from RAM: the disk may be full), saves it; sets report_rc.
finish_report() {
	local dir=$1 show=$2
	report_rc=$3
	[ "$show" = 0 ] || cat "$run_tmp/summary.txt"
	results=$dir
	save_result "$run_tmp/summary.txt" summary.txt
	if [ -s "$run_tmp/report-errors" ]; then
		sed 's/^pinfork-report: cannot write //' "$run_tmp/report-errors" |
			while read -r line; do note_write_error "$line"; done
		: >"$run_tmp/report-errors"
	fi
	case "$report_rc" in
	0|1|4) ;;
	2) [ -s "$run_tmp/write-errors" ] || note_write_error "$dir: pinfork-report failed (exit 2)" ;;
	*) note_write_error "$dir: pinfork-report crashed or was killed (exit $report_rc)"
	   report_rc=2 ;;
	esac
	local out
	for out in results.json junit.xml; do
		[ -s "$dir/$out" ] || note_write_error "$dir/$out: not written by pinfork-report (exit $3)"
	done
}

# What the exit status says, from the round results and the report's exit.
final_status() {
	if [ -s "$run_tmp/write-errors" ]; then
		say "the results in $top are incomplete: could not write:"
		sort -u "$run_tmp/write-errors" | sed 's/^/run.sh:   /' >&2
		return 1
	fi
	if [ -n "$interrupted" ] || [ "$suite_rc" != 0 ] || [ "$report_rc" = 1 ]; then
		return 1
	fi
	if [ "$report_rc" = 4 ]; then
		say "no case ran: none matched${globs:+ '$globs'}, or every selected case was skipped (exit 4)"
		return 4
	fi
	return 0
}

run_suite() {
	local r
	mapfile -t progs < <(test_programs)
	[ ${#progs[@]} -gt 0 ] || die "no test programs were built"
	make_results_dir
	top=$results
	start_us=$(usec)
	start_iso=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	dmesg_start=$(dmesg_mark)
	dmesg_lines=$({ dmesg 2>/dev/null || true; } | wc -l)
	write_env
	say "results: $top"
	phase=run
	suite_rc=0
	if [ "$opt_repeat" -eq 1 ]; then
		run_round "$top" 1
		suite_rc=$round_rc
		phase=report
		report_round "$top" 1
	else
		for ((r = 1; r <= opt_repeat; r++)); do
			[ -z "$interrupted" ] || break
			say "round $r of $opt_repeat"
			run_round "$top/round-$r" "$r"
			[ "$round_rc" = 0 ] || suite_rc=1
			report_round "$top/round-$r" 1
			[ "$report_rc" != 1 ] || suite_rc=1
		done
		phase=report
		report_start_us=$start_us
		report_rounds "$top"
	fi
	results=$top
	write_dmesg
	write_matrix "$top" "$top"
	echo
	echo "Results: $top"
	final_status
}

# ---- compare two results folders --------------------------------------------

results_kernel() {
	sed -n 's/^  "kernel": "\(.*\)",$/\1/p' "$1/results.json" 2>/dev/null | head -1
}

# Prints the changes from OLD to NEW; exit 1 when NEW has new failures.
compare_results() {
	local old=$1 new=$2 aliases=${PINFORK_ALIASES:-$REPO/configs/aliases.tsv} d
	[ -f "$aliases" ] || aliases=/dev/null
	for d in "$old" "$new"; do
		[ -f "$d/records.tsv" ] || usage_error "$d: not a results folder (no records.tsv)"
		# no records is no verdict: it must not hide the other side's failures
		grep -q . "$d/records.tsv" ||
			usage_error "$d: its records.tsv is empty (the run recorded no case): nothing to compare"
	done
	printf 'pinfork compare\n  old: %s (%s)\n  new: %s (%s)\n' \
		"$old" "$(results_kernel "$old")" "$new" "$(results_kernel "$new")"
	awk -F'\t' -v aliases="$aliases" '
	function bad(s) { return s == "fail" || s == "error" || s == "timeout" }
	function show(title, list, n) {
		printf "\n%s (%d)\n", title, n
		if (!n) print "  none"
		else printf "%s", list
	}
	# the new name of a case renamed since (an alias may have been renamed again)
	function current(prog, name,   hops) {
		while ((prog " " name) in renamed && hops++ < 16)
			name = renamed[prog " " name]
		return name
	}
	BEGIN {
		while ((getline line < aliases) > 0)
			if (line !~ /^[[:space:]]*(#|$)/ && split(line, f, "\t") >= 3)
				renamed[f[1] " " f[2]] = f[3]
	}
	FNR == NR {
		name = current($1, $2); nrenamed += name != $2
		old[$1 " " name] = $3; next
	}
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
		if (nrenamed) printf "renamed since (the alias table): %d\n", nrenamed
		exit nf ? 1 : 0
	}' "$old/records.tsv" "$new/records.tsv"
}

# ---- other kernels: VMs and kernel matrices -------------------------------------

# --kernel runs: each kernel is a child process (run.sh on this machine for
# 'host', vm/boot.sh running run.sh in the guest otherwise) that writes a
# normal results folder. One kernel: the results folder is its folder; more:
# a folder per kernel, named by its label, and the matrix over them.
VM_BOOT=${PINFORK_VM_BOOT:-$REPO/vm/boot.sh}	# the check puts a stand-in here
VM_CPUS=2 VM_GIB=4	# what one VM takes: vm/boot.sh's -smp 2 and 3 GiB, plus qemu
k_label=() k_release=() k_what=() k_error=() k_pid=() k_start=() k_rc=() k_secs=()
k_result=() k_stop=() k_tee=()

only_host() { [ ${#opt_kernels[@]} -eq 1 ] && [ "${opt_kernels[0]}" = host ]; }

# How many kernels run at once: --parallel, else one per 2 x VM_CPUS cpus and
# VM_GIB GiB available (a VM's cpus are busy; half the machine is left for
# qemu's own threads and the host), at least one.
kernel_slots() {
	local by_cpu by_mem avail_kb
	if [ -n "$opt_parallel" ]; then
		printf '%s' "$opt_parallel"
		return 0
	fi
	by_cpu=$(($(nproc) / (2 * VM_CPUS)))
	avail_kb=$(awk '/^MemAvailable:/ { print $2; exit }' /proc/meminfo 2>/dev/null || true)
	by_mem=$((${avail_kb:-0} / (VM_GIB * 1024 * 1024)))
	[ "$by_mem" -ge "$by_cpu" ] || by_cpu=$by_mem
	[ "$by_cpu" -ge 1 ] || by_cpu=1
	printf '%s' "$by_cpu"
}

# A folder name that says what a kernel is: host-6.18.44, debian-6.1.0-57,
# debian-6.12.117 (Debian's flavour and ABI suffixes dropped), deb-...,
# bzimage-...; [a-z0-9._-] only. Without a release: what was asked.
kernel_label() { # asked release
	local asked=$1 rel=$2 kind
	case "$asked" in
	host) kind=host ;;
	debian*) kind=debian ;;
	*.deb) kind=deb ;;
	*) kind=bzimage ;;
	esac
	if [ -z "$rel" ]; then
		rel=${asked##*/}
		[ "$kind" != debian ] || rel=${rel#debian}
	fi
	rel=${rel%-amd64}
	rel=${rel%+deb[0-9]*}
	printf '%s-%s' "$kind" "${rel#-}" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9._\n-' '-' |
		sed 's/--*/-/g; s/-$//'
}

# Labels are unique: a second one gets -2, a third -3...
unique_label() {
	local label=$1 n=1 try=$1 l taken
	while :; do
		taken=''
		for l in "${k_label[@]}"; do [ "$l" != "$try" ] || taken=1; done
		[ -n "$taken" ] || break
		n=$((n + 1))
		try=$label-$n
	done
	printf '%s' "$try"
}

# Release and label of every kernel (vm/boot.sh --resolve fetches a named
# kernel now); a kernel that cannot be resolved is an error of its own.
resolve_kernels() {
	local i k out err=$run_tmp/resolve.err modules=()
	[ -z "$opt_modules" ] || modules=(--modules "$opt_modules")
	for i in "${!opt_kernels[@]}"; do
		k=${opt_kernels[i]}
		k_release[i]='' k_what[i]='' k_error[i]=''
		: >"$err"
		if [ "$k" = host ]; then
			k_release[i]=$(uname -r)
			k_what[i]="this machine's kernel"
		elif out=$("$VM_BOOT" --kernel "$k" "${modules[@]}" --resolve 2>"$err" </dev/null); then
			k_release[i]=${out%%$'\t'*}
			k_what[i]=${out#*$'\t'}
		else
			k_error[i]="could not be resolved: $(sed -n 's/^# vm: error: //p' "$err" | tail -n 1)"
		fi
		sed '/^# vm: error: /d' "$err" >&2
		k_label[i]=$(unique_label "$(kernel_label "$k" "${k_release[i]}")")
	done
}

kernel_dir() { # index
	if [ ${#opt_kernels[@]} -eq 1 ]; then printf '%s' "$top"; else printf '%s/%s' "$top" "${k_label[$1]}"; fi
}

# The console of a kernel's run: next to its folder when there are several
# (the guest run empties its own folder first), else in the scratch folder.
kernel_log() { # index
	if [ ${#opt_kernels[@]} -eq 1 ]; then printf '%s' "$run_tmp/kernel-0.log"; else printf '%s/%s.log' "$top" "${k_label[$1]}"; fi
}

# The command that runs the suite on kernel INDEX into DIR; sets kcmd.
kernel_command() { # index dir
	local k=${opt_kernels[$1]} dir=$2 modules=() build_env=()
	if [ "$k" = host ]; then
		kcmd=("$(realpath -- "${BASH_SOURCE[0]}")" --no-install "${vm_args[@]}" --results "$dir")
		return 0
	fi
	[ -z "$opt_modules" ] || modules=(--modules "$opt_modules")
	[ -z "${PINFORK_BUILD:-}" ] || build_env=(env "PINFORK_BUILD=$BUILD")
	kcmd=("$VM_BOOT" --kernel "$k" "${modules[@]}" --share "$dir" --share "$REPO" --
		"${build_env[@]}" ./run.sh --no-install --prebuilt "${vm_args[@]}" --results "$dir")
}

# Starts the run of kernel INDEX in the background (from the repository: the
# guest's cwd is the host's). Alone, its output goes to the terminal too.
start_kernel() { # index
	local i=$1 dir log out_fd err
	dir=$(kernel_dir "$i") log=$(kernel_log "$i")
	k_start[i]=$(usec) k_stop[i]='' k_tee[i]='' k_pid[i]=''
	err=$( { mkdir -p -- "$dir" && : >"$dir/$RESULTS_MARK" && : >"$log"; } 2>&1) || k_error[i]="cannot create $dir: ${err##*: }"
	if [ -n "${k_error[i]}" ]; then
		finish_kernel "$i" 125
		return 0
	fi
	if [ "$opt_kernel_show" = 1 ]; then
		say "kernel ${k_label[i]}: ${k_release[i]}, ${k_what[i]}"
	else
		say "kernel ${k_label[i]}: started (${k_release[i]}, ${k_what[i]}); its output: $log"
	fi
	[ "${opt_kernels[i]}" = host ] || say "running in a VM with kernel ${opt_kernels[i]}; results: $dir"
	kernel_command "$i" "$dir"
	if [ "$opt_kernel_show" = 1 ]; then
		# a Ctrl-C is for the kernel's run, which ends its output itself
		exec {out_fd}> >(trap '' INT TERM HUP; exec tee -a "$log")
		k_tee[i]=$!
	else
		exec {out_fd}>>"$log"
	fi
	(cd "$REPO" && exec "${kcmd[@]}") </dev/null >&"$out_fd" 2>&1 &
	k_pid[i]=$!
	exec {out_fd}>&-
}

# Its result from its exit status; a VM that failed leaves error.txt.
finish_kernel() { # index rc
	local i=$1 rc=$2 dir
	dir=$(kernel_dir "$i")
	k_rc[i]=$rc k_pid[i]='' k_secs[i]=$(seconds_since "${k_start[i]}")
	if [ -n "${k_tee[i]}" ]; then
		wait_output "${k_tee[i]}"
		k_tee[i]=''
	fi
	case "$rc" in
	0) k_result[i]=pass ;;
	1) k_result[i]=fail ;;
	4) k_result[i]=none ;;
	*) k_result[i]=error ;;
	esac
	[ -z "$interrupted" ] || [ "$rc" = 0 ] || [ "$rc" = 4 ] || k_result[i]=interrupted
	[ "${k_result[i]}" != error ] || write_kernel_error "$i" "$rc" "$dir"
	say "kernel ${k_label[i]}: ${k_result[i]} (exit $rc) after ${k_secs[i]} s${k_error[i]:+: ${k_error[i]}}"
}

# A kernel whose run failed as a whole (not fetched, no boot, the guest
# died): error.txt says why, and the case vm/boot (status error, that
# reason) joins its records, so that its results (results.json, junit.xml,
# the matrix) show the error, never a kernel without cases.
write_kernel_error() { # index rc dir
	local i=$1 rc=$2 dir=$3 why programs=()
	why=$( { grep -a '^# vm: error: ' "$(kernel_log "$i")" 2>/dev/null || true; } | tail -n 1)
	why=${why#\# vm: error: }
	why=${k_error[i]:-${why:-its run ended with exit $rc}}
	k_error[i]=$why
	{
		echo "kernel ${opt_kernels[i]} (${k_release[i]:-release unknown}): exit $rc: $why"
		{ grep -a '^# vm: ' "$(kernel_log "$i")" 2>/dev/null || true; } | tail -n 40
	} >"$dir/error.txt" 2>/dev/null || note_write_error "$dir/error.txt: cannot write it"
	printf 'vm\tboot\terror\t%s\t%s\tthe kernel was fetched, booted and ran the suite\t\t\t\n' \
		"${k_secs[i]}" "$(printf '%s' "kernel ${opt_kernels[i]}: $why" | tr '\t\n\\' '  /')" \
		>>"$dir/records.tsv" 2>/dev/null || note_write_error "$dir/records.tsv: cannot write it"
	[ ! -f "$dir/programs.tsv" ] || programs=(--programs "$dir/programs.tsv")
	"$REPORT" --records "$dir/records.tsv" "${programs[@]}" --json "$dir/results.json" \
		--junit "$dir/junit.xml" --kernel "${k_release[i]:-unknown}" --profile "$profile" \
		--seconds "${k_secs[i]}" --summary >"$dir/summary.txt" 2>>"$run_tmp/report-errors" </dev/null || true
	[ -s "$dir/results.json" ] || note_write_error "$dir/results.json: not written by pinfork-report"
}

# Reaps the kernels' runs that ended; sets running (how many still run).
reap_kernels() {
	local i rc
	running=0
	for i in "${!opt_kernels[@]}"; do
		[ -n "${k_pid[i]:-}" ] || continue
		if kill -0 "${k_pid[i]}" 2>/dev/null; then
			running=$((running + 1))
			continue
		fi
		rc=0
		wait "${k_pid[i]}" 2>/dev/null || rc=$?
		finish_kernel "$i" "$rc"
	done
}

# Every process below PID, deepest first.
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		descendants "$c"
		printf '%s\n' "$c"
	done
}

# TERM to every kernel's run (vm/boot.sh stops its qemu; run.sh its
# program); what still runs 3 x KILL_GRACE seconds later is KILLed with
# everything it started.
stop_kernels() {
	local i now
	now=$(usec)
	for i in "${!opt_kernels[@]}"; do
		[ -n "${k_pid[i]:-}" ] || continue
		if [ -z "${k_stop[i]}" ]; then
			k_stop[i]=$now
			kill -TERM "${k_pid[i]}" 2>/dev/null || true
		elif [ $((now - k_stop[i])) -gt $((3 * KILL_GRACE * 1000000)) ]; then
			descendants "${k_pid[i]}" | xargs -r kill -KILL 2>/dev/null || true
			kill -KILL "${k_pid[i]}" 2>/dev/null || true
		fi
	done
}

write_kernels_tsv() {
	local i file=$top/kernels.tsv
	{
		printf 'label\tkernel\trelease\texit\tseconds\tresult\n'
		for i in "${!opt_kernels[@]}"; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${k_label[i]}" "${opt_kernels[i]}" \
				"${k_release[i]:--}" "${k_rc[i]:--}" "${k_secs[i]:--}" "${k_result[i]:-not-run}"
		done
	} >"$file" 2>/dev/null || note_write_error "$file: cannot write it"
}

# The matrix and report.html/summary.md of TOP over the results folders
# DIR... (pinfork-report --matrix); without them the run goes on, warned.
write_matrix() { # top dir...
	local err=$run_tmp/matrix.err rc=0
	"$REPORT" --matrix "$@" >/dev/null 2>"$err" </dev/null || rc=$?
	case "$rc" in
	0|1|4) [ -s "$1/report.html" ] || say "warning: pinfork-report --matrix wrote no $1/report.html" ;;
	*) say "warning: no matrix or report.html: pinfork-report --matrix exit $rc: $(head -n 1 "$err")" ;;
	esac
	return 0
}

show_kernels() {
	local i
	echo
	echo "pinfork kernels"
	printf '  %-24s %-28s %-11s %5s %9s\n' label release result exit seconds
	for i in "${!opt_kernels[@]}"; do
		printf '  %-24s %-28s %-11s %5s %9s\n' "${k_label[i]}" "${k_release[i]:--}" \
			"${k_result[i]:-not-run}" "${k_rc[i]:--}" "${k_secs[i]:--}"
	done
}

# 1 when a kernel failed, erred, did not run or the run was interrupted; 4
# when no kernel ran a case; else 0.
kernels_status() {
	local i none=1
	if [ -s "$run_tmp/write-errors" ]; then
		say "the results in $top are incomplete: could not write:"
		sort -u "$run_tmp/write-errors" | sed 's/^/run.sh:   /' >&2
		return 1
	fi
	[ -z "$interrupted" ] || return 1
	for i in "${!opt_kernels[@]}"; do
		case "${k_result[i]:-not-run}" in
		pass) none=0 ;;
		none) ;;
		*) return 1 ;;
		esac
	done
	[ "$none" = 0 ] || { say "no case ran on any kernel (exit 4)"; return 4; }
	return 0
}

run_kernels() {
	local slots next=0 running=0 i dirs=()
	make_run_tmp
	make_results_dir
	top=$results
	resolve_kernels
	slots=$(kernel_slots)
	opt_kernel_show=0
	[ "$slots" -gt 1 ] && [ ${#opt_kernels[@]} -gt 1 ] || opt_kernel_show=1
	say "results: $top; ${#opt_kernels[@]} kernel(s), $slots at a time: ${k_label[*]}"
	phase=kernels
	while :; do
		while [ -z "$interrupted" ] && [ "$running" -lt "$slots" ] && [ "$next" -lt ${#opt_kernels[@]} ]; do
			start_kernel "$next"
			next=$((next + 1))
			reap_kernels
		done
		reap_kernels
		if [ "$running" -eq 0 ]; then
			[ -z "$interrupted" ] && [ "$next" -lt ${#opt_kernels[@]} ] || break
			continue
		fi
		sleep 0.2 || true	# a Ctrl-C kills the sleep too: not an error (set -e)
		[ -z "$interrupted" ] || stop_kernels
	done
	phase=report
	write_kernels_tsv
	for i in "${!opt_kernels[@]}"; do dirs+=("$(kernel_dir "$i")"); done
	write_matrix "$top" "${dirs[@]}"
	show_kernels
	echo
	echo "Results: $top"
	kernels_status
}

# Removes the private scratch folder; stops a lock wait still going.
cleanup() {
	[ -z "$lock_waiter" ] || kill "$lock_waiter" 2>/dev/null || true
	[ -z "$run_tmp" ] || rm -rf -- "$run_tmp"
}

# Scratch folders of runs killed by SIGKILL: their pid is in the name.
remove_dead_run_tmps() {
	local d pid
	for d in /dev/shm/pinfork-run.* "${TMPDIR:-/tmp}"/pinfork-run.*; do
		[ -d "$d" ] && [ -O "$d" ] || continue
		pid=${d##*/pinfork-run.}
		pid=${pid%%.*}
		is_uint "$pid" && ! kill -0 "$pid" 2>/dev/null && rm -rf -- "$d"
	done
	return 0
}

make_run_tmp() {
	remove_dead_run_tmps
	run_tmp=$(mktemp -d "/dev/shm/pinfork-run.$$.XXXXXX" 2>/dev/null ||
		mktemp -d "${TMPDIR:-/tmp}/pinfork-run.$$.XXXXXX") ||
		die "cannot make a scratch folder in /dev/shm or ${TMPDIR:-/tmp}"
	trap cleanup EXIT
}

main() {
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
	trap 'on_signal HUP' HUP
	cmdline=("$@")
	parse_args "$@"
	profile=${opt_profile:-full}
	if [ ${#opt_kernels[@]} -gt 0 ] && ! only_host && [ ! -x "$VM_BOOT" ]; then
		usage_error "--kernel needs $VM_BOOT, which this tree does not have"
	fi
	if [ "$opt_restore" = 1 ]; then
		take_run_lock	# never restore under a running run
		restore_knobs
		exit $?
	fi
	if [ ${#opt_compare[@]} -eq 2 ]; then
		compare_results "${opt_compare[@]}"
		exit $?
	fi
	if [ "$opt_list" = 0 ] && [ ${#opt_kernels[@]} -eq 0 ]; then
		make_run_tmp
		take_run_lock	# before the build: it replaces the programs
	fi
	if [ "$opt_prebuilt" = 0 ]; then
		ensure_deps
		build
	fi
	if [ "$opt_list" = 1 ]; then
		list_cases
		exit 0
	fi
	if [ ${#opt_kernels[@]} -gt 0 ]; then
		run_kernels
		exit 0	# run_kernels' status ends the run (set -e) when it is not 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		say "warning: not root: cases that need root (system knobs, hugetlb, KSM, RDMA, the kernel log) will SKIP"
	fi
	run_suite
}

main "$@"
