#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: the harness's own tests, the oracles' negative self-tests,
# sanitizer and clang builds, then the suite on this kernel.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
WORK=$(mktemp -d /tmp/pinfork-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0
step=0

pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
section() { step=$((step + 1)); echo; echo "== $step. $*"; }

# expect_line FILE REGEX WHAT
expect_line() {
	if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no line matching: $2)"; fi
}

section "harness: TAP output, statuses, hints, timeouts, process groups, knobs"
demo=$BUILD/check/harness_demo
echo original >"$WORK/knob"
PINFORK_STATE_DIR=$WORK/state PINFORK_DEMO_KNOB=$WORK/knob \
	PINFORK_DEMO_PIDFILE=$WORK/straggler.pid "$demo" >"$WORK/demo.tap" 2>"$WORK/demo.err"
rc=$?
[ "$rc" = 1 ] && pass "exit 1 when a case failed" || fail "exit $rc, expected 1"
out=$WORK/demo.tap
expect_line "$out" '^TAP version 13$' "TAP version 13 header"
expect_line "$out" '^1\.\.11$' "exact plan"
expect_line "$out" '^ok 1 demo-pass$' "pass line"
expect_line "$out" '^not ok 2 demo-fail # data mismatch$' "fail line with reason"
expect_line "$out" '^# hint: needs linux-git 70e806e4e645 \(v5\.9\) "mm: Do early cow' "hint names the fix with its subject"
expect_line "$out" '^# hint: guards CVE-2020-29374$' "hint names the CVE"
expect_line "$out" '^# SKIP demo-skip: no frobnicator on this machine$' "skip reason on a # line before"
expect_line "$out" '^ok 3 demo-skip # SKIP$' "skip line without trailing text"
expect_line "$out" '^not ok 4 demo-error # ERROR setup exploded$' "error line"
expect_line "$out" '^not ok 5 demo-timeout # TIMEOUT 1 seconds$' "timeout line"
expect_line "$out" '^not ok 6 demo-crash # ERROR case process killed by signal 6' "crash line"
expect_line "$out" '^# ok 99 not-a-result$' "stray output is turned into a # line"
expect_line "$out" '^# noise on stderr$' "stderr is a # line"
expect_line "$out" '^ok 8 demo-straggler$' "straggler case passes"
expect_line "$out" '^# Totals: pass:3 fail:3 xfail:0 xpass:0 skip:1 error:4$' "Totals line"
if [ "$(id -u)" = 0 ]; then
	expect_line "$out" '^not ok 10 demo-leak-pins # pins or hugetlb pages not given back' "accounting oracle turns pins left behind into a failure"
	expect_line "$out" '^#   page pins held' "accounting oracle says which counter"
	expect_line "$out" '^not ok 11 demo-kernel-warning # kernel warned' "kernel-log oracle turns a WARNING into a failure"
fi
if grep -Eq '^(ok|not ok) ' "$out" && ! grep -Ev '^(TAP version 13|1\.\.[0-9]+|(not )?ok [0-9]+ [a-z][a-z0-9_-]*( # .*)?|#.*)$' "$out" | grep -q .; then
	pass "every line is TAP (result, plan, or # diagnostic)"
else
	fail "lines that are not TAP: $(grep -Ev '^(TAP version 13|1\.\.[0-9]+|(not )?ok [0-9]+ [a-z][a-z0-9_-]*( # .*)?|#.*)$' "$out" | head -3)"
fi
[ "$(cat "$WORK/knob")" = original ] && pass "knob restored after the case was killed" || fail "knob left as $(cat "$WORK/knob")"
[ ! -s "$WORK/state/knobs.journal" ] && pass "knob journal cleared" || fail "knob journal left behind"
sleep 0.2
pid=$(cat "$WORK/straggler.pid" 2>/dev/null)
if [ -n "$pid" ] && ps -o stat= -p "$pid" 2>/dev/null | grep -qv Z; then
	fail "process left behind by a case is still alive ($pid)"; kill -9 "$pid"
else
	pass "process group of a case killed when it ended"
fi
prove -e cat "$out" >"$WORK/prove.out" 2>&1
grep -q 'Parse errors' "$WORK/prove.out" && fail "prove: parse errors" || pass "prove parses the output"
grep -Eq 'Failed (tests|test): *2, 4-6, 9-11|Failed 7/11' "$WORK/prove.out" && pass "prove counts the 7 failures" ||
	{ [ "$(id -u)" = 0 ] && fail "prove disagrees on failures: $(grep -i failed "$WORK/prove.out" | head -2)"; }
