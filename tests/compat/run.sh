#!/usr/bin/env bash
# run.sh (make check-compat): bubblewrap's own test suite (tests/compat/fetch-suite.sh) run,
# unmodified, against sbx invoked as `bwrap` (a symlink to a copy of build/sbx), as an
# unprivileged user: as root, $SBX_TEST_USER (default sbxtest, created when missing) through
# setpriv. When fetch-suite.sh could build bubblewrap itself, the suite runs against it first,
# as the reference that shows what the harness gives the real thing.
#
# Scripts run in order: test-run.sh, test-seccomp.py, test-specifying-userns.sh,
# test-specifying-pidns.sh. test-run.sh stops at its first failure (set -e), so the tests after
# it count as failed, "not run". The list of tests is tests/compat/tests-VERSION.
#
# The result is judged against tests/compat/expected-failures: a test passes when it passes
# and is not listed; it fails when it fails and is not listed, or when it is listed and passes
# (the list must shrink as sbx is fixed). Listed tests that fail are reported, not counted.
# The last line is "N passed, N failed"; the raw score is printed above it.
#
# Environment: SBX (binary, default build/sbx), SBX_COMPAT_CACHE (default /var/tmp/sbx-compat),
# SBX_COMPAT_TIMEOUT (seconds per script, default 300), SBX_COMPAT_REFERENCE=0 (skip the
# reference run), SBX_COMPAT_KEEP_GOING=1 (diagnosis, not a score: a patched copy of
# test-run.sh that goes on after a failing test, so every test gets a verdict),
# SBX_COMPAT_LOGS=DIR (each script's TAP output and log kept there).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
sbx=$(realpath -m "${SBX:-$src/build/sbx}")
cache=${SBX_COMPAT_CACHE:-/var/tmp/sbx-compat}
user=${SBX_TEST_USER:-sbxtest}
timeout_s=${SBX_COMPAT_TIMEOUT:-300}
keep_going=${SBX_COMPAT_KEEP_GOING:-0}
scripts=(test-run.sh test-seccomp.py test-specifying-userns.sh test-specifying-pidns.sh)
t0=$SECONDS

