#!/usr/bin/env bats
# DESIGN.md section 3, the working directory: a plain `sbx` started from a directory that
# must not be shared ($HOME, an ancestor of it, /tmp, /var/tmp, $XDG_RUNTIME_DIR, a
# dot-directory of $HOME, a cwd reached through a planted symlink) attacks the host from
# inside; each attack is judged on the host (a file unchanged, a socket not reached). Each
# test then repeats the attack with the cwd shared on purpose (--bind-cwd) and sees it
# succeed, so that a test cannot pass because the attack was broken.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
# shellcheck disable=SC2030,SC2031 # LISTENERS, CLEANUP: per test, read back by teardown

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup() {
	# A fake $HOME of the test user's own, below a directory of theirs: like /home/me,
	# with its ancestor writable by the caller (the worst case for an ancestor).
	T=$BATS_TEST_TMPDIR/cwd
	export HOME=$T/home
	mkdir -p "$HOME/.config" "$HOME/proj"
	echo 'the real bashrc' >"$HOME/.bashrc"
	# The shell's view of where it is: what a login shell passes on.
	export PWD
	unset XDG_CONFIG_HOME
	LISTENERS=()
	CLEANUP=()
	# A name no other run shares, in the host's shared directories.
	TAG=sbx-cwd-$$-$BATS_TEST_NUMBER-$RANDOM
}

teardown() {
	local p f
	for p in "${LISTENERS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for f in "${CLEANUP[@]}"; do
		rm -rf "$f"
	done
}

