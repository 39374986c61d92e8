section "harness: TAP output, statuses, hints, timeouts, process groups, knobs"
echo original >"$WORK/knob"
PINFORK_STATE_DIR=$WORK/state PINFORK_DEMO_KNOB=$WORK/knob \
	PINFORK_DEMO_PIDFILE=$WORK/straggler.pid "$demo" >"$WORK/demo.tap" 2>"$WORK/demo.err"
rc=$?
[ "$rc" = 1 ] && pass "exit 1 when a case failed" || fail "exit $rc, expected 1"
out=$WORK/demo.tap
expect_line "$out" '^TAP version 13$' "TAP version 13 header"
expect_line "$out" '^1\.\.16$' "exact plan"
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
expect_line "$out" '^# Totals: pass:3 fail:6 xfail:1 xpass:1 skip:1 error:4$' "Totals line"
if [ "$(id -u)" = 0 ]; then
	expect_line "$out" '^not ok 10 demo-leak-pins # pins or hugetlb pages not given back' "accounting oracle turns pins left behind into a failure"
	expect_line "$out" '^#   page pins held' "accounting oracle says which counter"
	expect_line "$out" '^not ok 11 demo-kernel-warning # kernel warned' "kernel-log oracle turns a WARNING into a failure"
	expect_line "$out" '^not ok 16 demo-known-symptom-kernel-warning-anon # kernel warned' "known symptom and a kernel WARNING: FAIL, not XFAIL"
fi
expect_line "$out" '^ok 12 demo-known-symptom-anon # XFAIL a documented demo issue$' "documented symptom on a known backing: XFAIL"
expect_line "$out" '^ok 13 demo-known-pass-anon # XPASS known issue did not show' "pass on a known backing: XPASS"
expect_line "$out" "^not ok 14 demo-known-other-failure-anon # neither side's data$" "another failure on a known backing stays FAIL"
expect_line "$out" '^not ok 15 demo-known-symptom-elsewhere-anon # the documented symptom$' "the symptom on a backing not listed: FAIL"

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
grep -Eq 'Failed (tests|test): *2, 4-6, 9-11, 14-16|Failed 10/16' "$WORK/prove.out" && pass "prove counts the 10 failures" ||
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
"$demo" --list | awk -F'\t' 'NF != 9 { bad = 1 } END { exit bad }' && pass "--list prints name, pin, event, backing, profiles, summary, fixes, CVEs, covers" || fail "--list format"
"$demo" --list | grep -qxF "$(printf 'demo-fail\t-\t-\t-\tquick,full,exhaustive,stress\tfails with hints\t70e806e4e645,0123456789ab\tCVE-2020-29374\tquick:template,full:template')" &&
	pass "--list: '-' for the dimensions a case lacks; its profiles, fixes, CVEs and the pairs it stands for" || fail "--list: demo-fail: $("$demo" --list | grep demo-fail)"
"$BUILD"/tests/pin_fork --list -p exhaustive -t parent-writes-uring-fixed-fork-alive-thp-pmd |
	awk -F'\t' '$1 == "parent-writes-uring-fixed-fork-alive-thp-pmd" && $2 == "uring-fixed" && $3 == "fork-alive" && $4 == "thp-pmd" && $5 ~ /(^|,)exhaustive,stress$/ && $6 != "-" { ok = 1 } END { exit !ok }' &&
	pass "--list: a pin_fork case shows its pin, event and backing" || fail "--list: pin_fork's dimensions"
if $PY -c 'import tap' 2>/dev/null; then
	$PY - "$out" <<'PY' && pass "tappy parses the output" || fail "tappy"
import sys
from tap.parser import Parser
n = sum(1 for l in Parser().parse_file(sys.argv[1]) if l.category == "test")
sys.exit(0 if n == 16 else 1)
PY
fi

