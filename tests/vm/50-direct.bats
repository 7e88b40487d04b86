#!/usr/bin/env bats
# The direct backend (DESIGN.md "cgroup v2 backends" 2): in a cgroup v2 subtree already
# delegated to the user (here: a Delegate=yes scope or service of the user manager), sbx
# creates a child cgroup, writes the limits, moves the sandbox in, removes it afterwards.
# cgroup v2's no-internal-processes rule applies: the delegated cgroup holds sbx itself.

load vm-helpers

setup() { vm_setup; }
teardown() { vm_teardown; }

# The limits, as the sandbox sees them, and the cgroup it is in (from the host's view,
# before the cgroup namespace: printed by a process outside the sandbox's namespace).
DIRECT_CMD='cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'

@test "direct, inside a Delegate=yes scope (sbx alone in it): limits applied, cgroup removed" {
	run timeout -k 5 120 systemd-run --user --quiet --scope -p Delegate=yes --unit=sbxtest-direct \
		-- "$SBX" --cgroup=direct --memory 64M --pids 20 -- sh -c "$DIRECT_CMD"
	note "direct in a Delegate=yes scope: status $status: $(echo "$output" | tr '\n' ' ')"
	assert_status 0
	assert_output_eq "0::/
67108864
20"
	# The scope went with sbx; nothing was left in it that would have kept it.
	for _ in $(seq 50); do
		systemctl --user is-active -q sbxtest-direct.scope || break
		sleep 0.1
	done
	run systemctl --user is-active sbxtest-direct.scope
	[ "$output" != active ]
}

@test "direct, inside a Delegate=yes service of the user manager: limits applied" {
	# In the test's directory: a service starts in $HOME, which sbx would not share.
	run timeout -k 5 120 systemd-run --user --quiet --pipe --wait --collect -p Delegate=yes \
		--working-directory="$PWD" \
		-- "$SBX" --cgroup=direct --memory 64M --pids 20 -- sh -c "$DIRECT_CMD"
	note "direct in a Delegate=yes service: status $status: $(echo "$output" | tr '\n' ' ')"
	assert_status 0
	assert_output_eq "0::/
67108864
20"
}

# in_scope SCRIPT ARGS...: SCRIPT (sh) in a Delegate=yes scope of the user manager; $cg is
# the scope's cgroup directory, $0 is sbx.
in_scope() {
	local script=$1
	shift
	timeout -k 5 120 systemd-run --user --quiet --scope -p Delegate=yes -- sh -c '
		cg=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
		'"$script" "$SBX" "$@"
}

@test "direct, sbx alone in a leaf of a delegated subtree: limits applied, nothing left behind" {
	# The shell keeps the scope alive from a leaf of its own; sbx runs alone in leaf a,
	# whose parent hands it memory and pids. What sbx leaves in a is then visible.
	run in_scope '
		mkdir "$cg/shell" "$cg/a" && echo $$ >"$cg/shell/cgroup.procs" &&
			echo "+memory +pids" >"$cg/cgroup.subtree_control" || exit 1
		sh -c "echo \$\$ >$cg/a/cgroup.procs && exec \"\$0\" --cgroup=direct --memory 64M -- \
			cat /sys/fs/cgroup/memory.max" "$0"
		echo "sbx: $?"
		find "$cg/a" -mindepth 1 -type d'
	note "direct in a leaf: $(echo "$output" | tr '\n' ' ')"
	assert_output_eq "67108864
sbx: 0"
}

@test "direct, sbx not alone in its delegated cgroup: 125, one clear line, nothing left behind" {
	run in_scope '
		"$0" --cgroup=direct --memory 64M -- echo RAN
		echo "sbx: $?"
		find "$cg" -mindepth 1 -type d'
	note "direct, not alone: $(echo "$output" | tr '\n' ' ')"
	assert_line_eq "sbx: 125"
	[[ "$output" != *RAN* ]]
	assert_output_contains "Delegate=yes"
	# the message, and the status: no cgroup of sbx's left in the scope
	[ "${#lines[@]}" = 2 ]
}

@test "direct with a memory hog: OOM-killed and reported like the systemd backend" {
	run timeout -k 5 120 systemd-run --user --quiet --scope -p Delegate=yes \
		-- "$SBX" --cgroup=direct --memory 32M -- tail /dev/zero
	assert_status 137
	assert_output_contains "memory limit 32M reached"
}
