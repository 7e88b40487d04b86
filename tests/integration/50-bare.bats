#!/usr/bin/env bats
# --bare, and sbx invoked as bwrap: an empty root and bubblewrap's defaults (only the user
# and mount namespaces unless --unshare-* asks for more), so that sbx can stand in where
# bubblewrap is expected (DESIGN.md section 1). Run as the unprivileged test user.

load ../lib/helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	# The static busybox of the test rootfs: a /bin that needs nothing else.
	bb=$SBX_ROOTFS/bin
}

# ---- the root -------------------------------------------------------------------------

@test "--bare starts from an empty root: only what the options create" {
	run sbx_t --bare --ro-bind "$bb" /bin /bin/ls -A /
	assert_status 0
	assert_output_eq bin
}

@test "--bare with the test rootfs bound on / shows exactly the rootfs's entries" {
	run sbx_t --bare --ro-bind "$SBX_ROOTFS" / --unshare-pid --proc /proc --dev /dev \
		/bin/sh -c 'ls -A /'
	assert_status 0
	assert_output_eq "$(ls -A "$SBX_ROOTFS")"
}

@test "--bare --ro-bind / / gives the host's tree, read-only, /tmp included" {
	echo host-tmp >marker
	run sbx_t --bare --ro-bind / / /bin/sh -c \
		'test -x /usr/bin/env && echo has-usr; cat "$1/marker"; touch /usr/x' sh "$PWD"
	assert_line_eq has-usr
	assert_line_eq host-tmp
	assert_output_contains "Read-only file system"
}

@test "the bwrap-equivalent line (--unshare-all --ro-bind / / --proc --dev --tmpfs /tmp) exits 0" {
	run sbx_t --bare --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev \
		--tmpfs /tmp true
	assert_status 0
}

@test "--bare sets no container variable and binds no working directory" {
	run sbx_t --bare --ro-bind "$bb" /bin /bin/sh -c 'echo "container=${container-unset}"; test -e "$1" || echo no-cwd' sh "$PWD"
	assert_status 0
	assert_output_eq "container=unset
no-cwd"
}

# ---- namespaces -----------------------------------------------------------------------

@test "--bare without --unshare-pid keeps the caller's pid namespace" {
	local host
	host=$(readlink /proc/self/ns/pid)
	run sbx_t --bare --ro-bind "$bb" /bin --ro-bind /proc /proc /bin/readlink /proc/self/ns/pid
	assert_status 0
	assert_output_eq "$host"
}

@test "--bare without --unshare-pid: --proc binds the caller's /proc (as bubblewrap)" {
	run sbx_t --bare --ro-bind "$bb" /bin --proc /proc /bin/readlink /proc/self/ns/pid
	assert_status 0
	assert_output_eq "$(readlink /proc/self/ns/pid)"
}

@test "--bare without --unshare-net shares the caller's network namespace" {
	local host
	host=$(readlink /proc/self/ns/net)
	run sbx_t --bare --ro-bind "$bb" /bin --ro-bind /proc /proc /bin/readlink /proc/self/ns/net
	assert_status 0
	assert_output_eq "$host"
}

@test "--bare keeps the caller's uts and ipc namespaces and the hostname" {
	run sbx_t --bare --ro-bind "$bb" /bin --ro-bind /proc /proc /bin/sh -c \
		'readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc; hostname'
	assert_status 0
	assert_output_eq "$(readlink /proc/self/ns/uts /proc/self/ns/ipc)
$(hostname)"
}

