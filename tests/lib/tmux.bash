# shellcheck shell=bash
# A real terminal for tests: a tmux pane on a private server (-L "$sock"), running an
# interactive bash with the prompt 'OUT$ '. tmux_start in setup, tmux_stop in teardown.

tmux_start() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	unset TMUX
	sock=sbxtest-$$-$BATS_TEST_NUMBER
	tmux_ new-session -d -x 120 -y 30 "env PS1='OUT\$ ' bash --norc --noprofile -i"
	wait_prompt 'OUT$'
}

tmux_stop() {
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

# wait_prompt PROMPT: polls the pane (up to 5 s) until its last line ends with PROMPT.
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
