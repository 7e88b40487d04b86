#!/usr/bin/env bats
# Process and exit semantics: sbx as PID 1, exit statuses, signals, timeouts, the options
# that shape the command's process (DESIGN.md section 1, "process" and "Exit status").

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
# shellcheck disable=SC2154 # stderr, stderr_lines come from bats' run --separate-stderr
# shellcheck disable=SC2030,SC2031 # bg_pids is per test: setup, test and teardown share it
load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	bg_pids=()
}

teardown() {
	local p
	# Whatever a failed test left running, by pid.
	for p in "${bg_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in $(pgrep -u "$(id -u)" -f "^sleep $(tag)\$" || true); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# tag: a sleep duration (about 20 s, so that a leftover ends by itself) that no other test
# or process uses, to find our sleeps with pgrep.
tag() {
	echo "20.0$((100 + BATS_TEST_NUMBER))$$"
}

# tagged_sleep_running: a `sleep $(tag)` of ours exists.
tagged_sleep_running() {
	pgrep -u "$(id -u)" -f "^sleep $(tag)\$" >/dev/null
}

tagged_sleep_gone() {
	! tagged_sleep_running
}

# elapsed_ms: milliseconds since start_clock.
start_clock() {
	t0=$(date +%s%N)
}
elapsed_ms() {
	echo $((($(date +%s%N) - t0) / 1000000))
}

# assert_sbx_failure ARGS...: sbx ARGS true exits 125 with a single "sbx: " line.
assert_sbx_failure() {
	run --separate-stderr sbx_t "$@" true
	assert_status 125
	[ -z "$output" ] || { echo "stdout: $output" >&2; false; }
	[ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr: $stderr" >&2; false; }
	[[ "${stderr_lines[0]}" == "sbx: "* ]] || { echo "stderr: $stderr" >&2; false; }
}

# signal_forwarded SIG: sbx running a shell that traps SIG gets SIG; the shell sees it.
signal_forwarded() {
	local sig=$1 out=$BATS_TEST_TMPDIR/out pid
	# The sleep bounds the test if the signal never arrives: the shell then exits 0.
	"$SBX" sh -c "trap 'echo got $sig; exit 7' $sig; echo ready; sleep 5 & wait" \
		>"$out" 2>&1 3>&- &
	pid=$!
	bg_pids+=("$pid")
	wait_for 5 grep -q ready "$out"
	kill -"$sig" "$pid"
	status=0
	wait "$pid" || status=$?
	output=$(cat "$out")
	assert_status 7
	assert_output_eq "ready
got $sig"
}

# ---- exit status --------------------------------------------------------------------

@test "sbx exits with the command's status" {
	run sbx_t sh -c 'exit 3'
	assert_status 3
}

@test "a command killed by SIGTERM makes sbx exit 143" {
	run sbx_t sh -c 'kill -TERM $$'
	assert_status 143
}

@test "a command killed by SIGKILL makes sbx exit 137" {
	run sbx_t sh -c 'kill -KILL $$'
	assert_status 137
}

@test "a command that is not found exits 127 with one line naming it" {
	run -127 --separate-stderr sbx_t sbx-no-such-command
	assert_status 127
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr: $stderr" >&2; false; }
	[[ "${stderr_lines[0]}" == *sbx-no-such-command* ]] || { echo "stderr: $stderr" >&2; false; }
}

@test "a file that is not executable exits 126 with a message" {
	printf '#!/bin/sh\necho ran\n' >not-executable
	chmod 0644 not-executable
	run --separate-stderr sbx_t ./not-executable
	assert_status 126
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr: $stderr" >&2; false; }
	[[ "${stderr_lines[0]}" == *not-executable* ]] || { echo "stderr: $stderr" >&2; false; }
}

@test "--chdir to a missing directory fails with 125 and one sbx: line" {
	assert_sbx_failure --chdir /nonexistent
	[[ "$stderr" == *"/nonexistent"* ]]
}

@test "--bind of a missing source fails with 125 and one sbx: line" {
	assert_sbx_failure --bind /nonexistent /x
	[[ "$stderr" == *"/nonexistent"* ]]
}

@test "an unknown option fails with 125 and one sbx: line" {
	assert_sbx_failure --frobnicate
	[[ "$stderr" == *"--frobnicate"* ]]
}

@test "a malformed --timeout fails with 125 and one sbx: line" {
	assert_sbx_failure --timeout 5x
	[[ "$stderr" == *"5x"* ]]
}

@test "a malformed --rlimit fails with 125 and one sbx: line" {
	assert_sbx_failure --rlimit NOFILE=abc
	[[ "$stderr" == *"abc"* ]]
}

@test "the command is looked up in its own PATH (--setenv PATH), also as seccomp fallback" {
	mkdir bin
	printf '#!/bin/sh\necho "found $*"\n' >bin/tool
	chmod +x bin/tool
	run sbx_t --setenv PATH "$PWD/bin:/usr/bin:/bin" tool a b
	assert_status 0
	assert_output_eq "found a b"
	# the same through sbx's own PID 1 (a seccomp program of the caller's keeps it)
	run "$SBX" --seccomp-export "$BATS_TEST_TMPDIR/f.bpf"
	run sbx_t --add-seccomp-fd 5 --setenv PATH "$PWD/bin:/usr/bin:/bin" tool a b \
		5<"$BATS_TEST_TMPDIR/f.bpf"
	assert_status 0
	assert_output_eq "found a b"
}

@test "a script without #! runs with /bin/sh and gets all its arguments" {
	local args=() i
	printf 'echo "$# $1 ${300}"\n' >noshebang
	chmod +x noshebang
	for ((i = 1; i <= 300; i++)); do args+=("a$i"); done
	run sbx_t ./noshebang "${args[@]}"
	assert_status 0
	assert_output_eq "300 a1 a300"
}

# ---- signals ------------------------------------------------------------------------

@test "SIGTERM sent to sbx reaches the command" {
	signal_forwarded TERM
}

@test "SIGUSR1 sent to sbx reaches the command" {
	signal_forwarded USR1
}

@test "SIGHUP sent to sbx reaches the command" {
	signal_forwarded HUP
}

# ---- PID 1 --------------------------------------------------------------------------

@test "orphans inside are reaped by sbx's init" {
	# The subshell exits at once, its `sleep` is orphaned to PID 1 and exits 0.2 s later:
	# unless PID 1 reaps it, it stays a zombie.
	run sbx_t sh -c '( sleep 0.2 >/dev/null 2>&1 & ); sleep 0.6; ps -e -o stat=,pid=,comm=; :'
	assert_status 0
	[[ "$output" != *Z* ]] || { _sbx_show_output >&2; false; }
	[ "${#lines[@]}" -eq 3 ] || { _sbx_show_output >&2; false; }
}

@test "a command leaving a double-forked child behind exits promptly" {
	start_clock
	run sbx_t sh -c "( sleep $(tag) >/dev/null 2>&1 & ) ; exit 4"
	assert_status 4
	[ "$(elapsed_ms)" -lt 3000 ]
}

@test "when the command exits, the processes it left inside are killed" {
	run sbx_t sh -c "sleep $(tag) >/dev/null 2>&1 & sleep 0.1; exit 0"
	assert_status 0
	# A sandbox's leftovers die with its PID 1, before sbx returns; give the kernel a moment.
	wait_for 2 tagged_sleep_gone
}

@test "--timeout 1s ends a long command with 124" {
	start_clock
	run sbx_t --timeout 1s sleep 30
	assert_status 124
	local ms
	ms=$(elapsed_ms)
	[ "$ms" -ge 900 ] && [ "$ms" -lt 15000 ] || { echo "took $ms ms" >&2; false; }
}

@test "--timeout ends a command that ignores SIGTERM with SIGKILL 2 s later" {
	start_clock
	run sbx_t --timeout 1s sh -c 'trap "" TERM; sleep 30'
	assert_status 124
	local ms
	ms=$(elapsed_ms)
	[ "$ms" -ge 2500 ] && [ "$ms" -lt 15000 ] || { echo "took $ms ms" >&2; false; }
}

# ---- sbx's small program: PID 1, and the supervisor after a while ---------------------

# maps_libc PID: the process has glibc mapped: a copy of sbx, not sbx's small program.
maps_libc() {
	grep -q '/libc[.-]' "/proc/$1/maps"
}

# start_tagged ARGS...: sbx ARGS sleep TAG in the background; sup and init: their pids.
start_tagged() {
	"$SBX" "$@" sleep "$(tag)" >/dev/null 2>&1 3>&- &
	sup=$!
	bg_pids+=("$sup")
	wait_for 5 tagged_sleep_running
	init=$(pgrep -P "$sup")
	[ -n "$init" ] || { echo "no init under $sup" >&2; false; }
}

@test "PID 1 is sbx's small program, not a copy of sbx" {
	start_tagged
	! maps_libc "$init" || { grep libc "/proc/$init/maps" >&2; false; }
	[ "$(cat "/proc/$init/comm")" = "$(basename "$SBX" | cut -c1-15)" ]
	kill -TERM "$sup"
	status=0
	wait "$sup" || status=$?
	assert_status 143
}

@test "after a while the supervisor is the small program too, with the same command line" {
	start_tagged
	wait_for 3 eval '! maps_libc "$sup"'
	[ "$(tr '\0' ' ' <"/proc/$sup/cmdline")" = "$SBX sleep $(tag) " ]
	# SBX_PID1 is for sbx alone: a caller's is cleared, reaching neither the program nor the command
	run env SBX_PID1=init:1 "$SBX" sh -c 'echo "[${SBX_PID1-}]"'
	assert_output_eq "[]"
	kill -TERM "$sup"
	wait "$sup" || true
}

@test "after the hand-over, signals, messages and the exit status still go through" {
	local out=$BATS_TEST_TMPDIR/out
	"$SBX" sh -c 'trap "echo got TERM; exit 7" TERM; echo ready; sleep 5 & wait' \
		>"$out" 2>&1 3>&- &
	sup=$!
	bg_pids+=("$sup")
	wait_for 5 grep -q ready "$out"
	wait_for 3 eval '! maps_libc "$sup"'
	kill -TERM "$sup"
	status=0
	wait "$sup" || status=$?
	assert_status 7
	[ "$(cat "$out")" = "ready
got TERM" ]
	# a --timeout set before the hand-over is kept (and said) by the small program
	start_clock
	run --separate-stderr sbx_t --timeout 1500ms sleep 30
	assert_status 124
	[ "$stderr" = "sbx: timed out; the sandbox was stopped" ] || { echo "$stderr" >&2; false; }
	local ms
	ms=$(elapsed_ms)
	[ "$ms" -ge 1400 ] && [ "$ms" -lt 15000 ] || { echo "took $ms ms" >&2; false; }
}

@test "under the caller's own seccomp program, PID 1 is still sbx's small program and works the same" {
	local bpf=$BATS_TEST_TMPDIR/default.bpf
	run "$SBX" --seccomp-export "$bpf"
	assert_status 0
	# the program is the command's alone, loaded right before its execve: none of init's
	# steps (the execveat of the small program among them) runs under it
	start_tagged --add-seccomp-fd 5 5<"$bpf"
	! maps_libc "$init" || { grep libc "/proc/$init/maps" >&2; false; }
	grep -q '^Seccomp:[[:space:]]*0' "/proc/$init/status"
	kill -USR1 "$sup"
	status=0
	wait "$sup" || status=$?
	assert_status $((128 + 10))
	run sbx_t --add-seccomp-fd 5 sh -c 'exit 5' 5<"$bpf"
	assert_status 5
	run -127 sbx_t --add-seccomp-fd 5 no-such-command 5<"$bpf"
	assert_status 127
	assert_output_contains "no-such-command: command not found"
}

# ---- lifetime -----------------------------------------------------------------------

@test "--die-with-parent: the sandbox ends when sbx's caller is killed" {
	local wrapper
	sh -c '"$@" & wait' sh "$SBX" --die-with-parent sleep "$(tag)" >/dev/null 2>&1 3>&- &
	wrapper=$!
	bg_pids+=("$wrapper")
	wait_for 5 tagged_sleep_running
	kill -KILL "$wrapper"
	wait_for 3 tagged_sleep_gone
}

@test "without --die-with-parent, the sandbox outlives a killed caller" {
	# The counterpart of the test above: it shows the caller's death alone ends nothing.
	local wrapper p
	sh -c '"$@" & wait' sh "$SBX" sleep "$(tag)" >/dev/null 2>&1 3>&- &
	wrapper=$!
	bg_pids+=("$wrapper")
	wait_for 5 tagged_sleep_running
	kill -KILL "$wrapper"
	sleep 0.3
	tagged_sleep_running
	for p in $(pgrep -u "$(id -u)" -f "^$SBX sleep $(tag)\$"); do
		kill -KILL "$p"
	done
	wait_for 3 tagged_sleep_gone
}

@test "killing sbx with SIGKILL ends the sandbox" {
	local pid
	"$SBX" sleep "$(tag)" >/dev/null 2>&1 3>&- &
	pid=$!
	bg_pids+=("$pid")
	wait_for 5 tagged_sleep_running
	kill -KILL "$pid"
	wait_for 3 tagged_sleep_gone
}

# ---- the command's process ----------------------------------------------------------

@test "--new-session makes the command a session leader" {
	run sbx_t --new-session sh -c 'echo "$$ $(ps -o sid= -p $$)"; :'
	assert_status 0
	local pid sid
	read -r pid sid <<<"$output"
	[ -n "$pid" ] && [ "$pid" = "$sid" ] || { _sbx_show_output >&2; false; }
}

@test "without --new-session the command has a controlling terminal: its pty, or with --no-pty the caller's" {
	run timeout 20 script -qec "$SBX sh -c 'echo x >/dev/tty && echo has-ctty'" /dev/null
	assert_status 0
	assert_output_contains has-ctty
	run timeout 20 script -qec "$SBX --no-pty sh -c 'echo x >/dev/tty && echo has-ctty'" /dev/null
	assert_status 0
	assert_output_contains has-ctty
}

@test "--new-session detaches the command from any controlling terminal" {
	local opt
	for opt in --pty --no-pty; do
		run timeout 20 script -qec "$SBX $opt --new-session sh -c 'echo x >/dev/tty && echo has-ctty'" /dev/null
		[ "$status" -ne 0 ]
		[[ "$output" != *has-ctty* ]]
		assert_output_contains "No such device or address"
	done
}

@test "--argv0 foo sets the command's argv[0]" {
	run sbx_t --argv0 foo sh -c 'tr "\0" " " </proc/$$/cmdline; echo; echo "\$0=$0"; :'
	assert_status 0
	[[ "${lines[0]}" == "foo -c "* ]] || { _sbx_show_output >&2; false; }
	assert_line_eq -n 1 '$0=foo'
}

@test "--chdir /usr starts the command in /usr" {
	run sbx_t --chdir /usr pwd
	assert_status 0
	assert_output_eq /usr
}

@test "without --chdir the command starts in the caller's directory" {
	run sbx_t pwd
	assert_status 0
	assert_output_eq "$BATS_TEST_TMPDIR"
}

@test "--rlimit NOFILE=64 sets the open files limit" {
	run sbx_t --rlimit NOFILE=64 sh -c 'ulimit -n'
	assert_status 0
	assert_output_eq 64
}

@test "--rlimit NOFILE=32:64 sets soft and hard limits" {
	run sbx_t --rlimit NOFILE=32:64 sh -c 'ulimit -Sn; ulimit -Hn'
	assert_status 0
	assert_output_eq "32
64"
}

@test "nested user namespaces are refused by default" {
	run sbx_t unshare -U true
	[ "$status" -ne 0 ] && [ "$status" -lt 125 ] || { _sbx_show_output >&2; false; }
}

@test "--allow-userns lets unshare -U work inside" {
	run sbx_t --allow-userns unshare -U true
	assert_status 0
}

@test "--disable-userns forbids creating user namespaces inside" {
	run sbx_t --disable-userns unshare -U true
	[ "$status" -ne 0 ] && [ "$status" -lt 125 ] || { _sbx_show_output >&2; false; }
}

@test "--assert-userns-disabled without --disable-userns fails with 125" {
	assert_sbx_failure --assert-userns-disabled
}

@test "--assert-userns-disabled with --disable-userns runs the command" {
	run sbx_t --disable-userns --assert-userns-disabled sh -c 'echo ran'
	assert_status 0
	assert_output_eq ran
}

# ---- file descriptors ---------------------------------------------------------------

@test "fds opened by the caller do not reach the command" {
	# bats holds fd 3 open as well. The shell's fds are listed with no pipe or redirection
	# of its own (for `ls | tr` it holds both pipe ends for a moment; dash saves fds to 10+
	# around a redirection), one a line.
	exec 5>"$BATS_TEST_TMPDIR/fd5"
	run sbx_t sh -c 'ls /proc/$$/fd; :'
	exec 5>&-
	assert_status 0
	[ "$(echo $output)" = "0 1 2" ] || { _sbx_show_output; false; }
}

@test "--sync-fd 5 keeps fd 5 open inside" {
	exec 5>"$BATS_TEST_TMPDIR/fd5"
	run sbx_t --sync-fd 5 sh -c 'ls /proc/$$/fd; echo via-fd5 >&5; :'
	exec 5>&-
	assert_status 0
	[ "$(echo $output)" = "0 1 2 5" ] || { _sbx_show_output; false; }
	[ "$(cat "$BATS_TEST_TMPDIR/fd5")" = via-fd5 ]
}

# ---- --subids --------------------------------------------------------------------------

@test "--subids maps the caller's /etc/subuid and /etc/subgid ranges (newuidmap)" {
	grep -q "^$(id -un):" /etc/subuid || skip "no /etc/subuid range for $(id -un)"
	command -v newuidmap >/dev/null || skip "newuidmap is not installed (package uidmap)"
	local start count
	IFS=: read -r _ start count < <(grep "^$(id -un):" /etc/subuid | head -n1)
	run sbx_t --subids cat /proc/self/uid_map
	assert_status 0
	# the caller at its own uid, the range around it
	assert_output_contains "$(id -u)"
	assert_output_contains "$start"
	[ "$(echo "$output" | wc -l)" -ge 2 ]
}

@test "--subids makes other uids usable inside: chown to 1234 works only with it" {
	grep -q "^$(id -un):" /etc/subuid || skip "no /etc/subuid range for $(id -un)"
	run sbx_t --subids --root --cap-add CHOWN sh -c 'touch /tmp/f && chown 1234:1234 /tmp/f && stat -c %u:%g /tmp/f'
	assert_status 0
	assert_output_eq "1234:1234"
	run sbx_t --root --cap-add CHOWN sh -c 'touch /tmp/f && chown 1234:1234 /tmp/f'
	[ "$status" -ne 0 ]
}
