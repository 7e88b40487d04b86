#!/usr/bin/env bats
# Entering a named sandbox (issue 11): a hostile process inside the sandbox attacks every
# process that sbx --enter brings in, and the registry that --enter, --stop and --list
# read. Each test makes the attempt for real and judges it on the host; each attempt
# succeeded against sbx before the entering process was confined first and its settings
# came from the supervisor instead of the registry's files (see the issue's closing note).

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers
load ../lib/named
load ../lib/tmux

setup_file() {
	export ATTACK="$BATS_FILE_TMPDIR/enter-attack"
	cc -O1 -o "$ATTACK" "$SBX_TESTS_DIR/security/enter-attack.c"
}

setup() {
	export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/run
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
	# Next to the runtime dir, not above it: a cwd that holds $XDG_RUNTIME_DIR is not shared.
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
	cp "$ATTACK" ./enter-attack
	mkdir host
	pids=()
	names=()
}

teardown() {
	local p n
	touch out.stop
	for n in "${names[@]}"; do timeout 15 "$SBX" --stop "$n" --grace 1s 2>/dev/null || true; done
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	[ -z "${sock:-}" ] || tmux_teardown
}

# start_attacker: the named sandbox "victim", whose command watches for entered processes.
# Without Landlock, which would keep the attacker from ptracing any process outside its
# domain: the test is of --enter's own order of steps, and attack_worked needs a late
# attach to tell a clean result from a broken attack.
start_attacker() {
	start victim --landlock=off ./enter-attack "$PWD/out" planted-by-sandbox
	for _ in $(seq 100); do
		grep -q '^ready' out 2>/dev/null && return 0
		sleep 0.05
	done
	echo "the attacker did not start" >&2
	return 1
}

stop_attacker() {
	touch out.stop
	"$SBX" --stop victim >/dev/null 2>&1 || true
	echo "-- what the attacker found --"
	cat out
}

# attack_worked: the attacker could reach a confined entered process at all (its late
# attach), so that a clean result cannot come from a broken attack.
attack_worked() {
	grep -q '^late attached' out && return 0
	[ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" = 0 ] ||
		skip "Yama's ptrace_scope forbids the attacker's ptrace anyway"
	echo "the attacker never attached, not even to a confined process" >&2
	return 1
}

@test "--enter: nothing in the sandbox attaches to the entering process before it is confined (50 enters)" {
	start_attacker
	for _ in $(seq 50); do
		timeout 20 "$SBX" --enter victim true </dev/null
	done
	timeout 20 "$SBX" --enter victim sleep 1 </dev/null
	stop_attacker
	attack_worked
	! grep '^WIN' out
}

@test "--enter: the caller's other fds never reach the sandbox" {
	start_attacker
	timeout 20 "$SBX" --enter victim sleep 1 7<host 8>host/file </dev/null
	stop_attacker
	attack_worked
	[ ! -e host/planted-by-sandbox ]
	[ -z "$(grep '^WROTE' out)" ]
	# Any fd above 2 but one the command's own dynamic loader holds for a moment while it
	# maps a library (an attacker that attaches during the exec of sleep sees libc.so.6
	# open; seen once in the ASan run): that is the command's, never the caller's.
	! grep '^FD' out | grep -v -E ' -> /(usr/)?lib(64|32|x32)?/[^ ]*\.so(\.[0-9]+)*$'
}

@test "--enter under a terminal: the sandbox steals no line typed after it returned" {
	tmux_setup
	cd "$BATS_TEST_TMPDIR/work" || return 1
	start_attacker
	tmux_ send-keys "$SBX --enter victim sleep 1; echo ENTER-\$((1+1))DONE; read -r line; echo \"\$line\" >$PWD/typed" Enter
	wait_screen '^ENTER-2DONE' 200
	tmux_ send-keys "secret-typed-line" Enter
	for _ in $(seq 100); do [ -s typed ] && break; sleep 0.05; done
	sleep 0.5
	stop_attacker
	attack_worked
	[ "$(cat typed)" = secret-typed-line ]
	# The entered command may have a terminal: sbx's pty, never the caller's.
	local caller
	caller=$(stat -L -c '%t:%T' "$(tmux_ display -p '#{pane_tty}')")
	# (bats fails a test on a negated command only when it is the last: one test each)
	[ -z "$(grep -E "^TTY .*rdev=$caller\$" out)" ]
	! grep '^STOLE' out
}

@test "--enter: the sandbox's filter holds after the sandbox rewrote its --seccomp-profile file" {
	cp "$SBX_TESTS_DIR/security/profiles/deny-mkdir.json" prof.json
	start victim --seccomp-profile ./prof.json sh -c \
		'echo "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}" >prof.json; exec sleep 60'
	for _ in $(seq 100); do grep -q syscalls prof.json || break; sleep 0.05; done
	# (a negated command fails a bats test only as its last line)
	run grep -q syscalls prof.json
	[ "$status" != 0 ]
	run timeout 20 "$SBX" --enter victim mkdir made-by-enter
	[ "$status" != 0 ]
	[ ! -e made-by-enter ]
	assert_output_contains "Permission denied"
}

@test "--enter and --stop of a sandbox ignore an entry forged by a sandbox with the registry bound in" {
	start victim --hostname victim-host sleep 60
	# The forger copies its own entry over the victim's (its pids, all capabilities, no
	# filter, in the old files' words) and hard-links its lock there.
	start forger --hostname forger-host --bind "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR" sh -c '
		r=$XDG_RUNTIME_DIR/sbx
		sleep 0.5
		{ cat $r/forger/info; printf "caps=ffffffffff\nseccomp=none\n"; } >$r/victim/info.new
		mv $r/victim/info.new $r/victim/info
		ln -f $r/forger/lock $r/victim/lock
		touch $r/forged
		exec sleep 60'
	for _ in $(seq 100); do [ -e "$XDG_RUNTIME_DIR/sbx/forged" ] && break; sleep 0.05; done
	[ -e "$XDG_RUNTIME_DIR/sbx/forged" ]
	run timeout 20 "$SBX" --enter victim sh -c 'hostname; grep -E "^(CapEff|Seccomp):" /proc/self/status'
	[[ "$output" != *forger-host* ]]
	if [ "$status" = 0 ]; then
		assert_output_contains victim-host
		assert_output_contains "CapEff:	0000000000000000"
		assert_output_contains "Seccomp:	2"
	else
		assert_status 125
	fi
	# --stop of the victim must not stop the forger.
	timeout 20 "$SBX" --stop victim || true
	sleep 0.2
	kill -0 "${pids[1]}"
}

@test "--enter refuses a control socket served from inside a sandbox" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	start victim sleep 60
	# A sandbox with the registry bound in replaces the victim's socket with its own.
	start forger --bind "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR" python3 -c '
import os, socket, sys
p = os.environ["XDG_RUNTIME_DIR"] + "/sbx/victim/ctl"
os.unlink(p)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(p); s.listen(4)
open(os.environ["XDG_RUNTIME_DIR"] + "/sbx/forged", "w").close()
while True:
    c, _ = s.accept()
    try: c.sendall(b"SBXE" + bytes(200))
    except OSError: pass
    c.close()'
	for _ in $(seq 100); do [ -e "$XDG_RUNTIME_DIR/sbx/forged" ] && break; sleep 0.05; done
	run timeout 20 "$SBX" --enter victim touch entered-forger
	assert_status 125
	assert_output_contains "not served by sbx"
	[ ! -e entered-forger ]
	run timeout 20 "$SBX" --stop victim
	assert_status 125
	assert_output_contains "not served by sbx"
	kill -0 "${pids[1]}"
}

