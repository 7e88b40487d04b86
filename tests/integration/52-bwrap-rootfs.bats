#!/usr/bin/env bats
# The new root in bwrap mode (--bare, or sbx invoked as bwrap) built as bubblewrap builds it:
# its /proc without a PID namespace, its messages, the modes of what it creates, and what it
# stages when the new root is the host's own /. Run as the unprivileged test user.

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	bb=$SBX_ROOTFS/bin
}

# mount_opts MOUNTINFO PATH: the per-mount options of the mount at PATH (the last one there).
mount_opts() {
	awk -v p="$2" '$5 == p { o = $6 } END { print o }' "$1"
}

# ---- /proc ----------------------------------------------------------------------------

@test "--bare --proc without --unshare-pid binds the caller's /proc: its processes, its namespace" {
	run sbx_t --bare --ro-bind "$bb" /bin --proc /proc /bin/sh -c \
		'test -d "/proc/$1" && echo sees-caller; readlink /proc/self/ns/pid' sh "$$"
	assert_status 0
	assert_line_eq sees-caller
	assert_line_eq "$(readlink /proc/self/ns/pid)"
}

@test "--bare --proc without --unshare-pid: nosuid, nodev, noexec; sys, irq, bus read-only" {
	run sbx_t --bare --ro-bind "$bb" /bin --proc /proc /bin/cat /proc/self/mountinfo
	assert_status 0
	printf '%s\n' "$output" >mountinfo
	local p o
	for p in /proc /proc/sys /proc/irq /proc/bus; do
		[ -e "/proc/${p#/proc}" ] || continue
		o=$(mount_opts mountinfo "$p")
		echo "$p: $o"
		[[ ",$o," == *,nosuid,* && ",$o," == *,nodev,* && ",$o," == *,noexec,* ]]
		[ "$p" = /proc ] || [[ "$o" == ro,* ]]
	done
	[[ "$(mount_opts mountinfo /proc)" == rw,* ]]
}

@test "--bare --proc without --unshare-pid: writing /proc/sys fails on the read-only mount" {
	run sbx_t --bare --uid 0 --ro-bind "$bb" /bin --proc /proc /bin/sh -c \
		'echo 1 >/proc/sys/kernel/ns_last_pid'
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
}

@test "--bare --unshare-pid --proc still mounts a procfs of its own" {
	run sbx_t --bare --unshare-pid --ro-bind "$bb" /bin --proc /proc /bin/sh -c \
		'test -d "/proc/$1" || echo caller-hidden; ls /proc | grep -c "^[0-9]"' sh "$$"
	assert_status 0
	assert_line_eq caller-hidden
}

# ---- messages -------------------------------------------------------------------------

@test "a conflicting --symlink fails with bubblewrap's message naming the existing target (status 1 in bare mode)" {
	run sbx_t --bare --ro-bind "$bb" /bin --symlink /t /lnk --symlink /other /lnk /bin/true
	assert_status 1
	assert_output_contains "Can't make symlink at /lnk: existing destination is /t"
	run sbx_t --bare --ro-bind "$bb" /bin --dir /d --symlink /other /d /bin/true
	assert_status 1
	assert_output_contains "Can't make symlink at /d: destination exists and is not a symlink"
}

@test "bwrap mode: a missing bind source says bubblewrap's 'Can't find source path'" {
	ln -s "$SBX" bwrap
	run --separate-stderr sbx_t --bare --ro-bind "$bb" /bin --bind /source-enoent /dest /bin/true
	assert_status 1
	[[ "$stderr" == *"Can't find source path /source-enoent: No such file or directory" ]]
	run --separate-stderr timeout -k 5 20 ./bwrap --ro-bind "$bb" /bin \
		--bind /source-enoent /dest /bin/true
	assert_status 1
	# The message alone, as bubblewrap's: no step name between the prefix and it.
	[ "$stderr" = "bwrap: Can't find source path /source-enoent: No such file or directory" ]
}

@test "sbx's own mode keeps its message for a missing bind source" {
	run sbx_t --bind /source-enoent /dest true
	assert_status 125
	assert_output_contains "bind /source-enoent on /dest: source /source-enoent"
}

# ---- modes of what is created -----------------------------------------------------------