@test "--bare makes new user and mount namespaces" {
	run sbx_t --bare --ro-bind "$bb" /bin --ro-bind /proc /proc /bin/sh -c \
		'readlink /proc/self/ns/user; readlink /proc/self/ns/mnt'
	assert_status 0
	[ "${lines[0]}" != "$(readlink /proc/self/ns/user)" ]
	[ "${lines[1]}" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "--unshare-all in --bare gives new net (loopback only, up), pid, uts and ipc namespaces" {
	local ns
	run sbx_t --bare --unshare-all --ro-bind "$bb" /bin --proc /proc /bin/sh -c \
		'for ns in net pid uts ipc; do readlink /proc/self/ns/$ns; done; ip -o link'
	assert_status 0
	for ns in net pid uts ipc; do
		[[ "$output" != *"$(readlink /proc/self/ns/$ns)"* ]] || {
			echo "the $ns namespace is the host's" >&2
			return 1
		}
	done
	[ "${#lines[@]}" -eq 5 ] # four namespaces and one interface
	[[ "${lines[4]}" == "1: lo: <LOOPBACK,UP,"* ]]
}

@test "--unshare-all in --bare: PID 1 is sbx's init, the command is not PID 1" {
	local name
	name=$(basename "$SBX" | cut -c1-15)
	run sbx_t --bare --unshare-all --ro-bind "$bb" /bin --proc /proc /bin/sh -c \
		'cat /proc/1/comm; echo "$$"'
	assert_status 0
	# PID 1 starts the command, then execs sbx's PID 1 program: either may be seen.
	[ "${lines[0]}" = "$name" ] || [ "${lines[0]}" = memfd:sbx-pid1 ] || {
		echo "PID 1 is ${lines[0]}" >&2
		false
	}
	[ "${lines[1]}" != 1 ]
}

@test "--bare --unshare-uts --hostname NAME sets the hostname" {
	run sbx_t --bare --unshare-uts --hostname h-test --ro-bind "$bb" /bin /bin/hostname
	assert_status 0
	assert_output_eq h-test
	[ "$(hostname)" != h-test ]
}

@test "--bare --hostname without --unshare-uts fails with 1 (as bubblewrap)" {
	run sbx_t --bare --hostname h-test --ro-bind "$bb" /bin /bin/hostname
	assert_status 1
	assert_output_contains --hostname
	assert_output_contains --unshare-uts
}

@test "--as-pid-1 --bare without --unshare-pid fails with 1 (as bubblewrap)" {
	run sbx_t --as-pid-1 --bare --ro-bind "$bb" /bin /bin/true
	assert_status 1
	assert_output_contains --as-pid-1
}

@test "--as-pid-1 --bare --unshare-pid runs the command as PID 1" {
	run sbx_t --as-pid-1 --bare --unshare-pid --ro-bind "$bb" /bin --proc /proc /bin/sh -c \
		'echo "$$"; read -r comm </proc/1/comm; echo "$comm"'
	assert_status 0
	assert_output_eq "1
sh"
}

# ---- invoked as bwrap -----------------------------------------------------------------

@test "sbx invoked through a symlink named bwrap behaves as --bare" {
	ln -s "$SBX" "$BATS_TEST_TMPDIR/bwrap"
	run timeout -k 5 20 "$BATS_TEST_TMPDIR/bwrap" --ro-bind "$bb" /bin /bin/sh -c \
		'ls -A /; hostname; echo "container=${container-unset}"'
	assert_status 0
	assert_output_eq "bin
$(hostname)
container=unset"
}

@test "bwrap --ro-bind ROOTFS / --proc /proc --unshare-pid ls / shows the rootfs only" {
	ln -s "$SBX" "$BATS_TEST_TMPDIR/bwrap"
	run timeout -k 5 20 "$BATS_TEST_TMPDIR/bwrap" --ro-bind "$SBX_ROOTFS" / --proc /proc \
		--unshare-pid /bin/ls -A /
	assert_status 0
	assert_output_eq "$(ls -A "$SBX_ROOTFS")"
}

# ---- joining existing namespaces: --userns, --pidns, --userns2 ---------------------------

# holder NAME: a process in a new user and PID namespace (unshare -Urpf), its pid in $holder.
start_holder() {
	unshare -Urpf --mount-proc sleep 60 &
	holder_parent=$!
	for _ in $(seq 100); do
		holder=$(pgrep -P "$holder_parent" -x sleep) && break
		sleep 0.05
	done
	[ -n "$holder" ]
}

stop_holder() {
	kill "$holder_parent" "$holder" 2>/dev/null || true
}

@test "--userns FD runs in that user namespace, with its id maps (uid 0 there)" {
	start_holder
	exec 5<"/proc/$holder/ns/user"
	run timeout -k 5 20 "$SBX" --userns 5 sh -c 'id -u; stat -L -c %i /proc/self/ns/user'
	exec 5<&-
	local want
	want=$(stat -L -c %i "/proc/$holder/ns/user")
	stop_holder
	assert_status 0
	assert_output_eq "0
$want"
}

@test "--userns FD still gives the sandbox its own mount, net and uts namespaces" {
	start_holder
	exec 5<"/proc/$holder/ns/user"
	run timeout -k 5 20 "$SBX" --userns 5 sh -c 'hostname; ls /sys/class/net'
	exec 5<&-
	stop_holder
	assert_status 0
	assert_output_eq "sbx
lo"
}

@test "--pidns FD with --userns runs in that PID namespace" {
	start_holder
	exec 5<"/proc/$holder/ns/user" 6<"/proc/$holder/ns/pid"
	run timeout -k 5 20 "$SBX" --userns 5 --pidns 6 stat -L -c %i /proc/self/ns/pid
	exec 5<&- 6<&-
	local want
	want=$(stat -L -c %i "/proc/$holder/ns/pid")
	stop_holder
	assert_status 0
	assert_output_eq "$want"
}

# nspid_levels MARKER: how many PID namespaces deep the process running "sleep MARKER" is.
nspid_levels() {
	local pid= i
	for i in $(seq 100); do
		pid=$(pgrep -n -x -f "sleep $1") && break
		sleep 0.05
	done
	[ -n "$pid" ] && awk '$1 == "NSpid:" { print NF - 1 }' "/proc/$pid/status"
}

@test "--pidns FD with --unshare-pid makes a new PID namespace inside the given one (as bubblewrap)" {
	start_holder
	local holder_levels joined nested one two
	holder_levels=$(awk '$1 == "NSpid:" { print NF - 1 }' "/proc/$holder/status")
	exec 5<"/proc/$holder/ns/user" 6<"/proc/$holder/ns/pid"
	timeout -k 5 20 "$SBX" --bare --userns 5 --pidns 6 --ro-bind / / sleep 4.31 &
	one=$!
	joined=$(nspid_levels 4.31)
	timeout -k 5 20 "$SBX" --bare --userns 5 --pidns 6 --unshare-pid --ro-bind / / sleep 4.32 &
	two=$!
	nested=$(nspid_levels 4.32)
	exec 5<&- 6<&-
	pkill -x -f 'sleep 4.3[12]' || true
	wait "$one" "$two" || true
	stop_holder
	# Joined: as deep as the holder; with --unshare-pid: one level deeper.
	[ "$joined" = "$holder_levels" ] || { echo "joined $joined, holder $holder_levels"; false; }
	[ "$nested" = $((holder_levels + 1)) ] || { echo "nested $nested, holder $holder_levels"; false; }
}

@test "--pidns FD owned by another user namespace is refused with 125" {
	start_holder
	exec 6<"/proc/$holder/ns/pid"
	run timeout -k 5 20 "$SBX" --pidns 6 true
	exec 6<&-
	stop_holder
	assert_status 125
	assert_output_contains "--pidns 6"
}

@test "--userns2 FD switches to a child of the --userns namespace after the setup" {
	unshare -Ur sh -c 'unshare -Ur sleep 73 & exec sleep 72' &
	local top=$! outer inner
	for _ in $(seq 100); do
		outer=$(pgrep -n -x -f 'sleep 72')
		inner=$(pgrep -n -x -f 'sleep 73')
		[ -n "$outer" ] && [ -n "$inner" ] && break
		sleep 0.05
	done
	exec 5<"/proc/$outer/ns/user" 7<"/proc/$inner/ns/user"
	run timeout -k 5 20 "$SBX" --userns 5 --userns2 7 stat -L -c %i /proc/self/ns/user
	exec 5<&- 7<&-
	local want
	want=$(stat -L -c %i "/proc/$inner/ns/user")
	kill "$top" "$outer" "$inner" 2>/dev/null || true
	assert_status 0
	assert_output_eq "$want"
}
