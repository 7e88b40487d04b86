#!/usr/bin/env bats
# The limits hold: memory (OOM kill, reported), pids (fork fails, the sandbox goes on), CPU
# quota (measured from the scope's cpu.stat).

load vm-helpers

setup() { vm_setup; }
teardown() { vm_teardown; }

@test "a memory hog under --memory 64M is OOM-killed: exit 137, sbx says so" {
	# tail keeps the last "line" of /dev/zero, which has no newline: it grows without end.
	run sbx_t --memory 64M -- tail /dev/zero
	assert_status 137
	assert_output_contains "sbx: killed: memory limit 64M reached"
	[ "${#lines[@]}" = 1 ]
	wait_no_units
}

@test "a memory hog behind a shell under --memory 64M: exit 137 and the message" {
	run sbx_t --memory 64M -- sh -c 'head -c 200M /dev/zero | tail'
	assert_status 137
	assert_output_contains "memory limit 64M reached"
	wait_no_units
}

@test "a shell whose child is OOM-killed goes on: the sandbox is not stopped (OOMPolicy)" {
	run sbx_t --memory 64M -- sh -c 'head -c 200M /dev/zero | tail; echo "went on after $?"'
	assert_status 0
	assert_output_contains "went on after 137"
	wait_no_units
}

@test "without --memory the same hog is not killed at 64M" {
	run sbx_t --pids 100 -- sh -c 'head -c 100M /dev/zero | tail | wc -c'
	assert_status 0
	assert_output_eq 104857600
}

@test "a fork bomb under --pids 20 fails to fork (EAGAIN); the sandbox goes on and exits 0" {
	# The bomb is a child shell: dash gives up at the first failed fork ("Cannot fork").
	# Its sleeps hold the pids for 3 s; the outer shell waits with builtins only (no fork),
	# then forks again.
	run sbx_t --pids 20 -- sh -c '
		sh -c "while :; do sleep 3 & done"
		echo "bomb exited $?"
		read ev </sys/fs/cgroup/pids.events; echo "pids.events: $ev"
		read peak </sys/fs/cgroup/pids.peak; echo "pids.peak: $peak"
		while read n </sys/fs/cgroup/pids.current && [ "$n" -gt 2 ]; do :; done
		sleep 0.1 && echo "forks again"'
	note "$(echo "$output" | tr '\n' ' ')"
	assert_status 0
	[[ "$output" == *"Cannot fork"* || "$output" == *"Resource temporarily unavailable"* ]]
	assert_output_contains "bomb exited 2"
	assert_output_contains "forks again"
	[[ "$output" =~ pids.events:\ max\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]
	[[ "$output" =~ pids.peak:\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -le 20 ]
	wait_no_units
}

# busy_ratio SBX-ARGS...: CPU time the sandbox's cgroup used (cpu.stat usage_usec) over
# the wall time of two busy loops running 2 s each, in parallel; prints "RATIO CPU WALL".
busy_ratio() {
	sbx_t "$@" -- sh -c '
		usage() { sed -n "s/^usage_usec //p" /sys/fs/cgroup/cpu.stat; }
		u1=$(usage); t1=$(date +%s%N)
		timeout 2 sh -c "while :; do :; done" &
		timeout 2 sh -c "while :; do :; done"
		wait
		u2=$(usage); t2=$(date +%s%N)
		cpu=$((u2 - u1)) wall=$(((t2 - t1) / 1000))
		echo "$cpu $wall" | awk "{ printf \"%.3f %d %d\\n\", \$1 / \$2, \$1, \$2 }"'
}

@test "--cpus 0.5: two busy loops for 2 s use about half a core (cpu.stat)" {
	run busy_ratio --cpus 0.5
	assert_status 0
	note "--cpus 0.5: ratio, usage_usec, wall usec: $output"
	read -r ratio _ <<<"$output"
	awk -v r="$ratio" 'BEGIN { exit !(r >= 0.3 && r <= 0.7) }'
}

@test "control: without --cpus the same loops use more than the quota would allow" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU"
	run busy_ratio --cgroup=systemd
	assert_status 0
	note "no quota: ratio, usage_usec, wall usec: $output"
	read -r ratio _ <<<"$output"
	awk -v r="$ratio" 'BEGIN { exit !(r > 0.8) }'
}
