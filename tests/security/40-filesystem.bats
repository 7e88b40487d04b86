#!/usr/bin/env bats
# DESIGN.md section 3: writing or reading host paths not bound in; remounting a read-only
# bind read-write (mount(2) and the new mount API); revealing what lies under a mount;
# symlink races on mount destinations inside a writable tree.

# shellcheck disable=SC2030,SC2031 # CLEANUP: per test, read back by teardown

load ../lib/helpers
load security

setup_file() {
	security_setup_file
	# Host directories next to the cwd, never bound in by default.
	export OUTSIDE=$BATS_FILE_TMPDIR/outside
	mkdir -p "$OUTSIDE"
	echo outside-secret >"$OUTSIDE/secret"
}

setup() {
	security_setup
	CLEANUP=()
}

teardown() {
	local f
	for f in "${CLEANUP[@]}"; do
		rm -rf "$f"
	done
}

# mode, owner and the list of names in DIR: what the host sees of it.
host_view() {
	stat -c '%a %U' "$1"
	ls -A "$1"
}

# --- host paths not bound in -------------------------------------------------------------

@test "a host directory next to the cwd can be neither read nor written" {
	local before
	before=$(host_view "$OUTSIDE")
	sandbox_probe -- read "$OUTSIDE/secret"
	assert_blocked ENOENT
	sandbox_probe -- read ../outside/secret
	assert_blocked ENOENT
	sandbox_probe -- write "$OUTSIDE/new"
	assert_blocked ENOENT
	run "$SBX" sh -c "mkdir -p '$OUTSIDE' && echo x >'$OUTSIDE/new' && cat '$OUTSIDE/secret'"
	[ "$status" != 0 ]
	[[ "$output" != *outside-secret* ]]
	[ "$(host_view "$OUTSIDE")" = "$before" ]
	# Bound in, it is readable and writable: the probe can tell.
	sandbox_probe --bind "$OUTSIDE" "$OUTSIDE" -- read "$OUTSIDE/secret"
	assert_allowed
	sandbox_probe --bind "$OUTSIDE" "$OUTSIDE" -- write "$OUTSIDE/new"
	assert_allowed
	[ -e "$OUTSIDE/new" ]
	rm -f "$OUTSIDE/new"
}

@test "the host's \$HOME is neither readable nor writable (an empty tmpfs)" {
	[ -n "${HOME-}" ] && [ -d "$HOME" ] && [ -w "$HOME" ] || skip "no writable \$HOME"
	[[ "$PWD/" != "$HOME/"* ]] || skip "the cwd lies in \$HOME: it is bound in on purpose"
	local mine=$HOME/.sbx-security-$$-$RANDOM theirs=$HOME/.sbx-security-in-$$-$RANDOM
	CLEANUP+=("$mine" "$theirs")
	echo home-secret >"$mine"
	sandbox_probe -- read "$mine"
	assert_blocked ENOENT
	# Writing to $HOME inside works, on the tmpfs: nothing reaches the host.
	sandbox_probe -- write "$theirs"
	assert_allowed
	[ ! -e "$theirs" ]
	run --separate-stderr "$SBX" ls -A "$HOME"
	assert_status 0
	assert_output_eq ""
	# Bound in, it is readable: the probe can tell.
	sandbox_probe --bind "$HOME" "$HOME" -- read "$mine"
	assert_allowed
}

@test "the host's /tmp is not visible" {
	local f
	f=$(mktemp /tmp/sbx-security.XXXXXX)
	CLEANUP+=("$f")
	sandbox_probe -- read "$f"
	assert_blocked ENOENT
	run --separate-stderr "$SBX" ls -A /tmp
	assert_status 0
	[[ "$output" != *"${f#/tmp/}"* ]]
	# Bound in, it is there: the probe can tell.
	sandbox_probe --ro-bind "$f" "$f" -- read "$f"
	assert_allowed
}

# --- read-only binds -----------------------------------------------------------------------

# A directory of the user's own, bound read-only: the filesystem itself would let them
# write, so only the read-only mount stands in the way.
make_rodir() {
	RODIR=$BATS_TEST_TMPDIR/rodir
	mkdir -p "$RODIR"
	echo ro >"$RODIR/file"
}

@test "a read-only bind cannot be remounted read-write with mount(2)" {
	make_rodir
	run --separate-stderr "$SBX" --ro-bind "$RODIR" /ro sh -c './probe remount-rw /ro; ./probe write /ro/new'
	assert_status 0
	assert_line_eq -n 0 "blocked EPERM"
	assert_line_eq -n 1 "blocked EROFS"
	[ ! -e "$RODIR/new" ]
	sandbox_probe -- remount-rw /usr
	assert_blocked EPERM
	# Each protection alone holds: the filter ...
	sandbox_probe --cap-add ALL --ro-bind "$RODIR" /ro -- remount-rw /ro
	assert_blocked EPERM
	# ... and the empty capability sets.
	sandbox_probe "${NO_FILTER[@]}" --ro-bind "$RODIR" /ro -- remount-rw /ro
	assert_blocked EPERM
	# Without both, the remount works and the host directory gets written: the test can
	# fail.
	run --separate-stderr "$SBX" "${NO_FILTER_ALL_CAPS[@]}" --ro-bind "$RODIR" /ro sh -c './probe remount-rw /ro; ./probe write /ro/new'
	assert_status 0
	assert_line_eq -n 0 allowed
	assert_line_eq -n 1 allowed
	[ -e "$RODIR/new" ]
}

