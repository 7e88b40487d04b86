#!/usr/bin/env bats
# sbx started by root still builds the default sandbox. tests/run-bats.sh runs every test as
# an unprivileged user, so this file only runs when asked for, as root:
#   SBX_TEST_AS_ROOT=1 bats tests/integration/90-root.bats

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers

setup() {
	[ "${SBX_TEST_AS_ROOT:-}" = 1 ] || skip "run as root with SBX_TEST_AS_ROOT=1"
	[ "$(id -u)" = 0 ] || skip "SBX_TEST_AS_ROOT=1 but not running as root"
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "run by root: uid 0 inside, hostname sbx, /usr read-only, no capabilities" {
	run timeout -k 5 20 "$SBX" sh -c 'id -u; hostname; grep "^CapEff:" /proc/self/status;
		touch /usr/.sbx-probe'
	[ "$status" -ne 0 ]
	assert_line_eq -n 0 0
	assert_line_eq -n 1 sbx
	assert_line_eq -n 2 "CapEff:	0000000000000000"
	assert_output_contains "Read-only file system"
	[ ! -e /usr/.sbx-probe ]
}
