#!/usr/bin/env bash
# `make check`: builds, runs the unit tests (cmocka), then the integration and security tests
# (bats, as an unprivileged user), and ends with one line: "N passed, N failed".
# A build failure or a test binary that dies without its summary counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 125
. tests/lib/tally.bash
MAKE=${MAKE:-make}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# sum_matches REGEX FILE: the sum of the first group of REGEX over the lines of FILE
sum_matches() {
	sed -nE "s/$1/\\1/p" "$2" | awk '{ n += $1 } END { print n + 0 }'
}

if ! $MAKE --no-print-directory all unit-tests test-binaries; then
	echo "check: the build failed"
	failed=1
	summary
fi

# Unit tests: each cmocka group ends with "[  PASSED  ] N test(s)." and, when some failed,
# "[  FAILED  ] N test(s), listed below:".
shopt -s nullglob
for t in tests/unit/test_*.c; do
	bin=build/tests/$(basename "$t" .c)
	echo "== $bin"
	CMOCKA_MESSAGE_OUTPUT=stdout timeout --kill-after=10 300 "$bin" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(sum_matches '^\[  PASSED  \] ([0-9]+) test.*' "$log")
	f=$(sum_matches '^\[  FAILED  \] ([0-9]+) test.*' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "check: $bin exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"

# tap_part NAME COMMAND...: runs COMMAND, a TAP producer, and adds its results to the sums.
tap_part() {
	local name=$1
	shift
	"$@" </dev/null 2>&1 | tee "$log"
	tap_tally "check ($name)" "$log" "${PIPESTATUS[0]}"
	echo "$name: $ok passed, $notok failed"
	passed=$((passed + ok))
	failed=$((failed + notok))
}

# Integration and security tests, as the unprivileged test user.
tap_part integration+security bash tests/run-bats.sh tests/integration tests/security
# sbx started by root (the one case that must run as root): tests/integration/90-root.bats.
if [ "$(id -u)" = 0 ]; then
	tap_part "as root" env SBX_TEST_AS_ROOT=1 SBX="$PWD/build/sbx" \
		bats --tap tests/integration/90-root.bats
fi
# make install / uninstall into a temporary DESTDIR.
tap_part install bash tests/install-check.sh
# Documentation: the man page, --help and the completions against the option table.
tap_part docs bash tests/docs-check.sh build/sbx
summary
