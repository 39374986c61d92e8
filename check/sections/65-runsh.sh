section "run.sh tells the truth: no case run, option values, the run lock, --compare, results folders, a full disk, signals, --repeat, option errors before anything runs, the programs' option checks, install settings per profile"
# run.sh runs against a build folder of its own ($h5_build/tests/ holds only
# the harness demo, or a fake program), through --prebuilt: no make, no apt.
h5_build=$WORK/h5-build
h5_state=$WORK/h5-state
mkdir -p "$h5_build/tests" "$h5_state"
ln -sf "$PWD/$BUILD/check/harness_demo" "$h5_build/tests/harness_demo"
ln -sf "$PWD/$BUILD/pinfork-report" "$h5_build/pinfork-report"
ln -sf "$PWD/$BUILD/pinfork-restore" "$h5_build/pinfork-restore"
h5_run() {
	PINFORK_BUILD=$h5_build PINFORK_STATE_DIR=$h5_state ./run.sh --prebuilt --no-install "$@"
}
h5_json() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

# -- 1. a run that ran no case is not a pass; option values are not options
h5_run -t 'nomatch*' --results "$WORK/h5-none" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 4 ] && grep -q 'no case ran' "$WORK/h5.out" && pass "run.sh -t 'nomatch*': exit 4, 'no case ran'" ||
	fail "run.sh -t 'nomatch*': exit $rc"
h5_run -t demo-skip --results "$WORK/h5-none" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 4 ] && pass "every case skipped: exit 4" || fail "every case skipped: exit $rc"
for opt in -t --tests --results --timeout --repeat -p --race-seconds; do
	h5_run "$opt" --no-install >"$WORK/h5.out" 2>&1; rc=$?
	[ "$rc" = 2 ] && grep -q "needs a value" "$WORK/h5.out" || { fail "run.sh $opt --no-install: exit $rc"; continue; }
	[ "$opt" = --race-seconds ] && pass "an option-like value is a usage error (exit 2) for -t, --tests, --results, --timeout, --repeat, -p, --race-seconds"
done
h5_run --compare --list x >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && pass "--compare with an option-like folder: exit 2" || fail "--compare --list x: exit $rc"

# -- 2. one run at a time: the lock
flock "$h5_state/run.lock" sleep 4 &
holder=$!
sleep 0.3
PINFORK_LOCK_WAIT=1 h5_run -t demo-pass --results "$WORK/h5-lock" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q 'waiting up to 1 s' "$WORK/h5.out" && grep -q 'gave up after 1 s' "$WORK/h5.out" &&
	pass "a second run waits PINFORK_LOCK_WAIT seconds, names the holder, then exits 1" ||
	{ fail "run with the lock held: exit $rc"; cat "$WORK/h5.out"; }
grep -q "pid $holder\|pid [0-9]* (flock" "$WORK/h5.out" && pass "the message names who holds the lock" ||
	fail "holder not named: $(grep holds "$WORK/h5.out")"
PINFORK_LOCK_WAIT=0 h5_run --restore >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q 'gave up' "$WORK/h5.out" && pass "--restore does not run under a running run" ||
	fail "--restore with the lock held: exit $rc"
start=$(date +%s)
h5_run -t demo-pass --results "$WORK/h5-lock" >"$WORK/h5.out" 2>&1; rc=$?
waited=$(($(date +%s) - start))
[ "$rc" = 0 ] && [ "$waited" -ge 2 ] && pass "a second run waits for the first, then runs (waited ${waited} s)" ||
	fail "waiting run: exit $rc after $waited s"
wait "$holder" 2>/dev/null
flock "$h5_state/run.lock" sleep 3 &
holder=$!
sleep 0.3
: >"$WORK/h5-not-a-bzImage"	# a file, so that run.sh goes on to vm/boot.sh (which refuses it)
PINFORK_BUILD=$h5_build PINFORK_STATE_DIR=$h5_state PINFORK_LOCK_WAIT=0 \
	./run.sh --prebuilt --no-install --kernel "$WORK/h5-not-a-bzImage" --results "$WORK/h5-vmlock" >"$WORK/h5.out" 2>&1
