# shellcheck shell=bash
section "run.sh on several kernels: --kernel repeated, --kernels FILE, usage errors, labels, a folder per kernel, kernels.tsv, the matrix call, a VM that fails, signals (a stand-in for vm/boot.sh: no VM boots here)"
# The stand-in (PINFORK_VM_BOOT) resolves kernels to made-up releases and runs
# the guest's command on this machine; the build holds only the harness demo,
# and a pinfork-report that notes its --matrix calls (the real one does the rest).
k8=$WORK/k8
mkdir -p "$k8/build/tests" "$k8/state"
ln -sf "$PWD/$BUILD/check/harness_demo" "$k8/build/tests/harness_demo"
ln -sf "$PWD/$BUILD/pinfork-restore" "$k8/build/pinfork-restore"
cat >"$k8/build/pinfork-report" <<EOF
#!/bin/bash
if [ "\${1:-}" = --matrix ]; then
	shift
	printf '%s\n' "\$*" >>"$k8/matrix-calls"
	: >"\$1/report.html"
	exit 0
fi
exec "$PWD/$BUILD/pinfork-report" "\$@"
EOF
cat >"$k8/boot.sh" <<'EOF'
#!/bin/bash
# a stand-in for vm/boot.sh
kernel='' resolve=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--modules|--share) shift ;;
	--resolve) resolve=1 ;;
	--) shift; break ;;
	esac
	shift
done
case "$kernel" in *unresolvable*) echo "# vm: error: cannot fetch $kernel" >&2; exit 125 ;; esac
if [ "$resolve" = 1 ]; then
	case "$kernel" in
	debian|debian-6.1) printf '6.1.0-57-amd64\tdebian linux-image-6.1.0-57-amd64_6.1.192-3\n' ;;
	debian-6.12) printf '6.12.117+deb12-amd64\tdebian-6.12 linux-image-6.12.117+deb12-amd64_6.12.117-1~deb12u1\n' ;;
	*) printf '6.0.%s-Stub\tstub %s\n' "$(basename "$kernel" | tr -dc 0-9)" "$kernel" ;;
	esac
	exit 0
