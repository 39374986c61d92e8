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


# every pin row (lib/pin/) has a healthy case and at least one failure symptom
pins_list=$("$BUILD"/check/selftest_pins -l | cut -f1)
rows=$(printf '%s\n' "$pins_list" | sed -n 's/^healthy-//p')
missing=$(for p in $rows; do printf '%s\n' "$pins_list" | grep -Eq "^(stale-send|lost-bring)-$p\$" || echo "$p"; done)
if [ -n "$rows" ] && [ -z "$missing" ]; then
	pass "selftest_pins: each of $(echo $rows | wc -w) pin rows has its failure symptom"
else
	fail "selftest_pins: pin rows without a failure symptom: ${missing:-no rows listed}"
fi