"$demo" -t demo-pass,demo-skip >"$WORK/ok.tap"; rc=$?
[ "$rc" = 0 ] && pass "exit 0 when nothing failed" || fail "exit $rc with pass+skip"
prove -e cat "$WORK/ok.tap" >/dev/null 2>&1 && pass "prove accepts a passing run" || fail "prove rejects a passing run"
"$demo" -t demo-skip >/dev/null; rc=$?
[ "$rc" = 4 ] && pass "exit 4 when all skipped" || fail "exit $rc when all skipped"
"$demo" -t no-such-case >"$WORK/none.tap"; rc=$?
[ "$rc" = 4 ] && grep -q '^1\.\.0 # SKIP' "$WORK/none.tap" && pass "no case selected: 1..0 # SKIP, exit 4" || fail "no case selected: exit $rc"
"$demo" --bogus >/dev/null 2>&1; rc=$?
[ "$rc" = 1 ] && pass "bad option: exit 1 (never 2)" || fail "bad option: exit $rc"
"$demo" --list | awk -F'\t' 'NF != 4 { bad = 1 } END { exit bad }' && pass "--list prints name, summary, fixes, CVEs" || fail "--list format"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if $PY -c 'import tap' 2>/dev/null; then
	$PY - "$out" <<'PY' && pass "tappy parses the output" || fail "tappy"
import sys
from tap.parser import Parser
n = sum(1 for l in Parser().parse_file(sys.argv[1]) if l.category == "test")
sys.exit(0 if n == 11 else 1)
PY
fi