@test "a read-only bind cannot be made read-write with mount_setattr" {
	make_rodir
	run --separate-stderr "$SBX" --ro-bind "$RODIR" /ro sh -c './probe mount_setattr /ro; ./probe write /ro/new'
	assert_status 0
	assert_line_eq -n 0 "blocked EPERM"
	assert_line_eq -n 1 "blocked EROFS"
	[ ! -e "$RODIR/new" ]
	sandbox_probe -- mount_setattr /usr
	assert_blocked EPERM
	sandbox_probe --cap-add ALL -- mount_setattr /usr
	assert_blocked EPERM
	run --separate-stderr "$SBX" "${NO_FILTER_ALL_CAPS[@]}" --ro-bind "$RODIR" /ro sh -c './probe mount_setattr /ro; ./probe write /ro/new'
	assert_status 0
	assert_line_eq -n 0 allowed
	assert_line_eq -n 1 allowed
	[ -e "$RODIR/new" ]
}

@test "mount(2) of a new filesystem is refused" {
	sandbox_probe -- mount /tmp
	assert_blocked EPERM
	sandbox_probe --cap-add ALL -- mount /tmp
	assert_blocked EPERM
	sandbox_probe "${NO_FILTER[@]}" -- mount /tmp
	assert_blocked EPERM
	# Landlock alone holds too, where the kernel has it (--check).
	if "$SBX" --check 2>/dev/null | grep -q '^ok *landlock: ABI'; then
		sandbox_probe --seccomp none --cap-add ALL -- mount /tmp
		assert_blocked EPERM
	fi
	sandbox_probe "${NO_FILTER_ALL_CAPS[@]}" -- mount /tmp
	assert_allowed
}

@test "the new mount API is refused: fsopen, open_tree, move_mount" {
	local sub
	for sub in fsopen open_tree move_mount; do
		sandbox_probe -- "$sub"
		assert_blocked EPERM
		sandbox_probe --cap-add ALL -- "$sub"
		assert_blocked EPERM
		sandbox_probe -- "$sub"
		assert_changes_without "${NO_FILTER_ALL_CAPS[@]}" -- "$sub"
		assert_allowed
	done
}

@test "pivot_root is refused" {
	sandbox_probe -- pivot_root
	assert_blocked EPERM
	sandbox_probe --cap-add ALL -- pivot_root
	assert_blocked EPERM
	# Past the filter and with CAP_SYS_ADMIN the kernel looks at the arguments.
	sandbox_probe -- pivot_root
	assert_changes_without "${NO_FILTER_ALL_CAPS[@]}" -- pivot_root
}

# --- what lies under a mount -----------------------------------------------------------------

@test "umount cannot reveal what lies under a mount" {
	# A host directory bound in, with a tmpfs over a part of it, hiding a secret.
	local hidden=$BATS_TEST_TMPDIR/hidden
	mkdir -p "$hidden/sub"
	echo under-the-tmpfs >"$hidden/sub/secret"
	run --separate-stderr "$SBX" --ro-bind "$hidden" /h --tmpfs /h/sub sh -c './probe umount /h/sub; cat /h/sub/secret'
	assert_line_eq -n 0 "blocked EPERM"
	[[ "$output" != *under-the-tmpfs* ]]
	for m in /proc /tmp /usr /; do
		sandbox_probe -- umount "$m"
		assert_blocked EPERM
	done
	sandbox_probe --cap-add ALL -- umount /proc
	assert_blocked EPERM
	# Without the filter and with CAP_SYS_ADMIN the secret shows: the test can fail.
	run --separate-stderr "$SBX" "${NO_FILTER_ALL_CAPS[@]}" --ro-bind "$hidden" /h --tmpfs /h/sub sh -c './probe umount /h/sub; cat /h/sub/secret'
	assert_line_eq -n 0 allowed
	assert_line_eq -n 1 under-the-tmpfs
}

# --- symlinks on mount destinations ------------------------------------------------------------

# A source directory to mount, and links in the writable cwd (as a previous sandboxed run
# could have left them) to $OUTSIDE, a host directory not bound in.
make_links() {
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC"
	echo from-src >"$SRC/mark"
	rm -rf "$PWD/links"
	mkdir -p "$PWD/links/real"
	ln -s "$OUTSIDE" "$PWD/links/abs"
	ln -s ../../outside "$PWD/links/rel"
	[ "$(cat "$PWD/links/rel/secret")" = outside-secret ]
}

