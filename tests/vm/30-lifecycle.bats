#!/usr/bin/env bats
# Nothing is left behind: the scope is collected when the sandbox ends, whatever way it
# ends, also when sbx itself is killed with SIGKILL.

load vm-helpers

setup() { vm_setup; }
teardown() { vm_teardown; }

# all_gone PID...: none of these processes is left (after a second at most).
all_gone() {
	local p i
	for p in "$@"; do
		for ((i = 0; i < 10; i++)); do
			[ -d "/proc/$p" ] || continue 2
			sleep 0.1
		done
		echo "process $p survived: $(ps -o pid=,args= -p "$p")" >&2
		return 1
	done
}

@test "after the sandbox exits, its scope and cgroup are gone" {
	run sbx_t --memory 64M --pids 20 -- true
	assert_status 0
	wait_no_units
}

@test "a sandbox that fails (exit 3) leaves no failed unit behind" {
	run sbx_t --memory 64M -- sh -c 'exit 3'
	assert_status 3
	wait_no_units
}

@test "after an OOM kill no failed unit is left behind" {
	run sbx_t --memory 32M -- tail /dev/zero
	assert_status 137
	wait_no_units
}

@test "the scope exists exactly while the sandbox runs" {
	start_bg --memory 64M -- sleep 60
	run show ActiveState SubState
	assert_line_eq "ActiveState=active"
	assert_line_eq "SubState=running"
	kill -TERM "$sbx_pid"
	# sleep dies of the forwarded SIGTERM; `wait` here, not under `run`: a subshell cannot
	# wait for this shell's child
	local st=0
	wait "$sbx_pid" || st=$?
	[ "$st" = 143 ]
	wait_no_units
}

@test "a limited sandbox running for a while: sbx's small program supervises it, and it ends right" {
	start_bg --memory 64M -- sh -c 'sleep 60 & wait'
	# after 100 ms the supervisor execs sbx's small program (no libc), as without limits
	local i
	for ((i = 0; i < 30; i++)); do
		grep -q '/libc[.-]' "/proc/$sbx_pid/maps" || break
		sleep 0.1
	done
	! grep -q '/libc[.-]' "/proc/$sbx_pid/maps"
	! grep -q '/libc[.-]' "/proc/$child/maps"
	kill -TERM "$sbx_pid"
	local st=0
	wait "$sbx_pid" || st=$?
	[ "$st" = 143 ]
	wait_no_units
}

@test "SIGKILL of sbx: the sandbox dies and its scope is gone within a few seconds" {
	start_bg --memory 64M --pids 20 -- sleep 60
	run show ControlGroup
	procs=$(cat "/sys/fs/cgroup${output#ControlGroup=}/cgroup.procs")
	[ "$(wc -l <<<"$procs")" = 2 ]
	kill -KILL "$sbx_pid"
	wait "$sbx_pid" || true
	wait_no_units 5
	# Nothing of the sandbox survives: its init had PR_SET_PDEATHSIG.
	all_gone $procs
}

@test "SIGKILL of sbx while the sandbox's children run: all of them go, the scope too" {
	start_bg --pids 50 -- sh -c 'sleep 60 & sleep 60 & sleep 60'
	run show ControlGroup
	cg=/sys/fs/cgroup${output#ControlGroup=}
	for _ in $(seq 50); do
		[ "$(wc -l <"$cg/cgroup.procs")" -ge 5 ] && break
		sleep 0.1
	done
	procs=$(cat "$cg/cgroup.procs")
	# init, sh and its three sleeps
	[ "$(wc -l <<<"$procs")" = 5 ]
	kill -KILL "$sbx_pid"
	wait "$sbx_pid" || true
	wait_no_units 5
	all_gone $procs
}

@test "twenty sandboxes in a row leave no unit, no cgroup" {
	for i in $(seq 20); do
		sbx_t --pids 20 -- true || return 1
	done
	wait_no_units
}

# In a login session (session-N.scope) the caller may not move itself into a scope of the
# user manager: cgroup v2 asks for write access to the common ancestor, the root-owned
# user-UID.slice. Found by make stress: every --enter of a limited sandbox failed there.
@test "--enter of a named sandbox with limits, from a login session: joins its scope" {
	start_bg --name vmenter --memory 64M -- sleep 60
	run sbx_t --enter vmenter -- cat /proc/self/cgroup
	assert_status 0
	# a cgroup namespace rooted at the scope: the entered process is at its root
	assert_line_eq "0::/"
	run sbx_t --enter vmenter -- cat /sys/fs/cgroup/memory.max
	assert_status 0
	assert_line_eq 67108864
	run sbx_t --stop vmenter
	assert_status 0
	wait_no_units
}
