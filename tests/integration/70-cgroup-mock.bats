#!/usr/bin/env bats
# The systemd backend's side of the conversation (DESIGN.md "cgroup v2 backends"), against a
# real dbus-daemon with python3-dbusmock's systemd template as the user manager
# (tests/lib/mock-bus.sh): the exact StartTransientUnit call, the wait for JobRemoved, the
# retry without a property an old systemd does not know, and the errors when there is no bus.
# Nothing is applied here: the limits themselves are tested in the VM (tests/vm/).

load ../lib/helpers
bats_require_minimum_version 1.5.0

MOCK=$SBX_TESTS_DIR/lib/mock-bus.sh

setup() {
	# Next to the runtime dirs some tests make, not above them: a cwd that holds
	# $XDG_RUNTIME_DIR is not shared, and sbx would say so in one more line.
	mkdir -p "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
	log=$BATS_TEST_TMPDIR/mock.log
	info=$BATS_TEST_TMPDIR/info.json
	# Whatever the caller's session has, these tests choose the bus themselves.
	unset DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR
}

# mock [-N] [MOCK-BUS OPTIONS] -- SBX-ARGS...: bats' run (-N: expecting status N) of sbx on
# the mock bus, bounded in time; the mock's log in $log, sbx's --info-fd 5 JSON in $info.
mock() {
	local runopt=() opts=()
	case "$1" in -[0-9]*) runopt=("$1") && shift ;; esac
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	run "${runopt[@]}" timeout -k 5 60 "$MOCK" -l "$log" "${opts[@]}" -- "$SBX" --info-fd 5 "$@" 5>"$info"
}

# child_pid: the sandbox's first process as the host sees it, from --info-fd.
child_pid() {
	sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$info"
}

# calls: how many StartTransientUnit calls the mock got.
calls() {
	grep -c ' StartTransientUnit "' "$log" || true
}

# call N: the Nth StartTransientUnit call, one line per argument and per property, each
# property as NAME:DBUS-SIGNATURE=VALUE (the signature of the value in its variant).
call() {
	/usr/bin/python3 - "$log" "$1" <<'PY'
import re, sys
import dbus

def sig(v):
    for t, s in ((dbus.Boolean, 'b'), (dbus.String, 's'), (dbus.ObjectPath, 'o'),
                 (dbus.UInt64, 't'), (dbus.Int64, 'x'), (dbus.UInt32, 'u'), (dbus.Int32, 'i'),
                 (dbus.UInt16, 'q'), (dbus.Int16, 'n'), (dbus.Byte, 'y'), (dbus.Double, 'd')):
        if isinstance(v, t):
            return s
    if isinstance(v, dbus.Array):
        return 'a' + (v.signature or (sig(v[0]) if len(v) else '?'))
    return type(v).__name__

def val(v):
    if isinstance(v, dbus.Boolean):
        return 'true' if v else 'false'
    if isinstance(v, dbus.Array):
        return ' '.join(val(x) for x in v)
    return str(v)

n = int(sys.argv[2])
line_re = re.compile(r'^\S+ StartTransientUnit "([^"]*)" "([^"]*)" (\[.*\]) (\[.*\])$')
found = [m for m in map(line_re.match, open(sys.argv[1]).read().splitlines()) if m]
if len(found) < n:
    sys.exit(f'call {n}: the mock got {len(found)} StartTransientUnit calls')
m = found[n - 1]
print('unit=' + m.group(1))
print('mode=' + m.group(2))
for name, v in eval(m.group(3), {'dbus': dbus}):
    print(f'{name}:{sig(v)}={val(v)}')
print('aux=' + m.group(4))
PY
}

