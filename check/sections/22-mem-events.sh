section "memory events: every row proves it acted, and pin_mm's oracles fail on their symptoms"
# check/selftest_mem_events runs every memory row of the event table for
# real (acts-ROW) and with its calls made no-ops (noop-is-skip-ROW: the row
# must SKIP, never pass), and builds pin_mm's failure symptoms in userspace.
# Then the table's shape: >= 22 distinct events over pin_mm and the fork
# programs, every long-term pin with every page mover in pin_mm's list, and
# one cheap slice of pin_mm that must not fail on this kernel.
mem=$BUILD/check/selftest_mem_events
mm=$BUILD/tests/pin_mm
if [ -x "$mem" ] && [ -x "$mm" ]; then
	"$mem" >"$WORK/mem-events.tap" 2>&1; rc=$?
	echo "     $(grep '^# Totals:' "$WORK/mem-events.tap") (exit $rc)"
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/mem-events.tap"; then
		pass "selftest_mem_events: no row passes as a no-op, every symptom fails"
	else
		fail "selftest_mem_events (exit $rc)"; grep -B4 '^not ok' "$WORK/mem-events.tap" | tail -20 | sed 's/^/     /'
	fi
	rows=$("$mem" -l | cut -f1 | sed -n 's/^acts-//p')
	missing=$(for r in $rows; do "$mem" -l | cut -f1 | grep -qx "noop-is-skip-$r" || echo "$r"; done)
	if [ "$(echo $rows | wc -w)" -ge 12 ] && [ -z "$missing" ]; then
		pass "each of $(echo $rows | wc -w) memory rows has its no-op case"
	else
		fail "memory rows without a no-op case: ${missing:-fewer than 12 rows}"
	fi
	# a no-op row that SKIPs for the right reason, not by a missing need
	expect_line "$WORK/mem-events.tap" '^# a row whose call did nothing: skip as expected: mprotect-half could not be shown to act' \
		"mprotect-half made a no-op says it could not be shown to act"
	if [ "$(id -u)" = 0 ]; then
		expect_line "$WORK/mem-events.tap" '^ok [0-9]+ decoupled-parent-writes-is-fail-uring-fixed$' \
			"parent-writes FAILs when MAP_FIXED decouples an io_uring fixed buffer"
		expect_line "$WORK/mem-events.tap" '^ok [0-9]+ shared-history-is-fail-odirect$' \
			"history-then-fork FAILs when the child shares the target"
	fi
	events=$( { "$mm" -l; "$BUILD"/tests/pin_fork -l; } | cut -f3 | grep -v '^-$' | sort -u | wc -l)
	[ "$events" -ge 22 ] && pass "$events distinct events in pin_mm and pin_fork" ||
		fail "only $events distinct events in pin_mm and pin_fork (want >= 22)"
	bad=$("$mm" -l | cut -f1 | grep -Ev '^[a-z][a-z0-9_-]*$' | head -3)
	[ -z "$bad" ] && pass "pin_mm case names match ^[a-z][a-z0-9_-]*\$" || fail "pin_mm names: $bad"
	movers=$("$mm" -l | awk -F'\t' '$1 ~ /^movers-/ { print $2 "/" $3 }' | sort -u)
	for m in compact ksm-merge madv-collapse khugepaged madv-pageout migrate mbind; do
		printf '%s\n' "$movers" | grep -q "^uring-fixed/$m\$" || fail "pin_mm: no movers case for uring-fixed x $m"
	done
	pass "pin_mm: uring-fixed meets every page mover ($(printf '%s\n' "$movers" | wc -l) pin x mover pairs)"
	"$mm" -p exhaustive -t 'parent-writes-*-anon' >"$WORK/pin-mm.tap" 2>&1; rc=$?
	echo "     pin_mm parent-writes on anon: $(grep '^# Totals:' "$WORK/pin-mm.tap") (exit $rc)"
	if grep -q '^not ok' "$WORK/pin-mm.tap" || [ "$rc" = 1 ]; then
		fail "pin_mm parent-writes on anon failed on $(uname -r)"; grep -B4 '^not ok' "$WORK/pin-mm.tap" | tail -20 | sed 's/^/     /'
	else
		pass "pin_mm parent-writes on anon: no case failed ($(grep -c '^ok [0-9]* [a-z0-9-]*$' "$WORK/pin-mm.tap") passed)"
	fi
else
	fail "$mem or $mm missing"
fi
