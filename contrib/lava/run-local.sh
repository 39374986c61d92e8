#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-local.sh: runs the example job (job-qemu.yaml) for real with Debian's
# lava-dispatcher on this machine, no LAVA server: lava-run, a device
# rendered from devices/qemu-pinfork.jinja2, the images of build-rootfs.sh,
# the test definition from a tarball of contrib/lava at this repository's
# HEAD (commit first: the working tree is not used), the tarball served over HTTP on
# 127.0.0.1 (the guest sees it as 10.0.2.2).
#
# usage: run-local.sh [--tarball FILE] [--out DIR] [--tests "PROG..."]
#                     [--profile NAME] [--port N] [--validate]
#   --tarball FILE   pinfork-kselftest.tar.gz (default build/pinfork-kselftest.tar.gz,
#                    made with `make kselftest-tar` when missing)
#   --out DIR        lava-run's output folder (default /var/tmp/lava/out)
#   --tests "P..."   run only these programs (PINFORK_TESTS; default all)
#   --profile NAME   PINFORK_PROFILE (default quick, as the job)
#   --port N         HTTP port on 127.0.0.1 (default 8642, as the job)
#   --validate       lava-run --validate only: check job and device, boot nothing
# Writes DIR/job.yaml (the job as run), DIR/device.yaml, DIR/lava.log (the
# dispatcher's log, YAML records), DIR/results.yaml (every result record
# LAVA logged) and prints the counts (lava-results.py).
# Needs root, lava-dispatcher, qemu-system-x86 and what build-rootfs.sh
# needs; fetches lava-server's .deb (apt-get download) once for the
# device-type templates when lava-server is not installed.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
WORK=/var/tmp/lava
PY=/usr/bin/python3

tarball=$REPO/build/pinfork-kselftest.tar.gz out=$WORK/out tests='' profile=quick
port=8642 validate=0 http_pid=''

die() { printf 'run-local.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'run-local.sh: %s\n' "$*" >&2; }

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--tarball) tarball=${2:?}; shift ;;
		--out) out=${2:?}; shift ;;
		--tests) tests=${2?}; shift ;;
		--profile) profile=${2:?}; shift ;;
		--port) port=${2:?}; shift ;;
		--validate) validate=1 ;;
		-h|--help) sed -n '3,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown option $1 (--help)" ;;
		esac
		shift
	done
	[[ $port =~ ^[0-9]+$ ]] || die "--port $port: not a number"
}

# lava-server's device-types templates, from its .deb when not installed
templates() {
	local d
	for d in /etc/lava-server/dispatcher-config/device-types /usr/share/lava-server/device-types \
		"$WORK/lava-server/usr/share/lava-server/device-types"; do
		if [ -f "$d/qemu.jinja2" ]; then echo "$d"; return; fi
	done
	mkdir -p "$WORK/pkgs"
	(cd "$WORK/pkgs" && timeout 300 apt-get download lava-server >&2) || die "apt-get download lava-server failed"
	local deb
	deb=$(find "$WORK/pkgs" -name 'lava-server_*.deb' | sort | tail -1)
	dpkg-deb -x "$deb" "$WORK/lava-server"
	echo "$WORK/lava-server/usr/share/lava-server/device-types"
}

prepare_tarball() {
	if [ ! -f "$tarball" ]; then
		[ "$tarball" = "$REPO/build/pinfork-kselftest.tar.gz" ] || die "$tarball: no such file"
		say "building $tarball (make kselftest-tar)"
		PINFORK_PROFILE=$profile make -C "$REPO" -s kselftest-tar >&2 || die "make kselftest-tar failed"
	fi
	mkdir -p "$WORK/www"
	install -m 0644 "$tarball" "$WORK/www/pinfork-kselftest.tar.gz"
}

# The test definition's "repository" (from: url): contrib/lava of this
# checkout's HEAD as a tarball. Not the git repository itself: LAVA appends
# its run.sh to the one at the top of a checkout, which is pinfork's.
prepare_testdef() {
	git -C "$REPO" archive --format=tar HEAD contrib/lava | gzip -n >"$WORK/pinfork-testdef.tar.gz"
	if [ -n "$(git -C "$REPO" status --porcelain -- contrib/lava)" ]; then
		say "warning: contrib/lava has uncommitted changes; the job uses HEAD ($(git -C "$REPO" rev-parse --short HEAD))"
	fi
}

# The job as run: job-qemu.yaml with this run's parameters.
write_job() {
	"$PY" - "$HERE/job-qemu.yaml" "$out/job.yaml" "$profile" "$tests" "$port" <<'EOF'
import sys, yaml
src, dst, profile, tests, port = sys.argv[1:]
job = yaml.safe_load(open(src))
for action in job["actions"]:
    for d in action.get("test", {}).get("definitions", []):
        p = d.setdefault("parameters", {})
        p["PINFORK_PROFILE"] = profile
        if tests:
            p["PINFORK_TESTS"] = tests
        p["PINFORK_TARBALL"] = "http://10.0.2.2:%s/pinfork-kselftest.tar.gz" % port
yaml.safe_dump(job, open(dst, "w"), sort_keys=False)
EOF
}

start_http() {
	"$PY" -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$port" \
		>"$out/http.log" 2>&1 &
	http_pid=$!
	local tries
	for tries in $(seq 50); do
		if "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/', timeout=2)" 2>/dev/null; then
			return
		fi
		sleep 0.2
	done
	die "HTTP server (after $tries tries) on 127.0.0.1:$port did not come up (port taken? --port)"
}

stop_http() {
	if [ -n "$http_pid" ]; then kill "$http_pid" 2>/dev/null || true; wait "$http_pid" 2>/dev/null || true; fi
}

main() {
	parse_args "$@"
	[ "$(id -u)" = 0 ] || die "needs root"
	command -v lava-run >/dev/null || die "no lava-run (apt-get install lava-dispatcher)"
	rm -rf "$out" && mkdir -p "$out"
	"$HERE/build-rootfs.sh" --out "$WORK" >&2
	"$PY" "$HERE/render-device.py" "$HERE/devices/qemu-pinfork.jinja2" "$out/device.yaml" \
		--templates "$(templates)" arch=amd64 >&2
	write_job
	local v=() rc=0 t0
	if [ "$validate" = 1 ]; then
		v=(--validate)
	else
		prepare_tarball
		prepare_testdef
		trap stop_http EXIT
		start_http
	fi
	say "lava-run --job-id 1 --output-dir $out ${v[*]} --device $out/device.yaml $out/job.yaml"
	t0=$SECONDS
	timeout -k 30 9000 lava-run --job-id 1 --output-dir "$out" "${v[@]}" \
		--device "$out/device.yaml" "$out/job.yaml" 2>"$out/lava.log" || rc=$?
	say "lava-run exit $rc after $((SECONDS - t0)) s"
	[ "$validate" = 1 ] || "$PY" "$HERE/lava-results.py" "$out/lava.log" "$out/results.yaml"
	return "$rc"
}

main "$@"
