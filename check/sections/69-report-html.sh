# shellcheck shell=bash
section "pinfork-report --matrix: matrix.tsv, matrix.json, summary.md and report.html of several kernels, rendered in headless chromium; 10 kernels x 12700 cases stay small"
# Synthetic results folders only (no case runs here). The matrix code is
# built with ASan/UBSan. Costs about 15 s (most of it chromium and the
# 10-kernel folders); the browser part is skipped when chromium is absent
# (.ci/packages.d/report.list installs it).
r9_report=$WORK/matrix-asan
r9_srcs="$(ls harness/report*.c) harness/fixes.c $(ls harness/matrix*.c)"
# shellcheck disable=SC2086
if ! ${CC:-gcc} -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
	-Iharness -o "$r9_report" $r9_srcs 2>"$WORK/r9.err"; then
	fail "cannot build pinfork-report with ASan: $(head -3 "$WORK/r9.err")"
	r9_report=$BUILD/pinfork-report
fi
r9_clean() { ! grep -q 'Sanitizer\|runtime error' "$1"; }
r9_json() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

# -- three kernels: a (labelled), k-b (the folder's name), k-c (damaged records, a program that timed out)
r9_dir() { mkdir -p "$WORK/r9/$1"; printf '%s' "$2" >"$WORK/r9/$1/results.json"; }
r9_dir a '{"kernel": "6.18.0-pf", "uname": "Linux a 6.18.0-pf x86_64", "profile": "full"}'
r9_dir k-b '{"kernel": "5.8.0-old", "profile": "full"}'
r9_dir k-c '{"kernel": "6.1.0-28-amd64", "profile": "quick"}'
echo " kernel-a " >"$WORK/r9/a/label"
printf '== uname -a\nLinux a 6.18.0-pf x86_64\n== transparent hugepages\n/sys/kernel/mm/transparent_hugepage/enabled:always [madvise] never\n/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled:always inherit [madvise] never\n== kernel config\nCONFIG_KSM=y\n# CONFIG_INFINIBAND is not set\n' >"$WORK/r9/a/env.txt"
r9_rec() { printf '%s\t%s\t%s\t0.1\t%s\tsummary of %s\t%s\t%s\t%s\n' "$@"; }
r9_script='data lost at 0x1000: <script>alert(1)</script> & "q"'
{
	r9_rec p case-same pass "" case-same "" "" "pinned 4 pages"
	r9_rec p case-fail pass "" case-fail "70e806e4e645 d042035eaf5f" CVE-2020-29374 ""
	r9_rec p case-diff pass "" case-diff "" "" ""
} >"$WORK/r9/a/records.tsv"
{
	r9_rec p case-same pass "" case-same "" "" ""
	r9_rec p case-fail fail "$r9_script" case-fail "70e806e4e645 d042035eaf5f" CVE-2020-29374 'first bad offset 0x1000\nexpected 0xaa'
	r9_rec p case-diff skip "no THP: madvise refused" case-diff "" "" ""
} >"$WORK/r9/k-b/records.tsv"
{
	r9_rec p case-same pass "" case-same "" "" ""
	r9_rec p case-fail pass "" case-fail "70e806e4e645 d042035eaf5f" CVE-2020-29374 ""
	r9_rec p case-diff pass "" case-diff "" "" ""
	printf 'p\n'
} >"$WORK/r9/k-c/records.tsv"
printf 'p\t0\tok\t1.0\nq\t124\ttimeout 300 seconds\t300.0\n' >"$WORK/r9/k-c/programs.tsv"
r9_out=$WORK/r9/out
"$r9_report" --matrix "$r9_out" "$WORK/r9/a" "$WORK/r9/k-b" "$WORK/r9/k-c" >"$WORK/r9.out" 2>&1; rc=$?
[ "$rc" = 0 ] && r9_clean "$WORK/r9.out" && [ -s "$r9_out/matrix.tsv" ] && [ -s "$r9_out/matrix.json" ] &&
	[ -s "$r9_out/summary.md" ] && [ -s "$r9_out/report.html" ] &&
	pass "3 kernels: matrix.tsv, matrix.json, summary.md, report.html written, exit 0, ASan/UBSan clean" ||
	{ fail "--matrix of 3 kernels: exit $rc"; head -5 "$WORK/r9.out"; }
