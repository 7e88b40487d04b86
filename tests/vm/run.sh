#!/bin/bash
# tests/vm/run.sh: the VM suite, run IN the sbx-vm guest (as the lingering user sbx, in a
# copy of the staging directory holding build/sbx and tests/; see tests/vm/check.sh, which
# `make check-vm` runs on the host). Runs bats on tests/vm/*.bats as TAP against the real
# systemd user manager, and ends with the summary line "N passed, N failed".
# Exit status: bats' (0: all passed).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 125
. tests/lib/tally.bash
export SBX=${SBX:-$PWD/build/sbx} SBX_SRCDIR=$PWD SBX_TESTS_DIR=$PWD/tests
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}
if [ -x build/sbx-fault ]; then
	export SBX_FAULT_BIN=$PWD/build/sbx-fault
fi

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
tap_tally run.sh "$log" "${PIPESTATUS[0]}"
echo "$ok passed, $notok failed"
[ "$notok" = 0 ]