@test "limits: one StartTransientUnit of sbx-CMD-PID.scope, mode fail, every property typed" {
	mock -- --memory 512M --memory-swap 0 --cpus 1.5 --pids 200 --cpu-weight 50 \
		--io-weight 60 --slice sbxtest.slice -- sh -c 'echo RAN'
	assert_status 0
	assert_output_contains RAN
	pid=$(child_pid)
	[ -n "$pid" ]
	[ "$(calls)" = 1 ]
	run call 1
	assert_status 0
	assert_output_eq "unit=sbx-sh-$pid.scope
mode=fail
Description:s=sbx sandbox: sh
PIDs:au=$pid
Delegate:b=true
CollectMode:s=inactive-or-failed
Slice:s=sbxtest.slice
MemoryMax:t=536870912
MemorySwapMax:t=0
CPUQuotaPerSecUSec:t=1500000
CPUWeight:t=50
IOWeight:t=60
TasksMax:t=200
aux=[]"
}

@test "PIDs is the sandbox's init as the host sees it (--info-fd child-pid), not sbx itself" {
	mock -- --pids 50 -- sh -c 'echo "inside pid $$"'
	assert_status 0
	# Inside its pid namespace the sandbox's first process is 1; its command is 2.
	assert_output_contains "inside pid 2"
	pid=$(child_pid)
	[ -n "$pid" ]
	run call 1
	assert_line_eq "PIDs:au=$pid"
	assert_line_eq "unit=sbx-sh-$pid.scope"
}

@test "--cpus and --memory are converted exactly (CPUQuotaPerSecUSec, MemoryMax in bytes)" {
	run timeout -k 5 60 "$MOCK" -l "$log" -- sh -c '
		"$SBX" --cpus 0.5 --memory 1G -- true &&
		"$SBX" --cpus 2 --memory 100K -- true &&
		"$SBX" --cpus 0.01 --memory 12345 -- true &&
		"$SBX" --cpus 4.25 --memory 2GiB -- true'
	assert_status 0
	[ "$(calls)" = 4 ]
	run call 1
	assert_line_eq "CPUQuotaPerSecUSec:t=500000"
	assert_line_eq "MemoryMax:t=1073741824"
	run call 2
	assert_line_eq "CPUQuotaPerSecUSec:t=2000000"
	assert_line_eq "MemoryMax:t=102400"
	run call 3
	assert_line_eq "CPUQuotaPerSecUSec:t=10000"
	assert_line_eq "MemoryMax:t=12345"
	run call 4
	assert_line_eq "CPUQuotaPerSecUSec:t=4250000"
	assert_line_eq "MemoryMax:t=2147483648"
}

@test "only the limits asked for are sent" {
	mock -- --memory 64M -- true
	assert_status 0
	run call 1
	assert_status 0
	run grep -cE '^(MemorySwapMax|CPUQuotaPerSecUSec|CPUWeight|IOWeight|TasksMax|Slice):' <<<"$output"
	assert_output_eq 0
}

@test "the unit is named after the command's base name, other characters replaced by _" {
	mock -- --pids 10 -- /bin/true
	assert_status 0
	run call 1
	assert_line_eq "unit=sbx-true-$(child_pid).scope"
	assert_line_eq "Description:s=sbx sandbox: /bin/true"
	mock -127 -- --pids 10 -- 'no such+cmd'
	assert_status 127
	run call 1
	assert_line_eq "unit=sbx-no_such_cmd-$(child_pid).scope"
}

@test "no limit, no --slice, no backend named: no D-Bus call at all" {
	mock -- -- sh -c 'echo RAN'
	assert_status 0
	assert_output_contains RAN
	[ ! -s "$log" ]
}

@test "--slice alone asks for a scope in that slice, without limits" {
	mock -- --slice sbxtest.slice -- true
	assert_status 0
	run call 1
	assert_output_eq "unit=sbx-true-$(child_pid).scope
mode=fail
Description:s=sbx sandbox: true
PIDs:au=$(child_pid)
Delegate:b=true
CollectMode:s=inactive-or-failed
Slice:s=sbxtest.slice
aux=[]"
}

@test "--cgroup=systemd without limits still puts the sandbox in a delegated scope" {
	mock -- --cgroup=systemd -- true
	assert_status 0
	[ "$(calls)" = 1 ]
	run call 1
	assert_line_eq "Delegate:b=true"
	assert_line_eq "PIDs:au=$(child_pid)"
}

