# Every event proves it happened: each test program runs under an LD_PRELOAD
# shim that faults every fork() made inside a case (check/fork_fault_shim.c):
# fork() failing with EAGAIN, or the child killed by SIGSEGV at once. No case
# whose fork was faulted may pass (XFAIL and XPASS count as passes here).
section "events prove they happened: every test program with its forks faulted"

# fault_run MODE: runs every test program, one TAP and one log each
fault_run() {
	local mode=$1 prog name
	for prog in "$BUILD"/tests/*; do
		[ -f "$prog" ] && [ -x "$prog" ] || continue
		name=$(basename "$prog")
		: >"$WORK/fault-$mode-$name.log"
		PINFORK_STATE_DIR=$WORK/fault-state LD_PRELOAD=$shim \
			PINFORK_FORK_FAULT=$mode PINFORK_FORK_FAULT_LOG=$WORK/fault-$mode-$name.log \
			"$prog" -r 0.5 >"$WORK/fault-$mode-$name.tap" 2>&1 </dev/null
	done
}

# fault_judge MODE: counts and checks what fault_run left
fault_judge() {
	local mode=$1 tap log run=0 faulted=0 skipped=0 passed=0 bad=''
	for tap in "$WORK"/fault-"$mode"-*.tap; do
		log=${tap%.tap}.log
		run=$((run + $(grep -Ec '^(not )?ok [0-9]+ ' "$tap")))
		while read -r name; do
			line=$(grep -E "^(not )?ok [0-9]+ $name( #|$)" "$tap")
			[ -n "$line" ] || continue
			faulted=$((faulted + 1))
			case "$line" in
			"ok "*"# SKIP"*) skipped=$((skipped + 1)) ;;
			"ok "*) passed=$((passed + 1)); bad="$bad $(basename "${tap%.tap}" | sed "s/^fault-$mode-//"):$name" ;;
			esac
		done < <(sort -u "$log")
	done
	echo "     fork fault $mode: cases run=$run faulted=$faulted passed_among_faulted=$passed skipped_among_faulted=$skipped"
	if [ "$faulted" -gt 0 ] && [ "$passed" = 0 ]; then
		pass "fork() $mode: none of the $faulted cases whose fork was faulted passed ($run cases run)"
	elif [ "$faulted" = 0 ]; then
		fail "fork() $mode: no case's fork was faulted: the shim did nothing"
	else
		fail "fork() $mode: $passed of $faulted faulted cases passed:"
		printf '%s\n' $bad | head -40 | sed 's/^/     /'
	fi
}

shim=$(realpath "$BUILD/check/fork_fault_shim.so" 2>/dev/null)
if [ -z "$shim" ] || [ ! -f "$shim" ]; then
	fail "no $BUILD/check/fork_fault_shim.so (make all builds it)"
else
	for mode in eagain segv; do
		fault_run "$mode"
		fault_judge "$mode"
	done
	# the runner's own forks are not the case's: with the shim and no
	# PINFORK_CASE a fork still works
	if LD_PRELOAD=$shim PINFORK_FORK_FAULT=eagain sh -c 'true' 2>/dev/null &&
		LD_PRELOAD=$shim PINFORK_FORK_FAULT=eagain PINFORK_CASE= sh -c '(true)'; then
		pass "the shim leaves forks outside a case alone"
	else
		fail "the shim faulted a fork outside a case"
	fi
fi