[ "$(head -1 "$r9_out/matrix.tsv")" = "$(printf 'program\tcase\tkernel-a\tk-b\tk-c')" ] &&
	[ "$(sed -n 2p "$r9_out/matrix.tsv")" = "$(printf 'p\tcase-fail\tpass\tfail\tpass')" ] &&
	pass "matrix.tsv: a header of labels (DIR/label trimmed, else the folder's name), the failing case first" ||
	{ fail "matrix.tsv order or labels"; head -3 "$r9_out/matrix.tsv"; }
expect_line "$r9_out/matrix.tsv" "^p	damaged-record-line-4	-	-	error$" \
	"a damaged records line is an ERROR case of its kernel, '-' where it did not run"
expect_line "$r9_out/matrix.tsv" "^q	q	-	-	timeout$" "a program that timed out (programs.tsv) is a TIMEOUT case"
r9_json "$r9_out/matrix.json" '
k=d["kernels"]; c=d["cases"]; f={x["id"]: x["release"] for x in d["fixes"]}
ok = [x["label"] for x in k] == ["kernel-a", "k-b", "k-c"] and k[0]["kernel"] == "6.18.0-pf"
ok = ok and "thp=madvise" in k[0]["environment"]["summary"] and "mthp=64kB:madvise" in k[0]["environment"]["summary"]
ok = ok and "CONFIG_KSM=y" in k[0]["environment"]["config"] and k[1]["totals"]["fail"] == 1
ok = ok and c[0]["name"] == "case-fail" and c[0]["class"] == "bad" and c[0]["results"][1]["reason"].startswith("data lost")
ok = ok and f.get("70e806e4e645") == "v5.9" and c[0]["cves"] == ["CVE-2020-29374"]
sys.exit(not ok)' && pass "matrix.json: kernels with environment and totals, per-kernel status and reason, fixes with releases" ||
	fail "matrix.json contents"
expect_line "$r9_out/summary.md" '^\| kernel-a \| 6\.18\.0-pf \| full \| 3 \| 3 \| 0 ' "summary.md: a table of kernels x totals"
r9_fail_line=$(grep -n 'case-fail' "$r9_out/summary.md" | head -1 | cut -d: -f1)
r9_diff_line=$(grep -n 'case-diff' "$r9_out/summary.md" | head -1 | cut -d: -f1)
grep -q '| `p case-fail` | k-b | fail | data lost at 0x1000: &lt;script&gt;alert(1)&lt;/script&gt; &amp; "q" | `70e806e4e645` (v5.9, not in 5.8.0-old)' "$r9_out/summary.md" &&
	[ -n "$r9_diff_line" ] && [ "${r9_fail_line:-99}" -lt "$r9_diff_line" ] &&
	pass "summary.md: failures first, with the reason escaped and each fix's release ('not in' an older kernel); then the differing cases" ||
	{ fail "summary.md failures"; cat "$r9_out/summary.md"; }
! grep -q '<script>alert' "$r9_out/summary.md" "$r9_out/report.html" "$r9_out/matrix.json" &&
	pass "no output carries the reason's <script> unescaped" || fail "a raw <script> in an output"
[ "$(grep -c '<script' "$r9_out/report.html")" = 2 ] && ! grep -Eqi '(src|href)=|https?://|@import|url\(' "$r9_out/report.html" &&
	pass "report.html is self-contained: its own two scripts, no src/href/url to anything" ||
	fail "report.html refers to something outside it"
