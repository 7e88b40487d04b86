#!/usr/bin/env bash
# check-fault.sh: tests/fault/*.bats against the fault-injection build in $SBX_FAULT_BUILD
# (make check-fault, issue 13), then that the release build has no trace of the knob.
# Ends with "N passed, N failed".
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
SBX="$SBX_FAULT_BUILD" bash "$src/tests/run-bats.sh" "$src/tests/fault" | tee "$log"
p=$(grep -c '^ok' "$log")
f=$(grep -c '^not ok' "$log")
rm -f "$log"
# The release build (make all): no fault points, no variable to turn them on.
if [ -x "$src/build/sbx" ] && ! strings "$src/build/sbx" | grep -q 'SBX_FAULT\|fault injected'; then
	echo "ok - the release build has no trace of SBX_FAULT"
	p=$((p + 1))
else
	echo "not ok - the release build (build/sbx) is missing or has a trace of SBX_FAULT"
	f=$((f + 1))
fi
echo "$p passed, $f failed"
[ "$f" = 0 ]
