#!/usr/bin/env bats
# sbx invoked as bwrap speaks as bubblewrap: its messages begin "bwrap: ", which bubblewrap's
# clients and test suite match (make check-compat runs that suite; these tests keep the
# messages checked also where the suite is not fetched). Run as the unprivileged test user.

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
	assert_status 1
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
	assert_status 1
	[[ "$stderr" == "<3>bwrap: "*"no-such-source"* ]]
}

@test "--bare, invoked as sbx, keeps sbx: and its warning: tag" {
	run --separate-stderr sbx_t --bare --seccomp none --ro-bind "$bb" /bin /bin/true
	assert_status 0
	[ "$stderr" = "sbx: warning: --seccomp none: running without a seccomp filter" ]
	run --separate-stderr sbx_t --bare --ro-bind "$bb" /bin \
		--bind "$BATS_TEST_TMPDIR/no-such-source" /x /bin/true
	assert_status 1
	[[ "$stderr" == "sbx: "*"no-such-source"* ]]
}

@test "invoked as bwrap, --help begins with bubblewrap's usage line and exits 0" {
	run --separate-stderr timeout -k 5 20 ./bwrap --help
	assert_status 0
	[ "${lines[0]}" = "usage: ./bwrap [OPTIONS...] [--] COMMAND [ARGS...]" ]
	[[ "$output" == *"--ro-bind SRC DEST"* ]]
}

@test "a modifier must come right before its option, once (as bubblewrap)" {
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--perms 0640 --perms 0640 --tmpfs /tmp /bin/true
	assert_status 1
	[ "$stderr" = "bwrap: --perms given twice for the same action" ]
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--size 1M --size 1M --tmpfs /tmp /bin/true
	[ "$stderr" = "bwrap: --size given twice for the same action" ]
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--size 9223372036854775809 --tmpfs /tmp /bin/true
	assert_status 1
	[[ "$stderr" == "bwrap: --size: 9223372036854775809 is too large"* ]]
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--overlay-src /bin --chdir / /bin/true
	assert_status 1
	[ "$stderr" = "bwrap: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" ]
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--overlay-src /bin --ro-overlay /x /bin/true
	[ "$stderr" = "bwrap: --ro-overlay requires at least two --overlay-src" ]
	# Both modifiers before the one option they apply to stay fine.
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--size 1M --perms 01777 --tmpfs /tmp /bin/stat -c %a /tmp
	assert_status 0
	[ "$output" = 1777 ]
}

@test "a second --chdir on the command line is warned about; --not-a-security-boundary is accepted" {
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--not-a-security-boundary --chdir / --chdir / /bin/true
	assert_status 0
	[ "$stderr" = "bwrap: Only the last --chdir option will take effect" ]
	run --separate-stderr timeout -k 5 20 ./bwrap --level-prefix --ro-bind "$bb" /bin \
		--chdir / --chdir / /bin/true
	[ "$stderr" = "<4>bwrap: Only the last --chdir option will take effect" ]
}
