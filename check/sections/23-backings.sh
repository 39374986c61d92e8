section "backings: every row proves what it got; pins on unwritten memory; the temporary swap"
# The proofs of the backing rows and the oracles of pin_unwritten refuse
# their symptoms (check/selftest_backings.c); every backing row of the main
# table runs one pin_fork case and no case fails; every unwritten row runs
# in pin_unwritten and no case fails; the temporary swap file a swapped row
# sets up is gone after the run, and after a SIGKILLed run run.sh --restore
# removes it.
sb=$BUILD/check/selftest_backings
pf=$BUILD/tests/pin_fork
pu=$BUILD/tests/pin_unwritten
if [ -x "$sb" ]; then
	"$sb" >"$WORK/backings-self.tap" 2>&1; rc=$?
	n=$(grep -c '^ok ' "$WORK/backings-self.tap")
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/backings-self.tap"; then
		pass "selftest_backings: $n proof(s) and oracle(s) report their symptom"
	else
		fail "selftest_backings (exit $rc)"; grep -B3 '^not ok' "$WORK/backings-self.tap" | sed 's/^/     /' | tail -20
	fi
else
	fail "$sb missing"
fi

# backing_ran TAP ROW: a case of the row ran and passed (ok, not skipped)
backing_ran() { grep -Eq "^ok [0-9]+ [a-z0-9-]*-$2\$" "$1"; }

if [ -x "$pf" ]; then
	"$pf" -p exhaustive -t 'parent-writes-odirect-fork-alive-*' >"$WORK/backings-pf.tap" 2>&1; rc=$?
	rows=$(sed -n 's/^ok [0-9]* parent-writes-odirect-fork-alive-\([a-z0-9-]*\).*/\1/p' "$WORK/backings-pf.tap")
	skipped=$(for b in $rows; do backing_ran "$WORK/backings-pf.tap" "$b" || echo "$b"; done)
	echo "     $(grep '^# Totals' "$WORK/backings-pf.tap")"
	[ -n "$skipped" ] && echo "     skipped here: $(echo $skipped) ($(grep -m1 '^# SKIP' "$WORK/backings-pf.tap" | cut -c1-160))"
	if grep -q '^not ok' "$WORK/backings-pf.tap" || [ -z "$rows" ]; then
		fail "pin_fork over every backing (exit $rc)"; grep -B4 '^not ok' "$WORK/backings-pf.tap" | sed 's/^/     /' | tail -20
	else
		pass "pin_fork parent-writes over $(echo $rows | wc -w) backing rows: no failure"
	fi
	if [ "$(id -u)" = 0 ]; then
		backing_ran "$WORK/backings-pf.tap" swapped && pass "the swapped row ran (swap active or a temporary swap file)" ||
			fail "the swapped row did not run as root: $(grep -m1 '^# SKIP.*-swapped:' "$WORK/backings-pf.tap")"
	fi
else
	fail "$pf missing"
fi

if [ -x "$pu" ]; then
	"$pu" >"$WORK/backings-pu.tap" 2>&1; rc=$?
	echo "     $(grep '^# Totals' "$WORK/backings-pu.tap")"
	if grep -q '^not ok' "$WORK/backings-pu.tap" || { [ "$rc" != 0 ] && [ "$rc" != 4 ]; }; then
		fail "pin_unwritten (exit $rc)"; grep -B4 '^not ok' "$WORK/backings-pu.tap" | sed 's/^/     /' | tail -20
	else
		pass "pin_unwritten: no case failed"
	fi
	for b in untouched zero-page huge-zero-page memfd-unwritten file-unwritten; do
		backing_ran "$WORK/backings-pu.tap" "$b" && pass "pin_unwritten: a pin ran on $b" ||
			fail "pin_unwritten: no case ran on $b ($(grep -m1 "^# SKIP .*-$b:" "$WORK/backings-pu.tap"))"
	done
else
	fail "$pu missing"
fi

# The temporary swap: gone after a run, and after a SIGKILLed run once run.sh --restore ran.
state=$WORK/state-swap
swapfile=$state/swapfile
if [ "$(id -u)" != 0 ] || [ ! -x "$pf" ] || [ "$(wc -l </proc/swaps)" -gt 1 ]; then
	echo "skip: the temporary swap needs root and no active swap"
