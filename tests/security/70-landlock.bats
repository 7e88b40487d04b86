#!/usr/bin/env bats
# Issue 16, part 1: Landlock, the second wall. A mount plan made wrong on purpose (the
# test-only build build/test/sbx, src/setup/testknob.h) must not open the host: the write
# or the read is still refused, by Landlock, and goes through with --landlock=off (so the
# mistake is real). Abstract unix sockets and signals stay scoped to the sandbox when the
# host's network or PID namespace is shared; sbx --enter applies the same rules.

load ../lib/helpers
load security

setup_file() {
	security_setup_file
	# Beside the sbx under test: build/test/sbx, or its ASan twin in make check-asan.
	KNOB_SBX=$(dirname "$SBX")/test/sbx
	export KNOB_SBX
	[ -x "$KNOB_SBX" ] || {
		echo "$KNOB_SBX is missing: make test-binaries (make check builds it)" >&2
		return 1
	}
	start_host_servers
	# A host directory of the caller's: written by the test, never by the sandbox.
	export HOSTDIR=$BATS_FILE_TMPDIR/hostdir
	mkdir -p "$HOSTDIR"
	echo host-secret >"$HOSTDIR/secret"
}

teardown_file() {
	stop_host_servers
}

setup() {
	security_setup
	[ "$("$SBX" --check 2>/dev/null | grep -c '^ok *landlock: ABI')" = 1 ] ||
		skip "this kernel has no Landlock: $("$SBX" --check 2>&1 | grep landlock)"
	HOST_PIDS=()
	NAMES=()
}

teardown() {
	local p n
	for n in "${NAMES[@]}"; do
		"$SBX" --stop "$n" --grace 1s >/dev/null 2>&1 || true
	done
	for p in "${HOST_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	rm -f "$HOSTDIR/written"
}

# entered NAME: sbx --enter NAME works (the sandbox is up), quietly.
entered() {
	"$SBX" --enter "$1" true 2>/dev/null
}

abi() {
	"$SBX" --check 2>/dev/null | sed -n 's/^ok *landlock: ABI \([0-9]*\).*/\1/p'
}

# knob_probe BUG [SBX OPTION...] -- SUBCOMMAND [ARG...]: the probe in the test-only sbx
# whose mounts have the mistake BUG.
knob_probe() {
	local bug=$1
	shift
	SBX=$KNOB_SBX SBX_TEST_MOUNT_BUG=$bug sandbox_probe "$@"
}

@test "the test-only sbx really makes the mistakes (else the tests below prove nothing)" {
	# rw-binds: a --ro-bind mounted read-write, as /proc/self/mountinfo says.
	run env SBX_TEST_MOUNT_BUG=rw-binds "$KNOB_SBX" --ro-bind "$HOSTDIR" /ro \
		sh -c "grep ' /ro ' /proc/self/mountinfo | cut -d' ' -f6"
	assert_status 0
	[[ "${lines[-1]}" == rw,* ]]
	# extra: a host path the plan never names is there.
	run env "SBX_TEST_MOUNT_BUG=extra:$HOSTDIR:/leak" "$KNOB_SBX" --landlock=off cat /leak/secret
	assert_status 0
	assert_output_contains host-secret
	# sbx itself has no such knob.
	run env "SBX_TEST_MOUNT_BUG=extra:$HOSTDIR:/leak" "$SBX" --landlock=off cat /leak/secret
	assert_status 1
}

@test "a read-only bind mounted read-write by mistake: Landlock still refuses the write" {
	knob_probe rw-binds --ro-bind "$HOSTDIR" /ro -- write /ro/written
	assert_blocked EACCES
	[ ! -e "$HOSTDIR/written" ]
	knob_probe rw-binds --ro-bind "$HOSTDIR" /ro --landlock=off -- write /ro/written
	assert_allowed
	[ -e "$HOSTDIR/written" ]
}

@test "a host path left reachable by mistake: Landlock refuses to read or write it" {
	knob_probe "extra:$HOSTDIR:/leak" -- read /leak/secret
	assert_blocked EACCES
	knob_probe "extra:$HOSTDIR:/leak" -- write /leak/written
	assert_blocked EACCES
	[ ! -e "$HOSTDIR/written" ]
	knob_probe "extra:$HOSTDIR:/leak" --landlock=off -- read /leak/secret
	assert_allowed
	knob_probe "extra:$HOSTDIR:/leak" --landlock=off -- write /leak/written
	assert_allowed
	[ -e "$HOSTDIR/written" ]
}

