# shellcheck shell=bash
section "harness oracles and hygiene: kernel-log formats, busy-machine accounting, run lock, cases die with their runner"
ho=$BUILD/check/harness_oracles_demo
hs=$WORK/h5a-state
mkdir -p "$hs"
ho_run() { PINFORK_STATE_DIR=$hs "$ho" "$@"; }
# gone PID...: 0 when none of the processes is alive (zombies count as gone)
gone() { for p in "$@"; do ps -o stat= -p "$p" 2>/dev/null | grep -qv Z && return 1; done; return 0; }

if [ "$(id -u)" = 0 ]; then
	ho_run -t 'kmsg-*' >"$WORK/kmsg.tap" 2>&1
	for c in rcu-stall rcu-self-stall hung-task bad-page page-dumped kasan kfence bug-on oops warn; do
		expect_line "$WORK/kmsg.tap" "^not ok [0-9]+ kmsg-$c # kernel warned" "kernel-log oracle charges the $c format to the case"
	done
	expect_line "$WORK/kmsg.tap" '^not ok [0-9]+ kmsg-late # kernel warned' "a WARNING 5 ms after the case is still charged to it (grace 0.01 s)"
	expect_line "$WORK/kmsg.tap" '^ok [0-9]+ kmsg-not-ours$' "another case's line, a user program's trap, a daemon's text: not charged"
fi

# dmesg_restrict=1 as a user: said once, and written to PINFORK_ENV_NOTES
if [ "$(id -u)" = 0 ] && [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ] && command -v setpriv >/dev/null; then
	nb=$(mktemp -d /tmp/pinfork-h5a-nobody.XXXXXX); chmod 777 "$nb"
	PINFORK_STATE_DIR=$nb/state PINFORK_ENV_NOTES=$nb/notes PINFORK_SELFTEST_SLEEP=0 \
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$ho" -t acct-clean,sleep-a-while >"$WORK/nobody.tap" 2>&1
	n=$(grep -c '^# kernel log: cannot read /dev/kmsg' "$WORK/nobody.tap")
	[ "$n" = 1 ] && pass "unreadable /dev/kmsg: said once per program" || fail "unreadable /dev/kmsg said $n times"
	grep -q 'cannot read /dev/kmsg' "$nb/notes" 2>/dev/null && pass "unreadable /dev/kmsg noted in \$PINFORK_ENV_NOTES" || fail "no note in \$PINFORK_ENV_NOTES"
	rm -rf "$nb"
else
	echo "skip: unreadable /dev/kmsg (needs root, dmesg_restrict=1 and setpriv)"
fi

if [ "$(id -u)" = 0 ]; then
	ho_run -t acct-leak-left-behind >"$WORK/leak.tap" 2>&1
	expect_line "$WORK/leak.tap" '^not ok 1 acct-leak-left-behind # pins or hugetlb' "pins held by a process the case left behind fail it"
	# pins nobody visibly holds are the case's only on a quiet machine: on a
	# busy one the growth is drift (or is cancelled by another process's
	# release); it must fail in at least one of 5 tries unless every try saw
	# other pinning
	hidden_failed=0 hidden_busy=0
	for _ in 1 2 3 4 5; do
		ho_run -t acct-leak-hidden >"$WORK/hidden.tap" 2>&1
		if grep -q '^not ok 1 acct-leak-hidden # pins or hugetlb' "$WORK/hidden.tap"; then
			hidden_failed=1; break
		fi
		grep -q 'not charged to it: ' "$WORK/hidden.tap" && hidden_busy=$((hidden_busy + 1))
		sleep 1
	done
	if [ "$hidden_failed" = 1 ]; then
		pass "a leak on a quiet machine fails the case"
	elif [ "$hidden_busy" -gt 0 ]; then
		echo "skip: a leak on a quiet machine: others pinned pages in $hidden_busy of 5 tries ($(grep -o 'not charged.*' "$WORK/hidden.tap" | head -1))"
	else
		fail "a leak nobody visibly holds went unnoticed: $(grep -E '^(#|not ok|ok)' "$WORK/hidden.tap" | head -3)"
	fi

	"$ho" churn 20 & churn=$!
	sleep 0.2
	: >"$WORK/busy.tap"
	for _ in 1 2 3 4 5; do ho_run -t acct-clean >>"$WORK/busy.tap" 2>&1; done
	"$ho" hold-on-signal 5 & holder=$!
	PINFORK_SELFTEST_HOLDER=$holder ho_run -t acct-clean-holder-midcase >>"$WORK/busy.tap" 2>&1
	grep -q '^not ok' "$WORK/busy.tap" && fail "clean cases failed beside another process pinning pages: $(grep -B3 '^not ok' "$WORK/busy.tap" | head -4)" ||
		pass "clean cases pass beside a process that keeps registering fixed buffers and one that registers mid-case"
	[ "$(grep -c '^ok [0-9]* acct-clean' "$WORK/busy.tap")" = 6 ] && pass "the 6 clean cases ran" || fail "clean cases did not all run"
	echo "   ($(grep -c 'not charged to it' "$WORK/busy.tap") drift diagnostics, not charged)"
	ho_run -t acct-leak-left-behind >"$WORK/busyleak.tap" 2>&1
	expect_line "$WORK/busyleak.tap" '^not ok 1 acct-leak-left-behind # pins or hugetlb' "on the busy machine, pins a left-behind process holds still fail the case"
	kill "$churn" "$holder" 2>/dev/null; wait "$churn" "$holder" 2>/dev/null