@test "--list deletes nothing through a symlinked entry a sandbox planted" {
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR/sbx"
	mkdir elsewhere
	touch elsewhere/info elsewhere/lock elsewhere/ctl
	timeout 20 "$SBX" --bind "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR" \
		ln -s "$PWD/elsewhere" "$XDG_RUNTIME_DIR/sbx/evil"
	[ -L "$XDG_RUNTIME_DIR/sbx/evil" ]
	run "$SBX" --list
	assert_status 0
	run timeout 20 "$SBX" --enter evil true
	assert_status 125
	run timeout 20 "$SBX" --stop evil
	assert_status 125
	[ -e elsewhere/info ] && [ -e elsewhere/lock ] && [ -e elsewhere/ctl ]
}

@test "PID 1 holds none of the caller's fds, even for a sandbox with CAP_SYS_PTRACE" {
	# Without Landlock, which keeps PID 1's fds out of reach anyway (outside the
	# command's domain), so that what PID 1 holds is what is tested.
	run timeout 20 "$SBX" --cap-add CAP_SYS_PTRACE --landlock=off sh -c '
		ls -l /proc/1/fd/
		for f in /proc/1/fd/*; do [ -d "$f" ] && : >"$f/planted-by-sandbox"; done; :' \
		7<host 8>host/file
	assert_status 0
	# The sandbox could look: PID 1's own pipe to sbx is there.
	assert_output_contains "pipe:"
	[[ "$output" != *"$PWD/host"* ]]
	[ ! -e host/planted-by-sandbox ]
}

@test "the network helper holds none of the caller's fds" {
	command -v pasta >/dev/null || skip "pasta (package passt) is not installed"
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
		skip "/dev/net/tun is not readable and writable by $(id -un); pasta needs it"
	# pasta hides its /proc/PID/fd once set up: a wrapper looks at what it was given.
	local real
	real=$(command -v pasta)
	mkdir wrap
	printf '#!/bin/sh\nls -l /proc/$$/fd/ >%q\nexec %q "$@"\n' "$PWD/helper-fds" "$real" \
		>wrap/pasta
	chmod +x wrap/pasta
	PATH="$PWD/wrap:$PATH" timeout 30 "$SBX" --net=pasta true 7<host 8>host/file </dev/null
	[ -s helper-fds ]
	cat helper-fds
	! grep -q "$PWD/host" helper-fds
}
