#!/usr/bin/env bats
# Per-app isolation (the `app` profile): --home-persist, a private $HOME kept across runs,
# and --socket, which passes exactly one desktop socket in. Fake sockets stand in for the
# desktop's: a small python3 server on a unix socket in a runtime directory of our own.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
# shellcheck disable=SC2030,SC2031 # bats runs setup, the test and teardown in one shell
load ../lib/helpers

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/work" "$BATS_TEST_TMPDIR/data"
	# The cwd is bound into the sandbox: keep the runtime dir and data dir outside it.
	cd "$BATS_TEST_TMPDIR/work" || return 1
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/data
	homes=$XDG_DATA_HOME/sbx/homes
	rt=$BATS_TEST_TMPDIR/rt
	mkdir -m 0700 "$rt"
	export XDG_RUNTIME_DIR=$rt
	unset WAYLAND_DISPLAY DISPLAY XAUTHORITY PULSE_SERVER
	servers=()
	cleanup=()
}

teardown() {
	local p
	for p in "${servers[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${cleanup[@]}"; do
		rm -rf "$p"
	done
}

# serve PATH: a unix socket server at PATH that greets each client; waits until it listens.
serve() {
	mkdir -p "$(dirname "$1")"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    c.sendall(b"hello from the host\n")
    c.close()
' "$1" </dev/null >/dev/null 2>&1 3>&- &
	servers+=("$!")
	for _ in $(seq 50); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "the test server at $1 did not start" >&2
	return 1
}

# The client, run inside: connects to $1 and prints what the server says.
client='python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print(s.recv(100).decode().strip())
"'

# ---- --home-persist ---------------------------------------------------------------

@test "--home-persist keeps \$HOME across two runs with the same --name" {
	run sbx_t --home-persist --name keep sh -c 'echo kept >"$HOME/note"; echo "home=$HOME"'
	assert_status 0
	assert_output_eq "home=$HOME"
	run sbx_t --home-persist --name keep cat "$HOME/note"
	assert_status 0
	assert_output_eq kept
	[ "$(cat "$homes/keep/note")" = kept ]
}

@test "--name after or before --home-persist names the home" {
	run sbx_t --name early --home-persist sh -c 'echo a >"$HOME/f"'
	assert_status 0
	[ -f "$homes/early/f" ]
}

@test "two names have separate homes" {
	run sbx_t --home-persist --name one sh -c 'echo secret >"$HOME/only-in-one"'
	assert_status 0
	run sbx_t --home-persist --name two sh -c 'ls -A "$HOME"; echo end'
	assert_status 0
	assert_output_eq end
	[ ! -e "$homes/two/only-in-one" ]
}

@test "the real \$HOME is not visible with --home-persist" {
	local secret=$HOME/.sbx-app-secret-$$
	cleanup+=("$secret")
	echo secret >"$secret"
	run sbx_t --home-persist --name hide sh -c "test -e '$secret' && echo visible; ls -A \"\$HOME\"; echo end"
	assert_status 0
	assert_output_eq end
}

@test "the home directory on the host is 0700 and owned by the user" {
	run sbx_t --home-persist --name perms true
	assert_status 0
	[ "$(stat -c '%a %u' "$homes/perms")" = "700 $(id -u)" ]
	[ "$(stat -c '%a %u' "$homes")" = "700 $(id -u)" ]
	[ "$(stat -c '%a %u' "$XDG_DATA_HOME/sbx")" = "700 $(id -u)" ]
}

@test "without --name the home is named after the command" {
	run sbx_t --home-persist sh -c 'echo x >"$HOME/by-command"'
	assert_status 0
	[ -f "$homes/sh/by-command" ]
}

@test "a command name that is not a sandbox name is refused without --name" {
	run sbx_t --home-persist /nonexistent/.hidden
	assert_status 125
	assert_output_contains "'.hidden'"
	assert_output_contains "--name"
}

@test "without XDG_DATA_HOME the home is under ~/.local/share/sbx/homes" {
	local name=sbx-test-$$-$BATS_TEST_NUMBER
	unset XDG_DATA_HOME
	cleanup+=("$HOME/.local/share/sbx/homes/$name")
	run sbx_t --home-persist --name "$name" sh -c 'echo y >"$HOME/f"'
	assert_status 0
	[ "$(cat "$HOME/.local/share/sbx/homes/$name/f")" = y ]
}

