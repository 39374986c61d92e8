section "profiles: full covers the pairs of rows, quick every pin x event pair of the pairwise scenarios; nested, deterministic lists"
# Judged from each program's -l output alone, independently of harness/cover.c:
# a case's template (its stem) is its name without the row names. full must hold,
# per program: every template, with each of its pins and events (template*pin,
# template*event); every backing; every pin*event and pin*backing pair; and every
# event*backing pair of the pairwise scenarios named here (PAIRWISE: the suite's
# scenarios that meet every event with every memory). quick: every pin*event pair
# of those, and every template. A race template (its full case stands for
# "full:race") is outside the pairs: full runs one case of it, quick none.
PAIRWISE="pin_fork:parent-writes pin_fork:child-writes pin_mm:parent-writes pin_mm:movers"
cat >"$WORK/cover_check.py" <<'EOF'
import sys

DIMS = ("pin", "event", "backing")

def load(path):
    cases = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) != 9:
            sys.exit("%s: %d fields, not 9: %s" % (path, len(f), line.strip()))
        rows = dict(zip(DIMS, f[1:4]))
        suffix = "".join("-" + rows[d] for d in DIMS if rows[d] != "-")
        if not f[0].endswith(suffix):
            sys.exit("%s: %s does not end with its rows %s" % (path, f[0], suffix))
        cases.append(dict(name=f[0], rows=rows, stem=f[0][:len(f[0]) - len(suffix)],
                          profiles=f[4].split(","), covers=f[8].split(",")))
    return cases

PAIRWISE = {}
for item in __import__("os").environ.get("PAIRWISE", "").split():
    prog, stem = item.split(":", 1)
    PAIRWISE.setdefault(prog, set()).add(stem)

def pairs(c, pairwise):
    r, out = c["rows"], [("template", c["stem"])]
    for i, a in enumerate(DIMS):
        for b in DIMS[i + 1:]:
            if r[a] != "-" and r[b] != "-" and (a != "event" or c["stem"] in pairwise):
                out.append((a + "*" + b, r[a], r[b]))
    for a in ("pin", "event"):
        if r[a] != "-":
            out.append(("template*" + a, c["stem"], r[a]))
    if r["backing"] != "-":
        out.append(("backing", r["backing"]))
    return out

def main(prog, quick_f, full_f, exh_f):
    quick, full, exh = load(quick_f), load(full_f), load(exh_f)
    bad = []
    names = lambda cs: [c["name"] for c in cs]
    for small, big, what in ((quick, full, "quick"), (full, exh, "full")):
        extra = set(names(small)) - set(names(big))
        if extra:
            bad.append("%s has %d case(s) the next profile lacks: %s" % (what, len(extra), sorted(extra)[0]))
    for cs, p in ((quick, "quick"), (full, "full"), (exh, "exhaustive")):
        wrong = [c["name"] for c in cs if p not in c["profiles"]]
        if wrong:
            bad.append("-p %s lists %s without %s in its profiles" % (p, wrong[0], p))
    races = {c["stem"] for c in full if "full:race" in c["covers"]}
    plain = [c for c in exh if c["stem"] not in races]
    pw = PAIRWISE.get(prog, set())
    have = {p for c in full for p in pairs(c, pw)}
    missing = sorted({p for c in plain for p in pairs(c, pw)} - have)
    if missing:
        bad.append("full lacks %d pair(s), e.g. %s" % (len(missing), " ".join(missing[0])))
    quick_pe = {(c["rows"]["pin"], c["rows"]["event"]) for c in quick}
    want_pe = {(c["rows"]["pin"], c["rows"]["event"]) for c in plain if c["stem"] in pw} - {("-", "-")}
    if want_pe - quick_pe:
        bad.append("quick lacks %d pin x event pair(s), e.g. %s" % (len(want_pe - quick_pe), sorted(want_pe - quick_pe)[0]))
    if {c["stem"] for c in plain} - {c["stem"] for c in quick}:
        bad.append("quick lacks a template: %s" % sorted({c["stem"] for c in plain} - {c["stem"] for c in quick})[0])
    for stem in races:
        n = sum(c["stem"] == stem for c in full)
        if n != 1 or any(c["stem"] == stem for c in quick):
            bad.append("race %s: %d case(s) in full, %d in quick" % (stem, n, sum(c["stem"] == stem for c in quick)))
    for b in bad:
        print("%s: %s" % (prog, b))
    print("%s: quick %d, full %d, exhaustive %d cases; %d pairs; %d race template(s)" %
          (prog, len(quick), len(full), len(exh), len({p for c in plain for p in pairs(c, pw)}), len(races)))
    sys.exit(1 if bad else 0)

