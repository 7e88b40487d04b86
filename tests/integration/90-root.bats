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

@test "where memfds may not be executed (vm.memfd_noexec=2), sbx's own init serves and --check warns" {
	# memfd_noexec belongs to a PID namespace and is inherited by new ones: set it in one
	# of our own, not on the host.
	run timeout -k 5 30 unshare --pid --fork --mount-proc sh -c '
		echo 2 >/proc/sys/vm/memfd_noexec || exit 99
		"$1" --check | grep "small PID 1"
		"$1" sh -c "echo ran; exit 3"; echo "status $?"
		"$1" sleep 2 & sleep 0.5
		grep -q "/libc[.-]" "/proc/$!/maps" && echo "supervisor is sbx"
		kill -TERM $!; wait $!; echo "then $?"' sh "$SBX"
	[ "$status" -ne 99 ] || skip "this kernel has no vm.memfd_noexec"
	assert_status 0
	assert_line_eq -n 0 "warn    small PID 1: sbx's PID 1 program cannot be run from a memfd here (Permission denied); sbx's own init serves instead (a slower start, ~1.5 MB more per sandbox); fix: allow executable memfds: sysctl vm.memfd_noexec=0 (2 forbids them), or the security module's rule that refuses them"
	assert_line_eq -n 1 ran
	assert_line_eq -n 2 "status 3"
	assert_line_eq -n 3 "supervisor is sbx"
	assert_line_eq -n 4 "then 143"
}
