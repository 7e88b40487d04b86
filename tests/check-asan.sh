#!/usr/bin/env bash
# check-asan.sh TREE: the unit tests built in TREE with ASan+UBSan, then the integration
# and security tests against TREE's sbx (make check-asan, issue 13). A report aborts the
# process that made it (src/main.c bakes halt_on_error into the build; UBSan is built
# without recovery), which fails its test. Ends with "N passed, N failed".
set -uo pipefail
tree=$1
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib/tally.bash"
passed=0 failed=0
for t in "$tree"/build/tests/test_*; do
	[[ -x "$t" && "$t" != *.d ]] || continue
	if "$t" >/dev/null 2>&1; then
		passed=$((passed + 1))
	else
		echo "not ok: $t (run it for the report)"
		failed=$((failed + 1))
	fi
done
echo "unit (asan): $passed passed, $failed failed"
log=$(mktemp)
SBX="$tree/build/sbx" bash "$src/tests/run-bats.sh" "$src/tests/integration" "$src/tests/security" \
	</dev/null 2>&1 | tee "$log"
tap_tally check-asan "$log" "${PIPESTATUS[0]}"
rm -f "$log"
echo "integration+security (asan): $ok passed, $notok failed"
echo "$((passed + ok)) passed, $((failed + notok)) failed"
[ $((failed + notok)) = 0 ]
