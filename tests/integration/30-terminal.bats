#!/usr/bin/env bats
# Behaviour under a real terminal: an interactive shell in sbx gets a pty of its own
# (src/run/pty.c) with job control, terminal signals reach the command, the window size
# follows the caller's, the caller's modes come back, and the exit status comes back to the
# outer shell.
# The terminal is a tmux pane on a private server (tests/lib/tmux.bash).

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers
load ../lib/tmux

setup() {
	tmux_setup
}

teardown() {
	tmux_teardown
}

# start_inner_shell: an interactive bash inside sbx, in the pane's outer shell.
start_inner_shell() {
	type_line "$SBX env PS1='IN\$ ' bash --norc --noprofile -i"
	wait_prompt 'IN$'
}

@test "an interactive shell in sbx has job control" {
	start_inner_shell
	type_line 'sleep 100 &'
	wait_screen '^\[1\] [0-9]+$'
	wait_prompt 'IN$'
	type_line 'jobs'
	wait_screen '^\[1\]\+ +Running +sleep 100 &$'
	wait_prompt 'IN$'

	# Bring it to the foreground, stop it with ^Z, resume it, end it with ^C.
	type_line 'fg'
	wait_prompt 'sleep 100'
	wait_fg 'sleep 100'
	tmux_ send-keys C-z
	wait_screen '^\[1\]\+ +Stopped +sleep 100$'
	wait_prompt 'IN$'
	type_line 'fg'
	wait_prompt 'sleep 100'
	wait_fg 'sleep 100'
	tmux_ send-keys C-c
	wait_prompt 'IN$'
	type_line 'jobs; echo "jobs-done"'
	wait_prompt 'IN$'
	# ^C ended the job: `jobs` printed nothing before the marker.
	[ "$(screen | grep -B1 '^jobs-done$' | head -n 1)" = 'IN$ jobs; echo "jobs-done"' ]
	# bash found a terminal it could take control of.
	if screen | grep -E 'no job control|cannot set terminal process group' >&2; then
		false
	fi
}

@test "the interactive shell's exit status is sbx's" {
	start_inner_shell
	type_line 'exit 3'
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=3$'
}

@test "Ctrl-C ends the command and sbx exits 130" {
	# A duration of its own, to see on the host when the command has started.
	local naptime=100.0$$ _
	type_line "$SBX sleep $naptime"
	for _ in $(seq 100); do
		pgrep -u "$(id -u)" -xf "sleep $naptime" >/dev/null && break
		sleep 0.05
	done
	pgrep -u "$(id -u)" -xf "sleep $naptime" >/dev/null
	tmux_ send-keys C-c
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=130$'
}