else
	PINFORK_STATE_DIR=$state "$pf" -p exhaustive -t 'parent-writes-odirect-fork-alive-swapped' >"$WORK/swap-run.tap" 2>&1
	backing_ran "$WORK/swap-run.tap" swapped && ! grep -qF "$swapfile" /proc/swaps && [ ! -e "$swapfile" ] &&
		pass "the temporary swap file is gone after the run" ||
		fail "after the run: $(grep -F "$swapfile" /proc/swaps; ls "$swapfile" 2>&1; grep -m1 '^# SKIP' "$WORK/swap-run.tap")"
	setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$WORK/sid-swap" env PINFORK_STATE_DIR="$state" \
		"$pf" -p exhaustive -t '*-swapped-thp' >"$WORK/swap-kill.tap" 2>&1 &
	disown
	for _ in $(seq 200); do grep -qF "$swapfile" /proc/swaps && break; sleep 0.05; done
	pkill -9 -s "$(cat "$WORK/sid-swap")"; sleep 0.3
	if grep -qF "$swapfile" /proc/swaps; then
		pass "a SIGKILLed run left its temporary swap on"
		PINFORK_STATE_DIR=$state ./run.sh --restore >"$WORK/swap-restore.out" 2>&1 ||
			fail "run.sh --restore failed: $(tail -2 "$WORK/swap-restore.out")"
		! grep -qF "$swapfile" /proc/swaps && [ ! -e "$swapfile" ] &&
			pass "run.sh --restore turned the temporary swap off and removed it" ||
			{ fail "the temporary swap is still there after run.sh --restore"; swapoff "$swapfile" 2>/dev/null; rm -f "$swapfile"; }
	else
		fail "no temporary swap seen while the swapped-thp cases ran ($(grep -m1 '^# SKIP' "$WORK/swap-kill.tap"))"
	fi
fi

# The temporary swap lives as long as the program: every swapping case of one
# program gets it (the runner's restore after a case once removed it and the
# cached swap gate still said yes), and it is gone after the program exits or
# is stopped by SIGTERM.
vl=$BUILD/tests/vmsplice_leak
pm=$BUILD/tests/pin_mm
state=$WORK/state-swap-life
swapfile=$state/swapfile
swap_left() { grep -qF "$swapfile" /proc/swaps || [ -e "$swapfile" ]; }
if [ "$(id -u)" != 0 ] || [ ! -x "$vl" ] || [ ! -x "$pm" ] || [ "$(wc -l </proc/swaps)" -gt 1 ]; then
	echo "skip: the temporary swap needs root and no active swap"
else
	# stop_within PID: SIGTERM, then SIGKILL if it is still there after 10 s
	stop_within() {
		kill -TERM "$1" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null
	}
	# thp_skipped TAP: the THP/mTHP rows of the swap-in cases that did not run
	thp_skipped() { sed -n 's/^ok [0-9]* vmsplice-leak-swapin-\(m*thp-[a-z0-9-]*\) # SKIP.*/\1/p' "$1"; }
	# A loaded machine can keep one THP from paging out at once; without the
	# swap every row after the first skips, so a second try cannot hide that.
	for try in 1 2; do
		PINFORK_STATE_DIR=$state "$vl" -p exhaustive -t 'vmsplice-leak-swapin-*' >"$WORK/swap-life.tap" 2>&1
		ran=$(grep -cE '^ok [0-9]+ vmsplice-leak-swapin-m*thp-[a-z0-9-]*$' "$WORK/swap-life.tap")
		[ -z "$(thp_skipped "$WORK/swap-life.tap")" ] && [ "$ran" -ge 2 ] && break
	done
	echo "     $(grep '^# Totals' "$WORK/swap-life.tap") (try $try)"
	if [ -z "$(thp_skipped "$WORK/swap-life.tap")" ] && [ "$ran" -ge 2 ] && ! grep -q '^not ok' "$WORK/swap-life.tap"; then
		pass "vmsplice_leak: all $ran THP swap-in cases of one program got swap"
	else
		fail "vmsplice_leak swap-in: THP rows skipped: $(echo $(thp_skipped "$WORK/swap-life.tap")) ($(grep -m1 '^# SKIP.*thp' "$WORK/swap-life.tap" | cut -c1-160))"
	fi
	swap_left && fail "the temporary swap is still on after vmsplice_leak exited: $(grep -F "$swapfile" /proc/swaps)" ||
		pass "no temporary swap left after the program exited"
	swapoff "$swapfile" 2>/dev/null; rm -f "$swapfile"

	PINFORK_STATE_DIR=$state "$pm" -p full -t '*-swapped*' >"$WORK/swap-term.tap" 2>&1 &
	pid=$!
	for _ in $(seq 200); do grep -qF "$swapfile" /proc/swaps && break; sleep 0.05; done
	sleep 0.5
	if grep -qF "$swapfile" /proc/swaps; then
		stop_within "$pid"
		swap_left && { fail "the temporary swap is still on after SIGTERM to the program"; swapoff "$swapfile" 2>/dev/null; rm -f "$swapfile"; } ||
			pass "SIGTERM to the program turned its temporary swap off and removed it"
	else
		stop_within "$pid"
		fail "pin_mm set up no temporary swap ($(grep -m1 '^# SKIP.*swapped' "$WORK/swap-term.tap"))"
	fi
fi