fi
case "$kernel" in *unbootable*) echo "# vm: error: guest did not start the command within 120 s" >&2; exit 125 ;; esac
echo "# vm: booting the stand-in for $kernel"
exec "$@"
EOF
chmod +x "$k8/build/pinfork-report" "$k8/boot.sh"
touch "$k8/k1" "$k8/k2" "$k8/k1b" "$k8/k3-unbootable" "$k8/k4-unresolvable"
k8_run() {
	PINFORK_VM_BOOT=$k8/boot.sh PINFORK_BUILD=$k8/build PINFORK_STATE_DIR=$k8/state \
		timeout 120 ./run.sh --prebuilt --no-install "$@" </dev/null
}
k8_tsv() { awk -F'\t' -v l="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $1 == l { print $col[c] }' "$1/kernels.tsv"; }
host_label=host-$(uname -r | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9._\n-' '-' | sed 's/--*/-/g; s/-$//')

# -- 1. usage errors: exit 2 before anything is created or run
k8_usage() {	# WHAT MESSAGE-REGEX ARGS...
	local what=$1 msg=$2 rc
	shift 2
	rm -rf "$k8/res" "$k8/matrix-calls"
	k8_run "$@" --results "$k8/res" >"$k8/out" 2>&1; rc=$?
	if [ "$rc" = 2 ] && grep -Eq -- "$msg" "$k8/out" && [ ! -e "$k8/res" ] && [ ! -e "$k8/matrix-calls" ]; then
		pass "$what: usage error (exit 2), nothing created or run"
	else
		fail "$what: exit $rc, results made: $([ -e "$k8/res" ] && echo yes || echo no)"; head -3 "$k8/out"
	fi
}
printf '# nothing but comments\n\n   # and blanks\n' >"$k8/empty.list"
k8_usage "--kernel debian-7 (no such name or file)" 'no such file: debian-7 .*host debian debian-6.1 debian-6.12' --kernel debian-7
k8_usage "--kernels of a missing file" '--kernels: no such file' --kernels "$k8/missing.list"
k8_usage "--kernels of a file listing no kernel" 'lists no kernel' --kernels "$k8/empty.list"
k8_usage "--modules with two kernels" 'goes with a single --kernel, not with 2' --kernel "$k8/k1" --kernel "$k8/k2" --modules "$k8"
k8_usage "--modules with --kernel host" 'does not go with --kernel host' --kernel host --modules "$k8"
k8_usage "--kernel host twice" 'given twice' --kernel host --kernel host
k8_usage "--kernel debian and debian-6.1 (one kernel)" 'debian-6.1 is given twice' --kernel debian --kernel debian-6.1
k8_usage "one file by two paths" 'given twice' --kernel "$k8/k1" --kernel "$k8/../k8/k1"
k8_usage "--parallel 0" '--parallel needs a number' --kernel host --parallel 0
k8_usage "--repeat with --kernel" 'does not go with --kernel' --kernel host --repeat 2

# -- 2. three kernels (two from a --kernels file, one resolving like Debian's): a folder each, kernels.tsv, the matrix
printf '# the list\n%s   # a comment after it\nk2\n' "$k8/k1" >"$k8/kernels.list"	# k2: relative to the list
rm -f "$k8/matrix-calls"
k8_run -t demo-pass,demo-fail --kernels "$k8/kernels.list" --kernel host --kernel debian-6.12 \
	--results "$k8/r" >"$k8/out" 2>&1; rc=$?
labels="bzimage-6.0.1-stub bzimage-6.0.2-stub $host_label debian-6.12.117"
[ "$rc" = 1 ] && pass "a case failed on every kernel: exit 1" || { fail "three kernels: exit $rc"; tail -5 "$k8/out"; }
missing=''
for l in $labels; do
	for f in records.tsv results.json junit.xml output.tap env.txt summary.txt; do
		[ -s "$k8/r/$l/$f" ] || missing="$missing $l/$f"
	done
	[ -f "$k8/r/$l/dmesg.txt" ] || missing="$missing $l/dmesg.txt"
	[ -s "$k8/r/$l.log" ] || missing="$missing $l.log"
done
[ -z "$missing" ] && pass "a complete results folder per kernel, named by its label ($labels), and its console log" ||
	fail "kernels' folders miss:$missing (has: $(ls "$k8/r" | tr '\n' ' '))"
[ "$(head -1 "$k8/r/kernels.tsv")" = "$(printf 'label\tkernel\trelease\texit\tseconds\tresult')" ] &&
	[ "$(cut -f1 "$k8/r/kernels.tsv" | tail -n +2 | tr '\n' ' ')" = "$labels " ] &&
	[ "$(k8_tsv "$k8/r" bzimage-6.0.2-stub kernel)" = "$k8/k2" ] &&
	[ "$(k8_tsv "$k8/r" "$host_label" release)" = "$(uname -r)" ] &&
	[ "$(k8_tsv "$k8/r" debian-6.12.117 exit)" = 1 ] && [ "$(k8_tsv "$k8/r" debian-6.12.117 result)" = fail ] &&
	[[ $(k8_tsv "$k8/r" "$host_label" seconds) =~ ^[0-9]+\.[0-9]{3}$ ]] &&
	pass "kernels.tsv: a header, then label, kernel asked (a list's relative path made absolute), release, exit, seconds, result, in the order given" ||
	{ fail "kernels.tsv"; cat "$k8/r/kernels.tsv"; }
[ "$(tail -n 1 "$k8/matrix-calls")" = "$k8/r $(for l in $labels; do printf '%s ' "$k8/r/$l"; done | sed 's/ $//')" ] &&
	grep -qxF "$k8/r/$host_label $k8/r/$host_label" "$k8/matrix-calls" &&
	pass "pinfork-report --matrix R R/<label>... once for the run, --matrix DIR DIR by each kernel's run" ||
	{ fail "the --matrix calls"; cat "$k8/matrix-calls"; }
./run.sh --compare "$k8/r/$host_label" "$k8/r/bzimage-6.0.1-stub" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q '^new failures (0)' "$k8/out" && pass "--compare reads two kernels' folders" ||
	{ fail "--compare of kernels' folders: exit $rc"; head -5 "$k8/out"; }

# -- 3. labels: Debian's names, the same release twice
k8_run -t demo-pass --kernel debian --kernel "$k8/k1" --kernel "$k8/k1b" --results "$k8/r" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ -d "$k8/r/debian-6.1.0-57" ] && [ -d "$k8/r/bzimage-6.0.1-stub" ] && [ -d "$k8/r/bzimage-6.0.1-stub-2" ] &&
	[ ! -e "$k8/r/$host_label" ] && [ ! -e "$k8/r/$host_label.log" ] &&
	pass "labels: debian-6.1.0-57; a second kernel of the same release gets -2; an earlier run's kernels' folders are removed" ||
	{ fail "labels (exit $rc): $(ls "$k8/r" | tr '\n' ' ')"; tail -3 "$k8/out"; }

# -- 4. a VM that cannot boot, or cannot be resolved, is an error column; the others run
k8_run -t demo-pass --kernel "$k8/k3-unbootable" --kernel "$k8/k4-unresolvable" --kernel "$k8/k2" \
	--results "$k8/r" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 1 ] && [ "$(k8_tsv "$k8/r" bzimage-6.0.3-stub result)" = error ] &&
	[ "$(k8_tsv "$k8/r" bzimage-6.0.3-stub exit)" = 125 ] && [ "$(k8_tsv "$k8/r" bzimage-k4-unresolvable result)" = error ] &&
	[ "$(k8_tsv "$k8/r" bzimage-6.0.2-stub result)" = pass ] &&
	grep -q 'did not start the command within 120 s' "$k8/r/bzimage-6.0.3-stub/error.txt" &&
	grep -q 'could not be resolved: cannot fetch' "$k8/r/bzimage-k4-unresolvable/error.txt" &&
	grep -qxF "$k8/r $k8/r/bzimage-6.0.3-stub $k8/r/bzimage-k4-unresolvable $k8/r/bzimage-6.0.2-stub" "$k8/matrix-calls" &&
	pass "a VM that did not boot and a kernel that could not be fetched: result error in kernels.tsv, error.txt says why, still a matrix column; the other kernel ran; exit 1" ||
	{ fail "VM errors (exit $rc)"; cat "$k8/r/kernels.tsv"; tail -3 "$k8/out"; }
