section "held I/O: O_DIRECT reads held in flight across fork (odirect_held on $(uname -r))"
# Every case of build/tests/odirect_held whose backend runs here must pass
# on this kernel (the machine running make check is expected to have the
# fixes); at least one FUSE case must really run, so a machine without FUSE
# does not pass this section by skipping everything. HELD_CHECK_TESTS
# narrows the cases (default: all).
held=$BUILD/tests/odirect_held
if [ -x "$held" ]; then
	"$held" ${HELD_CHECK_TESTS:+-t "$HELD_CHECK_TESTS"} >"$WORK/held.tap" 2>&1; rc=$?
	totals=$(grep '^# Totals:' "$WORK/held.tap" | tail -1)
	echo "     $totals (exit $rc)"
	fuse_ran=$(grep -E '^ok [0-9]+ odirect-held-[a-z-]*-fuse-' "$WORK/held.tap" | grep -vc '# SKIP')
	if [ "$rc" != 0 ] || grep -q '^not ok' "$WORK/held.tap"; then
		fail "odirect_held: a case failed on this kernel (exit $rc)"
		grep -B4 '^not ok' "$WORK/held.tap" | sed 's/^/     /' | tail -30
	else
		pass "odirect_held: no case failed"
	fi
	if [ "$fuse_ran" -gt 0 ]; then
		pass "odirect_held: $fuse_ran FUSE case(s) ran and passed"
	else
		fail "odirect_held: no FUSE case ran ($(grep -m1 -A0 '^# SKIP odirect-held-[a-z-]*-fuse-' "$WORK/held.tap"))"
	fi
else
	fail "$held missing"
fi