mkdir -p "$WORK/r9/one"
cp "$WORK/r9/k-b/records.tsv" "$WORK/r9/k-b/results.json" "$WORK/r9/one/"
"$r9_report" --matrix "$WORK/r9/one" "$WORK/r9/one/" >"$WORK/r9.out" 2>&1 &&
	[ "$(head -1 "$WORK/r9/one/matrix.tsv")" = "$(printf 'program\tcase\t5.8.0-old')" ] &&
	pass "a one-kernel matrix written into its own results folder: the column is the kernel release" ||
	fail "one-kernel matrix label: $(head -1 "$WORK/r9/one/matrix.tsv")"
mkdir -p "$WORK/r9/merged"	# run.sh --repeat: records.tsv has a tenth field, the hints
printf 'p\tc\tfail\t0.1\twhy\ts\t70e806e4e645\t\tfirst bad 0x10\\n\t# hint: needs linux-git 70e806e4e645\\n\n' >"$WORK/r9/merged/records.tsv"
"$r9_report" --matrix "$WORK/r9/merged-out" "$WORK/r9/merged" >"$WORK/r9.out" 2>&1 && r9_clean "$WORK/r9.out" &&
	grep -qF '"first bad 0x10\n# hint: needs linux-git 70e806e4e645\n"' "$WORK/r9/merged-out/report.html" &&
	pass "a merged (--repeat) records line: its hints follow the diagnostics in report.html" ||
	fail "the hints of a merged records line are not in report.html"
"$r9_report" --matrix "$WORK/r9/x" >/dev/null 2>&1; r1=$?
"$r9_report" --matrix "$WORK/r9/x" "$WORK/r9/x-missing" >/dev/null 2>&1; r2=$?
"$r9_report" --matrix /dev/full/x "$WORK/r9/a" >"$WORK/r9.out" 2>&1; r3=$?
[ "$r1" = 2 ] && [ "$r2" = 2 ] && [ "$r3" = 1 ] && grep -q 'cannot write /dev/full/x' "$WORK/r9.out" &&
	pass "usage: no DIR or a DIR without records.tsv exit 2; an OUT that cannot be written exits 1, named" ||
	fail "--matrix exits: no DIR $r1, no records $r2, unwritable $r3"

# -- rows from the programs (build/tests next to build/pinfork-report)
r9_case=
for r9_prog in pin_fork uring_fixed odirect_fork; do
	[ -x "$BUILD/tests/$r9_prog" ] || continue
	r9_case=$(timeout 20 "$BUILD/tests/$r9_prog" -l -p stress | awk -F'\t' '$4 != "-" {print; exit}')
	[ -n "$r9_case" ] && break
done
if [ -z "$r9_case" ]; then
	fail "no program in $BUILD/tests lists a case with a backing (pin_fork, uring_fixed, odirect_fork)"
else
	mkdir -p "$WORK/r9/rows"
	r9_rec "$r9_prog" "$(cut -f1 <<<"$r9_case")" pass "" x "" "" "" >"$WORK/r9/rows/records.tsv"
	"$BUILD/pinfork-report" --matrix "$WORK/r9/rows-out" "$WORK/r9/rows" >/dev/null 2>&1
	r9_json "$WORK/r9/rows-out/matrix.json" "c=d['cases'][0]; sys.exit(not (c['backing'] == '$(cut -f4 <<<"$r9_case")' and c['event'] == '$(cut -f3 <<<"$r9_case" | sed 's/^-$//')'))" &&
		pass "pin/event/backing of a case come from its program's listing ($r9_prog: $(cut -f1 <<<"$r9_case"))" ||
		fail "rows of $r9_prog not found in matrix.json"
fi