grep -q '^vm	boot	error	[0-9.]*	kernel .*k3-unbootable: guest did not start the command within 120 s	' "$k8/r/bzimage-6.0.3-stub/records.tsv" &&
	k8_json_ok=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["cases"]; print(len(c) == 1 and c[0]["status"] == "error")' "$k8/r/bzimage-6.0.3-stub/results.json" 2>/dev/null) &&
	[ "$k8_json_ok" = True ] && grep -q '<error' "$k8/r/bzimage-6.0.3-stub/junit.xml" &&
	grep -q 'kernel bzimage-6.0.3-stub: error (exit 125) after .* s: guest did not start' "$k8/out" &&
	pass "the failed kernel's folder has the case vm/boot (error, the reason) in records.tsv, results.json and junit.xml; the terminal says why" ||
	{ fail "the failed kernel's results"; cat "$k8/r/bzimage-6.0.3-stub/records.tsv"; head -c 600 "$k8/r/bzimage-6.0.3-stub/results.json"; }

# -- 5. one kernel: the results folder is its folder; no case ran anywhere: exit 4
rm -f "$k8/matrix-calls"
k8_run -t demo-pass --kernel "$k8/k2" --results "$k8/r1" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ -s "$k8/r1/records.tsv" ] && [ "$(wc -l <"$k8/r1/kernels.tsv")" = 2 ] &&
	[ "$(tail -n 1 "$k8/matrix-calls")" = "$k8/r1 $k8/r1" ] &&
	pass "one --kernel: its results in the folder itself, kernels.tsv with its row, --matrix R R" ||
	{ fail "one kernel (exit $rc): $(ls "$k8/r1" | tr '\n' ' ')"; cat "$k8/matrix-calls"; }
rm -f "$k8/matrix-calls"
k8_run -t demo-pass --results "$k8/r0" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ "$(cat "$k8/matrix-calls")" = "$k8/r0 $k8/r0" ] && [ ! -e "$k8/r0/kernels.tsv" ] &&
	pass "no --kernel: this machine as before, and --matrix R R for report.html" || fail "host run's matrix call (exit $rc): $(cat "$k8/matrix-calls")"