@test "the command starts only after JobRemoved (delayed by 1 s)" {
	mock -d 1000 -- --memory 512M -- sh -c 'echo "started $(date +%s.%N)"'
	assert_status 0
	started=$(sed -n 's/^started //p' <<<"$output")
	called=$(awk '/ StartTransientUnit "/ { print $1; exit }' "$log")
	removed=$(awk '/JobRemoved/ && /"done"/ { print $1; exit }' "$log")
	[ -n "$started" ] && [ -n "$called" ] && [ -n "$removed" ]
	# The log's time stamps are rounded to the millisecond.
	if ! awk -v s="$started" -v c="$called" -v r="$removed" \
		'BEGIN { exit !(s >= r - 0.001 && s - c >= 0.9) }'; then
		echo "called $called, JobRemoved $removed, command started $started" >&2
		cat "$log" >&2
		return 1
	fi
}

@test "JobRemoved of another job does not count: sbx waits for its own" {
	mock -o -d 500 -- --memory 512M -- sh -c 'echo RAN'
	assert_status 0
	assert_output_contains RAN
	[ "$(grep -c JobRemoved "$log")" = 2 ]
}

@test "a job result other than done: 125 naming the unit and the result; the command never ran" {
	mock -r failed -- --memory 512M -- sh -c 'echo RAN'
	assert_status 125
	[[ "$output" != *RAN* ]]
	# sbx stops before --info-fd is written: the unit name is all we know of the pid.
	[[ "$output" =~ sbx-sh-[0-9]+\.scope ]]
	unit=$(call 1 | sed -n 's/^unit=//p')
	assert_output_contains "$unit"
	assert_output_contains "'failed'"
	[ "${#lines[@]}" = 1 ]
	mock -r canceled -- --memory 512M -- sh -c 'echo RAN'
	assert_status 125
	[[ "$output" != *RAN* ]]
	assert_output_contains "'canceled'"
}

@test "unknown CollectMode: one warning, the call again without it, the sandbox runs" {
	mock -x CollectMode -- --memory 512M --pids 20 -- sh -c 'echo RAN'
	assert_status 0
	assert_output_contains RAN
	run grep -c 'warning' <<<"$output"
	assert_output_eq 1
	[ "$(calls)" = 2 ]
	[ "$(grep -c 'StartTransientUnit raised: .*Cannot set property CollectMode' "$log")" = 1 ]
	first=$(call 1)
	second=$(call 2)
	[[ "$first" == *"CollectMode:s=inactive-or-failed"* ]]
	[[ "$second" != *CollectMode* ]]
	# Everything else is sent again unchanged.
	[ "$(grep -v '^CollectMode:' <<<"$first")" = "$second" ]
}

@test "the unknown-property warning names the property and the unit" {
	mock -x CollectMode -- --memory 512M -- true
	assert_status 0
	assert_output_contains "CollectMode"
	assert_output_contains "sbx-true-$(child_pid).scope"
}

@test "unknown Description and CollectMode: each dropped once, limits kept" {
	mock -x CollectMode -x Description -- --memory 512M --cpus 1 -- sh -c 'echo RAN'
	assert_status 0
	assert_output_contains RAN
	run grep -c 'warning' <<<"$output"
	assert_output_eq 2
	[ "$(calls)" = 3 ]
	run call 3
	assert_output_eq "unit=sbx-sh-$(child_pid).scope
mode=fail
PIDs:au=$(child_pid)
Delegate:b=true
MemoryMax:t=536870912
CPUQuotaPerSecUSec:t=1000000
aux=[]"
}

@test "a limit systemd refuses is never dropped: 125, the command never ran" {
	mock -x MemoryMax -- --memory 512M -- sh -c 'echo RAN'
	assert_status 125
	[[ "$output" != *RAN* ]]
	assert_output_contains "MemoryMax"
	[ "$(calls)" = 1 ]
}