@test "a host path left reachable by mistake: not even executable" {
	cp "$SBX_WORK/probe" "$HOSTDIR/probe2"
	run env "SBX_TEST_MOUNT_BUG=extra:$HOSTDIR:/leak" "$KNOB_SBX" /leak/probe2 nnp
	assert_status 126
	assert_output_contains "Permission denied"
	run env "SBX_TEST_MOUNT_BUG=extra:$HOSTDIR:/leak" "$KNOB_SBX" --landlock=off /leak/probe2 nnp
	assert_status 0
}

@test "the new root's tmpfs cannot be written; the plan's writable places can" {
	run --separate-stderr "$SBX" sh -c 'touch /planted; echo $?; touch /tmp/ok && echo tmp'
	assert_status 0
	assert_output_contains "tmp"
	[[ "$stderr" == *"Permission denied"* ]]
	run "$SBX" --landlock=off sh -c 'touch /planted && echo root-written'
	assert_status 0
	assert_output_contains root-written
}

@test "--net host: a host abstract unix socket is still out of reach" {
	need_servers
	[ "$(abi)" -ge 6 ] || skip "Landlock ABI $(abi) has no scopes (6)"
	sandbox_probe --net host -- abstract-unix "$HOST_ABSTRACT"
	assert_blocked EPERM
	sandbox_probe --net host --landlock=off -- abstract-unix "$HOST_ABSTRACT"
	assert_allowed
}

@test "a shared PID namespace (bwrap mode with --landlock): host processes cannot be signalled" {
	[ "$(abi)" -ge 6 ] || skip "Landlock ABI $(abi) has no scopes (6)"
	bare_opts
	sleep 60 >/dev/null 2>&1 3>&- &
	HOST_PIDS+=("$!")
	sandbox_probe "${BARE[@]}" --landlock=auto -- kill-host "${HOST_PIDS[-1]}"
	assert_blocked EPERM
	# bwrap mode's default is bubblewrap's: no Landlock, the host process is there.
	sandbox_probe "${BARE[@]}" -- kill-host "${HOST_PIDS[-1]}"
	assert_allowed
}

@test "sbx --enter is held by the sandbox's Landlock rules" {
	local name=ll-$$-$RANDOM
	NAMES+=("$name")
	SBX_TEST_MOUNT_BUG=extra:$HOSTDIR:/leak "$KNOB_SBX" --name "$name" sleep 60 3>&- &
	wait_for 10 entered "$name"
	run --separate-stderr "$SBX" --enter "$name" ./probe read /leak/secret
	assert_blocked EACCES
	run --separate-stderr "$SBX" --enter "$name" ./probe write /planted
	assert_blocked EACCES
	"$SBX" --stop "$name" --grace 1s
	# The same sandbox without Landlock: the entered command reads the mistake.
	SBX_TEST_MOUNT_BUG=extra:$HOSTDIR:/leak "$KNOB_SBX" --landlock=off --name "$name" sleep 60 3>&- &
	wait_for 10 entered "$name"
	run --separate-stderr "$SBX" --enter "$name" ./probe read /leak/secret
	assert_allowed
}

@test "--net host --allow-connect PORT: TCP connections to that port only" {
	need_servers
	[ "$(abi)" -ge 4 ] || skip "Landlock ABI $(abi) has no port rules (4)"
	sandbox_probe --net host --allow-connect "$HOST_PORT" -- tcp-connect 127.0.0.1 "$HOST_PORT"
	assert_allowed
	sandbox_probe --net host --allow-connect $((HOST_PORT ^ 1)) -- tcp-connect 127.0.0.1 "$HOST_PORT"
	assert_blocked EACCES
	# Without the rule the host's server is there to reach: the probe can tell.
	sandbox_probe --net host -- tcp-connect 127.0.0.1 "$HOST_PORT"
	assert_allowed
}

@test "--allow-bind PORT: binding that TCP port only" {
	[ "$(abi)" -ge 4 ] || skip "Landlock ABI $(abi) has no port rules (4)"
	local port=$((20000 + RANDOM % 20000))
	sandbox_probe --allow-bind "$port" -- tcp-bind "$port"
	assert_allowed
	sandbox_probe --allow-bind "$port" -- tcp-bind $((port + 1))
	assert_blocked EACCES
	sandbox_probe -- tcp-bind $((port + 1))
	assert_allowed
}

@test "sbx --enter is held by the sandbox's port rules too" {
	need_servers
	[ "$(abi)" -ge 4 ] || skip "Landlock ABI $(abi) has no port rules (4)"
	local name=llp-$$-$RANDOM
	NAMES+=("$name")
	"$SBX" --net host --allow-connect $((HOST_PORT ^ 1)) --name "$name" sleep 60 3>&- &
	wait_for 10 entered "$name"
	run --separate-stderr "$SBX" --enter "$name" ./probe tcp-connect 127.0.0.1 "$HOST_PORT"
	assert_blocked EACCES
}
