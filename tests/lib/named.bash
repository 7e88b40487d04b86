# shellcheck shell=bash
# Named sandboxes for tests: `load ../lib/named` after ../lib/helpers.

# start NAME SBX-ARGS...: a named sandbox in the background (its pid added to pids, its
# name to names, for teardown); waits until --list shows it (or it ended). 3>&-: bats waits for whoever
# holds its fd 3.
start() {
	local name=$1
	shift
	timeout -k 5 120 "$SBX" --name "$name" "$@" </dev/null >/dev/null 2>&1 3>&- &
	pids+=($!)
	names+=("$name")
	# Up to 20 s: CI machines are slow at times.
	for _ in $(seq 400); do
		"$SBX" --list 2>/dev/null | grep -q "^$name " && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "sandbox $name did not show up in --list" >&2
	return 1
}
