#!/usr/bin/env bats
# make check-fault (issue 13): the test build's fault points (src/base/fault.h) made to fail and
# to die in turn, for each kind of run; every case ends in one message and 125 (or the
# command's status, once it ran), or in a death, and leaves nothing behind: no process, no
# mount in the caller's namespace, no registry entry, no file in $XDG_RUNTIME_DIR, no pipe
# of the caller's held open (tests/fault/cases.sh). The points come from a traced run, not
# from a list kept here.

load ../lib/helpers
load fault

# Each test runs sbx some 70 to 140 times.
BATS_TEST_TIMEOUT=900

# cases ARGS...: cases.sh ARGS, its report shown, its status the test's. The plain run
# tries every pass of every point; the others each mount operation's first pass only (the
# same operations, in the same order, with more around them).
cases() {
	run "$@"
	echo "$output" | grep -v '^ok' | tail -n 40
	[ "$status" = 0 ]
}

need_pasta() {
	command -v pasta >/dev/null || skip "pasta (package passt) is not installed"
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
		skip "/dev/net/tun is not readable and writable by $(id -un); pasta needs it"
}

@test "the test build knows SBX_FAULT: a spec it cannot read is refused, 125" {
	run "$SBX" true
	[ "$status" = 0 ]
	SBX_FAULT=bogus run "$SBX" true
	[ "$status" = 125 ]
	[ "$output" = "sbx: SBX_FAULT: not understood" ]
}

@test "SBX_FAULT does not reach the sandbox's command" {
	SBX_FAULT=trace:$BATS_TEST_TMPDIR/t run "$SBX" sh -c 'env | grep -c SBX_FAULT || true'
	[ "$status" = 0 ]
	[ "$output" = 0 ]
	grep -q '^child capabilities 1$' "$BATS_TEST_TMPDIR/t"
}

@test "a fault at a point: 125 and one line naming it (pivot_root)" {
	SBX_FAULT=fail:pivot_root run "$SBX" true
	[ "$status" = 125 ]
	[ "$output" = "sbx: rootfs: fault injected at pivot_root #1: Input/output error" ]
}

@test "the setup process's own failure is the message, not what it made the parent fail at" {
	need_pasta
	# The child fails early; pasta, started meanwhile, cannot join the network namespace
	# of a process that is gone, which used to be the message.
	for i in 1 2 3; do
		SBX_FAULT="fail:child rlimit" run "$SBX" --net=pasta true
		[ "$status" = 125 ]
		[ "$output" = "sbx: rlimit: fault injected at child rlimit #1: Input/output error" ]
	done
}

@test "a setup process that died before the go byte: 125 and one line, not a silent SIGPIPE (141)" {
	# The mock user manager answers after 300 ms: the child is long dead by the go byte.
	SBX_FAULT="kill:child rootfs" run timeout 60 "$SBX_TESTS_DIR/lib/mock-bus.sh" -d 300 \
		-l "$BATS_TEST_TMPDIR/mock.log" -- "$SBX" --memory 512M true
	[ "$status" = 125 ]
	[ "$output" = "sbx: start the sandbox: its first process has died" ]
}

@test "plain run: every point failing" {
	cases bash "$CASES" each fail
}

@test "plain run: every point killed" {
	cases bash "$CASES" each kill
}

@test "--name: every point failing" {
	FAULT_FIRST_ONLY="mount|rootfs op" cases bash "$CASES" each fail --name fault
}

@test "--name: every point killed" {
	FAULT_FIRST_ONLY="mount|rootfs op" cases bash "$CASES" each kill --name fault
}

@test "--net=pasta: every point failing" {
	need_pasta
	FAULT_FIRST_ONLY="mount|rootfs op" cases bash "$CASES" each fail --net=pasta
}

@test "--net=pasta: every point killed" {
	need_pasta
	FAULT_FIRST_ONLY="mount|rootfs op" cases bash "$CASES" each kill --net=pasta
}

# Limits through the systemd backend, against the mock user manager of 70-cgroup-mock.bats
# (the scope itself, and that none is left, is the VM suite's to see).
@test "limits (mock systemd): every point failing" {
	FAULT_FIRST_ONLY="mount|rootfs op" cases timeout 600 "$SBX_TESTS_DIR/lib/mock-bus.sh" -l "$BATS_TEST_TMPDIR/mock.log" -- \
		bash "$CASES" each fail --memory 512M --pids 100
}

@test "limits (mock systemd): every point killed" {
	FAULT_FIRST_ONLY="mount|rootfs op" cases timeout 600 "$SBX_TESTS_DIR/lib/mock-bus.sh" -l "$BATS_TEST_TMPDIR/mock.log" -- \
		bash "$CASES" each kill --memory 512M --pids 100
}

@test "random faults under load: 120 runs, 6 at a time, plain and named" {
	cases bash "$CASES" random 60 6
	cases bash "$CASES" random 60 6 --name 'r@N@'
}