section "negative self-tests: every oracle reports its symptom"
for t in "$BUILD"/check/selftest_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$WORK/$name.tap" 2>&1; rc=$?
	if [ "$rc" = 4 ] && ! grep -q '^not ok' "$WORK/$name.tap"; then
		# all skipped: the oracle's device is missing here (RDMA without rdma_rxe)
		pass "$name: skipped here ($(grep -m1 '^# SKIP' "$WORK/$name.tap" | cut -d: -f2- | sed 's/^ //'))"
	elif [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/$name.tap"; then
		pass "$name: $(grep -c '^ok' "$WORK/$name.tap") oracle(s) fail on their symptom"
		grep -q '# SKIP$' "$WORK/$name.tap" && echo "     (some skipped: $(grep '^# SKIP' "$WORK/$name.tap" | head -2))"
	else
		fail "$name (exit $rc)"; sed 's/^/     /' "$WORK/$name.tap" | tail -20
	fi
done

section "sanitizers: ASan+UBSan build of lib/ and harness/ with the self-tests"
san="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
if make -s BUILD=build-asan CFLAGS="$san" all >"$WORK/asan-build.log" 2>&1; then
	pass "ASan/UBSan build"
	for t in build-asan/check/selftest_oracles build-asan/check/selftest_race build-asan/tests/uring_fixed; do
		ASAN_OPTIONS=detect_leaks=0 "$t" -t '*anon*,*heap*,*stack*,pattern-*,isolation-*,fixed-*,dio-*' >"$WORK/asan.tap" 2>&1; rc=$?
		if [ "$rc" = 0 ] && ! grep -Eq 'runtime error|AddressSanitizer' "$WORK/asan.tap"; then
			pass "$(basename "$t") clean under ASan/UBSan"
		else
			fail "$(basename "$t") under ASan/UBSan (exit $rc)"; grep -E 'runtime error|ERROR|not ok' "$WORK/asan.tap" | head -5
		fi
	done
	ASAN_OPTIONS=detect_leaks=0 build-asan/check/harness_demo -t 'demo-pass,demo-fail,demo-skip,demo-noise' >"$WORK/asan-demo.tap" 2>&1
	grep -Eq 'runtime error|AddressSanitizer' "$WORK/asan-demo.tap" && fail "harness under ASan/UBSan" || pass "harness clean under ASan/UBSan"
else
	fail "ASan/UBSan build"; tail -20 "$WORK/asan-build.log"
fi

section "clang: the tree builds with -Wall -Wextra -Werror"
if command -v clang >/dev/null; then
	make -s BUILD=build-clang CC=clang all >"$WORK/clang.log" 2>&1 && pass "clang build" || { fail "clang build"; tail -20 "$WORK/clang.log"; }
else
	echo "skip clang: not installed"
fi

section "restore after SIGKILL: a THP knob left changed comes back with run.sh --restore"
thp=/sys/kernel/mm/transparent_hugepage
knob=$thp/hugepages-64kB/enabled
[ -f "$knob" ] || knob=$thp/defrag
if [ "$(id -u)" != 0 ] || [ ! -f "$knob" ]; then
	echo "skip: needs root and $thp"
else
	snapshot() { for f in "$thp"/enabled "$thp"/defrag "$thp"/hugepages-*/enabled "$thp"/khugepaged/*; do
		[ -f "$f" ] && echo "$f: $(cat "$f" 2>/dev/null)"; done; }
	selected() { sed -n 's/.*\[\(.*\)\].*/\1/p' "$1"; }
	snapshot >"$WORK/thp.before"
	new=madvise; [ "$(selected "$knob")" = madvise ] && new=never
	state=$WORK/state-kill
	setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$WORK/sid" env PINFORK_STATE_DIR="$state" \
		PINFORK_DEMO_KNOB="$knob" PINFORK_DEMO_KNOB_VALUE="$new" \
		"$demo" -t demo-knob-hang -T 60 >"$WORK/kill.tap" 2>&1 &
	disown
	for _ in $(seq 100); do [ "$(selected "$knob")" = "$new" ] && break; sleep 0.05; done
	sid=$(cat "$WORK/sid")
	pkill -9 -s "$sid"; sleep 0.2
	[ "$(selected "$knob")" = "$new" ] && pass "SIGKILL left $knob changed to $new" || fail "knob was not changed by the killed run"
	PINFORK_STATE_DIR=$state ./run.sh --restore >"$WORK/restore.out" 2>&1 && pass "run.sh --restore ran" || fail "run.sh --restore failed: $(tail -2 "$WORK/restore.out")"
	snapshot >"$WORK/thp.after"
	diff "$WORK/thp.before" "$WORK/thp.after" >/dev/null && pass "$thp is as it was" || { fail "$thp differs after restore"; diff "$WORK/thp.before" "$WORK/thp.after"; }
fi

section "the suite on this kernel ($(uname -r))"
results=$BUILD/check-results
rm -rf "$results"
if [ -x ./run.sh ]; then
	./run.sh --no-install --results "$results"; rc=$?
	[ "$rc" = 0 ] && pass "run.sh: no failures" || fail "run.sh exit $rc"
	[ -f "$results/output.tap" ] && prove -e cat "$results/output.tap" >/dev/null 2>&1 && pass "prove accepts results/output.tap" || fail "prove on output.tap"
	if command -v xmllint >/dev/null && [ -f "$results/junit.xml" ]; then
		xmllint --noout "$results/junit.xml" && pass "junit.xml is well-formed" || fail "junit.xml"
	fi
	if [ -f "$results/results.json" ]; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$results/results.json" && pass "results.json is valid JSON" || fail "results.json"
	fi
	if [ -f "$results/records.tsv" ]; then
		# --compare: make a "new" folder with one case failing, one skipped
		cmp_new=$WORK/cmp-new; cp -r "$results" "$cmp_new"
		awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { $3 = "fail"; $5 = "made up" } NR == 2 { $3 = "skip" } { print }' \
			"$results/records.tsv" >"$cmp_new/records.tsv"
		./run.sh --compare "$results" "$cmp_new" >"$WORK/compare.out"; rc=$?
		first=$(awk -F'\t' 'NR == 1 { print $2 }' "$results/records.tsv")
		[ "$rc" = 1 ] && grep -A1 '^new failures (1)' "$WORK/compare.out" | grep -q "$first" &&
			grep -q '^newly skipped (1)' "$WORK/compare.out" && pass "run.sh --compare lists new failures and skips" ||
			{ fail "run.sh --compare (exit $rc)"; cat "$WORK/compare.out"; }
		./run.sh --compare "$cmp_new" "$results" >"$WORK/compare2.out"; rc=$?
		[ "$rc" = 0 ] && grep -q '^fixed (1)' "$WORK/compare2.out" && pass "run.sh --compare lists fixed cases" || fail "run.sh --compare reverse (exit $rc)"
	fi
else
	fail "run.sh missing"
fi

section "kselftest interop: make install, the upstream run_kselftest.sh, prove and kunit.py parse"
src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -1)
if [ -z "$src" ]; then
	echo "skip: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.1) for the upstream runner"
else
	ks=$WORK/ks
	mkdir -p "$ks"
	top=$(basename "$src" .tar.xz)
	tar -xJf "$src" -C "$ks" --wildcards "$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest/*" "$top/tools/testing/kunit/*" 2>/dev/null
	t=$ks/$top/tools/testing
	inst=$ks/install
	if make -s install INSTALL_PATH="$inst" >"$WORK/install.out" 2>&1 && [ -f "$t/selftests/run_kselftest.sh" ]; then
		pass "make install lays out the collection ($(grep -c '^pinfork:' "$inst/kselftest-list.txt") programs)"
		cp "$t/selftests/run_kselftest.sh" "$inst/" && cp -r "$t/selftests/kselftest" "$inst/"
		# a pipe, not a file: the upstream runner reopens /dev/stdout
		(cd "$inst" && ./run_kselftest.sh -t pinfork:uring_fixed -t pinfork:vmsplice_leak -t pinfork:rdma_mr) 2>&1 | cat >"$WORK/ks.tap"
		expect_line "$WORK/ks.tap" '^ok 1 selftests: pinfork: uring_fixed$' "run_kselftest.sh runs an installed program"
		expect_line "$WORK/ks.tap" '^ok 3 selftests: pinfork: rdma_mr # SKIP$' "a program with every case skipped is a SKIP there"
		prove -e cat "$WORK/ks.tap" >/dev/null 2>&1 && pass "prove accepts the runner's output" || fail "prove on the runner's output"
		$PY "$t/kunit/kunit.py" parse <"$WORK/ks.tap" >"$WORK/kunit.out" 2>&1 &&
			grep -q 'Ran 3 tests' "$WORK/kunit.out" && pass "kunit.py parse reads it: $(grep -o 'Ran 3 tests.*' "$WORK/kunit.out")" ||
			{ fail "kunit.py parse"; tail -5 "$WORK/kunit.out"; }
	else
		fail "make install or the upstream runner missing"; tail -5 "$WORK/install.out"
	fi
fi

section "VM mode: the suite on Debian's kernel 6.1 under qemu (RDMA for real; a known kernel bug)"
vmres=$BUILD/check-vm-results
rm -rf "$vmres"
if [ "${PINFORK_CHECK_VM:-1}" = 0 ]; then
	echo "skip: PINFORK_CHECK_VM=0"
elif ! command -v qemu-system-x86_64 >/dev/null; then
	fail "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
else
	# 3 s races: Debian 6.1 under TCG loses a read in 9 of 12 2-second runs
	timeout 1800 ./run.sh --no-install --kernel debian --race-seconds 3 --results "$vmres" >"$WORK/vm.out" 2>&1; rc=$?
	grep -E '^# vm: ' "$WORK/vm.out" | sed 's/^/     /'
	rec=$vmres/records.tsv
	if [ ! -s "$rec" ]; then
		fail "the VM run produced no results (exit $rc)"; tail -30 "$WORK/vm.out"
	else
		kver=$(sed -n 's/^  "kernel": "\(.*\)",$/\1/p' "$vmres/results.json" | head -1)
		[ "$rc" = 1 ] && pass "run.sh --kernel debian ran on $kver and exits 1 (a case failed)" || fail "run.sh --kernel debian exit $rc, expected 1"
		races=$(awk -F'\t' '$1 == "odirect_race" && $3 != "skip"' "$rec" | wc -l)
		lost=$(awk -F'\t' '$1 == "odirect_race" && $3 == "fail"' "$rec" | wc -l)
		[ "$lost" -ge 1 ] && pass "O_DIRECT-vs-fork race fails on $kver, as it must: $lost of $races backings lost a read" ||
			fail "O_DIRECT-vs-fork race did not fail on $kver (it lacks a7e689dd1c06)"
		rdma=$(awk -F'\t' '$1 ~ /^rdma/ && $3 == "pass"' "$rec" | wc -l)
		[ "$rdma" -ge 10 ] && pass "$rdma RDMA cases pass on soft-RoCE in the VM" || fail "only $rdma RDMA cases passed in the VM"
		others=$(awk -F'\t' '$1 != "odirect_race" && ($3 == "fail" || $3 == "error" || $3 == "timeout") { print $1 " " $2 " " $3 ": " $5 }' "$rec")
		[ -z "$others" ] && pass "no other case fails or errs on $kver" || { fail "unexpected failures on $kver:"; echo "$others" | sed 's/^/     /'; }
		prove -e cat "$vmres/output.tap" >/dev/null 2>&1; grep -q . "$vmres/output.tap" && pass "VM output.tap landed on the host" || fail "no output.tap from the VM"
	fi
	timeout 600 vm/boot.sh --kernel debian -- "$BUILD/check/selftest_rdma" >"$WORK/vm-rdma.out" 2>&1; rc=$?
	[ "$rc" = 0 ] && pass "RDMA oracle self-test passes in the VM ($(grep -c '^ok' "$WORK/vm-rdma.out") cases)" ||
		{ fail "RDMA oracle self-test in the VM (exit $rc)"; tail -15 "$WORK/vm-rdma.out"; }
fi

echo
if [ "$failures" = 0 ]; then
	echo "make check: all checks passed"
	exit 0
fi
echo "make check: $failures check(s) failed"
exit 1
