section "sanitizers: ASan+UBSan build of lib/ and harness/ with the self-tests"
san="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
if make -s BUILD=build-asan CFLAGS="$san" all >"$WORK/asan-build.log" 2>&1; then
	pass "ASan/UBSan build"
	for t in build-asan/check/selftest_oracles build-asan/check/selftest_race build-asan/tests/uring_fixed; do
		ASAN_OPTIONS=detect_leaks=0 "$t" -t '*anon*,*heap*,*stack*,pattern-*,isolation-*,fixed-*,dio-*' >"$WORK/asan.tap" 2>&1; rc=$?
		if [ "$rc" = 0 ] && ! grep -Eq 'runtime error|AddressSanitizer' "$WORK/asan.tap"; then
			pass "$(basename "$t") clean under ASan/UBSan"
		else
			fail "$(basename "$t") under ASan/UBSan (exit $rc)"; grep -E 'runtime error|ERROR|not ok' "$WORK/asan.tap" | head -5
		fi
	done
	ASAN_OPTIONS=detect_leaks=0 build-asan/check/harness_demo -t 'demo-pass,demo-fail,demo-skip,demo-noise' >"$WORK/asan-demo.tap" 2>&1
	grep -Eq 'runtime error|AddressSanitizer' "$WORK/asan-demo.tap" && fail "harness under ASan/UBSan" || pass "harness clean under ASan/UBSan"
else
	fail "ASan/UBSan build"; tail -20 "$WORK/asan-build.log"
fi

