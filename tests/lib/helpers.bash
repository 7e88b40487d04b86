# shellcheck shell=bash
# shellcheck disable=SC2154 # status, output, lines come from bats' run
# Shared by the .bats files: `load ../lib/helpers`.
# tests/run-bats.sh exports SBX, SBX_SRCDIR, SBX_TESTS_DIR and SBX_ROOTFS; run by hand
# (`bats tests/integration`), the defaults below point into this checkout.

_sbx_helpers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SBX_SRCDIR:=$(cd "$_sbx_helpers_dir/../.." && pwd)}"
: "${SBX_TESTS_DIR:=$SBX_SRCDIR/tests}"
: "${SBX:=$SBX_SRCDIR/build/sbx}"
: "${SBX_ROOTFS:=$SBX_SRCDIR/build/rootfs}"
export SBX SBX_SRCDIR SBX_TESTS_DIR SBX_ROOTFS

# sbx_tmpdir: a fresh directory for this test in $SBX_TMP (bats removes it afterwards).
sbx_tmpdir() {
	SBX_TMP=$(mktemp -d "${BATS_TEST_TMPDIR:-${BATS_TMPDIR:-/tmp}}/sbx.XXXXXX")
	export SBX_TMP
}

# run_sbx ARGS...: bats' run on the sbx binary; sets $status, $output, $lines.
run_sbx() {
	run "$SBX" "$@"
}

# sbx_t ARGS...: sbx, bounded in time: SBX_T_TIMEOUT seconds (default 20; a file whose tests
# run bigger programs sets its own), then SIGKILL 5 s later.
sbx_t() {
	timeout -k 5 "${SBX_T_TIMEOUT:-20}" "$SBX" "$@"
}

# wait_for SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -le "$deadline" ] || return 1
		sleep 0.05
	done
}

# assert_not_implemented OPTION [ARG...]: sbx refuses OPTION with 125 and one line naming it.
assert_not_implemented() {
	run sbx_t "$@" true
	assert_status 125
	[ "${#lines[@]}" -eq 1 ] || {
		echo "expected a one-line message" >&2
		return 1
	}
	assert_output_contains "$1"
}

_sbx_show_output() {
	local i
	echo "-- output (${#lines[@]} lines, status $status) --"
	for i in "${!lines[@]}"; do
		printf '%3d| %s\n' "$i" "${lines[$i]}"
	done
	echo "--"
}

# assert_status N: the last run ended with status N.
assert_status() {
	if [ "$status" != "$1" ]; then
		{
			echo "expected status $1, got $status"
			_sbx_show_output
		} >&2
		return 1
	fi
}

# assert_output_contains STR: STR occurs somewhere in the output (fixed string).
assert_output_contains() {
	if [[ "$output" != *"$1"* ]]; then
		{
			echo "expected the output to contain: $1"
			_sbx_show_output
		} >&2
		return 1
	fi
}

# assert_output_eq STR: the whole output is STR.
assert_output_eq() {
	if [ "$output" != "$1" ]; then
		{
			echo "output differs (--- expected, +++ actual):"
			diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$output") | tail -n +3
		} >&2
		return 1
	fi
}

# assert_line_eq STR: one line of the output is exactly STR.
# assert_line_eq -n N STR: line N (from 0) is exactly STR.
assert_line_eq() {
	local line
	if [ "$1" = -n ]; then
		if [ "${lines[$2]-}" != "$3" ]; then
			{
				echo "line $2: expected: $3"
				echo "line $2: actual:   ${lines[$2]-<no such line>}"
				_sbx_show_output
			} >&2
			return 1
		fi
		return 0
	fi
	for line in "${lines[@]}"; do
		[ "$line" != "$1" ] || return 0
	done
	{
		echo "expected a line equal to: $1"
		_sbx_show_output
	} >&2
	return 1
}