@test "the command's terminal is a pty of its own, not the caller's" {
	local outer
	type_line 'tty > outer.txt'
	wait_prompt 'OUT$'
	outer=$(cat outer.txt)
	type_line "$SBX readlink /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 > inner.txt; echo \"status=\$?\""
	wait_screen '^status=0$'
	# stdout went to the file directly; 0 and 2 are the pty's slave, which the caller's
	# terminal is not.
	run cat inner.txt
	[ "${#lines[@]}" = 3 ]
	[[ "${lines[0]}" == /dev/pts/* ]]
	[ "${lines[0]}" != "$outer" ]
	[ "${lines[1]}" = "$PWD/inner.txt" ]
	[ "${lines[2]}" = "${lines[0]}" ]
	# --no-pty: the caller's own.
	type_line "$SBX --no-pty readlink /proc/self/fd/0 > inner.txt; echo \"status2=\$?\""
	wait_screen '^status2=0$'
	[ "$(cat inner.txt)" = "$outer" ]
}

@test "dash in sbx: exit 7 gives 7 and no 'Cannot set tty process group'" {
	command -v dash >/dev/null || skip "dash is not installed"
	type_line "$SBX env PS1='IN\$ ' dash -i"
	wait_prompt 'IN$'
	type_line 'exit 7'
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=7$'
	if screen | grep -E 'Cannot set tty process group|No such process' >&2; then
		false
	fi
}

@test "bash in sbx: exit 7 gives 7 and no error line" {
	start_inner_shell
	type_line 'exit 7'
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=7$'
	if screen | grep -E 'process group|job control' >&2; then
		false
	fi
}

@test "Ctrl-C reaches the foreground job in sbx and the shell survives" {
	start_inner_shell
	type_line 'sleep 101'
	wait_fg 'sleep 101'
	tmux_ send-keys C-c
	wait_prompt 'IN$'
	type_line 'echo "after=$?"'
	wait_screen '^after=130$'
	wait_prompt 'IN$'
	# Ctrl-Z + bg: the job goes on in the background.
	type_line 'sleep 102'
	wait_fg 'sleep 102'
	tmux_ send-keys C-z
	wait_screen '^\[1\]\+ +Stopped +sleep 102$'
	wait_prompt 'IN$'
	type_line 'bg'
	wait_screen '^\[1\]\+ sleep 102 &$'
	wait_prompt 'IN$'
	type_line 'jobs'
	wait_screen '^\[1\]\+ +Running +sleep 102 &$'
}

@test "the window size follows the caller's terminal" {
	start_inner_shell
	type_line 'stty size'
	wait_screen '^30 120$'
	wait_prompt 'IN$'
	tmux_ resize-window -x 100 -y 25
	type_line 'stty size'
	wait_screen '^25 100$'
}

@test "EOF (Ctrl-D) ends the shell in sbx" {
	start_inner_shell
	tmux_ send-keys C-d
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=0$'
}

@test "the caller's terminal modes come back after kill -9 of the command" {
	local naptime=103.0$$ pid
	type_line 'stty -g > before.txt'
	wait_prompt 'OUT$'
	type_line "$SBX sleep $naptime; echo \"status=\$?\"; stty -g > after.txt"
	pid=$(wait_pid "sleep $naptime")
	# raw while the sandbox runs
	[ "$(stty -g < "$(tmux_ display-message -p '#{pane_tty}')")" != "$(cat before.txt)" ]
	kill -9 "$pid"
	wait_screen '^status=137$'
	wait_prompt 'OUT$'
	[ "$(cat after.txt)" = "$(cat before.txt)" ]
}

@test "a pipe on stdin passes straight through, and so does a file on stdout" {
	type_line "echo hi | $SBX sh -c 'cat; readlink /proc/self/fd/0 > fd0.txt'; echo \"status=\$?\""
	wait_screen '^hi$'
	wait_screen '^status=0$'
	[[ "$(cat fd0.txt)" == pipe:* ]]
	# A marker of its own: the first command's "status=0" is still on the screen.
	type_line "$SBX ls -l /proc/self/fd/1 > ls.txt; echo \"status2=\$?\""
	wait_screen '^status2=0$'
	grep -q -- "-> $PWD/ls.txt\$" ls.txt
}

@test "without a terminal there is no pty unless --pty" {
	run_sbx readlink /proc/self/fd/0
	assert_status 0
	[[ "$output" != /dev/pts/* ]]
	# --pty without a terminal: stdin is relayed in, its end as the terminal's EOF.
	run bash -c "echo hello | '$SBX' --pty sh -c 'test -t 0 && test -t 1 && cat'"
	assert_status 0
	assert_output_contains hello
}

@test "--bare: no pty unless --pty" {
	local bare=(--bare --ro-bind "$SBX_ROOTFS" / --unshare-pid --proc /proc --dev /dev)
	type_line "$SBX ${bare[*]} readlink /proc/self/fd/0 > bare.txt; echo \"status=\$?\""
	wait_screen '^status=0$'
	type_line 'tty > outer.txt'
	wait_prompt 'OUT$'
	[ "$(cat bare.txt)" = "$(cat outer.txt)" ]
	type_line "$SBX ${bare[*]} --pty readlink /proc/self/fd/0 > bare.txt; echo \"status2=\$?\""
	wait_screen '^status2=0$'
	[ "$(cat bare.txt)" != "$(cat outer.txt)" ]
}

@test "sbx stopped from outside and brought back with fg takes the terminal again" {
	local pid
	start_inner_shell
	pid=$(pgrep -P "$(tmux_ display-message -p '#{pane_pid}')" -x sbx)
	kill -STOP "$pid"
	wait_screen '^\[1\]\+ +Stopped'
	wait_prompt 'OUT$'
	# The outer shell has its own modes back while sbx is stopped.
	type_line 'stty -a | grep -o -- "-\?icanon" > stopped.txt'
	wait_prompt 'OUT$'
	[ "$(cat stopped.txt)" = icanon ]
	type_line 'fg'
	type_line 'echo "inner-$((6 * 7))"'
	wait_screen '^inner-42$'
	wait_prompt 'IN$'
	# Raw again: what was typed was echoed once, by the sandbox's pty.
	[ "$(screen | grep -c 'echo "inner-\$((6 \* 7))"')" = 1 ]
	type_line 'exit 4'
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=4$'
}

@test "--pty and --no-pty show in --dry-run and work in a profile" {
	run_sbx --no-pty --dry-run
	assert_status 0
	assert_line_eq no-pty
	run_sbx --pty --dry-run
	assert_status 0
	assert_line_eq pty
	printf 'include default\npty\n' >p.profile
	run bash -c "'$SBX' --profile ./p.profile sh -c 'test -t 0 && echo on-pty' </dev/null"
	assert_status 0
	assert_output_contains on-pty
}

@test "a shell in sbx started in the background gets the terminal with fg" {
	type_line "$SBX env PS1='IN\$ ' bash --norc --noprofile -i &"
	# In the background sbx reads nothing: the line goes to the outer shell.
	wait_screen '^\[1\] [0-9]+$'
	type_line 'echo "outer-$((6 * 7))"'
	wait_screen '^outer-42$'
	type_line 'fg'
	type_line 'echo "inner-$((6 * 7))"'
	wait_screen '^inner-42$'
	wait_prompt 'IN$'
	type_line 'exit 5'
	wait_prompt 'OUT$'
	type_line 'echo "status=$?"'
	wait_screen '^status=5$'
}

@test "Ctrl-C with the caller's terminal not raw (stdin a pipe) still ends the command: 130" {
	local naptime=104.0$$
	type_line "echo | $SBX sleep $naptime; echo \"status=\$?\""
	wait_pid "sleep $naptime" >/dev/null
	tmux_ send-keys C-c
	# after the terminal's echo of ^C
	wait_screen 'status=130$'
}
