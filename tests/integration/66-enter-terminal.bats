#!/usr/bin/env bats
# sbx --enter under a real terminal (a tmux pane): the entered command gets a pty of sbx's
# own, relayed to the caller's terminal, never the caller's terminal itself (issue 11).

# shellcheck disable=SC2016 # the pane's shell expands these, not ours
load ../lib/helpers
load ../lib/tmux

setup() {
	export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/run
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
	tmux_setup
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
	timeout -k 5 120 "$SBX" --name term sleep 100 </dev/null >/dev/null 2>&1 3>&- &
	sandbox=$!
	for _ in $(seq 100); do
		"$SBX" --list 2>/dev/null | grep -q '^term ' && return 0
		sleep 0.05
	done
	return 1
}

teardown() {
	timeout 15 "$SBX" --stop term --grace 1s 2>/dev/null || true
	kill -9 "$sandbox" 2>/dev/null || true
	tmux_teardown
}

@test "--enter on a terminal: a pty of sbx's, the window size, the exact exit status" {
	tmux_ send-keys "$SBX --enter term sh -c 'test -t 0 && echo IS-A-TTY; stty size; stat -L -c INNER=%t:%T /proc/self/fd/0; exit 7'; echo RC=\$?; stat -L -c OUTER=%t:%T /proc/self/fd/0" Enter
	wait_screen '^OUTER='
	local inner outer
	inner=$(screen | sed -n 's/^INNER=//p')
	outer=$(screen | sed -n 's/^OUTER=//p')
	screen | grep -q '^IS-A-TTY'
	screen | grep -q '^30 120'
	screen | grep -q '^RC=7'
	[ -n "$inner" ] && [ -n "$outer" ] && [ "$inner" != "$outer" ]
}

@test "--enter on a terminal: Ctrl-C reaches the entered command, and the modes come back" {
	tmux_ send-keys 'stty -g >modes.before' Enter
	wait_prompt 'OUT$'
	tmux_ send-keys "$SBX --enter term sleep 60; echo RC=\$?; stty -g >modes.after" Enter
	sleep 1
	tmux_ send-keys C-c
	wait_screen 'RC=130$'
	for _ in $(seq 100); do [ -s modes.after ] && break; sleep 0.05; done
	[ "$(cat modes.before)" = "$(cat modes.after)" ]
}

@test "--enter without a terminal: pipes, no pty" {
	run timeout 20 "$SBX" --enter term sh -c 'test -t 0 || echo NOT-A-TTY; ls -l /proc/self/fd/0 /proc/self/fd/1' </dev/null
	assert_status 0
	assert_output_contains NOT-A-TTY
	assert_output_contains "pipe:"
}
