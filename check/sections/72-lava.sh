section "LAVA: test definition, example job, device dictionary, and the results each case reports"
# Cheap (a few seconds): lints and schemas, then pinfork-lava.sh end to end on
# this host with stand-ins for lava-test-case/lava-test-set, on a fake tarball
# whose runner prints every kind of result line, on a tarball it cannot fetch,
# and on the real tarball when `make kselftest-tar` exists. No VM: the real
# lava-run (contrib/lava/run-local.sh) takes 3.5 to 12 minutes under TCG.
lava=contrib/lava
LPY=/usr/bin/python3; [ -x "$LPY" ] || LPY=$PY

if command -v yamllint >/dev/null; then
	yl="{extends: default, rules: {line-length: {max: 100}, truthy: {check-keys: false}}}"
	if yamllint -s -d "$yl" $lava/pinfork.yaml $lava/job-qemu.yaml >"$WORK/yamllint.out" 2>&1; then
		pass "yamllint: pinfork.yaml and job-qemu.yaml"
	else
		fail "yamllint"; head -10 "$WORK/yamllint.out"
	fi
else
	echo "skip: no yamllint (apt-get install yamllint)"
fi

for f in $lava/pinfork-lava.sh; do
	sh -n "$f" && pass "sh -n $f" || fail "sh -n $f"
done
for f in $lava/build-rootfs.sh $lava/run-local.sh; do
	bash -n "$f" && pass "bash -n $f" || fail "bash -n $f"
done
awk -f $lava/tap2lava.awk </dev/null >/dev/null && pass "awk reads tap2lava.awk" || fail "awk -f tap2lava.awk"

# The test definition: the fields LAVA reads, parameters the script takes.
$LPY - $lava/pinfork.yaml <<'EOF' >"$WORK/testdef.out" 2>&1 &&
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["metadata"]["format"] == "Lava-Test Test Definition 1.0", d["metadata"]
assert d["metadata"]["name"] == "pinfork"
for p in ("PINFORK_TARBALL", "PINFORK_PROFILE", "PINFORK_TESTS", "PINFORK_SKIP", "PINFORK_TIMEOUT"):
    assert p in d["params"], p
assert d["params"]["PINFORK_PROFILE"] == "quick"
assert any("./contrib/lava/pinfork-lava.sh" in s for s in d["run"]["steps"])
EOF
	pass "pinfork.yaml: Lava-Test Test Definition 1.0 with its parameters" ||
	{ fail "pinfork.yaml fields"; tail -3 "$WORK/testdef.out"; }

if $LPY -c 'import lava_common.schemas' 2>/dev/null; then
	$LPY - $lava/job-qemu.yaml <<'EOF' >"$WORK/jobschema.out" 2>&1 &&
import sys, yaml
from lava_common.schemas import validate
validate(yaml.safe_load(open(sys.argv[1])), strict=True)
EOF
		pass "job-qemu.yaml is valid under lava-common's job schema" ||
		{ fail "job-qemu.yaml: lava-common's job schema"; tail -3 "$WORK/jobschema.out"; }
	# device-type templates: lava-server's, installed or from its .deb
	tdir=''
	for d in /etc/lava-server/dispatcher-config/device-types /usr/share/lava-server/device-types; do
		[ -f "$d/qemu.jinja2" ] && tdir=$d && break
	done
	if [ -z "$tdir" ] && (cd "$WORK" && timeout 120 apt-get download lava-server) >/dev/null 2>&1; then
		dpkg-deb -x "$WORK"/lava-server_*.deb "$WORK/lava-server" && tdir=$WORK/lava-server/usr/share/lava-server/device-types
	fi
	if [ -n "$tdir" ]; then
		if $LPY $lava/render-device.py $lava/devices/qemu-pinfork.jinja2 "$WORK/device.yaml" \
			--templates "$tdir" arch=amd64 >"$WORK/render.out" 2>&1 &&
			grep -q 'schema valid' "$WORK/render.out" && grep -q -- "-accel tcg" "$WORK/device.yaml"; then
			pass "device dictionary renders to a valid qemu device (tcg)"
		else
			fail "render-device.py"; tail -3 "$WORK/render.out"
		fi
	else
		echo "skip: no lava-server device-types templates (apt-get download lava-server failed)"
	fi
else
	echo "skip: no lava-common (apt-get install lava-common): job and device schemas not checked"
fi

# Stand-ins for LAVA's helpers: one line per call in $WORK/lava-calls.
mkdir -p "$WORK/lavabin"
for c in lava-test-case lava-test-set; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/lava-calls"\n' "$c" "$WORK" >"$WORK/lavabin/$c"
	chmod +x "$WORK/lavabin/$c"
done

