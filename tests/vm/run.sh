#!/bin/bash
# tests/vm/run.sh: the VM suite, run IN the sbx-vm guest (as the lingering user sbx, in a
# copy of the staging directory holding build/sbx and tests/; see tests/vm/check.sh, which
# `make check-vm` runs on the host). Runs bats on tests/vm/*.bats as TAP against the real
# systemd user manager, and ends with the summary line "N passed, N failed".
# Exit status: bats' (0: all passed).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 125
export SBX=${SBX:-$PWD/build/sbx} SBX_SRCDIR=$PWD SBX_TESTS_DIR=$PWD/tests
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}

echo "# guest: $(uname -r), $(systemctl --version | head -n 1), $(nproc) CPUs," \
	"user $(id -un) ($(id -u)), cgroup: $(cut -d: -f3 /proc/self/cgroup)"
if [ ! -x "$SBX" ]; then
	echo "run.sh: $SBX is missing" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bats --tap tests/vm/*.bats </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
ok=$(grep -c '^ok ' "$log")
notok=$(grep -c '^not ok ' "$log")
plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$log" | head -n 1)
if [ $((ok + notok)) -lt "${plan:-0}" ]; then
	echo "run.sh: bats stopped after $((ok + notok)) of $plan tests"
	notok=$((plan - ok))
fi
if [ "$rc" != 0 ] && [ "$notok" = 0 ]; then
	echo "run.sh: bats exited with status $rc"
	notok=1
fi
echo "$ok passed, $notok failed"
[ "$notok" = 0 ]
