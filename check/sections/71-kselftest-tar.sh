section "make kselftest-tar: the standalone tarball, unpacked alone, run by our run_kselftest.sh"
# What LKFT's kselftest.sh, tuxrun and KernelCI do with it: unpack it in an
# empty folder and call ./run_kselftest.sh. 5-10 s of CPU, 16 s on an idle
# 2-core machine (uring_fixed and rdma_mr run; the runner's failure paths
# run on stand-in programs).
ktar=$WORK/ktar
ktar_out=$WORK/ktar.tap
ktar_tarball=$BUILD/pinfork-kselftest.tar.gz

# ktar_parse FILE: "pass skip fail plan" of the top-level results, by tappy
# line by line, as Linaro's parse-output.py reads (parse_file wants
# python3-more-itertools for a TAP 13 stream and prints a warning without it)
ktar_parse() {
	$PY - "$1" <<'EOF'
import sys
from tap.parser import Parser
n = {"pass": 0, "skip": 0, "fail": 0, "plan": -1}
parser = Parser()
for raw in open(sys.argv[1]):
    line = parser.parse_line(raw.rstrip("\n"))
    if line.category == "plan":
        n["plan"] = line.expected_tests
    elif line.category == "test":
        n["skip" if line.skip else "pass" if line.ok else "fail"] += 1
print(n["pass"], n["skip"], n["fail"], n["plan"])
EOF
}

# ktar_run NAME ARGS...: the runner in the unpacked tree; output in $ktar_out,
# its exit status in $ktar_rc
ktar_run() {
	(cd "$ktar" && ./run_kselftest.sh "$@") >"$ktar_out" 2>&1
	ktar_rc=$?
}

ktar_check_layout() {
	local top missing=0 e
	top=$(tar -tzf "$ktar_tarball" | awk -F/ 'NF <= 3 && $2 != "" { print $2 }' | sort -u | tr '\n' ' ')
	[ "$top" = "kselftest-list.txt pinfork run_kselftest.sh " ] &&
		pass "tarball top: ./run_kselftest.sh ./kselftest-list.txt ./pinfork/" ||
		fail "tarball top is: $top"
	for e in settings config requirements README libpinfork_helper.so pinfork-restore; do
		[ -e "$ktar/pinfork/$e" ] || { fail "pinfork/$e missing"; missing=1; }
	done
	while IFS=: read -r _ e; do
		[ -x "$ktar/pinfork/$e" ] || { fail "pinfork/$e listed but not an executable"; missing=1; }
	done <"$ktar/kselftest-list.txt"
	[ "$missing" = 0 ] && pass "pinfork/: settings, config, requirements, README, the helper library and every listed program"
	grep -q '^liburing.so.2 liburing2 \(bundled\|system\)$' "$ktar/pinfork/requirements" &&
		pass "pinfork/requirements names the libraries ($(grep -c ' bundled$' "$ktar/pinfork/requirements") bundled, $(grep -c ' system$' "$ktar/pinfork/requirements") from the system)" ||
		fail "pinfork/requirements has no liburing.so.2 line"
	ldd "$ktar/pinfork/uring_fixed" | grep -q "libpinfork_helper.so => $ktar/pinfork/" &&
		pass "a program loads libpinfork_helper.so from its own folder, not the build tree" ||
		fail "uring_fixed's libpinfork_helper.so: $(ldd "$ktar/pinfork/uring_fixed" | grep pinfork_helper)"
}

# With the system's copies of the bundled libraries hidden (a private mount
# namespace binds /dev/null over them), the programs still run: what a
# rootfs without liburing or with libfuse3.so.4 (Debian 13) sees.
ktar_check_bundled() {
	local hide='' so path
	while read -r so _ where; do
		[ "$where" = bundled ] || continue
		path=$(ldconfig -p | awk -v so="$so" '$1 == so && !p { print $NF; p = 1 }')
		[ -n "$path" ] && hide="$hide $(readlink -f "$path")"
	done < <(grep -v '^#' "$ktar/pinfork/requirements")
	if [ -z "$hide" ] || ! unshare -m true 2>/dev/null; then
		echo "skip: nothing bundled, or no private mount namespace here (unshare -m)"; return
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'for f in $1; do mount --bind /dev/null "$f" || exit 9; done
		cd "$2" && ./run_kselftest.sh -t pinfork:dirty_pipe' sh "$hide" "$ktar" >"$ktar_out" 2>&1
	ktar_rc=$?
	grep -q '^ok 1 selftests: pinfork: dirty_pipe$' "$ktar_out" && [ "$ktar_rc" = 0 ] &&
		pass "the bundled libraries serve with the system's hidden ($(echo $hide | wc -w) files)" ||
		{ fail "with the system's libraries hidden (exit $ktar_rc)"; tail -3 "$ktar_out"; }
}