# A fake tarball: its runner prints one line of each kind, then stops
# inside a program, as a crashed guest would.
fake=$WORK/fake
mkdir -p "$fake/pinfork"
echo pinfork:alpha >"$fake/kselftest-list.txt"
cat >"$fake/run_kselftest.sh" <<'EOF'
#!/bin/sh
cat <<'TAP'
TAP version 13
1..3
# timeout set to 120
# selftests: pinfork: alpha
# TAP version 13
# 1..6
# ok 1 a-pass
# # SKIP a-skip: no THP
# ok 2 a-skip # SKIP
# # found 0x00 at offset 4096, expected 0x5a
# not ok 3 a-fail # data mismatch after fork
# ok 4 a-xfail # XFAIL known upstream
# not ok 5 a-timeout # TIMEOUT 10 s
# ok 6 a.odd:name
# # Totals: pass:2 fail:2 xfail:1 xpass:0 skip:1 error:0
not ok 1 selftests: pinfork: alpha # exit=1
# timeout set to 120
# selftests: pinfork: beta
# TAP version 13
# 1..0 # SKIP no io_uring
ok 2 selftests: pinfork: beta # SKIP
# timeout set to 120
# selftests: pinfork: gamma
# TAP version 13
# 1..2
# ok 1 g-pass
TAP
EOF
chmod +x "$fake/run_kselftest.sh"
tar -czf "$WORK/fake.tar.gz" -C "$fake" .
rm -f "$WORK/lava-calls"
PATH=$WORK/lavabin:$PATH sh $lava/pinfork-lava.sh -P -d "$WORK/unpacked" -u "file://$WORK/fake.tar.gz" \
	>"$WORK/lava-run.out" 2>&1; rc=$?
cat >"$WORK/lava-expected" <<'EOF'
lava-test-set start alpha
lava-test-case pinfork.alpha.a-pass --result pass
lava-test-case pinfork.alpha.a-skip --result skip
lava-test-case pinfork.alpha.a-fail --result fail
lava-test-case pinfork.alpha.a-xfail --result pass
lava-test-case pinfork.alpha.a-timeout --result fail
lava-test-case pinfork.alpha.a.odd_name --result pass
lava-test-case pinfork.alpha --result fail
lava-test-set stop
lava-test-set start beta
lava-test-case pinfork.beta --result skip
lava-test-set stop
lava-test-set start gamma
lava-test-case pinfork.gamma.g-pass --result pass
lava-test-set stop
EOF
if [ "$rc" = 0 ] && cmp -s "$WORK/lava-expected" "$WORK/lava-calls"; then
	pass "pinfork-lava.sh reports pass, skip, fail (also TIMEOUT), XFAIL as pass, program verdicts, one set per program, and closes a cut-off program's set"
else
	fail "pinfork-lava.sh's LAVA calls (exit $rc)"; diff "$WORK/lava-expected" "$WORK/lava-calls" | head -20
fi
grep -q '^# not ok 3 a-fail # data mismatch after fork$' "$WORK/lava-run.out" &&
	pass "the runner's output reaches the LAVA log unchanged" || fail "runner output not echoed"

rm -f "$WORK/lava-calls"
PATH=$WORK/lavabin:$PATH sh $lava/pinfork-lava.sh -P -d "$WORK/unpacked" -u "$WORK/no-such.tar.gz" \
	>"$WORK/lava-run.out" 2>&1; rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$WORK/lava-calls" 2>/dev/null)" = "lava-test-case pinfork-fetch --result fail" ]; then
	pass "a tarball that cannot be fetched is a LAVA failure (pinfork-fetch fail), not an empty pass"
else
	fail "missing tarball: exit $rc, calls: $(cat "$WORK/lava-calls" 2>/dev/null)"
fi

# The real tarball, one cheap program, when this tree builds it.
if grep -q '^kselftest-tar:' Makefile; then
	if make -s kselftest-tar >"$WORK/ktar.out" 2>&1 && [ -f "$BUILD/pinfork-kselftest.tar.gz" ]; then
		rm -f "$WORK/lava-calls"
		PATH=$WORK/lavabin:$PATH sh $lava/pinfork-lava.sh -P -d "$WORK/real" -t dirty_pipe \
			-u "$BUILD/pinfork-kselftest.tar.gz" >"$WORK/lava-run.out" 2>&1
		n=$(grep -c '^lava-test-case pinfork\.dirty_pipe\.[a-z0-9_-]* --result \(pass\|skip\|fail\)$' "$WORK/lava-calls" 2>/dev/null)
		want=$("$BUILD/tests/dirty_pipe" -l | wc -l)
		if [ "$n" -gt 0 ] && [ "$n" = "$want" ] && grep -q '^lava-test-case pinfork\.dirty_pipe --result' "$WORK/lava-calls"; then
			pass "the real tarball: dirty_pipe's $n cases each reported to LAVA"
		else
			fail "the real tarball: $n of $want dirty_pipe cases reported"; tail -5 "$WORK/lava-run.out"
		fi
	else
		fail "make kselftest-tar"; tail -3 "$WORK/ktar.out"
	fi
else
	echo "skip: no make kselftest-tar in this tree: the real tarball is not tried"
fi