grep -q 'gave up\|holds .*run.lock' "$WORK/h5.out" && fail "--kernel took the host's run lock" ||
	{ grep -q 'is not a bzImage' "$WORK/h5.out" && pass "--kernel (VM) does not take the host's run lock" ||
		fail "--kernel FILE never reached the VM step: $(head -2 "$WORK/h5.out")"; }
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# -- 3. --compare: no records is no verdict
h5_run -t demo-pass,demo-fail --results "$WORK/h5-cmp" >/dev/null 2>&1
mkdir -p "$WORK/h5-empty"; : >"$WORK/h5-empty/records.tsv"
h5_run --compare "$WORK/h5-empty" "$WORK/h5-cmp" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "h5-empty: its records.tsv is empty" "$WORK/h5.out" && pass "--compare EMPTY NEW: exit 2, names the empty folder" ||
	fail "--compare with an empty old: exit $rc"
h5_run --compare "$WORK/h5-cmp" "$WORK/h5-empty" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "h5-empty: its records.tsv is empty" "$WORK/h5.out" && pass "--compare OLD EMPTY: exit 2" ||
	fail "--compare with an empty new: exit $rc"
h5_run --compare "$WORK/h5-cmp" "$WORK/h5-nothing" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "h5-nothing: not a results folder" "$WORK/h5.out" && pass "--compare with a missing records.tsv: exit 2" ||
	fail "--compare with a missing folder: exit $rc"

# -- 4. results folders are never mixed
mkdir -p "$WORK/h5-foreign"; echo mine >"$WORK/h5-foreign/notes.txt"
h5_run -t demo-pass --results "$WORK/h5-foreign" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 2 ] && [ "$(ls -A "$WORK/h5-foreign")" = notes.txt ] && pass "a non-empty folder that is not ours is refused (exit 2), left as it was" ||
	fail "foreign --results folder: exit $rc, holds $(ls -A "$WORK/h5-foreign" | tr '\n' ' ')"
old=$WORK/h5-cmp
mkdir -p "$old/programs" "$old/round-2"; echo STALE >"$old/programs/gone.tap"
h5_run -t demo-pass --results "$old" >"$WORK/h5.out" 2>&1; rc=$?
if [ "$rc" = 0 ] && [ ! -e "$old/programs/gone.tap" ] && [ ! -e "$old/round-2" ] &&
	! grep -q demo-fail "$old/junit.xml" "$old/results.json" "$old/records.tsv" "$old/summary.txt"; then
	pass "an earlier run's results folder is emptied before it is reused"
else
	fail "reused results folder mixes runs (exit $rc)"
fi

# -- 5. results that cannot be written
if [ "$(id -u)" = 0 ]; then
	mnt=$WORK/h5-tiny; mkdir -p "$mnt"
	if mount -t tmpfs -o size=64k tmpfs "$mnt"; then
		dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null	# until the disk is full
		h5_run -t demo-pass,demo-skip --results "$mnt/res" >"$WORK/h5.out" 2>"$WORK/h5.err"; rc=$?
		[ "$rc" = 1 ] && pass "a full disk: exit 1" || fail "a full disk: exit $rc"
		grep -q 'could not write' "$WORK/h5.err" && grep -q 'output.tap: No space left on device' "$WORK/h5.err" &&
			grep -q 'records.tsv: No space left on device' "$WORK/h5.err" &&
			pass "a full disk: says which files, and the errno" || { fail "a full disk: no clear message"; cat "$WORK/h5.err"; }
		grep -q '^pinfork summary' "$WORK/h5.out" && grep -q '^ok 1 selftests: pinfork: harness_demo$' "$WORK/h5.out" &&
			pass "a full disk: the program still passes; the summary still reaches the terminal" ||
			{ fail "a full disk: summary or program verdict wrong"; cat "$WORK/h5.out"; }
		umount "$mnt"
	else
		fail "cannot mount a tmpfs"
	fi
else
	echo "skip: the full-disk test needs root (mount)"
fi

