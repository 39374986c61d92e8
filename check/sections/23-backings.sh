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