@test "a symlink planted at homes/NAME is refused and its target left alone" {
	mkdir -p "$homes" "$BATS_TEST_TMPDIR/elsewhere"
	chmod 0700 "$XDG_DATA_HOME/sbx" "$homes"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$homes/evil"
	run sbx_t --home-persist --name evil sh -c 'echo pwned >"$HOME/f"'
	assert_status 125
	assert_output_contains "$homes/evil"
	assert_output_contains "symbolic link"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
}

@test "a symlink planted at homes/ is refused" {
	mkdir -p "$XDG_DATA_HOME/sbx" "$BATS_TEST_TMPDIR/elsewhere"
	chmod 0700 "$XDG_DATA_HOME/sbx"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$homes"
	run sbx_t --home-persist --name x true
	assert_status 125
	assert_output_contains "symbolic link"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
}

@test "a home writable by others is refused" {
	mkdir -p "$homes/open"
	chmod 0777 "$homes/open"
	run sbx_t --home-persist --name open true
	assert_status 125
	assert_output_contains "$homes/open"
}

@test "--dry-run prints home-persist and creates nothing" {
	run sbx_t --home-persist --name dry --dry-run true
	assert_status 0
	assert_line_eq home-persist
	assert_line_eq "# \$HOME: $homes/dry"
	[ ! -e "$XDG_DATA_HOME/sbx" ]
}

# ---- the app profile --------------------------------------------------------------

@test "--profile app: a persistent home, a new session, tied to the caller" {
	run sbx_t --profile app --name appx --dry-run true
	assert_status 0
	assert_line_eq home-persist
	assert_line_eq new-session
	assert_line_eq die-with-parent
	run sbx_t --profile app --name appx sh -c 'echo in-app >"$HOME/f"'
	assert_status 0
	[ "$(cat "$homes/appx/f")" = in-app ]
}

@test "--profile app hides a current directory under \$HOME behind the app's home" {
	local dir=$HOME/sbx-app-cwd-$$
	cleanup+=("$dir")
	mkdir -p "$dir"
	echo real >"$dir/file"
	cd "$dir"
	run sbx_t --profile app --name cwdx sh -c 'cat file; ls -A "$HOME"; echo end'
	assert_output_contains end
	[[ "$output" != *real* ]]
}

@test "--dry-run of --profile app with --socket reads back to the same --dry-run" {
	serve "$rt/wayland-rt"
	export WAYLAND_DISPLAY=wayland-rt
	run sbx_t --profile app --name rtrip --socket wayland --dry-run true
	assert_status 0
	echo "$output" >"$BATS_TEST_TMPDIR/resolved.profile"
	first=$output
	run sbx_t --profile "$BATS_TEST_TMPDIR/resolved.profile" --name rtrip --dry-run true
	assert_status 0
	# The same, but for the comments that name the profile files read.
	output=$(grep -v '^# profile: ' <<<"$output")
	assert_output_eq "$(grep -v '^# profile: ' <<<"$first")"
}

# ---- --socket ---------------------------------------------------------------------

@test "--socket wayland: the socket is reachable and nothing else of the runtime dir" {
	serve "$rt/wayland-test"
	mkdir "$rt/pulse" && touch "$rt/bus" "$rt/other"
	export WAYLAND_DISPLAY=wayland-test
	run sbx_t --socket wayland sh -c "echo \"rt=\$XDG_RUNTIME_DIR wd=\$WAYLAND_DISPLAY\"
		ls -A \"\$XDG_RUNTIME_DIR\"; stat -c %a \"\$XDG_RUNTIME_DIR\"
		$client \"\$XDG_RUNTIME_DIR/\$WAYLAND_DISPLAY\""
	assert_status 0
	assert_output_eq "rt=$rt wd=wayland-test
wayland-test
700
hello from the host"
}

@test "without --socket no socket of the runtime dir is passed" {
	serve "$rt/wayland-test"
	export WAYLAND_DISPLAY=wayland-test
	run sbx_t sh -c 'ls -A "$XDG_RUNTIME_DIR" 2>&1; echo end'
	assert_output_contains "No such file or directory"
	[[ "$output" != *wayland-test$'\n'* ]]
}

@test "--socket wayland with a missing socket fails with 125, naming path and variables" {
	export WAYLAND_DISPLAY=wayland-nothere
	run sbx_t --socket wayland true
	assert_status 125
	assert_output_contains "$rt/wayland-nothere"
	assert_output_contains '$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY'
}

