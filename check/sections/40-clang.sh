section "clang: the tree builds with -Wall -Wextra -Werror"
if command -v clang >/dev/null; then
	make -s BUILD=build-clang CC=clang all >"$WORK/clang.log" 2>&1 && pass "clang build" || { fail "clang build"; tail -20 "$WORK/clang.log"; }
else
	echo "skip clang: not installed"
fi

