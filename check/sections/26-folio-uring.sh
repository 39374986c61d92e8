section "folio_uring: issue 9's io_uring and hugetlb O_DIRECT rows have cases, their oracles fail on their symptoms"
# check/selftest_folio_uring builds the symptoms in userspace: a READ_FIXED
# landing one page late (the image oracle, and the whole offsets scenario
# with its I/O misplaced by hand), a huge page that does not come back and
# a pool that changed under the case (the hugetlb pool oracle). Then each
# fix id names a case in folio_uring's list and fixes.def, and the case
# that needs fault injection says so. Cost: about 2 s (the pool grows by
# 3 huge pages per hugetlb case, journaled and restored after it).
st=$BUILD/check/selftest_folio_uring
fu=$BUILD/tests/folio_uring
if [ -x "$st" ] && [ -x "$fu" ]; then
	"$st" >"$WORK/folio-uring.tap" 2>&1; rc=$?
	echo "     $(grep '^# Totals:' "$WORK/folio-uring.tap") (exit $rc)"
	if [ "$rc" = 0 ] && ! grep -q '^not ok' "$WORK/folio-uring.tap"; then
		pass "selftest_folio_uring: every symptom gets its verdict"
	else
		fail "selftest_folio_uring (exit $rc)"; grep -B4 '^not ok' "$WORK/folio-uring.tap" | tail -20 | sed 's/^/     /'
	fi
	expect_line "$WORK/folio-uring.tap" '^ok [0-9]+ image-misplaced-read$' \
		"the image oracle fails a READ_FIXED that landed a page late"
	if [ "$(id -u)" = 0 ]; then
		expect_line "$WORK/folio-uring.tap" '^ok [0-9]+ huge-page-kept$' \
			"the hugetlb pool oracle fails a huge page that is not given back"
		expect_line "$WORK/folio-uring.tap" '^ok [0-9]+ huge-pool-changed$' \
			"the hugetlb pool oracle does not charge the case for a pool that changed"
	fi
	for id in 3a3c6d61577d 5afb4bf9fc62 e1c75831f682 38b43539d64b; do
		n=$("$fu" -l | awk -F'\t' -v id="$id" 'index($7, id)' | wc -l)
		if [ "$n" -ge 1 ] && grep -q "^FIX(\"$id\"" harness/fixes.def; then
			pass "fix $id: $n case(s) in folio_uring, a row in fixes.def"
		else
			fail "fix $id: $n case(s) in folio_uring, fixes.def row: $(grep -c "^FIX(\"$id\"" harness/fixes.def)"
		fi
	done
	"$fu" -t uring-register-fails-imu-alloc >"$WORK/folio-uring-imu.tap" 2>&1
	expect_line "$WORK/folio-uring-imu.tap" '^# SKIP uring-register-fails-imu-alloc: .*needs fault injection' \
		"the allocation failure of e1c75831f682 SKIPs naming fault injection"
else
	fail "folio_uring or check/selftest_folio_uring not built"
fi