# sbx_in DIR ARGS...: a plain sbx started with DIR as its working directory (and $PWD).
sbx_in() {
	local dir=$1
	shift
	cd "$dir" || return 1
	run --separate-stderr timeout -k 5 30 "$SBX" "$@"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# listen SOCKET MARK: a unix socket listener on the host; MARK appears once anything
# connects to it.
listen() {
	/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    open(sys.argv[2], "a").write("reached\n")
    c.close()
' "$1" "$2" 3>&- &
	LISTENERS+=($!)
	CLEANUP+=("$1" "$2")
	for _ in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.05
	done
	echo "the listener on $1 did not start" >&2
	return 1
}

# The attack of a program inside: connect to the socket NAME, relative to the directory
# it was started in (a cwd of $DIR), then create the file FILE there.
ATTACK_SOCKET='cd "$0" 2>/dev/null; /usr/bin/python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print(\"connected\")
" "$1" 2>/dev/null; echo planted >"$2" 2>/dev/null; true'

# assert_not_shared DIR: the one line sbx prints about DIR.
assert_not_shared() {
	if [[ "$stderr" != *"the current directory $1 is not shared"*"--bind-cwd shares it anyway"* ]] ||
		[ "${#stderr_lines[@]}" != 1 ]; then
		echo "expected one line saying that $1 is not shared, got: $stderr" >&2
		return 1
	fi
}

@test "cwd = \$HOME: ~/.bashrc cannot be rewritten from inside" {
	sbx_in "$HOME" sh -c 'echo evil >>.bashrc; echo evil >>"$HOME/.bashrc"; pwd'
	assert_status 0
	[ "$(cat "$HOME/.bashrc")" = 'the real bashrc' ]
	assert_not_shared "$HOME"
	# It started in $HOME all the same: the empty one.
	assert_output_eq "$HOME"
	# Shared on purpose, the same attack rewrites it.
	sbx_in "$HOME" --bind-cwd sh -c 'echo evil >>.bashrc'
	assert_status 0
	[ "$(tail -n 1 "$HOME/.bashrc")" = evil ]
}

@test "cwd = an ancestor of \$HOME: ~/.bashrc cannot be rewritten from inside" {
	sbx_in "$T" sh -c 'cd "$0"; echo evil >>home/.bashrc; echo evil >>"$HOME/.bashrc"' "$T"
	assert_status 0
	[ "$(cat "$HOME/.bashrc")" = 'the real bashrc' ]
	assert_not_shared "$T"
	sbx_in "$T" --bind-cwd sh -c 'echo evil >>home/.bashrc'
	assert_status 0
	[ "$(tail -n 1 "$HOME/.bashrc")" = evil ]
}

@test "cwd = /tmp: a socket in the host's /tmp is not reached, no file lands there" {
	listen "/tmp/$TAG.sock" "$BATS_TEST_TMPDIR/reached"
	CLEANUP+=("/tmp/$TAG.planted")
	sbx_in /tmp sh -c "$ATTACK_SOCKET" /tmp "$TAG.sock" "$TAG.planted"
	assert_status 0
	[ ! -e "$BATS_TEST_TMPDIR/reached" ]
	[ ! -e "/tmp/$TAG.planted" ]
	[[ "$output" != *connected* ]]
	assert_not_shared /tmp
	sbx_in /tmp --bind-cwd sh -c "$ATTACK_SOCKET" /tmp "$TAG.sock" "$TAG.planted"
	assert_output_eq connected
	[ -e "$BATS_TEST_TMPDIR/reached" ]
	[ -e "/tmp/$TAG.planted" ]
}

@test "cwd = /var/tmp: no file lands in the host's /var/tmp" {
	[ -d /var/tmp ] && [ -w /var/tmp ] || skip "no writable /var/tmp"
	CLEANUP+=("/var/tmp/$TAG")
	sbx_in /var/tmp sh -c 'cd "$0" 2>/dev/null; echo planted >"$1"' /var/tmp "$TAG"
	[ ! -e "/var/tmp/$TAG" ]
	assert_not_shared /var/tmp
	sbx_in /var/tmp --bind-cwd sh -c 'echo planted >"$0"' "$TAG"
	assert_status 0
	[ -e "/var/tmp/$TAG" ]
}

@test "cwd = \$XDG_RUNTIME_DIR: its session bus is not reached, nothing is planted there" {
	local rt=$T/runtime
	mkdir -m 0700 "$rt"
	export XDG_RUNTIME_DIR=$rt
	listen "$rt/bus" "$BATS_TEST_TMPDIR/reached"
	sbx_in "$rt" sh -c "$ATTACK_SOCKET" "$rt" bus preload.so
	assert_status 0
	[ ! -e "$BATS_TEST_TMPDIR/reached" ]
	[ ! -e "$rt/preload.so" ]
	assert_not_shared "$rt"
	sbx_in "$rt" --bind-cwd sh -c "$ATTACK_SOCKET" "$rt" bus preload.so
	assert_output_eq connected
	[ -e "$BATS_TEST_TMPDIR/reached" ]
	[ -e "$rt/preload.so" ]
}

# A profile standalone, as sbx's own default would be included from the same place.
weak_profile() {
	printf '%s\n' "ro-bind-host /usr" "ro-bind-host /bin" "ro-bind-host /lib" \
		"ro-bind-host /lib64" "ro-bind-host /etc" "proc /proc" "dev /dev" "tmpfs /tmp" \
		"bind $HOME $HOME" "seccomp none"
}

@test "cwd = ~/.config: a default profile planted from inside does not reach the host" {
	sbx_in "$HOME/.config" sh -c 'cd "$0" 2>/dev/null; mkdir -p sbx/profiles &&
		printf "%s" "$1" >sbx/profiles/default.profile' "$HOME/.config" "$(weak_profile)"
	[ ! -e "$HOME/.config/sbx/profiles/default.profile" ]
	assert_not_shared "$HOME/.config"
	sbx_in "$HOME/.config" --bind-cwd sh -c 'mkdir -p sbx/profiles &&
		printf "%s" "$0" >sbx/profiles/default.profile' "$(weak_profile)"
	[ -e "$HOME/.config/sbx/profiles/default.profile" ]
}

@test "a planted ~/.config/sbx/profiles/default.profile does not weaken a later plain sbx" {
	# Planted all the same (say by a sandbox given ~/.config on purpose).
	mkdir -p "$HOME/.config/sbx/profiles"
	weak_profile >"$HOME/.config/sbx/profiles/default.profile"
	# A later plain sbx from a project: the filter is on, $HOME stays empty.
	sbx_in "$HOME/proj" sh -c 'grep "^Seccomp:" /proc/self/status; cat "$HOME/.bashrc" 2>/dev/null; true'
	assert_status 0
	assert_output_eq "Seccomp:	2"
	[ -z "$stderr" ]
	# The built-in profiles that include default do not read it either.
	sbx_in "$HOME/proj" --profile build sh -c 'grep "^Seccomp:" /proc/self/status'
	assert_output_eq "Seccomp:	2"
	# Asked for by name, it is the user's own choice: the planted profile works (its
	# "seccomp none" leaves only sbx's terminal rules: one filter).
	sbx_in "$HOME/proj" --profile default sh -c 'grep "^Seccomp_filters:" /proc/self/status; cat "$HOME/.bashrc"'
	assert_output_eq "Seccomp_filters:	1
the real bashrc"
}

# The earlier sandbox, given the project on purpose (the default), plants LINK -> TARGET.
plant_link() {
	sbx_in "$HOME/proj" ln -s "$2" "$1"
	assert_status 0
	[ -L "$HOME/proj/$1" ]
}

@test "cwd = a planted symlink to \$HOME (build -> \$HOME): not bound" {
	plant_link build "$HOME"
	# `cd build`: $PWD is .../proj/build, the directory $HOME.
	cd "$HOME/proj/build"
	sbx_in "$PWD" sh -c 'echo evil >>.bashrc'
	[ "$(cat "$HOME/.bashrc")" = 'the real bashrc' ]
	assert_not_shared "$HOME"
	cd "$HOME/proj/build"
	sbx_in "$PWD" --bind-cwd sh -c 'echo evil >>.bashrc'
	[ "$(tail -n 1 "$HOME/.bashrc")" = evil ]
}

@test "cwd = a planted symlink to a directory that would be shared: not bound, the link named" {
	mkdir "$HOME/other"
	echo untouched >"$HOME/other/file"
	plant_link out "$HOME/other"
	# Reached directly, $HOME/other would be shared; through the link it is not.
	cd "$HOME/proj/out"
	sbx_in "$PWD" sh -c 'echo evil >>file'
	[ "$(cat "$HOME/other/file")" = untouched ]
	assert_not_shared "$HOME/other"
	[[ "$stderr" == *"symlink $HOME/proj/out -> $HOME/other"* ]]
	cd "$HOME/proj/out"
	sbx_in "$PWD" --bind-cwd sh -c 'echo evil >>file'
	[ "$(tail -n 1 "$HOME/other/file")" = evil ]
}