ktar_check_run() {
	local timeout counts one
	cmp -s <(cd "$ktar" && ./run_kselftest.sh -l) "$ktar/kselftest-list.txt" &&
		pass "run_kselftest.sh -l lists kselftest-list.txt ($(wc -l <"$ktar/kselftest-list.txt") programs)" ||
		fail "run_kselftest.sh -l differs from kselftest-list.txt"
	ktar_run -t pinfork:uring_fixed -t pinfork:rdma_mr
	[ "$ktar_rc" = 0 ] && pass "runner exit 0 when nothing failed" || fail "runner exit $ktar_rc"
	expect_line "$ktar_out" '^TAP version 13$' "TAP version 13 first"
	expect_line "$ktar_out" '^1\.\.2$' "plan 1..2"
	expect_line "$ktar_out" '^# selftests: pinfork: uring_fixed$' "the program header line"
	expect_line "$ktar_out" '^ok 1 selftests: pinfork: uring_fixed$' "ok N selftests: pinfork: prog"
	expect_line "$ktar_out" '^ok 2 selftests: pinfork: rdma_mr # SKIP$' "exit 4: # SKIP"
	expect_line "$ktar_out" '^# ok 1 ' "the program's own lines prefixed '# '"
	expect_line "$ktar_out" '^# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0$' "the totals line"
	timeout=$(sed -n 's/^timeout=//p' "$ktar/pinfork/settings")
	expect_line "$ktar_out" "^# timeout set to $timeout\$" "pinfork/settings' timeout=$timeout reaches the runner"
	prove -e cat "$ktar_out" >/dev/null 2>&1 && pass "prove accepts it" || fail "prove on the runner's output"
	counts=$(ktar_parse "$ktar_out" 2>&1)
	[ "$counts" = "1 1 0 2" ] && pass "tappy: 1 pass, 1 skip, 0 fail of a plan of 2" ||
		fail "tappy reads: $counts (pass skip fail plan), not 1 1 0 2"
	one=$("$ktar/pinfork/uring_fixed" -l | head -n 1 | cut -f1)
	(cd "$ktar" && KSELFTEST_URING_FIXED_ARGS="-t $one" ./run_kselftest.sh -o 77 -t pinfork:uring_fixed) >"$ktar_out" 2>&1
	expect_line "$ktar_out" '^# 1\.\.1$' "KSELFTEST_URING_FIXED_ARGS='-t $one' runs that one case"
	expect_line "$ktar_out" '^# overriding timeout to 77$' "-o 77 overrides the settings timeout"
	ktar_run -s -t pinfork:uring_fixed
	if ! grep -q '^# ok ' "$ktar_out" && grep -q '^# ok 1 ' "$ktar/output.log" &&
		grep -q '^ok 1 selftests: pinfork: uring_fixed$' "$ktar_out"; then
		pass "-s: program output in output.log, result lines on stdout"
	else
		fail "-s: output.log and stdout not split"
	fi
}

