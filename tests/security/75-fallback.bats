#!/usr/bin/env bats
# Issue 16: --fallback=landlock, where user namespaces are refused. The refusal is real: sbx
# runs inside an outer sandbox started with --disable-userns, whose seccomp filter refuses
# the inner sbx's clone(CLONE_NEWUSER). Each attack runs from the fallback's command and
# again, as the control, from the outer sandbox itself (the same user, the same namespaces,
# without the fallback's Landlock domain), which must reach the target: so a test cannot
# pass because the attack was broken.

load ../lib/helpers
load security

setup_file() {
	security_setup_file
	# The outer sandbox sees sbx's own directory (sbx-pid1 lies beside it) read-only.
	export SBX_BINDIR=${SBX%/*}
	LANDLOCK_ABI=$("$SBX" --check 2>/dev/null | sed -n 's/.*landlock: ABI \([0-9]*\).*/\1/p')
	export LANDLOCK_ABI=${LANDLOCK_ABI:-0}
}

setup() {
	security_setup
}

# outer SCRIPT: runs the shell SCRIPT in the outer sandbox, where user namespaces are
# refused; SCRIPT calls "$SBX" itself. Sets $status, $output, $lines and $stderr.
outer() {
	printf '%s\n' "$1" >"$SBX_WORK/outer.sh"
	run --separate-stderr timeout -k 5 60 "$SBX" --disable-userns \
		--ro-bind "$SBX_BINDIR" "$SBX_BINDIR" -- sh ./outer.sh
}

# The prelude of the outer scripts: fb runs its arguments the fallback way, sbx's own
# stderr (the warning) dropped; serve unix NAME | tcp ADDR starts a server in the outer
# sandbox that accepts and closes connections on an abstract unix socket or a TCP port,
# waits until it listens (its port, or the name, in ./served), and leaves its pid in
# $server.
FB='fb() { "$SBX" --fallback=landlock "$@" 2>/dev/null; }
serve() {
	rm -f served
	python3 -c "
import socket, sys
if sys.argv[1] == \"unix\":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(\"\\0\" + sys.argv[2])
else:
    s = socket.socket()
    s.bind((sys.argv[2], 0))
s.listen(16)
print(s.getsockname()[1] if sys.argv[1] == \"tcp\" else sys.argv[2], flush=True)
while True:
    s.accept()[0].close()
" "$1" "$2" >served &
	server=$!
	i=0
	while [ ! -s served ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
'

# needs_landlock [ABI]: skips the test where the kernel's Landlock is older (or absent).
needs_landlock() {
	[ "$LANDLOCK_ABI" -ge "${1:-1}" ] || skip "Landlock ABI ${1:-1} or later needed, the kernel has ${LANDLOCK_ABI}: $2"
}

@test "where user namespaces are refused, sbx fails with 125 and the fix unless --fallback" {
	outer '"$SBX" true'
	assert_status 125
	[[ "$stderr" == *"clone: Operation not permitted (unprivileged user namespaces may be disabled; see: sbx --check)"* ]] || {
		echo "stderr: $stderr" >&2
		false
	}
	[[ "$stderr" != *warning* ]]
}

@test "--fallback=landlock runs the command there, with one warning line that says what is missing" {
	needs_landlock 1 "the fallback runs only under Landlock"
	outer '"$SBX" --fallback=landlock -- sh -c "echo ran; exit 3"'
	assert_status 3
	assert_output_eq "ran"
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == "sbx: warning: user namespaces are refused here (clone: Operation not permitted); running with Landlock only"* ]]
	[[ "$stderr" == *"no private /tmp, /run or \$HOME"* ]]
	[[ "$stderr" == *"no PID or IPC isolation"* ]]
}

@test "--fallback=landlock where user.max_user_namespaces=0 (set in a child user namespace)" {
	needs_landlock 1 "the fallback runs only under Landlock"
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	run --separate-stderr unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces' ||
		true
	[ "$status" -eq 0 ] || skip "cannot set user.max_user_namespaces in a user namespace: $stderr"
	run --separate-stderr unshare -Ur sh -c '
		echo 0 >/proc/sys/user/max_user_namespaces
		echo secret >"$HOME/.sbx-fallback-test"
		"$SBX" true; echo "plain: $?"
		"$SBX" --fallback=landlock -- sh -c "grep CapEff /proc/self/status; cat /etc/hostname \"\$HOME/.sbx-fallback-test\" >/dev/null"
		echo "fallback: $?"
		rm -f "$HOME/.sbx-fallback-test"'
	assert_status 0
	assert_line_eq "plain: 125"
	assert_line_eq "CapEff:	0000000000000000"
	assert_line_eq "fallback: 1"
	[[ "$stderr" == *"clone: No space left on device (unprivileged user namespaces may be disabled; see: sbx --check)"* ]]
	[[ "$stderr" == *"user namespaces are refused here (clone: No space left on device); running with Landlock only"* ]]
	[[ "$stderr" == *".sbx-fallback-test: Permission denied"* ]]
}

@test "--fallback=landlock: sbx's exit statuses (127, 128+N, --timeout's 124)" {
	needs_landlock 1 "the fallback runs only under Landlock"
	outer "$FB"'
		fb no-such-command-sbx; echo "missing: $?"
		fb sh -c "kill -TERM \$\$"; echo "signal: $?"
		fb --timeout 1s sleep 30; echo "timeout: $?"'
	assert_status 0
	assert_line_eq "missing: 127"
	assert_line_eq "signal: 143"
	assert_line_eq "timeout: 124"
}

@test "--fallback=landlock: a write outside the plan's tree fails with EACCES; the cwd and TMPDIR are writable" {
	needs_landlock 1 "the fallback runs only under Landlock"
	outer "$FB"'
		echo "tmp: $(fb ./probe write /tmp/outside)"
		echo "tmp control: $(./probe write /tmp/outside-control)"
		echo "home: $(fb ./probe write "$HOME/outside")"
		echo "home control: $(./probe write "$HOME/outside-control")"
		echo "cwd: $(fb ./probe write ./inside)"
		echo "tmpdir: $(fb sh -c "./probe write \"\$TMPDIR/inside\"")"
		mkdir /tmp/ro
		echo "ro: $(fb --ro-bind /tmp/ro /tmp/ro ./probe write /tmp/ro/x)"
		echo "ro control: $(./probe write /tmp/ro/y)"
		[ ! -e /tmp/outside ] && echo "tmp unchanged"'
	assert_status 0
	assert_line_eq "tmp: blocked EACCES"
	assert_line_eq "tmp control: allowed"
	assert_line_eq "home: blocked EACCES"
	assert_line_eq "home control: allowed"
	assert_line_eq "cwd: allowed"
	assert_line_eq "tmpdir: allowed"
	assert_line_eq "ro: blocked EACCES"
	assert_line_eq "ro control: allowed"
	assert_line_eq "tmp unchanged"
}

@test "--fallback=landlock: \$HOME is unreadable" {
	needs_landlock 1 "the fallback runs only under Landlock"
	outer "$FB"'
		echo secret >"$HOME/secret"
		echo "read: $(fb ./probe read "$HOME/secret")"
		echo "list: $(fb ./probe read "$HOME")"
		echo "control: $(./probe read "$HOME/secret")"'
	assert_status 0
	assert_line_eq "read: blocked EACCES"
	assert_line_eq "list: blocked EACCES"
	assert_line_eq "control: allowed"
}

@test "--fallback=landlock: an abstract unix socket outside cannot be reached" {
	needs_landlock 6 "abstract unix sockets are scoped from ABI 6"
	command -v python3 >/dev/null || skip "python3 is not installed"
	outer "$FB"'
		serve unix sbx-fallback-test
		echo "fallback: $(fb ./probe abstract-unix sbx-fallback-test)"
		echo "control: $(./probe abstract-unix sbx-fallback-test)"
		kill $server'
	assert_status 0
	assert_line_eq "fallback: blocked EPERM"
	assert_line_eq "control: allowed"
}

@test "--fallback=landlock: processes outside cannot be signalled" {
	needs_landlock 6 "signals are scoped from ABI 6"
	outer "$FB"'
		sleep 60 &
		sentinel=$!
		echo "fallback: $(fb ./probe kill-host $sentinel)"
		echo "control: $(./probe kill-host $sentinel)"
		kill $sentinel'
	assert_status 0
	assert_line_eq "fallback: blocked EPERM"
	assert_line_eq "control: allowed"
}

@test "--fallback=landlock: no TCP connection with --net none (the default), the host's network with --net host" {
	needs_landlock 4 "TCP rules came with ABI 4"
	command -v python3 >/dev/null || skip "python3 is not installed"
	outer "$FB"'
		serve tcp 127.0.0.1
		echo "fallback: $(fb ./probe tcp-connect 127.0.0.1 $(cat served))"
		echo "net host: $(fb --net host ./probe tcp-connect 127.0.0.1 $(cat served))"
		echo "control: $(./probe tcp-connect 127.0.0.1 $(cat served))"
		kill $server'
	assert_status 0
	assert_line_eq "fallback: blocked EACCES"
	assert_line_eq "net host: allowed"
	assert_line_eq "control: allowed"
}

@test "--fallback=landlock: no_new_privs, no capabilities, and the default seccomp filter" {
	needs_landlock 1 "the fallback runs only under Landlock"
	outer "$FB"'
		fb ./probe nnp
		fb ./probe caps
		echo "userns: $(fb ./probe unshare-user)"
'
	assert_status 0
	assert_line_eq "NoNewPrivs: 1"
	assert_line_eq "CapEff: 0000000000000000"
	assert_line_eq "CapPrm: 0000000000000000"
	assert_line_eq "userns: blocked EPERM"
}

@test "--fallback=landlock is refused with --landlock=off and with --name" {
	run --separate-stderr "$SBX" --fallback=landlock --landlock=off true
	assert_status 125
	[[ "$stderr" == *"cannot be combined with --landlock=off"* ]]
	run --separate-stderr "$SBX" --landlock=off --fallback=landlock --dry-run
	assert_status 125
	run --separate-stderr "$SBX" --fallback=landlock --name fb true
	assert_status 125
	[[ "$stderr" == *"cannot be combined with --name"* ]]
	run --separate-stderr "$SBX" --fallback=other true
	assert_status 125
	[[ "$stderr" == *"unknown mode 'other' (expected none or landlock)"* ]]
}

@test "--fallback=landlock: the command shares the caller's terminal, but TIOCSTI stays refused" {
	needs_landlock 1 "the fallback runs only under Landlock"
	command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
	printf '%s\n' "$FB"'
		echo "fallback: $(fb ./probe tiocsti x)"
		echo "seccomp none: $(fb --seccomp none ./probe tiocsti x)"
		echo "control: $(fb --allow-tiocsti ./probe tiocsti x)"' >"$SBX_WORK/outer.sh"
	# The outer sandbox on script(1)'s terminal itself, its own terminal rules off: the
	# control must reach the terminal.
	run --separate-stderr script -qec "$(printf '%q ' "$SBX" --no-pty --allow-tiocsti \
		--disable-userns --ro-bind "$SBX_BINDIR" "$SBX_BINDIR" -- sh ./outer.sh)" /dev/null \
		</dev/null
	output=${output//$'\r'/}
	mapfile -t lines <<<"$output"
	[[ "$output" == *"control: allowed"* ]] ||
		skip "this kernel refuses TIOCSTI itself (dev.tty.legacy_tiocsti=0): $output"
	assert_line_eq "fallback: blocked EPERM"
	assert_line_eq "seccomp none: blocked EPERM"
}

@test "--fallback=landlock without Landlock fails with 125 rather than run the command unconfined" {
	# The outer sandbox's filter makes Landlock's first call fail as a kernel without it.
	printf '%s\n' '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names":
		["landlock_create_ruleset"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' \
		>"$SBX_WORK/no-landlock.json"
	printf '%s\n' '"$SBX" --fallback=landlock -- touch ran; echo "status: $?"
		[ -e ran ] || echo "not run"
		echo "left: $(ls -d /tmp/sbx-fallback-* 2>/dev/null)"' >"$SBX_WORK/outer.sh"
	run --separate-stderr "$SBX" --disable-userns --seccomp-profile ./no-landlock.json \
		--ro-bind "$SBX_BINDIR" "$SBX_BINDIR" -- sh ./outer.sh
	assert_status 0
	assert_output_eq "status: 125
not run
left: "
	[[ "$stderr" == *"--fallback=landlock cannot confine the command: no Landlock here: Function not implemented"* ]]
	[[ "$stderr" != *warning* ]]
}

@test "--fallback=landlock refuses what it cannot honour without namespaces (--root, --cap-add, --lock-file)" {
	needs_landlock 1 "without Landlock, that is the first refusal"
	outer '"$SBX" --fallback=landlock --root -- id -u; echo "root: $?"
		"$SBX" --fallback=landlock --cap-add NET_ADMIN -- true; echo "cap-add: $?"
		"$SBX" --fallback=landlock --lock-file /etc/passwd -- true; echo "lock-file: $?"'
	assert_status 0
	assert_output_eq "root: 125
cap-add: 125
lock-file: 125"
	[[ "$stderr" == *"--fallback=landlock cannot honour another uid or gid (--uid, --gid, --root) without them"* ]]
	[[ "$stderr" == *"cannot honour --cap-add"* ]]
	[[ "$stderr" != *warning* ]]
}

@test "'fallback landlock' as a profile line: --dry-run prints it, and a run falls back" {
	needs_landlock 1 "the fallback runs only under Landlock"
	printf 'include default\nfallback landlock\n' >"$SBX_WORK/fb.profile"
	run --separate-stderr "$SBX" --profile ./fb.profile --dry-run
	assert_status 0
	assert_line_eq "fallback landlock"
	run --separate-stderr "$SBX" --dry-run
	[[ "$output" != *fallback* ]]
	outer '"$SBX" --profile ./fb.profile -- echo ran'
	assert_status 0
	assert_output_eq "ran"
	[[ "$stderr" == *"running with Landlock only"* ]]
}

@test "--fallback=landlock leaves no temporary directory behind" {
	needs_landlock 1 "the fallback runs only under Landlock"
	outer "$FB"'
		fb sh -c "echo \$TMPDIR; mkdir -p \$TMPDIR/a/b; touch \$TMPDIR/a/b/f; chmod 0 \$TMPDIR/a"
		fb sh -c "echo \$TMPDIR; exit 4"
		fb --timeout 1s sh -c "echo \$TMPDIR; sleep 30"
		fb --rlimit NOFILE=100000000:100000000 true
		fb --bind-cwd --tmpfs "$PWD/hidden" true
		echo "left: $(ls -d /tmp/sbx-fallback-* 2>/dev/null)"'
	assert_status 0
	[ "${#lines[@]}" -eq 4 ]
	for t in "${lines[@]:0:3}"; do
		[[ "$t" == /tmp/sbx-fallback-* ]]
	done
	assert_line_eq "left: "
}

@test "--fallback=landlock refuses a plan that narrows access beneath a bind, which Landlock cannot mirror" {
	needs_landlock 1 "the fallback runs only under Landlock"
	mkdir -p "$SBX_WORK/ro"
	outer '"$SBX" --fallback=landlock --ro-bind "$PWD/ro" "$PWD/ro" -- ./probe write ./ro/x
		echo "status: $?"
		[ ! -e ./ro/x ] && echo "not written"'
	assert_status 0
	assert_line_eq "status: 125"
	assert_line_eq "not written"
	[[ "$stderr" == *"--fallback=landlock cannot keep the mount on $SBX_WORK/ro: it lies beneath the bind on $SBX_WORK"* ]]
}
