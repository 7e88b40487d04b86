#!/usr/bin/env bash
# check-fault.sh: make check-fault (issue 13). tests/fault/10-points.bats against the fault
# injection build in $SBX_FAULT_BUILD, tests/fault/20-resources.bats (and that no trace of
# the knob is in it) against the release build in build/sbx. Ends with "N passed, N failed".
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib/tally.bash"
log=$(mktemp)
p=0 f=0
# run_part SBX FILE: one bats file against one build, its tally added to p and f.
run_part() {
	SBX="$1" bash "$src/tests/run-bats.sh" "$2" </dev/null 2>&1 | tee "$log"
	tap_tally check-fault "$log" "${PIPESTATUS[0]}"
	p=$((p + ok)) f=$((f + notok))
}
run_part "$SBX_FAULT_BUILD" "$src/tests/fault/10-points.bats"
run_part "$src/build/sbx" "$src/tests/fault/20-resources.bats"
rm -f "$log"
# The release build: no fault points, no variable to turn them on.
# grep reads the binary itself: "strings | grep -q" under pipefail fails the pipeline (strings
# ends with SIGPIPE) exactly when grep finds the trace, and the check would pass.
if [ -x "$src/build/sbx" ] && ! grep -qa 'SBX_FAULT\|fault injected' "$src/build/sbx"; then
	echo "ok - the release build has no trace of SBX_FAULT"
	p=$((p + 1))
else
	echo "not ok - the release build (build/sbx) is missing or has a trace of SBX_FAULT"
	f=$((f + 1))
fi
echo "fault: $p passed, $f failed"
echo "$p passed, $f failed"
[ "$f" = 0 ]
