#!/usr/bin/env bats
# The harness itself: a sandbox test run as root would prove nothing.

load ../lib/helpers

@test "tests run as an unprivileged user" {
	[ "$(id -u)" != 0 ]
}

@test "\$SBX is executable and neither setuid nor setgid" {
	[ -x "$SBX" ]
	[ ! -u "$SBX" ]
	[ ! -g "$SBX" ]
}

@test "the busybox test rootfs is there" {
	[ -x "$SBX_ROOTFS/bin/busybox" ]
	[ -L "$SBX_ROOTFS/bin/sh" ]
}
