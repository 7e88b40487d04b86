#!/usr/bin/env bats
# The default sandbox (no options): DESIGN.md section 1, one test per row or claim.
# Every test runs the real binary as the unprivileged test user.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers

setup() {
	# A working directory of our own, outside $HOME (bats keeps it under $TMPDIR).
	cd "$BATS_TEST_TMPDIR" || return 1
	secret=$HOME/.sbx-secret-$$-$BATS_TEST_NUMBER
	# Not a dot-directory: those are never shared by default (the cwd rule).
	homework=$HOME/sbx-work-$$-$BATS_TEST_NUMBER
}

teardown() {
	rm -rf "$secret" "$homework"
}

# assert_caps_zero: the output (of grep on /proc/self/status) shows every capability set
# empty and no_new_privs on.
assert_caps_zero() {
	local set
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line_eq "$set:	0000000000000000"
	done
	assert_line_eq "NoNewPrivs:	1"
}

# ---- identity -----------------------------------------------------------------------

@test "uid and gid inside are the caller's" {
	run sbx_t sh -c 'id -u; id -g'
	assert_status 0
	assert_output_eq "$(id -u)
$(id -g)"
}

@test "--root makes uid and gid 0 inside" {
	[ "$(id -u)" != 0 ] || skip "needs a non-root caller"
	run sbx_t --root sh -c 'id -u; id -g'
	assert_status 0
	assert_output_eq "0
0"
}

@test "--uid 1234 --gid 555 sets the ids inside" {
	run sbx_t --uid 1234 --gid 555 sh -c 'id -u; id -g'
	assert_status 0
	assert_output_eq "1234
555"
}

# ---- hostname -----------------------------------------------------------------------

@test "the hostname inside is sbx" {
	[ "$(hostname)" != sbx ] || skip "the host itself is called sbx"
	run sbx_t hostname
	assert_status 0
	assert_output_eq sbx
}

@test "--hostname foo sets the hostname inside" {
	run sbx_t --hostname foo hostname
	assert_status 0
	assert_output_eq foo
}

@test "the host's hostname is unchanged after --hostname" {
	local before
	before=$(cat /proc/sys/kernel/hostname)
	[ "$before" != sbx-changed ] || skip "the host is called sbx-changed"
	run sbx_t --hostname sbx-changed sh -c 'cat /proc/sys/kernel/hostname'
	assert_status 0
	assert_output_eq sbx-changed
	[ "$(cat /proc/sys/kernel/hostname)" = "$before" ]
	[ "$(hostname)" = "$before" ]
}

# ---- processes ----------------------------------------------------------------------

@test "ps -e inside shows only the sandbox's processes" {
	# `; :` keeps sh from exec'ing ps, so the list is exactly: init, sh, ps.
	run sbx_t sh -c 'ps -e -o pid=,comm=; :'
	assert_status 0
	[ "${#lines[@]}" -eq 3 ] || { _sbx_show_output >&2; false; }
	[[ "${lines[0]}" =~ ^\ *1\ sbx$ ]] || { _sbx_show_output >&2; false; }
	[[ "${lines[1]}" =~ ^\ *2\ sh$ ]] || { _sbx_show_output >&2; false; }
	[[ "${lines[2]}" =~ ^\ *[0-9]+\ ps$ ]] || { _sbx_show_output >&2; false; }
}

@test "/proc inside lists only the sandbox's processes" {
	run sbx_t ls /proc
	assert_status 0
	# init (1) and ls itself (2); the host has many more.
	[ "$(printf '%s\n' "${lines[@]}" | grep -E '^[0-9]+$' | tr '\n' ' ')" = "1 2 " ] ||
		{ _sbx_show_output >&2; false; }
}

@test "PID 1 is sbx's init and the command is not PID 1" {
	run sbx_t sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo "pid=$$"'
	assert_status 0
	[[ "${lines[0]}" == *sbx* ]] || { _sbx_show_output >&2; false; }
	assert_line_eq -n 1 pid=2
}