@test "a mount destination whose last component is a symlink is refused" {
	make_links
	local before link
	before=$(host_view "$OUTSIDE")
	for link in "$PWD/links/abs" "$PWD/links/rel"; do
		run "$SBX" --bind "$SRC" "$link" true
		assert_status 125
		assert_output_contains "symbolic link"
		run "$SBX" --ro-bind "$SRC" "$link" true
		assert_status 125
		run "$SBX" --tmpfs "$link" true
		assert_status 125
		run "$SBX" --proc "$link" true
		assert_status 125
	done
	[ "$(host_view "$OUTSIDE")" = "$before" ]
	# A plain directory is a fine destination: the refusal is the symlink's.
	run --separate-stderr "$SBX" --bind "$SRC" "$PWD/links/real" cat "$PWD/links/real/mark"
	assert_status 0
	assert_output_eq from-src
}

# The options that create something at their destination, all through "$1/evil-*".
through_link() {
	local link=$1
	shift
	run --separate-stderr "$SBX" "$@" --bind "$SRC" "$link/evil-mnt" --dir "$link/evil-dir" --tmpfs "$link/evil-tmpfs" \
		--symlink /etc "$link/evil-link" --file 5 "$link/evil-file" \
		sh -c "cat '$OUTSIDE/evil-mnt/mark'; ls -A '$OUTSIDE'" 5<<<data
}

@test "a symlink inside a mount destination never leads to the host" {
	make_links
	local before link
	before=$(host_view "$OUTSIDE")
	for link in "$PWD/links/abs" "$PWD/links/rel"; do
		# In the new root the link's target does not exist: sbx may refuse (125) or
		# create it there, but nothing may appear on the host.
		through_link "$link"
		[ "$status" = 0 ] || assert_status 125
		[[ "$output" != *secret* ]]
		[ "$(host_view "$OUTSIDE")" = "$before" ]
	done
	# --chmod through the link neither: the host directory keeps its mode.
	run "$SBX" --chmod 0777 "$PWD/links/abs/." true
	[ "$(host_view "$OUTSIDE")" = "$before" ]
	run "$SBX" --chmod 0777 "$PWD/links/abs" true
	[ "$(host_view "$OUTSIDE")" = "$before" ]
	# Through a plain directory of the cwd the same options do reach the host (the cwd
	# is bound read-write): the checks above can see a write.
	run "$SBX" --dir "$PWD/links/real/evil-dir" --file 5 "$PWD/links/real/evil-file" true 5<<<data
	assert_status 0
	[ -d "$PWD/links/real/evil-dir" ]
	[ -f "$PWD/links/real/evil-file" ]
}

@test "a symlink inside a mount destination resolves in the sandbox's root" {
	make_links
	local before link
	before=$(host_view "$OUTSIDE")
	for link in "$PWD/links/abs" "$PWD/links/rel"; do
		# With $OUTSIDE made in the sandbox first, the link leads there: the mounts and
		# files land in the sandbox's own directory, and the host's is untouched.
		through_link "$link" --dir "$OUTSIDE"
		assert_status 0
		assert_line_eq -n 0 from-src
		assert_line_eq evil-dir
		assert_line_eq evil-file
		assert_line_eq evil-link
		[[ "$output" != *secret* ]]
		[ "$(host_view "$OUTSIDE")" = "$before" ]
	done
}

@test "swapping a mount destination between a directory and a symlink never leads to the host" {
	make_links
	local before swapper runs=0
	before=$(host_view "$OUTSIDE")
	mkdir "$PWD/links/race"
	ln -s "$OUTSIDE" "$PWD/links/race.other"
	# On the host, links/race flips between the directory and the symlink to $OUTSIDE
	# while sandboxes mount on and under it.
	# 5 s: enough runs also for the slower sanitizer build (make check-asan).
	./probe swap-loop links/race links/race.other 5 >"$BATS_TEST_TMPDIR/swap" 2>&1 </dev/null 3>&- &
	swapper=$!
	while kill -0 "$swapper" 2>/dev/null; do
		"$SBX" --bind "$SRC" "$PWD/links/race/evil-mnt" --dir "$PWD/links/race/evil-dir" \
			--file 5 "$PWD/links/race/evil-file" --tmpfs "$PWD/links/race/evil-tmpfs" \
			true 5<<<data >/dev/null 2>&1 || true
		"$SBX" --bind "$SRC" "$PWD/links/race" true >/dev/null 2>&1 || true
		runs=$((runs + 1))
	done
	wait "$swapper"
	grep -q '^swapped [1-9]' "$BATS_TEST_TMPDIR/swap"
	[ "$runs" -ge 5 ]
	[ "$(host_view "$OUTSIDE")" = "$before" ]
}