@test "--socket wayland without XDG_RUNTIME_DIR fails with 125" {
	unset XDG_RUNTIME_DIR
	run sbx_t --socket wayland true
	assert_status 125
	assert_output_contains XDG_RUNTIME_DIR
}

@test "--socket pulseaudio: pulse/native is reachable, PULSE_SERVER points at it" {
	serve "$rt/pulse/native"
	touch "$rt/pulse/cookie" "$rt/other"
	run sbx_t --socket pulseaudio sh -c "echo \"\$PULSE_SERVER\"
		ls -A \"\$XDG_RUNTIME_DIR\" \"\$XDG_RUNTIME_DIR/pulse\"
		$client \"\${PULSE_SERVER#unix:}\""
	assert_status 0
	assert_output_eq "unix:$rt/pulse/native
$rt:
pulse

$rt/pulse:
native
hello from the host"
}

@test "--socket pipewire: pipewire-0 is reachable and nothing else" {
	serve "$rt/pipewire-0"
	touch "$rt/pipewire-0.lock" "$rt/other"
	run sbx_t --socket pipewire sh -c "ls -A \"\$XDG_RUNTIME_DIR\"
		$client \"\$XDG_RUNTIME_DIR/pipewire-0\""
	assert_status 0
	assert_output_eq "pipewire-0
hello from the host"
}

@test "--socket pulseaudio and pipewire with missing sockets fail with 125, naming the path" {
	run sbx_t --socket pulseaudio true
	assert_status 125
	assert_output_contains "$rt/pulse/native"
	assert_output_contains '$XDG_RUNTIME_DIR/pulse/native'
	run sbx_t --socket pipewire true
	assert_status 125
	assert_output_contains "$rt/pipewire-0"
}

@test "--socket given twice passes both, in one runtime dir" {
	serve "$rt/wayland-0"
	serve "$rt/pipewire-0"
	run sbx_t --socket wayland --socket pipewire sh -c "ls -A \"\$XDG_RUNTIME_DIR\"
		$client \"\$XDG_RUNTIME_DIR/wayland-0\"; $client \"\$XDG_RUNTIME_DIR/pipewire-0\""
	assert_status 0
	assert_output_eq "pipewire-0
wayland-0
hello from the host
hello from the host"
}

@test "--socket x11: the display's socket and the XAUTHORITY file, read-only" {
	local n=$((500 + $$ % 400))
	[ -d /tmp/.X11-unix ] && [ -w /tmp/.X11-unix ] ||
		skip "/tmp/.X11-unix is missing or not writable by the test user: no fake X socket"
	[ ! -e "/tmp/.X11-unix/X$n" ] || skip "display :$n exists"
	cleanup+=("/tmp/.X11-unix/X$n")
	serve "/tmp/.X11-unix/X$n"
	echo cookie >"$BATS_TEST_TMPDIR/xauth"
	export DISPLAY=:$n.0 XAUTHORITY=$BATS_TEST_TMPDIR/xauth
	run sbx_t --socket x11 sh -c "echo \"\$DISPLAY \$XAUTHORITY\"; cat \"\$XAUTHORITY\"
		echo x 2>/dev/null >>\"\$XAUTHORITY\" || echo read-only
		ls -A /tmp/.X11-unix; $client /tmp/.X11-unix/X$n"
	assert_status 0
	assert_output_eq ":$n.0 $BATS_TEST_TMPDIR/xauth
cookie
read-only
X$n
hello from the host"
}

@test "--socket x11 with a missing socket fails with 125, naming path and DISPLAY" {
	local n=$((500 + $$ % 400))
	[ ! -e "/tmp/.X11-unix/X$n" ] || skip "display :$n exists"
	export DISPLAY=:$n
	run sbx_t --socket x11 true
	assert_status 125
	assert_output_contains "/tmp/.X11-unix/X$n"
	assert_output_contains '$DISPLAY'
}

@test "--socket x11 refuses a display that is not local" {
	export DISPLAY=localhost:10.0
	run sbx_t --socket x11 true
	assert_status 125
	assert_output_contains "only a local display"
}

@test "--socket with an unknown kind fails with 125 and lists the kinds" {
	run sbx_t --socket dbus true
	assert_status 125
	assert_output_contains "wayland, x11, pulseaudio or pipewire"
}

@test "the app profile allows nested user namespaces (browsers build their own sandbox)" {
	run sbx_t --profile app --name browser unshare -U true
	assert_status 0
	run sbx_t unshare -U true
	[ "$status" -ne 0 ] || { _sbx_show_output >&2; false; }
}
