section "kselftest interop: make install, the upstream run_kselftest.sh, prove and kunit.py parse"
src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -1)
if [ -z "$src" ]; then
	echo "skip: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.1) for the upstream runner"
else
	ks=$WORK/ks
	mkdir -p "$ks"
	top=$(basename "$src" .tar.xz)
	tar -xJf "$src" -C "$ks" --wildcards "$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest/*" "$top/tools/testing/kunit/*" 2>/dev/null
	t=$ks/$top/tools/testing
	inst=$ks/install
	if make -s install INSTALL_PATH="$inst" >"$WORK/install.out" 2>&1 && [ -f "$t/selftests/run_kselftest.sh" ]; then
		pass "make install lays out the collection ($(grep -c '^pinfork:' "$inst/kselftest-list.txt") programs)"
		cp "$t/selftests/run_kselftest.sh" "$inst/" && cp -r "$t/selftests/kselftest" "$inst/"
		# a pipe, not a file: the upstream runner reopens /dev/stdout
		(cd "$inst" && ./run_kselftest.sh -t pinfork:uring_fixed -t pinfork:vmsplice_leak -t pinfork:rdma_mr) 2>&1 | cat >"$WORK/ks.tap"
		expect_line "$WORK/ks.tap" '^ok 1 selftests: pinfork: uring_fixed$' "run_kselftest.sh runs an installed program"
		expect_line "$WORK/ks.tap" '^ok 3 selftests: pinfork: rdma_mr # SKIP$' "a program with every case skipped is a SKIP there"
		prove -e cat "$WORK/ks.tap" >/dev/null 2>&1 && pass "prove accepts the runner's output" || fail "prove on the runner's output"
		$PY "$t/kunit/kunit.py" parse <"$WORK/ks.tap" >"$WORK/kunit.out" 2>&1 &&
			grep -q 'Ran 3 tests' "$WORK/kunit.out" && pass "kunit.py parse reads it: $(grep -o 'Ran 3 tests.*' "$WORK/kunit.out")" ||
			{ fail "kunit.py parse"; tail -5 "$WORK/kunit.out"; }
	else
		fail "make install or the upstream runner missing"; tail -5 "$WORK/install.out"
	fi
fi