fail() {
	echo "check-compat: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[ -x "$sbx" ] || fail "$sbx is missing (make all)"
read -r version suite < <(bash "$here/fetch-suite.sh" "$cache" | tail -n 1) ||
	fail "bubblewrap's test suite could not be had (see fetch-suite's messages above)"
suite_src=$cache/bubblewrap-$version
suite_build=$cache/build-$version
manifest=$here/tests-$version
xfail_file=$here/expected-failures
echo "check-compat: bubblewrap $version's test suite (Debian $suite source package), in $cache"

stage=$(mktemp -d "${TMPDIR:-/tmp}/sbx-compat.XXXXXX")
# keep_logs: the scripts' output, where SBX_COMPAT_LOGS asks for it.
keep_logs() {
	[ -z "${SBX_COMPAT_LOGS:-}" ] || { mkdir -p "$SBX_COMPAT_LOGS" && cp -a "$stage"/reference "$stage"/sbx "$SBX_COMPAT_LOGS"/ 2>/dev/null; }
	rm -rf "$stage"
}
trap keep_logs EXIT
chmod 755 "$stage"
mkdir -p "$stage/bin"
# A copy, like an installed binary: the test user may not reach the checkout.
install -m 0755 "$sbx" "$stage/bin/sbx"
ln -s sbx "$stage/bin/bwrap"

as_user=()
user_env=()
if [ "$(id -u)" = 0 ]; then
	id -u "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
	home=$(getent passwd "$user" | cut -d: -f6)
	as_user=(setpriv --reuid "$user" --regid "$user" --init-groups --reset-env)
	user_env=(HOME="$home" USER="$user" LOGNAME="$user" TERM="${TERM:-xterm}"
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin)
fi

# The keep-going copy: set -e off, and fatal() and a failing command mark the test under way
# as failed instead of ending the script; ok() then prints "not ok".
tests_dir=$suite_src
if [ "$keep_going" = 1 ]; then
	tests_dir=$stage/suite
	mkdir -p "$tests_dir"
	cp -a "$suite_src/tests" "$tests_dir/"
	sed -i 's/^set -xeuo pipefail$/set -xuo pipefail/
		s/^ok () {$/ok () {\n    if [ "${_failed:-0}" = 1 ]; then _failed=0; test_count=$((test_count + 1)); echo "not ok $test_count $*"; return; fi/' \
		"$tests_dir/tests/test-run.sh"
	sed -i 's/^set -e$//' "$tests_dir/tests/libtest.sh"
	sed -i 's/^    echo \$@ 1>&2; exit 1$/    echo "$@" 1>\&2; _failed=1/
		s/^  local exit_status="\$?"$/  local exit_status="$?"; _failed=1/' "$tests_dir/tests/libtest-core.sh"
	chmod -R a+rX "$tests_dir"
	echo "check-compat: SBX_COMPAT_KEEP_GOING=1: a patched copy that goes on after a failure (diagnosis only)"
fi

# run_suite LABEL BWRAP: the scripts against BWRAP; LABEL/results gets one line per test,
# "STATUS SCRIPT NUMBER NAME" (STATUS ok, fail or notrun), in the order of the manifest.
run_suite() {
	local label=$1 bwrap=$2 dir=$stage/$1 script interp pid rc n
	mkdir -p "$dir"
	chmod 755 "$dir"
	: >"$dir/results"
	for script in "${scripts[@]}"; do
		case $script in
		*.py) interp=/usr/bin/python3 ;;
		*) interp=bash ;;
		esac
		# timeout puts the script in a process group of its own: what it leaves running (a
		# sandbox that never exits, a retry loop) ends with the group.
		(cd "$dir" && exec timeout --kill-after=10 "$timeout_s" "${as_user[@]}" env "${user_env[@]}" \
			BWRAP="$bwrap" G_TEST_SRCDIR="$tests_dir" G_TEST_BUILDDIR="$suite_build" \
			"$interp" "$tests_dir/tests/$script" </dev/null >"$dir/$script.tap" 2>"$dir/$script.log") &
		pid=$!
		wait "$pid"
		rc=$?
		kill -KILL -- "-$pid" 2>/dev/null
		[ "$rc" != 124 ] && [ "$rc" != 137 ] || echo "check-compat: $label: $script timed out after $timeout_s s"
		echo "$rc" >"$dir/$script.rc"
		# The TAP results in order; the specifying scripts print "ok - NAME" without a number.
		grep -E '^(not )?ok\b' "$dir/$script.tap" | awk -v s="$script" '{
			st = /^not / ? "fail" : "ok"
			sub(/^(not )?ok( [0-9]+)?( - )?[ ]*/, "")
			# without tap.runner, the unittest cases are one test named by their result
			if (/^<unittest\./) $0 = "seccomp filters (unittest cases)"
			print st, s, ++n, $0
		}' >"$dir/$script.results"
		if [ -r "$manifest" ]; then
			# Every test of the manifest, in its order; those the script never reached fail.
			# The first of them, in a script that failed, is the one that stopped it.
			grep -E "^$script [0-9]+ " "$manifest" | while read -r _ n name; do
				st=$(awk -v n="$n" '$3 == n { print $1; exit }' "$dir/$script.results")
				if [ -z "$st" ] && [ "$rc" != 0 ]; then
					st=fail rc=0
				fi
				echo "${st:-notrun} $script $n $name"
			done >>"$dir/results"
		else
			cat "$dir/$script.results" >>"$dir/results"
			n=$(wc -l <"$dir/$script.results")
			if [ "$rc" != 0 ] && ! grep -q '^fail ' "$dir/$script.results"; then
				echo "notrun $script $((n + 1)) (the rest of the script: it exited with status $rc)" >>"$dir/results"
			fi
		fi
	done
}

