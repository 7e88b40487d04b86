#!/usr/bin/env bats
# /sys/fs/cgroup inside the sandbox is its own scope (Delegate=yes), read-only unless
# --cgroup-writable; then the sandbox may manage its own subtree.

load vm-helpers

setup() { vm_setup; }
teardown() { vm_teardown; }

@test "by default /sys/fs/cgroup is read-only inside: mkdir fails" {
	run sbx_t --memory 64M -- mkdir /sys/fs/cgroup/sub
	assert_status 1
	assert_output_contains "Read-only file system"
}

@test "by default the limits cannot be raised from inside" {
	run sbx_t --memory 64M -- sh -c 'echo max >/sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/memory.max'
	assert_output_contains "67108864"
}

@test "--cgroup-writable: the sandbox can make a sub-cgroup and move into it" {
	run sbx_t --memory 64M --cgroup-writable -- sh -c '
		mkdir /sys/fs/cgroup/sub && echo $$ >/sys/fs/cgroup/sub/cgroup.procs && cat /proc/self/cgroup'
	assert_status 0
	assert_output_eq "0::/sub"
	wait_no_units
}

@test "--cgroup-writable: the sandbox can hand controllers down (init moved to a leaf first)" {
	run sbx_t --memory 64M --pids 50 --cgroup-writable -- sh -c '
		cd /sys/fs/cgroup || exit 1
		mkdir leaf child || exit 1
		# the no-internal-processes rule: every process, the sandbox init too, into a leaf
		# (cat itself is gone by the time its pid is written: ESRCH)
		for p in $(cat cgroup.procs); do
			echo "$p" 2>/dev/null >leaf/cgroup.procs || [ ! -d "/proc/$p" ] || exit 1
		done
		echo "+memory +pids" >cgroup.subtree_control || exit 1
		echo 16M >child/memory.max && echo 5 >child/pids.max || exit 1
		cat cgroup.subtree_control child/memory.max child/pids.max'
	assert_status 0
	assert_output_eq "memory pids
16777216
5"
	wait_no_units
}

@test "--cgroup-writable cannot raise the scope's own limit" {
	run sbx_t --memory 64M --cgroup-writable -- sh -c 'echo max >/sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/memory.max'
	assert_output_contains "67108864"
}

@test "the sandbox cannot mount a cgroup2 of its own to get around the read-only one" {
	run sbx_t --memory 64M -- sh -c 'mkdir -p /tmp/cg && mount -t cgroup2 none /tmp/cg && echo MOUNTED'
	assert_status 32
	[[ "$output" != *MOUNTED* ]]
}