@test "--as-pid-1 makes the command PID 1" {
	run sbx_t --as-pid-1 sh -c 'echo "pid=$$"; tr "\0" " " </proc/1/cmdline'
	assert_status 0
	assert_line_eq -n 0 pid=1
	[[ "${lines[1]}" == "sh -c "* ]] || { _sbx_show_output >&2; false; }
}

# ---- filesystem ---------------------------------------------------------------------

@test "/usr is read-only" {
	run sbx_t touch /usr/.sbx-probe
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
}

@test "/etc is read-only" {
	run sbx_t touch /etc/.sbx-probe
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
}

@test "/ is a tmpfs private to the sandbox, which Landlock keeps from being written" {
	local probe=/.sbx-root-probe-$$
	run sbx_t sh -c "stat -f -c %T / && ! echo hello 2>/dev/null >$probe && echo refused"
	assert_status 0
	assert_output_eq "tmpfs
refused"
	# The tmpfs itself is writable: without Landlock the write goes through, and stays in.
	run sbx_t --landlock=off sh -c "echo hello >$probe && cat $probe"
	assert_status 0
	assert_output_eq "hello"
	[ ! -e "$probe" ]
}

@test "the current directory is the same path inside and writable" {
	run sbx_t sh -c 'pwd; echo written-inside >cwd-probe'
	assert_status 0
	assert_output_eq "$PWD"
	[ "$(cat "$PWD/cwd-probe")" = written-inside ]
}

