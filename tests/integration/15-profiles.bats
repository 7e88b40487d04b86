#!/usr/bin/env bats
# Profiles (DESIGN.md section 1, "Profiles"; man sbx.profile(5)): files of options without
# the dashes, found by name or path, applied before the command line; --dry-run prints the
# resolved configuration as a profile that gives the same sandbox; -v traces the steps.

load ../lib/helpers

setup() {
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	mkdir -p "$XDG_CONFIG_HOME/sbx/profiles"
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "--profile build: no network, the cwd writable, a new session" {
	run sbx_t --profile build sh -c 'ls /sys/class/net; touch made; ps -o sid= -p $$; echo $$'
	assert_status 0
	assert_line_eq -n 0 lo
	[ -e made ]
	# a new session: the shell leads it
	[ "$(echo ${lines[1]})" = "$(echo ${lines[2]})" ]
}

@test "a profile in \$XDG_CONFIG_HOME/sbx/profiles is found by name, and options mean the same" {
	cat >"$XDG_CONFIG_HOME/sbx/profiles/mine.profile" <<'P'
# a comment, then options without their dashes
include default
hostname from-profile
setenv GREETING "hello world"   # quoting keeps the blank
P
	run sbx_t --profile mine sh -c 'hostname; echo "$GREETING"'
	assert_status 0
	assert_output_eq "from-profile
hello world"
}

@test "a profile by path works; the command line is applied after it" {
	printf 'include default\nhostname from-file\n' >p.profile
	run sbx_t --profile ./p.profile --hostname from-cli hostname
	assert_status 0
	assert_output_eq from-cli
}

@test "a user profile named like a built-in one replaces it" {
	printf 'include shell\nhostname mine\n' >"$XDG_CONFIG_HOME/sbx/profiles/build.profile"
	run sbx_t --profile build hostname
	assert_status 0
	assert_output_eq mine
}

@test "an unknown option in a profile fails with 125, naming file and line" {
	printf 'include default\n\nfrobnicate yes\n' >bad.profile
	run sbx_t --profile ./bad.profile true
	assert_status 125
	assert_output_contains "bad.profile:3"
	assert_output_contains frobnicate
}

@test "a missing argument in a profile fails with 125, naming file and line" {
	printf 'bind /usr\n' >bad.profile
	run sbx_t --profile ./bad.profile true
	assert_status 125
	assert_output_contains "bad.profile:1"
	assert_output_contains "takes 2 arguments"
}

@test "an include loop fails with 125 and says so" {
	printf 'include %s/b.profile\n' "$PWD" >a.profile
	printf 'include %s/a.profile\n' "$PWD" >b.profile
	run sbx_t --profile ./a.profile true
	assert_status 125
	assert_output_contains "include"
}

@test "an unreadable profile fails with 125, naming the file" {
	printf 'include default\n' >secret.profile
	chmod 000 secret.profile
	run sbx_t --profile ./secret.profile true
	assert_status 125
	assert_output_contains "secret.profile"
	assert_output_contains "Permission denied"
}

@test "a profile that does not exist fails with 125 and lists where it looked" {
	run sbx_t --profile nosuch true
	assert_status 125
	assert_output_contains "profile 'nosuch' not found"
	assert_output_contains "$XDG_CONFIG_HOME/sbx/profiles"
}

@test "--dry-run output read back with --profile gives the same configuration" {
	run sbx_t --dry-run --hostname rt --memory 1G --pids 50 --setenv A "b c" \
		--ro-bind /usr /x --tmpfs /scratch --rlimit NOFILE=64 --cap-add NET_ADMIN
	assert_status 0
	printf '%s\n' "$output" >round.profile
	run sbx_t --profile ./round.profile --dry-run
	assert_status 0
	diff <(grep -v '^#' round.profile) <(printf '%s\n' "$output" | grep -v '^#')
}

@test "--dry-run runs nothing" {
	run sbx_t --dry-run touch should-not-exist
	assert_status 0
	[ ! -e should-not-exist ]
}

@test "-v traces each setup step with its duration in microseconds" {
	run sbx_t -v true
	assert_status 0
	assert_output_contains "rootfs: "
	assert_output_contains "seccomp: "
	[[ "$output" =~ clone:\ [0-9]+\ us ]]
}
