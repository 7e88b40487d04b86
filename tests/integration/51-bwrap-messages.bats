#!/usr/bin/env bats
# sbx invoked as bwrap speaks as bubblewrap: its messages begin "bwrap: ", which bubblewrap's
# clients and test suite match (tests/compat/ runs that suite; its test-run.sh stops before
# these checks while "Help works" fails there). Run as the unprivileged test user.

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	ln -s "$SBX" bwrap
	bb=$SBX_ROOTFS/bin
}

@test "invoked as bwrap, sbx's error begins with bwrap: (as bubblewrap's)" {
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--bind "$BATS_TEST_TMPDIR/no-such-source" /x /bin/true
	assert_status 125
	[[ "$stderr" == "bwrap: "*"no-such-source"* ]]
	[ "${#stderr_lines[@]}" = 1 ]
}

@test "invoked as bwrap, a warning is 'bwrap: MESSAGE', and <4>bwrap: with --level-prefix" {
	run --separate-stderr timeout -k 5 20 ./bwrap --seccomp none --ro-bind "$bb" /bin /bin/true
	assert_status 0
	[ "$stderr" = "bwrap: --seccomp none: running without a seccomp filter" ]
	run --separate-stderr timeout -k 5 20 ./bwrap --level-prefix --seccomp none \
		--ro-bind "$bb" /bin /bin/true
	assert_status 0
	[ "$stderr" = "<4>bwrap: --seccomp none: running without a seccomp filter" ]
}

@test "invoked as bwrap, --level-prefix marks an error <3>bwrap:" {
	run --separate-stderr timeout -k 5 20 ./bwrap --level-prefix --ro-bind "$bb" /bin \
		--bind "$BATS_TEST_TMPDIR/no-such-source" /x /bin/true
	assert_status 125
	[[ "$stderr" == "<3>bwrap: "*"no-such-source"* ]]
}

@test "--bare, invoked as sbx, keeps sbx: and its warning: tag" {
	run --separate-stderr sbx_t --bare --seccomp none --ro-bind "$bb" /bin /bin/true
	assert_status 0
	[ "$stderr" = "sbx: warning: --seccomp none: running without a seccomp filter" ]
	run --separate-stderr sbx_t --bare --ro-bind "$bb" /bin \
		--bind "$BATS_TEST_TMPDIR/no-such-source" /x /bin/true
	assert_status 125
	[[ "$stderr" == "sbx: "*"no-such-source"* ]]
}
