#!/usr/bin/env bats
# bubblewrap's fd options: --info-fd, --json-status-fd, --args, --block-fd,
# --userns-block-fd, --lock-file, --sync-fd (DESIGN.md section 1). Run as the unprivileged
# test user; the working directory is bound in, so marker files show on both sides.

load ../lib/helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	bg=
}

teardown() {
	# A sandbox left in the background by a failed test: let it finish, then stop it.
	if [ -n "$bg" ]; then
		touch done
		kill "$bg" 2>/dev/null || :
		wait "$bg" 2>/dev/null || :
	fi
}

# A command for the sandbox: says it runs (file "ready"), then waits for the file "done".
waiter='touch ready; i=0; while [ ! -e done ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done'

# finish_bg: ends the background sandbox started with $waiter; its status is in $bg_status.
finish_bg() {
	touch done
	bg_status=0
	wait "$bg" || bg_status=$?
	bg=
}

# need_python3: python3 parses the JSON (and takes POSIX locks) for these tests.
need_python3() {
	command -v python3 >/dev/null || skip "python3 is not installed"
}

# json_field FILE KEY: the value of KEY in the JSON object in FILE.
json_field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

ns_keys="cgroup ipc mnt net pid uts user"

# ---- --info-fd ------------------------------------------------------------------------

@test "--info-fd writes JSON with child-pid and the namespace ids, as numbers" {
	need_python3
	run sbx_t --info-fd 3 true 3>info.json
	assert_status 0
	run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = d[k]
    if type(v) is not int or v <= 0:
        sys.exit("%s: not a positive integer: %r" % (k, v))
print("ok")' info.json child-pid cgroup-namespace ipc-namespace mnt-namespace net-namespace \
		pid-namespace uts-namespace user-namespace
	assert_status 0
	assert_output_eq ok
	[ "$(json_field info.json net-namespace)" != "$(stat -L -c %i /proc/self/ns/net)" ]
}

@test "--info-fd namespace ids are the sandbox's own" {
	need_python3
	local ns
	run sbx_t --info-fd 3 sh -c "for ns in $ns_keys; do stat -L -c \"\$ns %i\" /proc/self/ns/\$ns; done" \
		3>info.json
	assert_status 0
	for ns in $ns_keys; do
		assert_line_eq "$ns $(json_field info.json "$ns-namespace")"
	done
}

@test "--info-fd child-pid is the sandbox's PID 1, as the caller sees it" {
	need_python3
	local pid
	timeout -k 5 20 "$SBX" --info-fd 3 sh -c "$waiter" 3>info.json >bg.out 2>&1 &
	bg=$!
	wait_for 10 test -e ready
	pid=$(json_field info.json child-pid)
	run grep '^NSpid:' "/proc/$pid/status"
	finish_bg
	assert_status 0
	assert_output_eq "NSpid:	$pid	1"
	[ "$bg_status" = 0 ]
}

# ---- --json-status-fd -----------------------------------------------------------------

@test "--json-status-fd: the last line reports the command's exit code" {
	need_python3
	run sbx_t --json-status-fd 3 sh -c 'exit 5' 3>status.json
	assert_status 5
	run python3 -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[-1])["exit-code"])' \
		<status.json
	assert_output_eq 5
	run sbx_t --json-status-fd 3 true 3>status.json
	assert_status 0
	run python3 -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[-1])["exit-code"])' \
		<status.json
	assert_output_eq 0
}

@test "--json-status-fd writes JSON lines: one object a line, the first with child-pid" {
	need_python3
	run sbx_t --json-status-fd 3 sh -c 'exit 5' 3>status.json
	assert_status 5
	run python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
print(type(objs[0]["child-pid"]).__name__, objs[-1]["exit-code"])' status.json
	assert_status 0
	assert_output_eq "int 5"
}

# ---- --args ---------------------------------------------------------------------------

@test "--args FD reads NUL-separated options from FD" {
	printf -- '--setenv\0FOO\0bar\0' >args
	run sbx_t --args 3 sh -c 'echo "$FOO"' 3<args
	assert_status 0
	assert_output_eq bar
}

@test "--args FD options combine, in order, with those of the command line" {
	printf -- '--tmpfs\0/x\0--setenv\0A\0from-args\0' >args
	run sbx_t --setenv B cmdline --args 3 --dir /x/sub sh -c 'echo "$A $B"; ls /x' 3<args
	assert_status 0
	assert_output_eq "from-args cmdline
sub"
}

# ---- --block-fd, --userns-block-fd ----------------------------------------------------

# blocks_until_written OPTION: the command does not run until data is written to the fd.
blocks_until_written() {
	mkfifo fifo
	timeout -k 5 20 "$SBX" "$1" 4 sh -c 'touch ran' 4<>fifo >bg.out 2>&1 3>&- &
	bg=$!
	sleep 1
	[ ! -e ran ] || {
		echo "the command ran before anything was written" >&2
		return 1
	}
	kill -0 "$bg" || {
		echo "sbx exited while it should wait: $(cat bg.out)" >&2
		return 1
	}
	timeout 5 sh -c 'echo go >fifo'
	finish_bg
	[ "$bg_status" = 0 ] || {
		echo "sbx exited with $bg_status: $(cat bg.out)" >&2
		return 1
	}
	[ -e ran ]
}

