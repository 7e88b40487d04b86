#!/usr/bin/env bats
# Limits asked for where they cannot be given: exit 125 and one line saying what is missing.
# Never a sandbox silently without the limit (issue 4).

load vm-helpers

setup() { vm_setup; }
teardown() { vm_teardown; }

@test "--cgroup systemd with DBUS_SESSION_BUS_ADDRESS pointing nowhere: 125, one line" {
	run env DBUS_SESSION_BUS_ADDRESS="unix:path=$BATS_TEST_TMPDIR/nobody" \
		"$SBX" --cgroup systemd --memory 64M -- echo RAN
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
	assert_output_contains "D-Bus"
	note "$output"
}

@test "auto with the bus pointing nowhere: 125, one line, nothing run" {
	run env DBUS_SESSION_BUS_ADDRESS="unix:path=$BATS_TEST_TMPDIR/nobody" \
		"$SBX" --memory 64M -- echo RAN
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
}

@test "auto without any user bus, not in a delegated cgroup: 125 saying both are missing" {
	# A runtime dir beside the cwd: sbx would not share one that holds it, and say so.
	mkdir -p -m 0700 "$BATS_TEST_TMPDIR/rt"
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
	run env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/rt" \
		"$SBX" --memory 64M -- echo RAN
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
	assert_output_contains "D-Bus"
	assert_output_contains "delegated"
	note "$output"
}

@test "--io-weight: io is not delegated to user@.service here: 125 naming the controller" {
	run cat "$USER_CG/cgroup.controllers"
	[[ "$output" != *io* ]] || skip "io is delegated on this guest"
	run sbx_t --io-weight 100 -- sh -c 'echo RAN; cat /sys/fs/cgroup/cgroup.controllers'
	note "--io-weight 100: status $status: $(echo "$output" | tr '\n' ' ')"
	assert_status 125
	[[ "$output" != *RAN* ]]
	assert_output_contains "io"
	[ "${#lines[@]}" = 1 ]
	wait_no_units
}

@test "--cgroup=direct in a cgroup that is not delegated: 125 naming the cgroup and the fix" {
	run sbx_t --cgroup=direct --memory 64M -- echo RAN
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
	assert_output_contains "$(cut -d: -f3 /proc/self/cgroup)"
	assert_output_contains "Delegate=yes"
}

@test "--cgroup=none runs in the caller's cgroup, without D-Bus" {
	run env DBUS_SESSION_BUS_ADDRESS="unix:path=$BATS_TEST_TMPDIR/nobody" \
		"$SBX" --cgroup=none -- echo RAN
	assert_status 0
	assert_output_eq RAN
	[ -z "$(sbx_units)" ]
}
