#!/usr/bin/env bats
# The working directory (DESIGN.md section 1, "filesystem"; man sbx(1), "THE WORKING
# DIRECTORY"): shared read-write at its path when it is safe to share, else not, with one
# line saying so; --bind-cwd shares it anyway. The attacks on the refused cases are in
# tests/security/45-cwd.bats.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
# shellcheck disable=SC2030,SC2031 # CLEANUP: per test, read back by teardown

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export PWD
	unset XDG_CONFIG_HOME
	CLEANUP=()
}

teardown() {
	local f
	for f in "${CLEANUP[@]}"; do
		rm -rf "$f"
	done
}

# assert_shared DIR: a plain sbx started in DIR is there, writes reach the host, and sbx
# says nothing.
assert_shared() {
	cd "$1"
	run --separate-stderr sbx_t sh -c 'pwd; echo written-inside >cwd-probe'
	assert_status 0
	assert_output_eq "$1"
	[ -z "$stderr" ] || { echo "unexpected stderr: $stderr" >&2 && false; }
	[ "$(cat "$1/cwd-probe")" = written-inside ]
}

@test "a project directory under \$HOME is shared read-write" {
	local dir=$HOME/sbx-cwd-proj-$$-$RANDOM
	CLEANUP+=("$dir")
	mkdir -p "$dir/sub"
	assert_shared "$dir"
	assert_shared "$dir/sub"
}

@test "a directory of the user's own under /tmp is shared read-write" {
	local dir
	dir=$(mktemp -d /tmp/sbx-cwd-XXXXXX)
	CLEANUP+=("$dir")
	assert_shared "$dir"
	# bats' own directory for this test is one too.
	assert_shared "$BATS_TEST_TMPDIR"
}

@test "a refused cwd: one line names it, why, and --bind-cwd; the sandbox starts in \$HOME" {
	cd "$HOME"
	run --separate-stderr sbx_t sh -c 'pwd; echo "$PWD"; ls -A'
	assert_status 0
	assert_output_eq "$HOME
$HOME"
	[ "${#stderr_lines[@]}" = 1 ]
	[ "$stderr" = "sbx: warning: the current directory $HOME is not shared: it is \$HOME. The sandbox starts in \$HOME; --bind-cwd shares it anyway." ]
	# With --chdir, the sandbox starts there and the line does not say otherwise.
	run --separate-stderr sbx_t --chdir / pwd
	assert_output_eq /
	[ "$stderr" = "sbx: warning: the current directory $HOME is not shared: it is \$HOME. --bind-cwd shares it anyway." ]
}

@test "--bind-cwd still shares a refused cwd" {
	local probe=$HOME/sbx-cwd-bind-cwd-$$
	CLEANUP+=("$probe")
	cd "$HOME"
	run --separate-stderr sbx_t --bind-cwd sh -c 'pwd; echo in >"$0"' "$probe"
	assert_status 0
	assert_output_eq "$HOME"
	[ -z "$stderr" ]
	[ "$(cat "$probe")" = in ]
}

@test "a system directory the user does not own is not shared, but seen where the profile binds it" {
	cd /usr/share
	run --separate-stderr sbx_t sh -c 'pwd; touch x 2>/dev/null || echo read-only'
	assert_status 0
	assert_output_eq "/usr/share
read-only"
	[ -z "$stderr" ]
}

@test "bwrap mode binds no cwd and says nothing about it" {
	cd "$HOME"
	run --separate-stderr sbx_t --bare --dry-run true
	assert_status 0
	[ -z "$stderr" ]
	[[ "$output" != *"bind $HOME"* ]]
}

@test "-v and --dry-run name the profile files read; a user's default is read only by name" {
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	local mine=$XDG_CONFIG_HOME/sbx/profiles/default.profile
	run --separate-stderr sbx_t --dry-run true
	assert_status 0
	assert_line_eq "# profile: built-in profile default"
	run --separate-stderr sbx_t -v true
	assert_status 0
	[[ "$stderr" == *"profile: built-in profile default"* ]]
	mkdir -p "${mine%/*}"
	printf 'include default\nhostname mine\n' >"$mine"
	run --separate-stderr sbx_t --dry-run true
	assert_line_eq "# profile: built-in profile default (not $mine: read only with --profile default)"
	[[ "$output" != *"hostname mine"* ]]
	run --separate-stderr sbx_t --profile default --dry-run true
	assert_line_eq "# profile: $mine"
	assert_line_eq "# profile: built-in profile default (not $mine: read only with --profile default)"
	assert_line_eq "hostname mine"
}

@test "a relative bind source through a symlink: one line names the link and its target" {
	mkdir -p real/sub
	ln -s real link
	run --separate-stderr sbx_t --ro-bind link/sub /x true
	assert_status 0
	[ "$stderr" = "sbx: warning: the bind source link/sub passes through the symlink link -> real" ]
	run --separate-stderr sbx_t --ro-bind real/sub /x true
	[ -z "$stderr" ]
}

@test "a --chdir target through a symlink: one line names the link and its target" {
	mkdir -p real
	ln -s "$PWD/real" link
	run --separate-stderr sbx_t --chdir "$PWD/link" pwd
	assert_status 0
	assert_output_eq "$PWD/real"
	[ "$stderr" = "sbx: warning: --chdir $PWD/link passes through the symlink $PWD/link -> $PWD/real" ]
	run --separate-stderr sbx_t --chdir "$PWD/real" pwd
	[ -z "$stderr" ]
}