# -- 6. every way to stop run.sh: no program left, no knob changed after --restore
echo original >"$WORK/h5-knob"
h5_survivors() { ps -s "$1" -o pid=,comm= 2>/dev/null | grep -v "^ *$1 " || true; }
for sig in INT TERM HUP KILL; do
	echo original >"$WORK/h5-knob"
	# --default-signal: a background job of a script would ignore SIGINT
	setsid env --default-signal=INT PINFORK_BUILD=$h5_build PINFORK_STATE_DIR=$h5_state \
		PINFORK_DEMO_KNOB="$WORK/h5-knob" ./run.sh --prebuilt --no-install -t demo-knob-hang \
		--timeout 60 --results "$WORK/h5-sig" >"$WORK/h5-sig.out" 2>&1 &
	sid=$!
	for _ in $(seq 100); do [ "$(cat "$WORK/h5-knob")" != original ] && break; sleep 0.05; done
	if [ "$(cat "$WORK/h5-knob")" = original ]; then
		fail "SIG$sig: the hanging case never changed its knob"; kill -9 -- "-$sid"; continue
	fi
	if [ "$sig" = KILL ]; then kill -KILL -- "-$sid"; else kill "-$sig" "$sid"; fi
	for _ in $(seq 150); do kill -0 "$sid" 2>/dev/null || break; sleep 0.1; done
	{ wait "$sid"; } 2>/dev/null; rc=$?
	sleep 2
	left=$(h5_survivors "$sid")
	[ -z "$left" ] && pass "SIG$sig to run.sh: no process left 2 s later (run.sh exit $rc)" ||
		{ fail "SIG$sig: processes left: $left"; ps -s "$sid" -o pid= | xargs -r kill -9; }
	[ "$sig" = KILL ] || { [ "$rc" = 1 ] && pass "SIG$sig: exit 1" || fail "SIG$sig: exit $rc"; }
	h5_run --restore >/dev/null 2>&1
	[ "$(cat "$WORK/h5-knob")" = original ] && pass "SIG$sig: the knob is back after --restore" ||
		fail "SIG$sig: knob is $(cat "$WORK/h5-knob")"
done

# -- 7. --repeat: per-case counts, flaky cases, the race statistics
h5_run -t demo-pass,demo-skip --repeat 3 --results "$WORK/h5-rep" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ -d "$WORK/h5-rep/round-3" ] &&
	h5_json "$WORK/h5-rep/results.json" 'c=[x for x in d["cases"] if x["name"]=="demo-pass"][0]; sys.exit(not (d["rounds"]==3 and d["flaky"]==[] and c["runs"]["runs"]==3 and c["runs"]["pass"]==3))' &&
	pass "--repeat 3: a folder per round; results.json counts 3 runs of each case, no flaky case" ||
	{ fail "--repeat 3 (exit $rc)"; tail -20 "$WORK/h5.out"; }
