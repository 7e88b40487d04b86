#!/usr/bin/env bash
# check-malloc.sh: the integration tests with SBX_MALLOC_CHECK=1 (see tests/run-bats.sh):
# sbx, bats and every sandboxed command on glibc's checking malloc. Ends with
# "N passed, N failed" (make check-malloc, issue 13).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib/tally.bash"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
SBX_MALLOC_CHECK=1 bash "$src/tests/run-bats.sh" "$src/tests/integration" </dev/null 2>&1 | tee "$log"
tap_tally check-malloc "$log" "${PIPESTATUS[0]}"
echo "integration (glibc malloc checks): $ok passed, $notok failed"
echo "$ok passed, $notok failed"
[ "$notok" = 0 ]
