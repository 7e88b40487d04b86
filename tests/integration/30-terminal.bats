#!/usr/bin/env bats
# Behaviour under a real terminal: an interactive shell in sbx gets job control, terminal
# signals reach the command, and the exit status comes back to the outer shell.
# The terminal is a tmux pane on a private server (-L), killed in teardown.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers

setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	cd "$BATS_TEST_TMPDIR" || return 1
	unset TMUX
	sock=sbxtest-$$-$BATS_TEST_NUMBER
	tmux_ new-session -d -x 120 -y 30 "env PS1='OUT\$ ' bash --norc --noprofile -i"
	wait_prompt 'OUT$'
}

teardown() {
	tmux_ kill-server 2>/dev/null || true
}

tmux_() {
	timeout 10 tmux -L "$sock" -f /dev/null "$@"
}

screen() {
	tmux_ capture-pane -p
}

# last_line: the last non-empty line of the pane, trailing blanks removed.
last_line() {
	screen | sed -e 's/[[:space:]]*$//' -e '/^$/d' | tail -n 1
}

# wait_screen REGEX: polls the pane (up to 5 s) until a line matches the extended REGEX.
wait_screen() {
	local _
	for _ in $(seq 100); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.05
	done
	echo "timed out waiting for /$1/; the pane:" >&2
	screen >&2
	return 1
}

# wait_prompt PROMPT: polls the pane (up to 5 s) until its last line ends with PROMPT (after
# a ^C, bash prints its prompt right after the echoed "^C").
wait_prompt() {
	local _
	for _ in $(seq 100); do
		[[ "$(last_line)" == *"$1" ]] && return 0
		sleep 0.05
	done
	echo "timed out waiting for the prompt '$1'; the pane:" >&2
	screen >&2
	return 1
}

# wait_fg NAME: polls (up to 5 s) until the terminal's foreground process is NAME.
wait_fg() {
	local _
	for _ in $(seq 100); do
		[ "$(tmux_ display-message -p '#{pane_current_command}')" = "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1 in the foreground; it is:" \
		"$(tmux_ display-message -p '#{pane_current_command}')" >&2
	return 1
}

# type_line TEXT: types TEXT and Enter into the pane.
type_line() {
	tmux_ send-keys -l -- "$1"
	tmux_ send-keys Enter
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
	wait_fg sleep
	tmux_ send-keys C-z
	wait_screen '^\[1\]\+ +Stopped +sleep 100$'
	wait_prompt 'IN$'
	type_line 'fg'
	wait_prompt 'sleep 100'
	wait_fg sleep
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