fi

# run lock: the second program waits, then runs; or gives up with a Bail out
PINFORK_STATE_DIR=$hs PINFORK_SELFTEST_SLEEP=1.5 "$ho" -t sleep-a-while >"$WORK/lockA.tap" 2>&1 & a=$!
sleep 0.3
ho_run -t acct-clean >"$WORK/lockB.tap" 2>&1
b_done_first=1; kill -0 "$a" 2>/dev/null || b_done_first=0
wait "$a"
expect_line "$WORK/lockB.tap" "^# waiting for another pinfork run \\(pid $a\\)" "second program says it waits for the first (pid $a)"
[ "$b_done_first" = 0 ] && pass "second program ran only after the first ended" || fail "second program finished while the first still ran"
expect_line "$WORK/lockB.tap" '^(not )?ok 1 acct-clean' "the waiting program then runs its case"

echo original >"$WORK/lockknob"
PINFORK_STATE_DIR=$hs PINFORK_SELFTEST_SLEEP=1.5 PINFORK_SELFTEST_KNOB=$WORK/lockknob "$ho" -t sleep-a-while >"$WORK/lockA.tap" 2>&1 & a=$!
sleep 0.5
PINFORK_LOCK_WAIT=0.3 ho_run -t acct-clean >"$WORK/lockC.tap" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q '^Bail out! another pinfork run holds the lock' "$WORK/lockC.tap" && pass "gives up after \$PINFORK_LOCK_WAIT: Bail out!, exit 1" || fail "no bail-out on lock timeout (exit $rc)"
grep -q '^changed' "$WORK/lockknob" && pass "a waiting program leaves the running one's journal alone" || fail "the running program's knob was restored under it"
wait "$a"
[ "$(cat "$WORK/lockknob")" = original ] && pass "knob restored by its own program" || fail "knob left as $(cat "$WORK/lockknob")"

exec 9>"$hs/run.lock"; flock 9
PINFORK_LOCK_HELD=1 PINFORK_STATE_DIR=$hs timeout 5 "$ho" -t acct-clean >"$WORK/held.tap" 2>&1
rc=$?
exec 9>&-
[ "$rc" = 0 ] && ! grep -q waiting "$WORK/held.tap" && pass "PINFORK_LOCK_HELD=1: runs under run.sh's lock without taking it" || fail "PINFORK_LOCK_HELD=1 waited or failed (exit $rc)"

echo changed >"$WORK/staleknob"
printf '%s\t%s\n' "$WORK/staleknob" original >"$hs/knobs.journal"
ho_run -t acct-clean >/dev/null 2>&1
[ "$(cat "$WORK/staleknob")" = original ] && [ ! -e "$hs/knobs.journal" ] && pass "a stale journal is restored once the lock is taken" || fail "stale journal not restored"

# a SIGKILLed runner leaves no case running
for how in direct run.sh; do
	rm -f "$WORK/case.pid"
	echo original >"$WORK/deathknob"
	if [ "$how" = direct ]; then
		PINFORK_STATE_DIR=$hs PINFORK_SELFTEST_SLEEP=30 PINFORK_SELFTEST_PIDFILE=$WORK/case.pid \
			"$ho" -t sleep-a-while >/dev/null 2>&1 & victim=$!
	else
		# run.sh holds the lock and runs the program under timeout(1), in its own group
		PINFORK_LOCK_HELD=1 PINFORK_SELFTEST_SLEEP=30 PINFORK_SELFTEST_PIDFILE=$WORK/case.pid \
			PINFORK_SELFTEST_KNOB=$WORK/deathknob PINFORK_STATE_DIR=$hs \
			timeout 60 "$ho" -t sleep-a-while >/dev/null 2>&1 & victim=$!
	fi
	for _ in $(seq 100); do [ -s "$WORK/case.pid" ] && break; sleep 0.05; done
	cpid=$(cat "$WORK/case.pid" 2>/dev/null)
	prog=$victim
	[ "$how" = direct ] || prog=$(pgrep -P "$victim" -f harness_oracles_demo | head -1)
	kill -9 "$victim"; wait "$victim" 2>/dev/null
	sleep 1
	if [ -n "$cpid" ] && gone "$cpid" $prog; then
		pass "$how: runner SIGKILLed mid-case: no case process left after 1 s"
	else
		fail "$how: case $cpid (program ${prog:-none}) still alive 1 s after its runner was killed"; kill -9 "$cpid" $prog 2>/dev/null
	fi
	[ "$how" = direct ] || { [ "$(cat "$WORK/deathknob")" = original ] && pass "run.sh: the program restored its knob as it died" || fail "knob left as $(cat "$WORK/deathknob")"; }
done
