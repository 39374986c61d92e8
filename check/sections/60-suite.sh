# Every failed case of RECORDS is a known bug of this kernel (known-failures.tsv);
# sets known_seen to "program/case (fix)" of each.
known_failures_only() {
	local prog name status fix release
	release=$(uname -r) known_seen=''
	while IFS=$'\t' read -r prog name status _; do
		case "$status" in fail|error|timeout) ;; *) continue ;; esac
		fix=$(awk -F'\t' -v r="$release" -v p="$prog" -v n="$name" '
			/^#/ || NF < 4 { next }
			r ~ $1 && p == $2 { g = $3; gsub(/\*/, ".*", g); if (n ~ ("^" g "$")) { print $4; exit } }' \
			configs/known-failures.tsv)
		if [ -z "$fix" ] || [ "$status" != fail ]; then
			echo "     not a known bug of $release: $prog/$name $status"
			return 1
		fi
		known_seen="$known_seen $prog/$name ($fix)"
	done <"$1"
	[ -n "$known_seen" ]
}

section "the suite on this kernel ($(uname -r))"
printf 'folio_mm\tuffd-move-result-race\tfail\t1\tx\npin_fork\tnot-a-known-bug\tfail\t1\tx\n' >"$WORK/known.tsv"
known_failures_only "$WORK/known.tsv" >/dev/null && fail "a failure outside configs/known-failures.tsv passes as known" ||
	pass "a failure outside configs/known-failures.tsv is not taken for a known bug"
results=$BUILD/check-results
rm -rf "$results"
if [ -x ./run.sh ]; then
	PINFORK_BUILD=$PWD/$BUILD ./run.sh --no-install --results "$results"; rc=$?
	known_ok=0
	if [ "$rc" = 0 ]; then
		pass "run.sh: no failures"
	elif [ "$rc" = 1 ] && [ -f "$results/records.tsv" ] && known_failures_only "$results/records.tsv"; then
		known_ok=1
		pass "run.sh: the only failures are known bugs of this kernel (configs/known-failures.tsv): $known_seen"
	else
		fail "run.sh exit $rc"
	fi
	if [ -f "$results/output.tap" ] && prove -e cat "$results/output.tap" >"$WORK/prove.out" 2>&1; then
		pass "prove accepts results/output.tap"
	elif [ "$known_ok" = 1 ] && [ -f "$results/output.tap" ] && ! grep -q 'Parse errors' "$WORK/prove.out"; then
		pass "prove parses results/output.tap (its only failures: the known bugs above)"
	else
		fail "prove on output.tap"; grep -A3 'Parse errors' "$WORK/prove.out" | head -5
	fi
	if command -v xmllint >/dev/null && [ -f "$results/junit.xml" ]; then
		xmllint --noout "$results/junit.xml" && pass "junit.xml is well-formed" || fail "junit.xml"
	fi
	if [ -f "$results/results.json" ]; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$results/results.json" && pass "results.json is valid JSON" || fail "results.json"
	fi
	if [ -f "$results/records.tsv" ]; then
		# --compare: make a "new" folder with one case failing, one skipped
		cmp_new=$WORK/cmp-new; cp -r "$results" "$cmp_new"
		awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { $3 = "fail"; $5 = "made up" } NR == 2 { $3 = "skip" } { print }' \
			"$results/records.tsv" >"$cmp_new/records.tsv"
		./run.sh --compare "$results" "$cmp_new" >"$WORK/compare.out"; rc=$?
		first=$(awk -F'\t' 'NR == 1 { print $2 }' "$results/records.tsv")
		[ "$rc" = 1 ] && grep -A1 '^new failures (1)' "$WORK/compare.out" | grep -q "$first" &&
			grep -q '^newly skipped (1)' "$WORK/compare.out" && pass "run.sh --compare lists new failures and skips" ||
			{ fail "run.sh --compare (exit $rc)"; cat "$WORK/compare.out"; }
		./run.sh --compare "$cmp_new" "$results" >"$WORK/compare2.out"; rc=$?
		[ "$rc" = 0 ] && grep -q '^fixed (1)' "$WORK/compare2.out" && pass "run.sh --compare lists fixed cases" || fail "run.sh --compare reverse (exit $rc)"
	fi
else
	fail "run.sh missing"
fi

