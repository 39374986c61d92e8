# SPDX-License-Identifier: GPL-2.0
# tap2lava.awk: reads the output of a kselftest runner (run_kselftest.sh:
# pinfork's own or the kernel's) as it comes, prints every line again, and
# reports each result to LAVA by running the LAVA helpers:
#
#   # selftests: pinfork: PROG          lava-test-set start PROG
#   # ok N CASE                         lava-test-case pinfork.PROG.CASE --result pass
#   # ok N CASE # SKIP                  ... --result skip
#   # ok N CASE # XFAIL|XPASS reason    ... --result pass (kselftest: ok is ok)
#   # not ok N CASE [# reason]          ... --result fail (also TIMEOUT, ERROR)
#   ok|not ok N selftests: pinfork: PROG [# SKIP|# exit=RC|# TIMEOUT ..]
#                                       lava-test-case pinfork.PROG --result ..,
#                                       lava-test-set stop
#
# A program cut short (no result line of its own) still gets its set
# closed. Names keep [A-Za-z0-9_.-] only (LAVA keys results by name).
#
# Variables (awk -v): case_cmd (default lava-test-case), set_cmd (default
# lava-test-set), prefix (default pinfork). With mawk run it as
# `mawk -W interactive` so results stream as they come.

BEGIN {
	if (case_cmd == "") case_cmd = "lava-test-case"
	if (set_cmd == "") set_cmd = "lava-test-set"
	if (prefix == "") prefix = "pinfork"
	prog = ""
}

function clean(s) {
	gsub(/[^A-Za-z0-9_.-]/, "_", s)
	return s
}

function run(cmd) {
	fflush()
	system(cmd)
}

function set_start(name) {
	if (prog != "") set_stop()
	prog = clean(name)
	run(set_cmd " start " prog)
}

function set_stop() {
	run(set_cmd " stop")
	prog = ""
}

function report(name, result) {
	run(case_cmd " " name " --result " result)
}

# "ok N NAME # DIRECTIVE" or "not ok N NAME # ..." (no "# " prefix left):
# the LAVA result of that line
function result_of(line,    directive) {
	if (line ~ /^not ok /) return "fail"
	directive = ""
	if (index(line, " # ") > 0) directive = substr(line, index(line, " # ") + 3)
	if (toupper(directive) ~ /^SKIP/) return "skip"
	return "pass"
}

# the name field of a result line: after "ok N " / "not ok N ", up to " # "
function name_of(line,    rest) {
	rest = line
	sub(/^(not )?ok [0-9]+ /, "", rest)
	if (index(rest, " # ") > 0) rest = substr(rest, 1, index(rest, " # ") - 1)
	sub(/[ \t]+$/, "", rest)
	return rest
}

{ print; fflush() }

# a program starts: "# selftests: COLLECTION: PROG"
/^# selftests: [^ :]+: [^ ]+$/ {
	set_start($4)
	next
}

# a case of the running program (its own TAP, prefixed "# " by the runner)
prog != "" && /^# (not )?ok [0-9]+ / {
	line = substr($0, 3)
	name = name_of(line)
	if (name != "") report(prefix "." prog "." clean(name), result_of(line))
	next
}

# the runner's verdict on the program: its exit status
/^(not )?ok [0-9]+ selftests: / {
	name = name_of($0)
	n = split(name, part, ": ")
	p = clean(part[n])
	if (prog == "" || prog != p) set_start(p)
	report(prefix "." p, result_of($0))
	set_stop()
	next
}

END { if (prog != "") set_stop() }