@test "--bare: a file made as a bind mount point is 0444, a directory 0755" {
	mkdir w src-dir
	touch src-file
	run sbx_t --bare --ro-bind "$bb" /bin --bind "$PWD/w" /w --bind "$PWD/src-dir" /w/d \
		--bind "$PWD/src-file" /w/f /bin/true
	assert_status 0
	[ "$(stat -c %a w/f)" = 444 ]
	[ "$(stat -c %a w/d)" = 755 ]
}

@test "--bare --perms M --dir leaves a directory that exists as it is, and makes a new one M" {
	mkdir w w/old
	chmod 0710 w/old
	run sbx_t --bare --ro-bind "$bb" /bin --bind "$PWD/w" /w --perms 0741 --dir /w/old \
		--perms 1741 --dir /w/new /bin/true
	assert_status 0
	[ "$(stat -c %a w/old)" = 710 ]
	[ "$(stat -c %a w/new)" = 1741 ]
}

@test "--bare: the parents made for a destination take bubblewrap's modes from --perms" {
	mkdir w
	run sbx_t --bare --ro-bind "$bb" /bin --bind "$PWD/w" /w --dir /w/p/d \
		--perms 0640 --dir /w/p0640/d --perms 0604 --dir /w/p0604/d \
		--perms 0000 --dir /w/p0000/d --perms 1777 --dir /w/p1777/d /bin/true
	assert_status 0
	[ "$(stat -c %a w/p)" = 755 ]
	[ "$(stat -c %a w/p0640)" = 750 ]
	[ "$(stat -c %a w/p0604)" = 705 ]
	[ "$(stat -c %a w/p0000)" = 700 ]
	[ "$(stat -c %a w/p1777)" = 755 ]
	chmod -R u+rwx w
}

@test "--bare builds the root under umask 0: the caller's umask 077 changes no mode" {
	mkdir w
	run bash -c 'umask 077; exec "$@"' sh timeout -k 5 20 "$SBX" --bare --ro-bind "$bb" /bin \
		--bind "$PWD/w" /w --dir /w/a/b /bin/sh -c 'umask'
	assert_status 0
	[ "$(stat -c %a w/a)" = 755 ]
	[ "$(stat -c %a w/a/b)" = 755 ]
	assert_output_eq 0077
}

@test "sbx's own mode: --perms 0700 --dir on an existing directory still sets its mode" {
	mkdir w w/old
	chmod 0755 w/old
	run sbx_t --bind "$PWD/w" /w --perms 0700 --dir /w/old true
	assert_status 0
	[ "$(stat -c %a w/old)" = 700 ]
}

# ---- staging outside the new root -------------------------------------------------------

@test "--bind / /: --bind-data and --ro-bind-data work (0600, or --perms), leaving nothing in /" {
	local before
	before=$(ls -A /)
	echo data >somefile
	run sbx_t --bare --bind / / --tmpfs /tmp --bind-data 3 /tmp/rw --perms 0640 \
		--ro-bind-data 4 /tmp/ro /bin/sh -c \
		'cat /tmp/rw /tmp/ro; stat -c %a /tmp/rw /tmp/ro; ls -A / >/tmp/ls; echo x >>/tmp/ro
		 cat /tmp/ls' 3<somefile 4<somefile
	assert_line_eq data
	assert_line_eq 600
	assert_line_eq 640
	assert_output_contains "Read-only file system"
	[ "$(ls -A /)" = "$before" ]
	[[ "$output" != *.sbx-* ]]
}

@test "--bind / /: --tmp-overlay works, its upper layer in memory, nothing left on the host" {
	local before
	before=$(ls -A /)
	mkdir lower
	echo 1 >lower/a
	run sbx_t --bare --bind / / --tmpfs /tmp --overlay-src "$PWD/lower" --tmp-overlay /tmp/x \
		/bin/sh -c 'cat /tmp/x/a; echo 2 >/tmp/x/a; cat /tmp/x/a; ls -A /'
	assert_status 0
	assert_line_eq 1
	assert_line_eq 2
	[ "$(cat lower/a)" = 1 ]
	[ "$(ls -A /)" = "$before" ]
	[[ "$output" != *.sbx-* ]]
}

@test "sbx's own mode: --bind-data and --tmp-overlay stage nothing in the new root" {
	echo data >somefile
	mkdir lower
	run sbx_t --bind-data 3 /bd --overlay-src "$PWD/lower" --tmp-overlay /ov ls -A / 3<somefile
	assert_status 0
	[[ "$output" != *.sbx-* ]]
	assert_line_eq bd
	assert_line_eq ov
}
