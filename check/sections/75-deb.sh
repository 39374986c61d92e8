section "Debian package: dpkg-buildpackage builds pinfork_*.deb, lintian has no error, the unpacked package runs"
# Built in a copy of the tree (the package's clean step removes build folders),
# never installed on this machine: the package is unpacked with dpkg -x and its
# /usr/bin/pinfork finds its suite beside itself. Costs about 1 min (the build
# about 35 s on 2 cores, lintian twice).
deb_dir=$WORK/deb

# The tree as git has it (uncommitted changes too, ignored build folders not).
deb_copy_tree() {
	mkdir -p "$1"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -co --exclude-standard -z | tar --null -cf - -T - | tar -xf - -C "$1"
	else
		tar --exclude='./build*' --exclude=./results --exclude=./install -cf - . | tar -xf - -C "$1"
	fi
}

# deb_lint DEB: lintian's E: and W: lines in $WORK/deb-lint.out; status 1 on an E:.
deb_lint() {
	lintian --no-tag-display-limit "$1" >"$WORK/deb-lint.out" 2>&1
	! grep -q '^E: ' "$WORK/deb-lint.out"
}

# deb_missing LIST: the paths a package must hold that LIST (dpkg -c names) lacks.
deb_missing() {
	local want=(./usr/bin/pinfork ./usr/lib/pinfork/run.sh ./usr/lib/pinfork/pinfork-report
		./usr/lib/pinfork/pinfork-restore ./usr/lib/pinfork/lib/libpinfork_helper.so
		./usr/lib/pinfork/configs/profile-full.conf ./usr/lib/pinfork/configs/pinfork.config
		./usr/lib/pinfork/vm/boot.sh ./usr/share/man/man1/pinfork.1.gz
		./usr/share/doc/pinfork/copyright) t w
	for t in tests/*.c; do
		t=${t##*/}
		want+=("./usr/lib/pinfork/tests/${t%.c}")
	done
	for w in "${want[@]}"; do
		grep -qxF -- "$w" "$1" || printf '%s\n' "$w"
	done
}

if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	echo "skip: dpkg-dev or debhelper not installed (.ci/packages.d/deb.list names them)"
else
	rm -rf "$deb_dir"
	deb_copy_tree "$deb_dir/src"
	deb_t0=$(date +%s)
	if (cd "$deb_dir/src" && timeout 900 dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$WORK/deb-build.log" 2>&1; then
		deb=$(ls "$deb_dir"/pinfork_*.deb 2>/dev/null | head -1)
	else
		deb=''
	fi
	if [ -z "$deb" ]; then
		fail "dpkg-buildpackage -us -uc -b"; tail -20 "$WORK/deb-build.log"
	else
		pass "dpkg-buildpackage -us -uc -b builds ${deb##*/} in $(($(date +%s) - deb_t0)) s"
		dpkg-deb -c "$deb" | awk '{print $6}' | sed 's/ -> .*//' >"$WORK/deb-files.txt"
		missing=$(deb_missing "$WORK/deb-files.txt")
		[ -z "$missing" ] && pass "the package holds every program under /usr/lib/pinfork/tests, run.sh, the helpers, configs/, vm/, /usr/bin/pinfork and its man page" ||
			fail "the package lacks: ${missing//$'\n'/ }"
		# negative: a package without one program is caught
		grep -vxF ./usr/lib/pinfork/tests/uring_fixed "$WORK/deb-files.txt" >"$WORK/deb-files-bad.txt"
		[ "$(deb_missing "$WORK/deb-files-bad.txt")" = ./usr/lib/pinfork/tests/uring_fixed ] &&
			pass "self-test: a package without tests/uring_fixed is reported" ||
			fail "self-test: a package without tests/uring_fixed went unnoticed"
		dpkg-deb -f "$deb" Depends | grep -q 'liburing' &&
			pass "Depends from \${shlibs:Depends}: $(dpkg-deb -f "$deb" Depends)" ||
			fail "Depends lacks the shared libraries: $(dpkg-deb -f "$deb" Depends)"

		if ! command -v lintian >/dev/null; then
			echo "skip: lintian not installed (.ci/packages.d/deb.list names it)"
		else
			if deb_lint "$deb"; then
				pass "lintian: no error ($(grep -c '^W: ' "$WORK/deb-lint.out") warnings)"
			else
				fail "lintian errors:"; grep '^E: ' "$WORK/deb-lint.out"
			fi
			# negative: a package with a known lintian error (an unversioned
			# dependency on an essential package) fails the gate
			dpkg-deb -R "$deb" "$deb_dir/bad"
			sed -i 's/^Depends: /Depends: coreutils, /' "$deb_dir/bad/DEBIAN/control"
			dpkg-deb -Znone -b "$deb_dir/bad" "$deb_dir/pinfork-bad.deb" >/dev/null 2>&1
			if ! deb_lint "$deb_dir/pinfork-bad.deb" &&
				grep -q '^E: .*depends-on-essential-package-without-using-version' "$WORK/deb-lint.out"; then
				pass "self-test: lintian's E: on a broken copy fails the gate"
			else
				fail "self-test: a package with a lintian error passed the gate"
			fi
		fi

		# unpacked, not installed: its pinfork lists the cases of this build
		dpkg-deb -x "$deb" "$deb_dir/root"
		mkdir -p "$deb_dir/cwd"
		(cd "$deb_dir/cwd" && "$deb_dir/root/usr/bin/pinfork" --list) >"$WORK/deb-list.tsv" 2>"$WORK/deb-list.err"; rc=$?
		PINFORK_BUILD=$BUILD ./run.sh --prebuilt --no-install --list >"$WORK/src-list.tsv" 2>/dev/null
		if [ "$rc" = 0 ] && [ "$(wc -l <"$WORK/deb-list.tsv")" -gt 100 ] && cmp -s "$WORK/deb-list.tsv" "$WORK/src-list.tsv"; then
			pass "the unpacked package's pinfork --list: the $(($(wc -l <"$WORK/deb-list.tsv") - 1)) cases of this tree's build"
		else
			fail "pinfork --list of the unpacked package (exit $rc, $(wc -l <"$WORK/deb-list.tsv") lines; differs from run.sh --list)"
			head -3 "$WORK/deb-list.err"
		fi
		# one cheap case: results land under the current folder
		(cd "$deb_dir/cwd" && "$deb_dir/root/usr/bin/pinfork" -t foll-force-cow-memfd) >"$WORK/deb-run.out" 2>&1; rc=$?
		res=$(ls -d "$deb_dir"/cwd/pinfork-results/*/ 2>/dev/null | head -1)
		if [ "$rc" = 0 ] && [ -n "$res" ] && grep -q 'foll-force-cow-memfd' "$res/junit.xml" 2>/dev/null; then
			pass "pinfork -t foll-force-cow-memfd from an empty folder: exit 0, results in ./pinfork-results/$(basename "$res")"
		else
			fail "pinfork -t foll-force-cow-memfd: exit $rc, results folder '${res:-none}'"; tail -5 "$WORK/deb-run.out"
		fi
		PINFORK_LIBDIR=$deb_dir/nowhere "$deb_dir/root/usr/bin/pinfork" --list >/dev/null 2>"$WORK/deb-nolib.err"; rc=$?
		[ "$rc" = 1 ] && grep -q 'PINFORK_LIBDIR' "$WORK/deb-nolib.err" &&
			pass "pinfork without its suite: exit 1 naming PINFORK_LIBDIR" ||
			fail "pinfork with PINFORK_LIBDIR=nowhere: exit $rc"
	fi
fi
