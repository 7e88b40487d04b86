#!/usr/bin/env bats
# bubblewrap's mount options (DESIGN.md section 1, "bubblewrap vocabulary"), applied in the
# order given on top of the default profile, and the safety of mount destinations
# (DESIGN.md section 3). Every test runs the real binary as the unprivileged test user.

load ../lib/helpers

setup() {
	# $work is not in the sandbox (the sandbox's /tmp is its own tmpfs); only the working
	# directory $work/cwd is bound in, read-write at the same path.
	work=$BATS_TEST_TMPDIR
	mkdir -p "$work/cwd" "$work/src" "$work/outside"
	echo host-content >"$work/src/in"
	cd "$work/cwd" || return 1
}

# ---- binds ----------------------------------------------------------------------------

@test "--bind SRC DEST: writes inside land in SRC on the host" {
	run sbx_t --bind "$work/src" /data sh -c 'cat /data/in && echo from-sandbox >/data/out'
	assert_status 0
	assert_output_eq host-content
	[ "$(cat "$work/src/out")" = from-sandbox ]
}

@test "--ro-bind makes the target read-only and keeps it readable" {
	run sbx_t --ro-bind "$work/src" /data sh -c \
		'cat /data/in; touch /data/new; echo "touch=$?"; echo x >>/data/in; echo "append=$?"'
	assert_line_eq host-content
	assert_output_contains "Read-only file system"
	assert_line_eq "touch=1"
	assert_line_eq "append=2"
	[ ! -e "$work/src/new" ]
	[ "$(cat "$work/src/in")" = host-content ]
}

@test "--ro-bind is recursive: submounts come along, read-only too" {
	mkdir -p src/sub
	# An outer sandbox puts a writable tmpfs on src/sub; an sbx run inside it (--bare,
	# busybox on /bin) binds src read-only on /e: the tmpfs must show under /e/sub, and be
	# read-only there. The outer one needs no seccomp filter, or the inner could not mount.
	run sbx_t --seccomp none --ro-bind "$SBX" /run/sbx --ro-bind "$SBX_ROOTFS/bin" /run/bb \
		--tmpfs "$PWD/src/sub" sh -c '
		echo in-submount >src/sub/f || exit 3
		/run/sbx --bare --ro-bind /run/bb /bin /bin/true || exit 99
		/run/sbx --bare --ro-bind /run/bb /bin --ro-bind "$PWD/src" /e \
			/bin/sh -c "cat /e/sub/f; touch /e/sub/g; echo touch=\$?"'
	[ "$status" != 99 ] || skip "sbx cannot run nested inside sbx here"
	assert_status 0
	assert_line_eq in-submount
	assert_output_contains "Read-only file system"
	assert_line_eq "touch=1"
	[ ! -e src/sub/f ] # the submount was the outer sandbox's own
}

