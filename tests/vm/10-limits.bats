#!/usr/bin/env bats
# Each limit reaches the sandbox's scope on a real systemd user manager (DESIGN.md "cgroup
# v2 backends"): visible inside in the cgroup files of the sandbox's own cgroup namespace,
# and outside in what `systemctl --user show` says of the running scope.

load vm-helpers

setup() { vm_setup; }
teardown() { vm_teardown; }

@test "the guest: systemd user manager, cgroup v2, cpu memory pids delegated to the user" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
	systemctl --user list-units --no-pager >/dev/null
	run cat "$USER_CG/cgroup.controllers"
	assert_output_contains cpu
	assert_output_contains memory
	assert_output_contains pids
	note "user@$(id -u).service controllers: $output; $(systemctl --version | head -n 1)"
}

@test "each limit is in the sandbox's cgroup files, seen from inside" {
	run sbx_t --memory 64M --memory-swap 0 --cpus 0.5 --pids 20 --cpu-weight 50 -- sh -c '
		for f in memory.max memory.swap.max cpu.max pids.max cpu.weight; do
			echo "$f=$(cat /sys/fs/cgroup/$f)"
		done'
	assert_status 0
	assert_line_eq "memory.max=67108864"
	assert_line_eq "memory.swap.max=0"
	assert_line_eq "cpu.max=50000 100000"
	assert_line_eq "pids.max=20"
	assert_line_eq "cpu.weight=50"
	note "inside: $(echo "$output" | tr '\n' ' ')"
}

@test "the sandbox's cgroup namespace is rooted at its scope: /proc/self/cgroup is 0::/" {
	run sbx_t --memory 64M -- cat /proc/self/cgroup
	assert_status 0
	assert_output_eq "0::/"
}

@test "--memory 1G --cpus 1.5 --pids 200: the usual values, inside" {
	run sbx_t --memory 1G --cpus 1.5 --pids 200 -- sh -c \
		'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/pids.max'
	assert_status 0
	assert_output_eq "1073741824
150000 100000
200"
}

@test "systemctl --user show: the running scope has the limits, Delegate, CollectMode" {
	start_bg --memory 64M --memory-swap 0 --cpus 0.5 --pids 20 --cpu-weight 50 -- sleep 60
	[ "$unit" = "sbx-sleep-$child.scope" ]
	run show ActiveState MemoryMax MemorySwapMax TasksMax CPUQuotaPerSecUSec CPUWeight \
		Delegate CollectMode Description
	assert_status 0
	note "systemctl --user show $unit: $(echo "$output" | tr '\n' ' ')"
	assert_line_eq "ActiveState=active"
	assert_line_eq "MemoryMax=67108864"
	assert_line_eq "MemorySwapMax=0"
	assert_line_eq "TasksMax=20"
	assert_line_eq "CPUQuotaPerSecUSec=500ms"
	assert_line_eq "CPUWeight=50"
	assert_line_eq "Delegate=yes"
	assert_line_eq "CollectMode=inactive-or-failed"
	assert_line_eq "Description=sbx sandbox: sleep"
	kill -TERM "$sbx_pid"
	wait "$sbx_pid" || true
	wait_no_units
}

@test "the scope holds the sandbox's processes, not sbx's supervisor" {
	start_bg --pids 50 -- sleep 60
	run show ControlGroup
	cg=/sys/fs/cgroup${output#ControlGroup=}
	[ "$cg" = "$USER_CG/app.slice/$unit" ]
	run cat "$cg/cgroup.procs"
	assert_line_eq "$child"
	run grep -qx "$sbx_pid" "$cg/cgroup.procs"
	assert_status 1
	# Every process of the sandbox (init and the command) is in the scope.
	[ "$(wc -l <"$cg/cgroup.procs")" = 2 ]
	kill -TERM "$sbx_pid"
	wait "$sbx_pid" || true
	wait_no_units
}

@test "--slice puts the scope in that user slice" {
	start_bg --slice sbxtest.slice --pids 50 -- sleep 60
	run show Slice ControlGroup
	assert_line_eq "Slice=sbxtest.slice"
	assert_line_eq "ControlGroup=${USER_CG#/sys/fs/cgroup}/sbxtest.slice/$unit"
	kill -TERM "$sbx_pid"
	wait "$sbx_pid" || true
	wait_no_units
}

@test "two sandboxes at once: two scopes, each with its own limits" {
	sbx_t --memory 32M -- sh -c 'sleep 1; cat /sys/fs/cgroup/memory.max' >a.out 2>&1 &
	bg_pids+=($!)
	run sbx_t --memory 48M -- sh -c 'sleep 1; cat /sys/fs/cgroup/memory.max'
	wait "${bg_pids[0]}"
	assert_status 0
	assert_output_eq 50331648
	[ "$(cat a.out)" = 33554432 ]
}
