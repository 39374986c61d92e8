section "folio_mm (issue 9): lazy-free, UFFDIO_MOVE and Mlocked oracles fail on their symptoms; every row has its case"
# check/selftest_folio_mm builds each oracle's failure symptom by hand (a
# page written after MADV_FREE that reads zeros or old data, a never-freed
# page zeroed, a moved page holding a neighbour's data, Mlocked off its
# baseline while nobody else locked memory, UFFDIO_MOVE answering EEXIST
# though the page moved) and the healthy states. Then
# tests/folio_mm must list a case for each fix of its three rows. Nothing
# here touches a system knob; about 0.1 s.
self=$BUILD/check/selftest_folio_mm
prog=$BUILD/tests/folio_mm
if [ -x "$self" ] && [ -x "$prog" ]; then
	"$self" >"$WORK/folio-mm-self.tap" 2>&1; rc=$?
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/folio-mm-self.tap"; then
		pass "selftest_folio_mm: $(grep -c '^ok' "$WORK/folio-mm-self.tap") oracle checks as expected"
	else
		fail "selftest_folio_mm (exit $rc)"; grep -B3 '^not ok' "$WORK/folio-mm-self.tap" | tail -20 | sed 's/^/     /'
	fi
	for s in lazy-redirtied-zeroed lazy-redirtied-old lazy-kept-zeroed lazy-freed-garbage \
		 move-neighbour move-garbage mlocked-leak mlocked-underflow; do
		expect_line "$WORK/folio-mm-self.tap" "^ok [0-9]+ $s-is-fail\$" "symptom $s is reported as a failure"
	done
	expect_line "$WORK/folio-mm-self.tap" '^ok [0-9]+ move-eexist-but-moved-is-seen$' \
		"UFFDIO_MOVE answering EEXIST after moving the page is seen"
	expect_line "$WORK/folio-mm-self.tap" '^# Mlocked moved by .* not charged to the case$' \
		"Mlocked moving while others lock memory is a diagnostic, not a failure"
	list=$("$prog" -p exhaustive -l)
	for fix in ddd05742b45b 3f8968e9cbf9 0ea148a79919 c50f8e6053b0 dc68badcede4 f025ca73decd; do
		n=$(printf '%s\n' "$list" | awk -F'\t' -v f="$fix" 'index($7, f)' | wc -l)
		[ "$n" -gt 0 ] && pass "folio_mm: $n case(s) guard $fix" || fail "folio_mm: no case guards $fix"
	done
else
	fail "selftest_folio_mm or tests/folio_mm not built"
fi