@test "the D-Bus connection is closed while the sandbox runs (no match left on the bus)" {
	run timeout -k 5 60 "$MOCK" -l "$log" -- bash -c '
		names() { dbus-send --session --print-reply --dest=org.freedesktop.DBus \
			/org/freedesktop/DBus org.freedesktop.DBus.ListNames | grep -c "string \":"; }
		before=$(names)
		"$SBX" --memory 512M --info-fd 5 -- sleep 3 5>"$0" &
		for _ in $(seq 100); do [ -s "$0" ] && break; sleep 0.05; done
		[ -s "$0" ] || { echo "no --info-fd output"; exit 1; }
		during=$(names)
		echo "before $before during $during"
		wait $!' "$info"
	assert_status 0
	[ -s "$log" ]
	before=$(sed -n 's/^before \([0-9]*\) during.*/\1/p' <<<"$output")
	during=$(sed -n 's/^before [0-9]* during \([0-9]*\)/\1/p' <<<"$output")
	[ -n "$before" ] && [ "$before" = "$during" ]
}

@test "no bus at all (auto) with --memory: 125 and one line about D-Bus and sbx --check" {
	mkdir "$BATS_TEST_TMPDIR/runtime"
	run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/runtime" "$SBX" --memory 512M -- sh -c 'echo RAN'
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
	assert_output_contains "D-Bus"
	assert_output_contains "sbx --check"
}

@test "--cgroup=systemd with no bus: 125 and one line saying the user manager is unreachable" {
	run "$SBX" --cgroup=systemd --memory 512M -- sh -c 'echo RAN'
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	assert_output_contains "D-Bus"
	mkdir "$BATS_TEST_TMPDIR/runtime"
	run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/runtime" "$SBX" --cgroup=systemd --pids 10 -- true
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	assert_output_contains "D-Bus"
}

@test "a bus address where nobody listens: 125, one line" {
	run env DBUS_SESSION_BUS_ADDRESS="unix:path=$BATS_TEST_TMPDIR/nobody" "$SBX" --memory 512M \
		-- sh -c 'echo RAN'
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
	assert_output_contains "D-Bus"
}

@test "--profile build asks for its limits where a user manager answers (memory 4G, pids 4096)" {
	mock -- --profile build -- true
	assert_status 0
	run call 1
	assert_status 0
	assert_line_eq "MemoryMax:t=4294967296"
	assert_line_eq "TasksMax:t=4096"
}

@test "--cgroup try without any backend: the sandbox runs without the limits, -v says why" {
	mkdir "$BATS_TEST_TMPDIR/runtime"
	run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/runtime" timeout 20 "$SBX" -v --cgroup try \
		--memory 1G -- sh -c 'echo RAN'
	assert_status 0
	assert_output_contains RAN
	assert_output_contains "running without the limits"
	# the same limit asked for plainly is never dropped
	run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/runtime" timeout 20 "$SBX" --memory 1G -- true
	assert_status 125
}

@test "--cgroup=none with --memory 1G: 125 before any D-Bus call" {
	mock -- --cgroup=none --memory 1G -- sh -c 'echo RAN'
	assert_status 125
	[ "${#lines[@]}" = 1 ]
	[[ "$output" != *RAN* ]]
	assert_output_contains "--cgroup=none"
	[ ! -s "$log" ]
}

@test "--cgroup=direct never talks to systemd" {
	mock -- --cgroup=direct --memory 1G -- true
	[ ! -s "$log" ]
}

@test "/sys/fs/cgroup inside is the sandbox's cgroup2, read-only; --cgroup-writable: read-write" {
	mock -- --memory 512M -- sh -c 'grep " /sys/fs/cgroup " /proc/self/mounts'
	assert_status 0
	assert_output_contains " /sys/fs/cgroup cgroup2 ro,"
	mock -- --memory 512M --cgroup-writable -- sh -c 'grep " /sys/fs/cgroup " /proc/self/mounts'
	assert_status 0
	assert_output_contains " /sys/fs/cgroup cgroup2 rw,"
}
