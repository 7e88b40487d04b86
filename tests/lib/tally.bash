# shellcheck shell=bash
# tap_tally WHO LOG RC: counts the TAP results of one run (bats --tap's output in LOG, its
# exit status RC) into the globals ok and notok; plan is its "1..N" (empty if none came).
# Tests bats never reached (it stopped before its plan was done) and a failing status with
# no failed test count as failures, and WHO says which. Shared by tests/check.sh, the
# sanitizer, malloc-check and VM runners, so that all count the same way.
tap_tally() {
	local who=$1 log=$2 rc=$3
	ok=$(grep -c '^ok ' "$log")
	notok=$(grep -c '^not ok ' "$log")
	plan=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$log" | awk '{ n += $1 } END { if (NR) print n }')
	if [ $((ok + notok)) -lt "${plan:-0}" ]; then
		echo "$who: bats stopped after $((ok + notok)) of $plan tests"
		notok=$((plan - ok))
	fi
	if [ "$rc" != 0 ] && [ "$notok" = 0 ]; then
		echo "$who: exited with status $rc"
		notok=1
	fi
}
