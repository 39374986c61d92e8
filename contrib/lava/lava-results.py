#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""lava-results.py: the results LAVA itself recorded, from the log of a
lava-run (its stderr: one record a line, `{"dt":, "lvl":, "msg":}`; a LAVA
server's job log has the same records as `- {...}`).
Writes every `lvl: results` record to OUT.yaml (what a LAVA server would
store as the job's results) and prints the counts: the test cases of each
definition (pinfork cases pinfork.PROG.CASE, programs pinfork.PROG) and
LAVA's own steps (definition lava) by result.

usage: lava-results.py LAVA.LOG OUT.yaml
Exit status: 0 when the job passed and the pinfork definition reported at
least one case, 1 otherwise.
"""
import collections
import sys

import yaml


def records(path):
    with open(path, errors="replace") as log:
        for line in log:
            line = line.strip()
            if line.startswith("- {"):
                line = line[2:]
            if not line.startswith("{"):
                continue
            try:
                entry = yaml.safe_load(line)
            except yaml.YAMLError:
                continue
            if isinstance(entry, dict) and entry.get("lvl") == "results":
                yield entry["msg"]


def is_pinfork(result):
    # LAVA names a definition LEVEL_NAME: 0_pinfork
    return result.get("definition", "").split("_", 1)[-1] == "pinfork"


def kind(result):
    if not is_pinfork(result):
        return result.get("definition", "?")
    dots = result["case"].count(".")
    return {1: "pinfork programs", 2: "pinfork cases"}.get(dots, "pinfork other")


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip())
    results = list(records(argv[0]))
    with open(argv[1], "w") as out:
        yaml.safe_dump(results, out, sort_keys=False)
    counts = collections.defaultdict(collections.Counter)
    for r in results:
        counts[kind(r)][r.get("result", "?")] += 1
    for k in sorted(counts):
        c = counts[k]
        print("%-17s %4d: %s" % (k, sum(c.values()),
              ", ".join("%s %d" % (res, n) for res, n in sorted(c.items()))))
    job = [r for r in results if r.get("definition") == "lava" and r.get("case") == "job"]
    print("job: %s" % (job[-1].get("result") if job else "no result"))
    ok = job and job[-1].get("result") == "pass" and counts.get("pinfork cases")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