main(*sys.argv[1:])
EOF

cover_lists() { # program folder: its -l of each profile in folder/PROFILE
	mkdir -p "$2"
	for p in quick full exhaustive; do "$1" -l -p "$p" >"$2/$p" || return 1; done
}

cover_judge() { # program folder
	PAIRWISE=$PAIRWISE $PY "$WORK/cover_check.py" "${1##*/}" "$2/quick" "$2/full" "$2/exhaustive"
}

nbad=0 ncases=''
for t in "$BUILD"/tests/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	prog=${t##*/} dir=$WORK/cover/$prog
	if ! cover_lists "$t" "$dir" || ! cover_judge "$t" "$dir" >"$dir/verdict"; then
		fail "$prog: profiles"; sed 's/^/     /' "$dir/verdict"; nbad=$((nbad + 1)); continue
	fi
	ncases="$ncases $(sed -n 's/^[^:]*: quick \([0-9]*\), full \([0-9]*\), exhaustive \([0-9]*\) cases.*/\1\/\2\/\3/p' "$dir/verdict")"
	cover_lists "$t" "$dir/again" && cmp -s "$dir/full" "$dir/again/full" && cmp -s "$dir/quick" "$dir/again/quick" ||
		{ fail "$prog: a second -l lists other cases"; nbad=$((nbad + 1)); }
done
[ "$nbad" = 0 ] && pass "every program: quick < full < exhaustive, full has every pair, quick every pin x event pair and template, one case a race in full; the same lists twice (quick/full/exhaustive:$ncases)"
grep -h 'pin_fork: quick' "$WORK"/cover/pin_fork/verdict | sed 's/^/     /'
# Suite-wide: every event x backing pair of exhaustive is in some full case
# (those the pairwise scenarios cannot form too), every pin x event pair in
# some quick case.
if $PY - "$WORK/cover" >"$WORK/cover/suite" <<'PYEOF'
import glob, os, sys
def rows(path):
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        yield f[1], f[2], f[3]
def pairs(kind, a, b):
    out = set()
    for prog in glob.glob(os.path.join(sys.argv[1], "*", kind)):
        out |= {(r[a], r[b]) for r in rows(prog) if r[a] != "-" and r[b] != "-"}
    return out
eb = pairs("exhaustive", 1, 2) - pairs("full", 1, 2)
pe = pairs("exhaustive", 0, 1) - pairs("quick", 0, 1)
print("%d event x backing pairs of exhaustive in no full case%s; %d pin x event pairs in no quick case%s" %
      (len(eb), " (e.g. %s)" % " ".join(sorted(eb)[0]) if eb else "",
       len(pe), " (e.g. %s)" % " ".join(sorted(pe)[0]) if pe else ""))
sys.exit(1 if eb or pe else 0)
PYEOF
then pass "the suite: $(cat "$WORK/cover/suite")"; else fail "the suite: $(cat "$WORK/cover/suite")"; fi

# The judge fails on a hole: full without one event's cases, quick without one pin's.
pf=$WORK/cover/pin_fork
if [ -s "$pf/full" ]; then
	mkdir -p "$WORK/cover/hole"
	ev=$(cut -f3 "$pf/full" | grep -vx -- - | head -1)
	awk -F'\t' -v ev="$ev" '$3 != ev' "$pf/full" >"$WORK/cover/hole/full"
	awk -F'\t' -v ev="$ev" '$3 != ev' "$pf/quick" >"$WORK/cover/hole/quick"
	cp "$pf/exhaustive" "$WORK/cover/hole/exhaustive"
	cover_judge pin_fork "$WORK/cover/hole" >"$WORK/cover/hole/verdict" &&
		fail "the judge passed a full profile without event $ev" ||
		{ grep -q 'full lacks [0-9]* pair' "$WORK/cover/hole/verdict" && grep -q 'quick lacks [0-9]* pin x event' "$WORK/cover/hole/verdict" &&
			pass "the judge reports full and quick without event $ev: $(grep -c . "$WORK/cover/hole/verdict") line(s)" ||
			{ fail "the judge's verdict on a hole"; cat "$WORK/cover/hole/verdict"; }; }
	pin=$(cut -f2 "$pf/quick" | grep -vx -- - | head -1)
	awk -F'\t' -v pin="$pin" '$2 != pin' "$pf/quick" >"$WORK/cover/hole/quick"
	cp "$pf/full" "$WORK/cover/hole/full"
	cover_judge pin_fork "$WORK/cover/hole" >"$WORK/cover/hole/verdict" &&
		fail "the judge passed a quick profile without pin $pin" ||
		{ grep -q 'quick lacks [0-9]* pin x event' "$WORK/cover/hole/verdict" &&
			pass "the judge reports quick without pin $pin" || { fail "the judge on quick without $pin"; cat "$WORK/cover/hole/verdict"; }; }
fi

# The same lists without the optional libraries (section 45's build, brought
# up to date: a no-op after it).
if make -s -j2 BUILD=build-nolibs HAVE_IBVERBS=0 HAVE_NUMA=0 all >"$WORK/cover/nolibs.log" 2>&1; then
	same=0 differ=''
	for t in "$BUILD"/tests/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		for p in quick full exhaustive; do
			if cmp -s <("$t" -l -p "$p") <("build-nolibs/tests/${t##*/}" -l -p "$p"); then
				same=$((same + 1))
			else
				differ="$differ ${t##*/}/$p"
			fi
		done
	done
	[ -z "$differ" ] && pass "the $same lists (program x profile) are the same built without libibverbs and libnuma" ||
		fail "lists differ without the optional libraries:$differ"
else
	fail "build with HAVE_IBVERBS=0 HAVE_NUMA=0"; tail -5 "$WORK/cover/nolibs.log"
fi

# run.sh --list and --json: the covers field; PINFORK_PROFILE=exhaustive.
PINFORK_BUILD=$PWD/$BUILD ./run.sh --prebuilt --no-install --list -p full -t 'parent-writes-*' >"$WORK/cover/runsh.tsv" 2>&1
[ "$(head -1 "$WORK/cover/runsh.tsv" | cut -f9)" = covers ] &&
	awk -F'\t' 'NR > 1 && $9 !~ /(^|,)full:/ { bad = 1 } END { exit bad || NR < 2 }' "$WORK/cover/runsh.tsv" &&
	pass "run.sh --list -p full: a covers field; every case of full stands for a pair in full" ||
	{ fail "run.sh --list covers"; head -3 "$WORK/cover/runsh.tsv"; }
PINFORK_BUILD=$PWD/$BUILD ./run.sh --prebuilt --no-install --list --json -t 'parent-writes-uring-fixed-fork-alive-*' >"$WORK/cover/runsh.json" 2>&1
$PY -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d and all(isinstance(c["covers"], list) for c in d) and any(c["covers"] == [] for c in d)
              and any(any(p.startswith("full:") for p in c["covers"]) for c in d)))' "$WORK/cover/runsh.json" &&
	pass "run.sh --list --json: covers is an array (empty for an exhaustive-only case)" ||
	{ fail "run.sh --list --json covers"; head -c 400 "$WORK/cover/runsh.json"; }
n_env=$(PINFORK_PROFILE=exhaustive "$BUILD/tests/pin_fork" -l | wc -l)
n_exh=$("$BUILD/tests/pin_fork" -l -p exhaustive | wc -l)
n_full=$("$BUILD/tests/pin_fork" -l | wc -l)
[ "$n_env" = "$n_exh" ] && [ "$n_full" -lt "$n_exh" ] &&
	pass "PINFORK_PROFILE=exhaustive lists what -p exhaustive does ($n_exh pin_fork cases; $n_full without it)" ||
	fail "PINFORK_PROFILE=exhaustive: $n_env cases, -p exhaustive $n_exh, default $n_full"
PINFORK_BUILD=$PWD/$BUILD ./run.sh --prebuilt --no-install --list -p nosuch >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && pass "run.sh -p nosuch: usage error" || fail "run.sh -p nosuch: exit $rc"