# why LABEL SCRIPT: the reason a script stopped, from its log: unittest's failing cases, or the
# last line that is not bash's trace (fatal()'s message, libtest's report_err).
why() {
	local log=$stage/$1/$2.log
	case $2 in
	*.py) sed -nE 's/^(FAIL|ERROR): (test_[a-z_]+).*/\2/p' "$log" | tr '\n' ' ' ;;
	*) grep -vE '^\++ ' "$log" | grep -v '^# ' | tail -n 1 | cut -c1-160 ;;
	esac
}

score() { echo "$(grep -c '^ok ' "$stage/$1/results") of $(wc -l <"$stage/$1/results")"; }

ref_line=""
if [ "${SBX_COMPAT_REFERENCE:-1}" != 0 ] && [ -x "$suite_build/bwrap" ]; then
	t=$SECONDS
	run_suite reference "$suite_build/bwrap"
	ref_line="reference bubblewrap $version: $(score reference)"
	# A suite without a list of its own (the bookworm fallback): the reference's tests.
	if [ ! -r "$manifest" ]; then
		manifest=$stage/manifest
		cut -d' ' -f2- "$stage/reference/results" >"$manifest"
	fi
	echo "check-compat: $ref_line ($((SECONDS - t)) s)"
	grep -v '^ok ' "$stage/reference/results" | sed 's/^/check-compat:   reference: /'
elif [ "${SBX_COMPAT_REFERENCE:-1}" != 0 ]; then
	echo "check-compat: no reference bwrap was built (see $cache/meson.log); sbx only"
fi

t=$SECONDS
run_suite sbx "$stage/bin/bwrap"
echo "check-compat: sbx as bwrap: $(score sbx) ($((SECONDS - t)) s); its failing tests:"
for script in "${scripts[@]}"; do
	grep -E "^(fail|notrun) $script " "$stage/sbx/results" | sed 's/^fail /  not ok  /; s/^notrun /  not run /'
	if grep -qE "^fail $script " "$stage/sbx/results"; then
		echo "    ($script: $(why sbx "$script"))"
	fi
done
patched=""
[ "$keep_going" != 1 ] || patched=" (patched to keep going: diagnosis only)"
echo "bubblewrap $version suite: $(score sbx)$patched${ref_line:+ (${ref_line})}"

if [ "$keep_going" = 1 ]; then
	echo "check-compat: diagnosis on a patched copy; no verdict against $xfail_file"
	echo "$(grep -c '^ok ' "$stage/sbx/results") passed, $(grep -vc '^ok ' "$stage/sbx/results") failed"
	exit 0
fi

# The list is for one version of the suite ("# version V"); another one has only its score.
if ! grep -qxF "# version $version" "$xfail_file"; then
	echo "check-compat: $xfail_file is not for bubblewrap $version: the raw score decides"
	echo "$(grep -c '^ok ' "$stage/sbx/results") passed, $(grep -vc '^ok ' "$stage/sbx/results") failed"
	exit 1
fi

# The verdict against the expected failures: "SCRIPT NUMBER NAME | why" lines, # comments.
passed=0 failed=0 xfailed=0
listed=$(sed -e 's/[[:space:]]*|.*//' -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$xfail_file" 2>/dev/null |
	awk '{ print $1, $2 }')
while read -r st script n _; do
	if grep -qxF "$script $n" <<<"$listed"; then
		if [ "$st" = ok ]; then
			echo "check-compat: $script $n passes but is listed in tests/compat/expected-failures: remove it"
			failed=$((failed + 1))
		else
			xfailed=$((xfailed + 1))
		fi
	elif [ "$st" = ok ]; then
		passed=$((passed + 1))
	else
		echo "check-compat: $script $n fails and is not listed in tests/compat/expected-failures"
		failed=$((failed + 1))
	fi
done <"$stage/sbx/results"
while read -r script n; do
	[ -n "$script" ] || continue
	if ! grep -qE "^[a-z]+ $script $n( |$)" "$stage/sbx/results"; then
		echo "check-compat: tests/compat/expected-failures lists $script $n, which the suite does not have"
		failed=$((failed + 1))
	fi
done <<<"$listed"
echo "check-compat: $passed passed, $failed failed, $xfailed failed as listed in tests/compat/expected-failures ($((SECONDS - t0)) s)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