# -- 10 kernels x 12700 cases: size and time
cat >"$WORK/r9-gen.py" <<'EOF'
import os, random, sys
out, nk, nc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
progs = ["pin_fork", "odirect_fork", "uring_fixed", "rdma_mr", "thp_mprotect", "odirect_held"]
skips = ["THP not populated: madvise refused", "no RDMA device", "hugetlb pool empty", "swap is off"]
for k in range(nk):
    d = os.path.join(out, "k%d" % k)
    os.makedirs(d)
    open(os.path.join(d, "results.json"), "w").write('{"kernel": "6.%d.0-amd64", "profile": "exhaustive"}' % k)
    with open(os.path.join(d, "records.tsv"), "w") as f:
        for i in range(nc):
            p = progs[i % len(progs)]
            name = "%s-pin%d-event%d-backing%d-%d" % (p.replace("_", "-"), i % 7, i // 7 % 9, i // 63 % 10, i // 630)
            r = random.random()
            st, why = ("skip", skips[i % 4]) if r < .3 else ("fail", "data lost at 0x%x" % i) if r < .31 else ("pass", "")
            diag = "event fork-alive: forks=1 ended_ok=1 memory=copied pfn=0x%x region %d" % (random.randrange(1 << 30), i)
            f.write("\t".join([p, name, st, "0.1", why, "summary %d: coherent through the pin, both ways" % i,
                               "70e806e4e645", "", diag]) + "\n")
EOF
if $PY "$WORK/r9-gen.py" "$WORK/r9/big" 10 12700 2>"$WORK/r9.err"; then
	r9_t0=$(date +%s%N)
	"$BUILD/pinfork-report" --matrix "$WORK/r9/big-out" "$WORK/r9/big"/k* >"$WORK/r9.out" 2>&1; rc=$?
	r9_ms=$((($(date +%s%N) - r9_t0) / 1000000))
	r9_size=$(stat -c %s "$WORK/r9/big-out/report.html" 2>/dev/null || echo 0)
	[ "$rc" = 0 ] && [ "$r9_size" -gt 0 ] && [ "$r9_size" -lt $((8 * 1024 * 1024)) ] &&
		[ "$(wc -l <"$WORK/r9/big-out/matrix.tsv")" = 12701 ] &&
		pass "10 kernels x 12700 cases: report.html $((r9_size / 1024)) KiB (< 8 MiB), matrix in $r9_ms ms" ||
		fail "10 x 12700 matrix: exit $rc, report.html $r9_size bytes"
else
	fail "cannot make the 10-kernel folders: $(head -2 "$WORK/r9.err")"
fi

# -- the page in a real browser
r9_chromium=$(command -v chromium || command -v chromium-browser)
r9_browse() {	# r9_browse OUTFILE ARGS... : chromium headless, bounded
	local out=$1; shift
	HOME=$WORK/r9-home timeout 60 "$r9_chromium" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$WORK/r9-profile" --no-first-run "$@" >"$out" 2>/dev/null
}
if [ -z "$r9_chromium" ]; then
	echo "skip report.html in a browser: no chromium (apt-get install chromium)"
else
	r9_browse "$WORK/r9-dom.html" --dump-dom "file://$r9_out/report.html"
	[ "$(grep -ao '<tr class="case"' "$WORK/r9-dom.html" | wc -l)" = 5 ] &&
		grep -aq '5 cases on 3 kernels' "$WORK/r9-dom.html" &&
		pass "chromium renders the matrix: 5 case rows, the kernels, the header line" ||
		{ fail "rendered report.html: $(grep -ao '<tr class="case"' "$WORK/r9-dom.html" | wc -l) rows"; }
	r9_browse "$WORK/r9-dom2.html" --dump-dom "file://$r9_out/report.html#case=p/case-fail"
	grep -aq 'class="detail"' "$WORK/r9-dom2.html" &&
		grep -aq 'hint: needs linux-git 70e806e4e645 (v5.9)' "$WORK/r9-dom2.html" &&
		grep -aq 'data lost at 0x1000: &lt;script&gt;alert(1)&lt;/script&gt; &amp;' "$WORK/r9-dom2.html" &&
		! grep -aq '<script>alert' "$WORK/r9-dom2.html" &&
		pass "a case opened (#case=p/case-fail): its fixes with releases, hints, the reason shown as text, not markup" ||
		fail "the opened case in the rendered page"
	r9_rows() { grep -ao '<tr class="case"' "$1" | wc -l; }
	r9_browse "$WORK/r9-dom3.html" --dump-dom "file://$r9_out/report.html#show=bad"
	r9_browse "$WORK/r9-dom4.html" --dump-dom "file://$r9_out/report.html#show=diff&q=madvise%20refused"
	r9_browse "$WORK/r9-dom5.html" --dump-dom "file://$r9_out/report.html#program=q"
	r9_browse "$WORK/r9-dom6.html" --dump-dom "file://$r9_out/report.html#show=diff"
	[ "$(r9_rows "$WORK/r9-dom3.html")" = 3 ] && [ "$(r9_rows "$WORK/r9-dom4.html")" = 1 ] &&
		grep -aq '>case-diff<' "$WORK/r9-dom4.html" && [ "$(r9_rows "$WORK/r9-dom5.html")" = 1 ] &&
		[ "$(r9_rows "$WORK/r9-dom6.html")" = 4 ] && ! grep -aq '>case-same<' "$WORK/r9-dom6.html" &&
		pass "filters (set from the address): failures only 3 rows; differing 4 (not case-same); differing + text 'madvise refused' 1; program q 1" ||
		fail "filters: bad $(r9_rows "$WORK/r9-dom3.html"), diff+text $(r9_rows "$WORK/r9-dom4.html"), program $(r9_rows "$WORK/r9-dom5.html"), diff $(r9_rows "$WORK/r9-dom6.html")"
	mkdir -p "$BUILD/check"
	r9_browse "$WORK/r9-shot.out" --screenshot="$BUILD/check/report-html.png" --window-size=1400,900 \
		"file://$r9_out/report.html#case=p/case-fail"
	[ "$(stat -c %s "$BUILD/check/report-html.png" 2>/dev/null || echo 0)" -gt 10000 ] &&
		pass "screenshot: $BUILD/check/report-html.png" || fail "no screenshot of report.html"
	if [ -s "$WORK/r9/big-out/report.html" ]; then
		r9_t0=$(date +%s%N)
		r9_browse "$WORK/r9-big.html" --dump-dom "file://$WORK/r9/big-out/report.html"
		r9_ms=$((($(date +%s%N) - r9_t0) / 1000000))
		r9_ready=$(grep -ao 'data-ready-ms="[0-9]*"' "$WORK/r9-big.html" | tr -dc 0-9)
		[ "$(r9_rows "$WORK/r9-big.html")" = 200 ] && grep -aq '12700 cases on 10 kernels' "$WORK/r9-big.html" &&
			[ -n "$r9_ready" ] && [ "$r9_ready" -lt 10000 ] &&
			pass "chromium renders 10 kernels x 12700 cases (first 200 rows): page ready in $r9_ready ms ($r9_ms ms with chromium's start)" ||
			fail "10 x 12700 report.html: not rendered, or ready after ${r9_ready:-?} ms"
		r9_browse "$WORK/r9-big2.html" --dump-dom "file://$WORK/r9/big-out/report.html#show=bad&q=data%20lost"
		r9_ms=$(grep -ao 'data-ms="[0-9]*"' "$WORK/r9-big2.html" | tr -dc 0-9)
		[ "$(r9_rows "$WORK/r9-big2.html")" -gt 0 ] && [ -n "$r9_ms" ] && [ "$r9_ms" -lt 2000 ] &&
			pass "10 x 12700: failures only + a text search filters in $r9_ms ms" ||
			fail "10 x 12700 filter: $(r9_rows "$WORK/r9-big2.html") rows in ${r9_ms:-?} ms"
	fi
fi