# a fake program that fails every second time it runs, and prints race statistics
flaky_build=$WORK/h5-flaky-build
mkdir -p "$flaky_build/tests"
ln -sf "$PWD/$BUILD/pinfork-report" "$flaky_build/pinfork-report"
cat >"$flaky_build/tests/coin" <<'EOF'
#!/bin/bash
n=$(( $(cat "$COIN_STATE" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$COIN_STATE"
st=pass; [ $((n % 2)) = 0 ] && st=fail
echo "TAP version 13"; echo "1..1"; echo "# race: reads=12 forks=3 fork_errors=0 lost=$((n % 2 == 0)) first_loss_s=0.125 seconds=2.0"
printf 'coin\tflip\t%s\t0.100\t%s\tflips a coin\t\t\trace: reads=12 forks=3 fork_errors=0 lost=%d first_loss_s=0.125 seconds=2.0 odd=x\n' \
	"$st" "$([ $st = fail ] && echo lost)" $((n % 2 == 0)) >>"$PINFORK_RECORD"
[ $st = pass ] && { echo "ok 1 flip"; exit 0; }
echo "not ok 1 flip # lost"; exit 1
EOF
chmod +x "$flaky_build/tests/coin"
COIN_STATE=$WORK/h5-coin PINFORK_BUILD=$flaky_build PINFORK_STATE_DIR=$h5_state \
	./run.sh --prebuilt --no-install --repeat 3 --results "$WORK/h5-flaky" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q 'flaky   coin flip: bad in 1 of 3 runs' "$WORK/h5.out" &&
	h5_json "$WORK/h5-flaky/results.json" 'c=d["cases"][0]; sys.exit(not (d["flaky"][0]["name"]=="flip" and c["runs"]["fail"]==1 and c["runs"]["pass"]==2 and c["race"]["reads"]==12 and c["race"]["odd"]=="x"))' &&
	pass "--repeat: a case bad in 1 of 3 rounds is flaky (summary and results.json), exit 1; race statistics in results.json" ||
	{ fail "--repeat with a flaky case (exit $rc)"; tail -15 "$WORK/h5.out"; }
./run.sh --compare "$WORK/h5-flaky" "$WORK/h5-flaky/round-1" >/dev/null 2>&1; rc=$?
[ "$rc" = 0 ] && pass "--compare reads a repeated run's merged records" || fail "--compare of a repeated run: exit $rc"

# -- 8. the results writer on damaged records: check/sections/67-report.sh

# -- 9. --list: a header, one tab-separated line a case with its dimensions; --json; aliases in --compare
list_header=$(printf '%s\t' program case backing pin event groups summary | sed 's/\t$//')
h5_run --list >"$WORK/h5-list.tsv" 2>"$WORK/h5.err"; rc=$?
[ "$rc" = 0 ] && [ "$(head -1 "$WORK/h5-list.tsv" | cut -f1-7)" = "$list_header" ] &&
	[ "$(head -1 "$WORK/h5-list.tsv" | cut -f8-)" = "$(printf 'fixes\tcovers')" ] &&
	awk -F'\t' 'NF != 9 { bad = 1 } END { exit bad || NR < 2 }' "$WORK/h5-list.tsv" &&
	pass "--list: a header line, then 9 tab-separated fields a case" ||
	{ fail "--list header or columns (exit $rc)"; head -3 "$WORK/h5-list.tsv"; }
grep -qxF "$(printf 'harness_demo\tdemo-pass\t-\t-\t-\tquick,full,exhaustive,stress\tpasses\t-\tquick:template,full:template')" "$WORK/h5-list.tsv" &&
	pass "--list: a case without dimensions shows '-' for backing, pin and event" ||
	fail "--list: demo-pass row: $(grep demo-pass "$WORK/h5-list.tsv")"
pin_case=parent-writes-uring-fixed-fork-alive-anon
PINFORK_BUILD=$PWD/$BUILD ./run.sh --prebuilt --no-install --list -t "$pin_case" >"$WORK/h5-pin.tsv" 2>&1
awk -F'\t' -v c="$pin_case" '$1 == "pin_fork" && $2 == c && $3 == "anon" && $4 == "uring-fixed" && $5 == "fork-alive" { ok = 1 } END { exit !ok }' "$WORK/h5-pin.tsv" &&
	pass "--list: pin_fork's $pin_case shows backing anon, pin uring-fixed, event fork-alive" ||
	{ fail "--list: pin_fork's dimensions"; cat "$WORK/h5-pin.tsv"; }
h5_run --list --json >"$WORK/h5-list.json" 2>"$WORK/h5.err" && $PY -m json.tool "$WORK/h5-list.json" >/dev/null &&
	h5_json "$WORK/h5-list.json" "sys.exit(not (len(d) == $(($(wc -l <"$WORK/h5-list.tsv") - 1)) and [c for c in d if c['case'] == 'demo-pass' and c['pin'] == '-' and c['groups'] == 'quick,full,exhaustive,stress' and c['covers'] == ['quick:template', 'full:template']]))" &&
	pass "--list --json: valid JSON (json.tool), one object a case, with the same fields" ||
	fail "--list --json: $(head -c 300 "$WORK/h5-list.json")"
h5_run --list --json -t 'nomatch*' >"$WORK/h5-none.json" 2>/dev/null && $PY -m json.tool "$WORK/h5-none.json" >/dev/null &&
	pass "--list --json with no case matched: an empty JSON array" || fail "--list --json, nothing matched: $(cat "$WORK/h5-none.json")"
PINFORK_BUILD=$PWD/$BUILD ./run.sh --prebuilt --no-install --list -p quick >"$WORK/h5-quick.tsv" 2>&1
awk -F'\t' 'NR > 1 && $6 !~ /(^|,)quick(,|$)/ { bad = 1 } END { exit bad || NR < 2 }' "$WORK/h5-quick.tsv" &&
	pass "--profile quick --list: only the quick profile's cases ($(($(wc -l <"$WORK/h5-quick.tsv") - 1)))" ||
	fail "--profile quick --list lists cases outside quick"
h5_run --json >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && pass "--json without --list: usage error" || fail "--json alone: exit $rc"
awk -F'\t' '!/^[[:space:]]*(#|$)/ && (NF != 3 || $2 == $3) { bad = 1 } END { exit bad }' configs/aliases.tsv &&
	pass "configs/aliases.tsv: every row is program, old name, new name" || fail "configs/aliases.tsv has a bad row"
mkdir -p "$WORK/h5-alias-old" "$WORK/h5-alias-new"
printf 'harness_demo\tdemo-old-name\tfail\nharness_demo\tdemo-pass\tpass\n' >"$WORK/h5-alias-old/records.tsv"
printf 'harness_demo\tdemo-new-name\tpass\nharness_demo\tdemo-pass\tpass\n' >"$WORK/h5-alias-new/records.tsv"
printf '# program\told-name\tnew-name\nharness_demo\tdemo-old-name\tdemo-new-name\n' >"$WORK/h5-aliases.tsv"
PINFORK_ALIASES=$WORK/h5-aliases.tsv ./run.sh --compare "$WORK/h5-alias-old" "$WORK/h5-alias-new" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q '^fixed (1)' "$WORK/h5.out" && grep -q 'demo-new-name (was fail)' "$WORK/h5.out" &&
	grep -q 'cases only in old: 0' "$WORK/h5.out" && grep -q 'renamed since (the alias table): 1' "$WORK/h5.out" &&
	pass "--compare: a case renamed in the alias table compares as one case (fixed, not gone + new)" ||
	{ fail "--compare with an alias (exit $rc)"; cat "$WORK/h5.out"; }
PINFORK_ALIASES=/dev/null ./run.sh --compare "$WORK/h5-alias-old" "$WORK/h5-alias-new" >"$WORK/h5.out" 2>&1
grep -q '^fixed (0)' "$WORK/h5.out" && grep -q 'cases only in old: 1' "$WORK/h5.out" &&
	pass "--compare without the alias: the renamed case is gone from old" || { fail "--compare without an alias"; cat "$WORK/h5.out"; }

# -- 10. option errors are usage errors (exit 2) before anything is created or run
opt_build=$WORK/h5-opt-build
mkdir -p "$opt_build/tests"
printf '#!/bin/bash\ntouch "%s"\necho "TAP version 13"; echo "1..0 # SKIP marker"; exit 4\n' "$WORK/h5-ran" \
	>"$opt_build/tests/marker"
chmod +x "$opt_build/tests/marker"
ln -sf "$PWD/$BUILD/pinfork-report" "$opt_build/pinfork-report"
h5_opt_error() {	# WHAT MESSAGE-REGEX ARGS...
	local what=$1 msg=$2 rc
	shift 2
	rm -rf "$WORK/h5-ran" "$WORK/h5-optres"
	(cd "$WORK" && PINFORK_BUILD=$opt_build PINFORK_STATE_DIR=$h5_state timeout 30 \
		"$OLDPWD/run.sh" --prebuilt --no-install "$@") >"$WORK/h5.out" 2>&1 </dev/null; rc=$?
	if [ "$rc" = 2 ] && grep -Eq -- "$msg" "$WORK/h5.out" && [ ! -e "$WORK/h5-ran" ] &&
		[ ! -e "$WORK/h5-optres" ] && [ ! -e "$WORK/-x" ]; then
		pass "$what: usage error (exit 2), nothing created, no program run"
	else
		fail "$what: exit $rc, program ran: $([ -e "$WORK/h5-ran" ] && echo yes || echo no), results made: $(ls -d "$WORK/h5-optres" "$WORK/-x" 2>/dev/null)"
		head -3 "$WORK/h5.out"
	fi
}
h5_opt_error "--modules DIR without --kernel" 'goes with --kernel' --modules "$WORK" --results "$WORK/h5-optres"
h5_opt_error "--kernel /nonexistent" 'no such file: /nonexistent' --kernel /nonexistent --results "$WORK/h5-optres"
h5_opt_error "--kernel=FILE --modules /nonexistent" 'no such folder' --kernel=/dev/null --modules /nonexistent --results "$WORK/h5-optres"
h5_opt_error "--results= NEXT (empty value)" "needs a value after '='" --results= "$WORK/h5-optres"
h5_opt_error "--timeout= (empty value)" "needs a value after '='" --timeout= --results "$WORK/h5-optres"
h5_opt_error "--results -x" 'option-like' --results -x
h5_opt_error "--results=-x" "starting with '-'" --results=-x
h5_opt_error "--race-seconds 0" 'more than 0' --race-seconds 0 --results "$WORK/h5-optres"
h5_opt_error "--race-seconds x" 'more than 0' --race-seconds x --results "$WORK/h5-optres"
h5_opt_error "--timeout 86401" 'from 1 to 86400' --timeout 86401 --results "$WORK/h5-optres"
rm -f "$WORK/h5-ran"
PINFORK_BUILD=$opt_build PINFORK_STATE_DIR=$h5_state ./run.sh --prebuilt --no-install \
	--results "$WORK/h5-optres" >"$WORK/h5.out" 2>&1; rc=$?
[ "$rc" = 4 ] && [ -e "$WORK/h5-ran" ] && pass "the same build runs its program when the options are right (exit 4: it skips)" ||
	fail "the marker program did not run with good options: exit $rc"

# -- 11. the programs check their option values: usage on stderr, exit 1 (INTEROP.md: never 2), no TAP
for prog in "$BUILD/tests/pin_fork" "$demo"; do
	bad=''
	for a in "-T abc" "-T 0" "-T -5" "-T 99999999999" "-r x" "-r 0" "-r -1" "-r nan" "-p bogus" \
		"env PINFORK_PROFILE=stres" "env PINFORK_RACE_SECONDS=abc" "env PINFORK_RACE_SECONDS=0"; do
		case "$a" in
		env*) env "${a#env }" "$prog" -l >"$WORK/h5.out" 2>"$WORK/h5.err"; rc=$? ;;
		*) "$prog" $a -l >"$WORK/h5.out" 2>"$WORK/h5.err"; rc=$? ;;	# word splitting meant
		esac
		if [ "$rc" != 1 ] || [ -s "$WORK/h5.out" ] || ! grep -q '^usage: ' "$WORK/h5.err" ||
			grep -q 'Bail out' "$WORK/h5.err"; then
			bad="$bad [$a: exit $rc]"
		fi
	done
	[ -z "$bad" ] && pass "${prog##*/}: -T/-r non-numbers and values <= 0, unknown -p or \$PINFORK_PROFILE, bad \$PINFORK_RACE_SECONDS: usage on stderr, exit 1, nothing on stdout" ||
		fail "${prog##*/} accepts or mishandles:$bad"
	"$prog" -T 5 -r 0.25 -l >"$WORK/h5.out" 2>&1 && [ -s "$WORK/h5.out" ] &&
		PINFORK_PROFILE=quick PINFORK_RACE_SECONDS=1.5 "$prog" -l >/dev/null 2>&1 &&
		PINFORK_PROFILE=bogus PINFORK_RACE_SECONDS=x "$prog" -p quick -r 1 -l >/dev/null 2>&1 &&
		pass "${prog##*/}: good values (-T 5 -r 0.25, PINFORK_PROFILE=quick PINFORK_RACE_SECONDS=1.5) are taken; -p/-r override a bad environment" ||
		fail "${prog##*/} refuses good option values"
done
"$demo" --help | grep -q 'PINFORK_PROFILE=NAME' && "$demo" --help | grep -q 'PINFORK_RACE_SECONDS=S' &&
	pass "--help documents PINFORK_PROFILE and PINFORK_RACE_SECONDS" || fail "--help does not document the environment"

# -- 12. make install: the kselftest settings timeout fits the profile installed for
h5_settings() { sed -n 's/^timeout=//p' "$1/pinfork/settings"; }
h5_max_timeout() { sed -n 's/^timeout[^=]*=\([0-9]*\).*/\1/p' "configs/profile-$1.conf" | sort -n | tail -1; }
if make -s install INSTALL_PATH="$WORK/h5-inst-full" >"$WORK/h5.out" 2>&1 &&
	PINFORK_PROFILE=stress make -s install INSTALL_PATH="$WORK/h5-inst-stress" >>"$WORK/h5.out" 2>&1; then
	[ "$(h5_settings "$WORK/h5-inst-full")" = "$(h5_max_timeout full)" ] &&
		[ "$(h5_settings "$WORK/h5-inst-stress")" = "$(h5_max_timeout stress)" ] &&
		[ "$(h5_settings "$WORK/h5-inst-stress")" -gt "$(h5_settings "$WORK/h5-inst-full")" ] &&
		pass "install: settings timeout=$(h5_settings "$WORK/h5-inst-full") (full), $(h5_settings "$WORK/h5-inst-stress") with PINFORK_PROFILE=stress: the profile's longest program limit" ||
		fail "install settings: full $(h5_settings "$WORK/h5-inst-full"), stress $(h5_settings "$WORK/h5-inst-stress")"
else
	fail "make install: $(tail -2 "$WORK/h5.out")"
fi
PINFORK_PROFILE=bogus make -s install INSTALL_PATH="$WORK/h5-inst-bogus" >"$WORK/h5.out" 2>&1 &&
	fail "install with PINFORK_PROFILE=bogus succeeded" ||
	{ grep -q 'no such profile' "$WORK/h5.out" && [ ! -e "$WORK/h5-inst-bogus/pinfork/settings" ] &&
		pass "install with an unknown PINFORK_PROFILE fails, naming it, writing no settings" ||
		fail "install with PINFORK_PROFILE=bogus: $(tail -1 "$WORK/h5.out")"; }
