section "I/O held in flight as a pin operation: start/finish of every PF_PIN_HOLDS row"
# The rows that hold a transfer are the pins of build/tests/pin_inflight
# (its template asks PF_PIN_HOLDS). Each must have its start/finish
# symptoms in check/selftest_pins.c: a read held while the mapping is
# replaced (finish must FAIL) and a read the server never held (start must
# not pass); those must report them; and a sample of pin_inflight must
# really run and pass on this kernel.
inflight=$BUILD/tests/pin_inflight
pins=$BUILD/check/selftest_pins
if [ -x "$inflight" ] && [ -x "$pins" ]; then
	holds=$("$inflight" -l | cut -f2 | sort -u)
	symptoms=$("$pins" -l | cut -f1)
	with=$(printf '%s\n' "$symptoms" | sed -n 's/^lost-held-read-//p' | sort -u)
	missing=$(for p in $holds; do
		for s in healthy lost-held-read never-held; do
			printf '%s\n' "$symptoms" | grep -qx "$s-$p" || echo "$s-$p"
		done
	done)
	if [ -n "$holds" ] && [ -z "$missing" ]; then
		pass "selftest_pins: each of $(echo $holds | wc -w) holding pin rows ($(echo $holds)) has its start/finish symptoms"
	else
		fail "selftest_pins: start/finish symptoms missing: ${missing:-no holding pin rows listed}"
	fi
	[ "$holds" = "$with" ] && pass "pin_inflight's pins are exactly the rows with a held-read symptom" ||
		fail "pin_inflight's pins ($(echo $holds)) differ from the rows with lost-held-read ($(echo $with))"

	"$pins" -t 'lost-held-read-*' -t 'never-held-*' >"$WORK/pins-held.tap" 2>&1; rc=$?
	ran=$(grep -E '^ok [0-9]+ (lost-held-read|never-held)-' "$WORK/pins-held.tap" | grep -vc '# SKIP')
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/pins-held.tap" && [ "$ran" -gt 0 ]; then
		pass "selftest_pins: $ran start/finish symptom(s) reported"
	elif [ "$rc" = 4 ] && ! grep -q '^not ok' "$WORK/pins-held.tap"; then
		pass "selftest_pins: start/finish symptoms skipped here ($(grep -m1 '^# SKIP' "$WORK/pins-held.tap" | cut -d: -f2- | sed 's/^ //'))"
	else
		fail "selftest_pins: a start/finish symptom was not reported (exit $rc)"
		grep -B4 '^not ok' "$WORK/pins-held.tap" | sed 's/^/     /' | tail -20
	fi

	"$inflight" -p exhaustive -t 'inflight-*-fork-alive-anon' >"$WORK/inflight.tap" 2>&1; rc=$?
	ran=$(grep -E '^ok [0-9]+ inflight-' "$WORK/inflight.tap" | grep -vc '# SKIP')
	echo "     $(grep '^# Totals:' "$WORK/inflight.tap" | tail -1) (exit $rc)"
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/inflight.tap" && [ "$ran" -gt 0 ]; then
		pass "pin_inflight: $ran fork-alive case(s) held a read across the fork and passed"
	else
		fail "pin_inflight: the fork-alive sample did not pass here (exit $rc, $ran ran)"
		grep -B6 -E '^not ok|^# SKIP' "$WORK/inflight.tap" | sed 's/^/     /' | tail -20
	fi
else
	fail "$inflight or $pins missing"
fi
