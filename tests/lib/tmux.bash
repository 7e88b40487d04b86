# shellcheck shell=bash
# Tests under a real terminal: a tmux pane on a private server (-L), running an outer
# interactive bash with the prompt 'OUT$ ' in the test's own directory; killed in teardown.
# `load ../lib/tmux` after ../lib/helpers; call tmux_setup and tmux_teardown from setup
# and teardown.

tmux_setup() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	cd "$BATS_TEST_TMPDIR" || return 1
	unset TMUX
	sock=sbxtest-$$-$BATS_TEST_NUMBER-${BATS_SUITE_TEST_NUMBER:-0}
	tmux_ new-session -d -x 120 -y 30 "env PS1='OUT\$ ' bash --norc --noprofile -i"
	wait_prompt 'OUT$'
}

tmux_teardown() {
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

# wait_screen REGEX [TRIES]: polls the pane (TRIES x 50 ms, default 5 s) until a line
# matches the extended REGEX.
wait_screen() {
	local _
	for _ in $(seq "${2:-100}"); do
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

# wait_fg CMDLINE: polls (up to 5 s) until the newest process of ours with this exact
# command line is in the foreground of its terminal: the sandbox's pty (the caller's
# terminal only ever has sbx in its foreground). /proc/PID/stat: field 5 the process
# group, 8 the terminal's foreground group, both as the host sees them.
wait_fg() {
	local _ pid stat
	for _ in $(seq 100); do
		pid=$(pgrep -n -u "$(id -u)" -xf "$1") &&
			stat=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) &&
			[ "$(echo "$stat" | awk '{ print $3 }')" = "$(echo "$stat" | awk '{ print $6 }')" ] &&
			return 0
		sleep 0.05
	done
	echo "timed out waiting for '$1' in the foreground of its terminal" >&2
	return 1
}

# type_line TEXT: types TEXT and Enter into the pane.
type_line() {
	tmux_ send-keys -l -- "$1"
	tmux_ send-keys Enter
}

# wait_pid CMDLINE: polls (up to 5 s) for a process of ours with this exact command line;
# prints the newest one's pid.
wait_pid() {
	local _
	for _ in $(seq 100); do
		pgrep -n -u "$(id -u)" -xf "$1" && return 0
		sleep 0.05
	done
	echo "timed out waiting for a process '$1'" >&2
	return 1
}