# With section 70's copy of the kernel's tools (linux-source): kunit.py
# parse reads our runner's output, and the kernel's own runner runs the
# unpacked tarball's tree in place of ours.
ktar_check_upstream() {
	local t up
	t=$(ls -d "$WORK"/ks/*/tools/testing 2>/dev/null | head -n 1)
	if [ -z "$t" ] || [ ! -f "$t/kunit/kunit.py" ]; then
		echo "skip: no kernel tools from section 70 (linux-source) for kunit.py and the upstream runner"
		return
	fi
	ktar_run -t pinfork:uring_fixed -t pinfork:rdma_mr
	$PY "$t/kunit/kunit.py" parse <"$ktar_out" >"$WORK/ktar-kunit.out" 2>&1 &&
		grep -q 'Ran 2 tests: passed: 1, skipped: 1' "$WORK/ktar-kunit.out" &&
		pass "kunit.py parse reads our runner's output: $(grep -o 'Ran 2 tests.*' "$WORK/ktar-kunit.out")" ||
		{ fail "kunit.py parse on our runner's output"; tail -3 "$WORK/ktar-kunit.out"; }
	up=$WORK/ktar-upstream
	rm -rf "$up" && mkdir -p "$up" && tar -C "$up" -xzf "$ktar_tarball"
	cp "$t/selftests/run_kselftest.sh" "$up/" && cp -r "$t/selftests/kselftest" "$up/"
	(cd "$up" && ./run_kselftest.sh -t pinfork:uring_fixed) 2>&1 | cat >"$WORK/ktar-upstream.tap"
	expect_line "$WORK/ktar-upstream.tap" '^ok 1 selftests: pinfork: uring_fixed$' \
		"the kernel's run_kselftest.sh runs the tarball's tree too"
}

# The runner's failure paths, on stand-in programs in a copy of the tree:
# the lines LKFT's parser turns into fail, and the exit status.
ktar_check_failures() {
	local sh
	printf '#!/bin/sh\necho "args: $*"\nsleep "${1:-0}"\nexit "${2:-0}"\n' >"$ktar/pinfork/standin"
	chmod +x "$ktar/pinfork/standin"
	printf 'pinfork:standin\npinfork:missing\n' >>"$ktar/kselftest-list.txt"
	for sh in dash "busybox sh"; do
		command -v "${sh%% *}" >/dev/null || { echo "skip: no $sh"; continue; }
		(cd "$ktar" && KSELFTEST_STANDIN_ARGS="0 7" $sh ./run_kselftest.sh -t pinfork:standin) >"$ktar_out" 2>&1
		ktar_rc=$?
		grep -q '^not ok 1 selftests: pinfork: standin # exit=7$' "$ktar_out" && [ "$ktar_rc" = 1 ] &&
			pass "$sh: exit 7 is 'not ok ... # exit=7', runner exit 1" || fail "$sh: exit 7 (runner exit $ktar_rc)"
		(cd "$ktar" && KSELFTEST_STANDIN_ARGS="0 4" $sh ./run_kselftest.sh -t pinfork:standin) >"$ktar_out" 2>&1
		expect_line "$ktar_out" '^ok 1 selftests: pinfork: standin # SKIP$' "$sh: exit 4 is '# SKIP'"
		(cd "$ktar" && KSELFTEST_STANDIN_ARGS="5 0" $sh ./run_kselftest.sh -f -o 1 -t pinfork:standin -t pinfork:missing) >"$ktar_out" 2>&1
		ktar_rc=$?
		grep -q '^not ok 1 selftests: pinfork: standin # TIMEOUT 1 seconds$' "$ktar_out" && [ "$ktar_rc" = 0 ] &&
			pass "$sh: a program past its limit is '# TIMEOUT 1 seconds'; -f: exit 0" ||
			fail "$sh: timeout (runner exit $ktar_rc)"
		expect_line "$ktar_out" '^not ok 2 selftests: pinfork: missing # exit=1$' "$sh: a listed program that is missing fails"
	done
	ktar_run -c nosuch
	[ "$ktar_rc" = 1 ] && pass "an unknown collection: exit 1" || fail "-c nosuch: exit $ktar_rc"
	ktar_run -o 0
	[ "$ktar_rc" = 1 ] && pass "-o 0: exit 1" || fail "-o 0: exit $ktar_rc"
}

# contrib/kernelci and contrib/tuxrun: the YAML parses; pinfork.jinja2
# renders (jinja2, the variables of example-vars.yaml, with and without a
# tarball URL) to a LAVA test block that runs the pinfork collection.
ktar_check_contrib() {
	local out
	[ -d contrib/kernelci ] || { echo "skip: no contrib/kernelci"; return; }
	if out=$($PY - contrib/kernelci contrib/tuxrun 2>&1 <<'EOF'
import glob, sys, yaml
files = [f for d in sys.argv[1:] for f in sorted(glob.glob(d + "/*.yaml"))]
for f in files:
    with open(f) as fh:
        list(yaml.safe_load_all(fh))
try:
    import jinja2
except ImportError:
    print(f"{len(files)} YAML files parse; no python3-jinja2 for pinfork.jinja2")
    sys.exit(0)
env = jinja2.Environment(loader=jinja2.FileSystemLoader("contrib/kernelci"),
                         undefined=jinja2.StrictUndefined)
with open("contrib/kernelci/example-vars.yaml") as fh:
    params = yaml.safe_load(fh)
local = dict(params)
del local["pinfork_tar_url"]
modes = []
for v in (params, local):
    block = yaml.safe_load(env.get_template("pinfork.jinja2").render(**v))
    p = block[0]["test"]["definitions"][-1]["parameters"]
    assert p["TST_CMDFILES"] == "pinfork", p
    modes.append("TESTPROG_URL" if "TESTPROG_URL" in p else "KSELFTEST_PATH=" + p["KSELFTEST_PATH"])
print(f"{len(files)} YAML files parse; pinfork.jinja2 renders to YAML, TST_CMDFILES=pinfork, with " + " / ".join(modes))
EOF
); then
		pass "contrib: $out"
	else
		fail "contrib YAML: $out"
	fi
}

rm -rf "$ktar" && mkdir -p "$ktar"
if make -s kselftest-tar >"$WORK/ktar-build.log" 2>&1 && tar -C "$ktar" -xzf "$ktar_tarball"; then
	pass "make kselftest-tar: $(tail -n 1 "$WORK/ktar-build.log" | sed 's/^mktar.sh: //')"
	ktar_check_layout
	ktar_check_bundled
	ktar_check_run
	ktar_check_upstream
	ktar_check_failures
else
	fail "make kselftest-tar"; tail -5 "$WORK/ktar-build.log"
fi
ktar_check_contrib
