section "optional libraries: a build without libibverbs and libnuma builds everything and SKIPs with the reason"
# The Makefile's probes forced to fail, in a build folder of its own.
nolibs=build-nolibs
if make -s BUILD=$nolibs HAVE_IBVERBS=0 HAVE_NUMA=0 all >"$WORK/nolibs-build.log" 2>&1; then
	pass "build with HAVE_IBVERBS=0 HAVE_NUMA=0"
	for t in tests/rdma_mr tests/pin_invariants tests/pin_fork check/selftest_rdma check/selftest_pins; do
		if ldd "$nolibs/$t" | grep -Eq 'libibverbs|libnuma'; then
			fail "$t links libibverbs or libnuma without them"
		fi
		if cmp -s <("$BUILD/$t" -l) <("$nolibs/$t" -l); then
			pass "$t: the same cases, in the same order, without the libraries"
		else
			fail "$t: the case list changes without the libraries"
		fi
	done
	for t in tests/rdma_mr check/selftest_rdma; do
		"$nolibs/$t" >"$WORK/nolibs.tap" 2>&1; rc=$?
		n=$(grep -c '^ok [0-9]* .* # SKIP$' "$WORK/nolibs.tap")
		why=$(grep -c '^# SKIP .*: built without libibverbs (install libibverbs-dev)$' "$WORK/nolibs.tap")
		if [ "$rc" = 4 ] && [ "$n" -gt 0 ] && [ "$n" = "$why" ] && [ "$n" = "$("$nolibs/$t" -l | wc -l)" ]; then
			pass "$t: all $n cases SKIP: built without libibverbs"
		else
			fail "$t without libibverbs (exit $rc, $n skipped, $why with the reason)"; tail -5 "$WORK/nolibs.tap"
		fi
	done
	"$nolibs/tests/pin_fork" -p exhaustive -t '*-rdma-r[ow]-fork-alive-anon' >"$WORK/nolibs.tap" 2>&1
	n=$(grep -c '^# SKIP .*: built without libibverbs (install libibverbs-dev)$' "$WORK/nolibs.tap")
	[ "$n" = 4 ] && pass "pin_fork: the RDMA pin rows SKIP: built without libibverbs" ||
		{ fail "pin_fork's RDMA rows without libibverbs: $n of 4 SKIP with the reason"; tail -5 "$WORK/nolibs.tap"; }
	"$nolibs/tests/pin_invariants" -t mbind-pinned-anon >"$WORK/nolibs.tap" 2>&1
	expect_line "$WORK/nolibs.tap" '^# SKIP mbind-pinned-anon: built without libnuma \(install libnuma-dev\)$' \
		"pin_invariants: a NUMA case SKIPs: built without libnuma"
else
	fail "build with HAVE_IBVERBS=0 HAVE_NUMA=0"; tail -20 "$WORK/nolibs-build.log"
fi