@test "--block-fd FD: the command waits for data on FD" {
	blocks_until_written --block-fd
}

@test "--userns-block-fd FD: the sandbox waits for data on FD" {
	blocks_until_written --userns-block-fd
}

# ---- --lock-file ----------------------------------------------------------------------

@test "--lock-file DEST holds a shared lock on DEST while the sandbox runs" {
	touch lock
	timeout -k 5 20 "$SBX" --lock-file "$PWD/lock" sh -c "$waiter" >bg.out 2>&1 3>&- &
	bg=$!
	wait_for 10 test -e ready
	run flock -n -s lock true
	assert_status 0
	run flock -n -x lock true
	assert_status 1
	finish_bg
	[ "$bg_status" = 0 ]
	run flock -n -x lock true
	assert_status 0
}

@test "--lock-file DEST: the lock conflicts with POSIX write locks too, as bubblewrap's" {
	need_python3
	# bubblewrap takes an fcntl(F_SETLK, F_RDLCK) lock; users such as flatpak test it with
	# POSIX/OFD write locks, which do not see flock(2) locks.
	touch lock
	local try_lock='
import fcntl, sys
with open(sys.argv[1], "r+") as f:
    try:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("free")
    except OSError:
        print("locked")'
	timeout -k 5 20 "$SBX" --lock-file "$PWD/lock" sh -c "$waiter" >bg.out 2>&1 3>&- &
	bg=$!
	wait_for 10 test -e ready
	run python3 -c "$try_lock" lock
	finish_bg
	assert_output_eq locked
	run python3 -c "$try_lock" lock
	assert_output_eq free
}

@test "--lock-file with a missing file fails with 125 and names it" {
	run sbx_t --lock-file "$PWD/no-such-lock" true
	assert_status 125
	assert_output_contains "$PWD/no-such-lock"
}

# ---- --sync-fd ------------------------------------------------------------------------

@test "--sync-fd FD stays open inside the sandbox" {
	echo s >syncfile
	run sbx_t --sync-fd 5 sh -c 'readlink "/proc/$$/fd/5"' 5<syncfile
	assert_status 0
	assert_output_eq "$PWD/syncfile"
}

@test "without --sync-fd the same fd is closed inside the sandbox" {
	echo s >syncfile
	run sbx_t sh -c 'test -e "/proc/$$/fd/5" && echo open || echo closed' 5<syncfile
	assert_status 0
	assert_output_eq closed
}

@test "a --seccomp-profile that refuses close_range cannot keep the caller's fds open for the command" {
	# The profile is loaded after sbx's own last steps, close_range among them (as
	# bubblewrap loads filters last): the command runs without fd 5 of the caller's, under
	# sbx's PID 1 and as PID 1 itself (--as-pid-1), and the profile binds it.
	printf '%s\n' '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' \
		'{"names": ["close_range"], "action": "SCMP_ACT_ERRNO"}]}' >no-close-range.json
	echo s >secret
	local as
	for as in "" --as-pid-1; do
		run sbx_t $as --seccomp-profile no-close-range.json \
			sh -c 'test -e "/proc/$$/fd/5" && echo open || echo closed' 5<secret
		assert_status 0
		assert_output_eq closed
	done
}

@test "bare mode passes the caller's inherited fds to the command, as bubblewrap (xdg-dbus-proxy's --args)" {
	echo passed >data
	echo info >infofile
	# fd 5: the caller's own, open across the exec: reaches the command.
	run sbx_t --bare --ro-bind / / sh -c 'cat /proc/self/fd/5' 5<data
	assert_status 0
	assert_output_eq passed
	# fd 6, named by --info-fd, is sbx's to write: not the command's.
	run sbx_t --bare --ro-bind / / --info-fd 6 \
		sh -c 'for f in 5 6; do test -e /proc/$$/fd/$f && echo "$f open" || echo "$f closed"; done' \
		5<data 6>infofile
	assert_status 0
	assert_output_eq "5 open
6 closed"
	# sbx's own mode passes none of them.
	run sbx_t sh -c 'test -e "/proc/$$/fd/5" && echo open || echo closed' 5<data
	assert_status 0
	assert_output_eq closed
}

@test "bare mode passes no fd of sbx's own: the command sees only 0-2 and what the caller left open" {
	# The same list as the caller's own shell would pass (bats's fds included), plus the
	# fd ls itself opens: nothing more from sbx's setup, supervisor or PID 1.
	local want got
	want=$(sh -c 'ls /proc/self/fd' | sort -n | tr '\n' ' ')
	run sbx_t --bare --ro-bind / / --dev /dev --proc /proc --unshare-pid sh -c 'ls /proc/self/fd'
	assert_status 0
	got=$(printf '%s\n' "$output" | sort -n | tr '\n' ' ')
	[ "$got" = "$want" ] || { echo "want: $want; got: $got"; false; }
}