k8_run -t 'nomatch*' --kernel "$k8/k1" --kernel host --results "$k8/r" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 4 ] && [ "$(k8_tsv "$k8/r" "$host_label" result)" = none ] && pass "no case ran on any kernel: exit 4" ||
	fail "nothing matched on two kernels: exit $rc"
mv "$k8/build/pinfork-report" "$k8/report-wrapper"
# an older pinfork-report: everything but --matrix
printf '#!/bin/sh\n[ "$1" = --matrix ] && { echo "unknown option --matrix" >&2; exit 2; }\nexec "%s" "$@"\n' \
	"$PWD/$BUILD/pinfork-report" >"$k8/build/pinfork-report"
chmod +x "$k8/build/pinfork-report"
k8_run -t demo-pass --kernel "$k8/k1" --kernel "$k8/k2" --results "$k8/r" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q 'warning: .*pinfork-report --matrix' "$k8/out" && [ -s "$k8/r/bzimage-6.0.2-stub/records.tsv" ] &&
	pass "a pinfork-report without --matrix (or one that fails): a warning, the run goes on" ||
	fail "a report without --matrix: exit $rc"
rm -f "$k8/build/pinfork-report"; mv "$k8/report-wrapper" "$k8/build/pinfork-report"

# -- 6. side by side, --list once, signals
k8_run -t demo-pass --parallel 2 --kernel "$k8/k1" --kernel "$k8/k2" --results "$k8/r" >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q '2 kernel(s), 2 at a time' "$k8/out" && grep -q 'ok 1 demo-pass' "$k8/r/bzimage-6.0.1-stub.log" &&
	! grep -q '^ok 1 demo-pass' "$k8/out" &&
	pass "--parallel 2: both at once, each one's output in R/<label>.log, not interleaved on the terminal" ||
	{ fail "--parallel 2 (exit $rc)"; head -5 "$k8/out"; }
k8_run --list -t demo-pass --kernel "$k8/k1" --kernel host >"$k8/out" 2>&1; rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '^harness_demo	demo-pass	' "$k8/out")" = 1 ] && [ "$(grep -c '^program	' "$k8/out")" = 1 ] &&
	pass "--list with two kernels lists once" || { fail "--list with kernels (exit $rc)"; head -5 "$k8/out"; }
# TERM to run.sh alone (a CI job's timeout), INT to its whole process group (a Ctrl-C)
for how in "TERM run.sh" "INT group"; do
	echo original >"$k8/knob"
	setsid env --default-signal=INT PINFORK_VM_BOOT="$k8/boot.sh" PINFORK_BUILD="$k8/build" PINFORK_STATE_DIR="$k8/state" \
		PINFORK_DEMO_KNOB="$k8/knob" ./run.sh --prebuilt --no-install -t demo-knob-hang --timeout 60 \
		--kernel "$k8/k1" --kernel host --kernel "$k8/k2" --results "$k8/rs" >"$k8/out" 2>&1 </dev/null &
	sid=$!
	for _ in $(seq 100); do [ "$(cat "$k8/knob")" != original ] && break; sleep 0.05; done
	if [ "$how" = "TERM run.sh" ]; then kill -TERM "$sid"; else kill -INT -- "-$sid"; fi
	for _ in $(seq 150); do kill -0 "$sid" 2>/dev/null || break; sleep 0.1; done
	{ wait "$sid"; } 2>/dev/null; rc=$?
	sleep 2	# as check 65: a case's process group goes within 2 s
	left=$(ps -s "$sid" -o pid=,comm= 2>/dev/null || true)
	[ "$rc" = 1 ] && [ -z "$left" ] && [ "$(k8_tsv "$k8/rs" bzimage-6.0.1-stub result)" = interrupted ] &&
		[ "$(k8_tsv "$k8/rs" "$host_label" result)" = not-run ] && [ "$(cat "$k8/knob")" = original ] &&
		pass "$how, three kernels: the running kernel's run stopped, nothing left 2 s later, the rest not run (kernels.tsv), exit 1" ||
		{ fail "$how with kernels: exit $rc, left: $left"; cat "$k8/rs/kernels.tsv"; tail -5 "$k8/out"; ps -s "$sid" -o pid= | xargs -r kill -9; }
done
PINFORK_STATE_DIR=$k8/state PINFORK_BUILD=$k8/build ./run.sh --prebuilt --no-install --restore >/dev/null 2>&1 || true