@test "--ro-bind /tmp DEST shows the host's /tmp" {
	# sbx builds the new root on a tmpfs mounted over /tmp; a bind of /tmp (or of /) must
	# still show the host's /tmp, not that tmpfs.
	[[ "$work" == /tmp/* ]] || skip "the test directory is not under /tmp"
	run sbx_t --ro-bind /tmp /hosttmp cat "/hosttmp${work#/tmp}/src/in"
	assert_status 0
	assert_output_eq host-content
}

@test "--ro-bind-fd FD DEST binds the directory open as FD, read-only" {
	exec 9<"$work/src"
	run sbx_t --ro-bind-fd 9 /from-fd sh -c 'cat /from-fd/in; touch /from-fd/x'
	exec 9<&-
	assert_output_contains host-content
	assert_output_contains "Read-only file system"
	[ ! -e "$work/src/x" ]
}

@test "--bind-fd FD DEST binds the directory open as FD, writable" {
	exec 9<"$work/src"
	run sbx_t --bind-fd 9 /from-fd sh -c 'echo new >/from-fd/made'
	exec 9<&-
	assert_status 0
	[ "$(cat "$work/src/made")" = new ]
}

@test "--bind-try, --ro-bind-try and --dev-bind-try skip a missing source" {
	run sbx_t --bind-try "$work/missing" /a --ro-bind-try "$work/missing" /b \
		--dev-bind-try "$work/missing" /c \
		sh -c 'for p in /a /b /c; do [ ! -e $p ] || echo "$p exists"; done; echo ran'
	assert_status 0
	assert_output_eq ran
}

@test "--bind-try and --ro-bind-try still bind an existing source" {
	run sbx_t --bind-try "$work/src" /a --ro-bind-try "$work/src" /b \
		sh -c 'cat /b/in; echo w >/a/from-try; touch /b/x'
	assert_line_eq host-content
	assert_output_contains "Read-only file system"
	[ "$(cat "$work/src/from-try")" = w ]
}

@test "--bind with a missing source fails with 125 and names the path" {
	run sbx_t --bind "$work/missing-src" /a true
	assert_status 125
	assert_output_contains "$work/missing-src"
	run sbx_t --ro-bind "$work/missing-ro" /a true
	assert_status 125
	assert_output_contains "$work/missing-ro"
}

@test "--dev-bind keeps a device node usable" {
	run sbx_t --dev-bind /dev/null /x/null \
		sh -c 'test -c /x/null && echo hi >/x/null && wc -c </x/null'
	assert_status 0
	assert_output_eq 0
}

@test "a plain --bind of a device node is nodev" {
	run sbx_t --bind /dev/null /x/null sh -c 'echo hi >/x/null; echo "write=$?"'
	assert_output_contains "Permission denied"
	assert_line_eq "write=2"
}

# ---- tmpfs, dir, symlink, file --------------------------------------------------------

@test "--tmpfs DEST mounts an empty writable tmpfs over DEST" {
	mkdir d
	touch d/hostfile
	run sbx_t --tmpfs "$PWD/d" sh -c 'stat -f -c %T d; stat -c %a d; ls -A d; touch d/new && echo ok'
	assert_status 0
	assert_output_eq "tmpfs
755
ok"
	[ -e d/hostfile ]
	[ ! -e d/new ]
}

@test "--perms 0700 --tmpfs DEST sets the mode of the tmpfs" {
	run sbx_t --perms 0700 --tmpfs /x stat -c %a /x
	assert_status 0
	assert_output_eq 700
}

@test "--size 1M --tmpfs DEST limits the tmpfs to 1 MiB" {
	run sbx_t --size 1M --tmpfs /x sh -c \
		'df -k /x | awk "NR==2 {print \$2}"; head -c 2097152 /dev/zero >/x/f; echo "write=$?"'
	assert_line_eq -n 0 1024
	assert_output_contains "No space left on device"
	assert_line_eq "write=1"
}

@test "--dir DEST creates the directory and its parents (mode 0755)" {
	run sbx_t --dir /d1/d2 sh -c 'test -d /d1/d2 && stat -c %a /d1/d2'
	assert_status 0
	assert_output_eq 755
}

@test "--perms 0700 --dir DEST sets the mode, for that one option only" {
	run sbx_t --perms 0700 --dir /a --dir /b stat -c '%n %a' /a /b
	assert_status 0
	assert_output_eq "/a 700
/b 755"
}

@test "--symlink TARGET DEST creates a symlink" {
	run sbx_t --symlink /some/target /lnk readlink /lnk
	assert_status 0
	assert_output_eq /some/target
}

@test "--symlink accepts an identical existing link and refuses a different one" {
	run sbx_t --symlink /t /lnk --symlink /t /lnk readlink /lnk
	assert_status 0
	assert_output_eq /t
	run sbx_t --symlink /t /lnk --symlink /other /lnk true
	assert_status 125
	assert_output_contains /lnk
}

@test "--remount-ro DEST makes an earlier --bind read-only" {
	run sbx_t --bind "$work/src" /data --remount-ro /data sh -c \
		'cat /data/in; touch /data/new; echo "touch=$?"'
	assert_line_eq host-content
	assert_output_contains "Read-only file system"
	assert_line_eq "touch=1"
	[ ! -e "$work/src/new" ]
}

@test "--chmod 0700 PATH changes the mode of PATH" {
	run sbx_t --dir /q --chmod 0700 /q stat -c %a /q
	assert_status 0
	assert_output_eq 700
}

@test "--file FD DEST copies the contents of FD into a new file" {
	printf 'line one\nline two\n' >somefile
	run sbx_t --file 3 /etc2/x sh -c 'cat /etc2/x' 3<somefile
	assert_status 0
	assert_output_eq "line one
line two"
}

@test "--perms 0640 --file FD DEST sets the file's mode" {
	echo data >somefile
	run sbx_t --perms 0640 --file 3 /f stat -c %a /f 3<somefile
	assert_status 0
	assert_output_eq 640
}

@test "--bind-data FD DEST binds a writable file holding FD's contents" {
	echo payload >somefile
	run sbx_t --bind-data 3 /bd sh -c 'cat /bd; echo more >>/bd && cat /bd' 3<somefile
	assert_status 0
	assert_output_eq "payload
payload
more"
	[ "$(cat somefile)" = payload ]
}

@test "--ro-bind-data FD DEST binds a read-only file holding FD's contents" {
	echo payload >somefile
	run sbx_t --ro-bind-data 3 /rbd sh -c 'cat /rbd; echo x >>/rbd; echo "append=$?"' 3<somefile
	assert_line_eq payload
	assert_output_contains "Read-only file system"
	assert_line_eq "append=2"
}

@test "--bind-data and --ro-bind-data leave no staging file in /" {
	echo payload >somefile
	run sbx_t --bind-data 3 /bd --ro-bind-data 4 /rbd ls -A / 3<somefile 4<somefile
	assert_status 0
	assert_line_eq bd
	assert_line_eq rbd
	[[ "$output" != *.sbx-data* ]] || {
		echo "a staging file is left in /: $output" >&2
		return 1
	}
}

# ---- special filesystems --------------------------------------------------------------

@test "--proc DEST mounts another procfs of the sandbox's pid namespace" {
	run sbx_t --proc /proc2 sh -c "stat -f -c %T /proc2; test -d /proc2/1 && echo has-pid-1; test -e /proc2/$$ || echo no-host-pid"
	assert_status 0
	assert_output_eq "proc
has-pid-1
no-host-pid"
}

@test "--mqueue DEST mounts a POSIX message queue filesystem" {
	run sbx_t --mqueue /mq stat -f -c %T /mq
	assert_status 0
	assert_output_eq mqueue
}

@test "--dev DEST mounts a minimal /dev with usable nodes, pts and shm" {
	run sbx_t --dev /dev2 sh -c 'test -c /dev2/null && echo x >/dev2/null && head -c 4 /dev2/zero | wc -c;
		test -c /dev2/urandom && echo urandom; stat -f -c %T /dev2 /dev2/pts /dev2/shm; readlink /dev2/fd'
	assert_status 0
	assert_output_eq "4
urandom
tmpfs
devpts
tmpfs
/proc/self/fd"
}

# ---- order and option pairing ---------------------------------------------------------

@test "options apply in order: --tmpfs /x --dir /x/a keeps a" {
	run sbx_t --tmpfs /x --dir /x/a ls -A /x
	assert_status 0
	assert_output_eq a
}

@test "options apply in order: --dir /x/a --tmpfs /x hides a" {
	run sbx_t --dir /x/a --tmpfs /x sh -c 'ls -A /x; stat -f -c %T /x'
	assert_status 0
	assert_output_eq tmpfs
}

@test "--perms must be followed by an option that creates a file" {
	run sbx_t --perms 0700 --bind "$work/src" /data true
	assert_status 125
	assert_output_contains --perms
	run sbx_t --perms 0700 true
	assert_status 125
	assert_output_contains --perms
}

@test "--size must be followed by --tmpfs" {
	run sbx_t --size 1M --dir /d true
	assert_status 125
	assert_output_contains --size
	run sbx_t --size 1M true
	assert_status 125
	assert_output_contains --size
}

# ---- safety of destinations -----------------------------------------------------------

@test "a destination that is a symlink is refused, not followed (--bind, --tmpfs, --ro-bind-data)" {
	local before
	before=$(ls -la /etc | md5sum)
	ln -s /etc link
	mkdir somedir
	echo x >somefile
	run sbx_t --bind somedir "$PWD/link" true
	assert_status 125
	assert_output_contains "symbolic link"
	run sbx_t --tmpfs "$PWD/link" true
	assert_status 125
	assert_output_contains "symbolic link"
	run sbx_t --ro-bind-data 3 "$PWD/link" true 3<somefile
	assert_status 125
	assert_output_contains "symbolic link"
	[ "$(readlink link)" = /etc ]
	[ "$(ls -la /etc | md5sum)" = "$before" ]
}

@test "a symlink on the way to a destination resolves inside the sandbox (link to /)" {
	# up -> /: resolved in the new root, up$work/outside/made is the sandbox's own
	# $work/outside/made; resolved on the host it would be the host's directory.
	ln -s / up
	run sbx_t --dir "$PWD/up$work/outside/made" sh -c "test -d '$work/outside/made' && echo inside"
	assert_status 0
	assert_output_eq inside
	[ -z "$(ls -A "$work/outside")" ]
}

@test "a symlink on the way to a destination resolves inside the sandbox (link to a host dir)" {
	ln -s "$work/outside" out
	run sbx_t --dir "$work/outside" --tmpfs "$PWD/out/x" \
		sh -c "stat -f -c %T '$work/outside/x' && touch '$work/outside/x/f' && echo ok"
	assert_status 0
	assert_output_eq "tmpfs
ok"
	[ -z "$(ls -A "$work/outside")" ]
}

@test "a symlink to a host directory the sandbox lacks never leads a mount onto the host" {
	ln -s "$work/outside" out
	run sbx_t --tmpfs "$PWD/out/x" --dir "$PWD/out/y" true
	# Failing is fine, escaping is not: the host directory stays empty.
	[ "$status" = 0 ] || assert_status 125
	[ -z "$(ls -A "$work/outside")" ]
}

@test "the sandbox leaves nothing mounted on the host" {
	local before after
	echo data >somefile
	before=$(cat /proc/self/mountinfo)
	run sbx_t --bind "$work/src" /data --ro-bind "$work/src" "$PWD/ro" --tmpfs "$PWD/t" \
		--proc /proc2 --dev /dev2 --mqueue /mq --bind-data 3 /bd --remount-ro /data \
		true 3<somefile
	assert_status 0
	after=$(cat /proc/self/mountinfo)
	[ "$before" = "$after" ] || {
		diff <(echo "$before") <(echo "$after") >&2
		return 1
	}
}

# ---- overlays ------------------------------------------------------------------------

# make_layers: two lower layers l1 and l2 (l2 given later, so on top), each with a file of
# its own and a file "both" saying which layer it comes from.
make_layers() {
	mkdir -p l1 l2
	echo a >l1/a
	echo l1 >l1/both
	echo b >l2/b
	echo l2 >l2/both
}

@test "--overlay-src L --tmp-overlay DEST: the layer, writable, writes vanish" {
	make_layers
	run sbx_t --overlay-src "$PWD/l1" --tmp-overlay /o sh -c \
		'ls /o; echo new >/o/new && cat /o/new; echo changed >/o/a && cat /o/a; ls -A / | grep -c "^\.sbx" || :'
	assert_status 0
	assert_output_eq "a
both
new
changed
0"
	[ "$(ls -A l1)" = "a
both" ]
	[ "$(cat l1/a)" = a ]
}

@test "--overlay RWSRC WORKDIR DEST: writes land in RWSRC, the lower layer is untouched" {
	make_layers
	mkdir rw wk
	run sbx_t --overlay-src "$PWD/l1" --overlay "$PWD/rw" "$PWD/wk" /o sh -c \
		'cat /o/a; echo new >/o/new; echo changed >/o/both'
	assert_status 0
	assert_output_eq a
	[ "$(cat rw/new)" = new ]
	[ "$(cat rw/both)" = changed ]
	[ "$(cat l1/both)" = l1 ]
	[ ! -e l1/new ]
}

@test "--ro-overlay DEST: the union of the layers, later ones on top, read-only" {
	make_layers
	run sbx_t --overlay-src "$PWD/l1" --overlay-src "$PWD/l2" --ro-overlay /o sh -c \
		'ls /o; cat /o/both; touch /o/x; echo "touch=$?"'
	assert_output_contains "Read-only file system"
	assert_line_eq -n 0 a
	assert_line_eq -n 1 b
	assert_line_eq -n 2 both
	assert_line_eq -n 3 l2
	assert_line_eq "touch=1"
}

@test "overlay options without their layers are refused with 125" {
	make_layers
	run sbx_t --overlay-src "$PWD/l1" --ro-overlay /o true
	assert_status 125
	assert_output_contains --ro-overlay
	run sbx_t --tmp-overlay /o true
	assert_status 125
	assert_output_contains --tmp-overlay
	run sbx_t --overlay-src "$PWD/l1" true
	assert_status 125
	assert_output_contains --overlay-src
}

# ---- not implemented: refused clearly -------------------------------------------------

@test "--file-label and --exec-label fail: SELinux is not enabled" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this host"
	assert_not_implemented --file-label system_u:object_r:tmp_t:s0
	assert_output_contains "SELinux is not enabled"
	assert_not_implemented --exec-label system_u:system_r:container_t:s0
	assert_output_contains "SELinux is not enabled"
}
