section "restore after SIGKILL: a THP knob left changed comes back with run.sh --restore"
thp=/sys/kernel/mm/transparent_hugepage
knob=$thp/hugepages-64kB/enabled
[ -f "$knob" ] || knob=$thp/defrag
if [ "$(id -u)" != 0 ] || [ ! -f "$knob" ]; then
	echo "skip: needs root and $thp"
else
	snapshot() { for f in "$thp"/enabled "$thp"/defrag "$thp"/hugepages-*/enabled "$thp"/khugepaged/*; do
		[ -f "$f" ] && echo "$f: $(cat "$f" 2>/dev/null)"; done; }
	selected() { sed -n 's/.*\[\(.*\)\].*/\1/p' "$1"; }
	snapshot >"$WORK/thp.before"
	new=madvise; [ "$(selected "$knob")" = madvise ] && new=never
	state=$WORK/state-kill
	setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$WORK/sid" env PINFORK_STATE_DIR="$state" \
		PINFORK_DEMO_KNOB="$knob" PINFORK_DEMO_KNOB_VALUE="$new" \
		"$demo" -t demo-knob-hang -T 60 >"$WORK/kill.tap" 2>&1 &
	disown
	for _ in $(seq 100); do [ "$(selected "$knob")" = "$new" ] && break; sleep 0.05; done
	sid=$(cat "$WORK/sid")
	pkill -9 -s "$sid"; sleep 0.2
	[ "$(selected "$knob")" = "$new" ] && pass "SIGKILL left $knob changed to $new" || fail "knob was not changed by the killed run"
	PINFORK_STATE_DIR=$state ./run.sh --restore >"$WORK/restore.out" 2>&1 && pass "run.sh --restore ran" || fail "run.sh --restore failed: $(tail -2 "$WORK/restore.out")"
	snapshot >"$WORK/thp.after"
	diff "$WORK/thp.before" "$WORK/thp.after" >/dev/null && pass "$thp is as it was" || { fail "$thp differs after restore"; diff "$WORK/thp.before" "$WORK/thp.after"; }
fi


section "restore after SIGKILL: the hugetlb pool a killed run grew shrinks back with run.sh --restore"
pool=/proc/sys/vm/nr_hugepages
if [ "$(id -u)" != 0 ] || [ ! -w "$pool" ]; then
	echo "skip: needs root and $pool"
else
	before=$(cat "$pool")
	grown=$((before + 2))
	state=$WORK/state-kill-pool
	setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$WORK/sid-pool" env PINFORK_STATE_DIR="$state" \
		PINFORK_DEMO_KNOB="$pool" PINFORK_DEMO_KNOB_VALUE="$grown" \
		"$demo" -t demo-knob-hang -T 60 >"$WORK/kill-pool.tap" 2>&1 &
	disown
	for _ in $(seq 100); do [ "$(cat "$pool")" != "$before" ] && break; sleep 0.05; done
	sid=$(cat "$WORK/sid-pool")
	pkill -9 -s "$sid"; sleep 0.2
	now=$(cat "$pool")
	[ "$now" != "$before" ] && pass "SIGKILL left the hugetlb pool at $now pages (was $before)" ||
		fail "the killed run did not grow the pool ($(grep -m1 -E 'SKIP|not ok|Bail' "$WORK/kill-pool.tap"))"
	PINFORK_STATE_DIR=$state ./run.sh --restore >"$WORK/restore-pool.out" 2>&1 && pass "run.sh --restore ran" ||
		fail "run.sh --restore failed: $(tail -2 "$WORK/restore-pool.out")"
	now=$(cat "$pool")
	[ "$now" = "$before" ] && pass "the hugetlb pool is back at $before pages" ||
		{ fail "the hugetlb pool is at $now pages after restore, was $before"; echo "$before" >"$pool"; }
fi