@test "files in \$HOME are not visible when the cwd is outside \$HOME" {
	echo secret >"$secret"
	[[ "$PWD" != "$HOME"/* ]]
	run sbx_t sh -c "cat '$secret'; echo \"home=\$HOME\"; ls -A \"\$HOME\" | wc -l"
	assert_status 0
	assert_output_contains "No such file or directory"
	assert_line_eq "home=$HOME"
	# $HOME itself is there, empty.
	assert_line_eq -n 2 0
}

@test "a cwd under \$HOME is visible and writable, its siblings are not" {
	echo secret >"$secret"
	mkdir -p "$homework/sub"
	echo existing >"$homework/sub/before"
	cd "$homework/sub"
	run sbx_t sh -c "cat before; echo new >after; cat '$secret'; ls -A '$homework'"
	assert_status 0
	assert_line_eq -n 0 existing
	assert_output_contains "No such file or directory"
	assert_line_eq -n 2 sub
	[ "${#lines[@]}" -eq 3 ] || { _sbx_show_output >&2; false; }
	[ "$(cat "$homework/sub/after")" = new ]
}

@test "/tmp is an empty tmpfs of mode 1777" {
	# From a directory outside /tmp: a cwd under /tmp would be bound in and show up there.
	mkdir -p "$homework"
	cd "$homework"
	local probe
	probe=$(mktemp /tmp/sbx-host-probe.XXXXXX)
	run sbx_t sh -c 'ls -A /tmp | wc -l; stat -c %a /tmp; stat -f -c %T /tmp'
	rm -f "$probe"
	assert_status 0
	assert_output_eq "0
1777
tmpfs"
}

@test "a host file in /tmp is not visible inside" {
	local probe
	probe=$(mktemp /tmp/sbx-host-probe.XXXXXX)
	run sbx_t test -e "$probe"
	rm -f "$probe"
	assert_status 1
}

@test "/run is an empty tmpfs" {
	run sbx_t sh -c 'ls -A /run | wc -l; stat -f -c %T /run'
	assert_status 0
	assert_output_eq "0
tmpfs"
}

# ---- network ------------------------------------------------------------------------

@test "the network has only lo" {
	run sbx_t ls /sys/class/net
	assert_status 0
	assert_output_eq lo
}

@test "lo is up" {
	# IFF_UP is bit 0x1 of the flags.
	run sbx_t sh -c 'echo $(( $(cat /sys/class/net/lo/flags) & 1 ))'
	assert_status 0
	assert_output_eq 1
}

@test "--net=host shows the host's interfaces" {
	local host
	host=$(ls /sys/class/net)
	[ "$host" != lo ] || skip "the host has only lo"
	run sbx_t --net=host ls /sys/class/net
	assert_status 0
	assert_output_eq "$host"
}

@test "--share-net shows the host's interfaces" {
	local host
	host=$(ls /sys/class/net)
	[ "$host" != lo ] || skip "the host has only lo"
	run sbx_t --share-net ls /sys/class/net
	assert_status 0
	assert_output_eq "$host"
}

# ---- /dev ---------------------------------------------------------------------------

@test "/dev holds exactly the minimal set" {
	run sbx_t sh -c 'ls -A /dev | tr "\n" " "'
	assert_status 0
	assert_output_eq "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
}

@test "/dev/null takes writes and /dev/zero reads zeros" {
	run sbx_t sh -c 'echo data >/dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " "'
	assert_status 0
	assert_output_eq 00000000
}

@test "/dev/pts is a devpts on which a pty can be opened" {
	run sbx_t python3 -c '
import os
m, s = os.openpty()
os.write(m, b"ping\n")
print(os.ttyname(s), os.read(s, 5).decode().strip())
'
	assert_status 0
	[[ "${lines[0]}" =~ ^/dev/pts/[0-9]+\ ping$ ]] || { _sbx_show_output >&2; false; }
	# A private instance: the host's ptys are not in it.
	run sbx_t sh -c 'stat -f -c %T /dev/pts; ls /dev/pts'
	assert_status 0
	assert_output_eq "devpts
ptmx"
}

@test "/dev/shm is writable and private to the sandbox" {
	local probe=sbx-shm-probe-$$
	run sbx_t sh -c "echo shm >/dev/shm/$probe && cat /dev/shm/$probe && stat -f -c %T /dev/shm"
	assert_status 0
	assert_output_eq "shm
tmpfs"
	[ ! -e "/dev/shm/$probe" ]
}

# ---- /sys ---------------------------------------------------------------------------

@test "/sys is read-only" {
	run sbx_t touch /sys/kernel/.sbx-probe
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
	run sbx_t awk '$5 == "/sys" { print $6 }' /proc/self/mountinfo
	assert_status 0
	[[ "$output" == ro,* ]] || { _sbx_show_output >&2; false; }
}

@test "/sys/fs/cgroup is a read-only cgroup2 mount" {
	run sbx_t stat -f -c %T /sys/fs/cgroup
	assert_status 0
	assert_output_eq cgroup2fs
	run sbx_t touch /sys/fs/cgroup/.sbx-probe
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
}

# ---- environment --------------------------------------------------------------------

@test "container=sbx is set inside" {
	unset container
	run sbx_t sh -c 'echo "container=$container"'
	assert_status 0
	assert_output_eq container=sbx
}

@test "the caller's environment is inherited" {
	SBX_TEST_INHERITED=yes run sbx_t sh -c 'echo "$SBX_TEST_INHERITED"'
	assert_status 0
	assert_output_eq yes
}

@test "--setenv A B sets A inside" {
	run sbx_t --setenv A B sh -c 'echo "A=$A"'
	assert_status 0
	assert_output_eq A=B
}

@test "--unsetenv HOME removes HOME inside" {
	run sbx_t --unsetenv HOME sh -c 'echo "HOME=${HOME-unset}"'
	assert_status 0
	assert_output_eq HOME=unset
}

@test "--clearenv keeps only PWD and container=sbx" {
	run sbx_t --clearenv /usr/bin/env
	assert_status 0
	assert_output_eq "PWD=$PWD
container=sbx"
}

@test "--setenv after --clearenv adds to the empty environment" {
	run sbx_t --setenv DROPPED 1 --clearenv --setenv KEPT 2 /usr/bin/env
	assert_status 0
	assert_output_eq "PWD=$PWD
container=sbx
KEPT=2"
}

# ---- privileges ---------------------------------------------------------------------

@test "all capability sets are empty and no_new_privs is set" {
	run sbx_t grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status
	assert_status 0
	assert_caps_zero
}

@test "--root has empty capability sets too" {
	run sbx_t --root grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status
	assert_status 0
	assert_caps_zero
}
