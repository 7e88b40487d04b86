#!/usr/bin/env bats
# sbx --check: one line per host feature (ok, warn or missing), a fix for each that is not
# ok, and exit 0 exactly when a plain sandbox can start.

load ../lib/helpers

# find_line ITEM: the line of $output about ITEM, into $line.
find_line() {
	local l
	line=
	for l in "${lines[@]}"; do
		if [[ "$l" =~ ^(ok|warn|missing)\ +"$1": ]]; then
			line=$l
			return 0
		fi
	done
	{
		echo "no line for: $1"
		_sbx_show_output
	} >&2
	return 1
}

@test "--check exits 0 and says ok for user namespaces where they work" {
	run_sbx --check
	assert_status 0
	find_line "user namespaces"
	[[ "$line" == "ok      user namespaces: "* ]]
}

@test "--check says there is no AppArmor restriction where the kernel has none" {
	[ ! -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ] ||
		skip "this kernel has kernel.apparmor_restrict_unprivileged_userns"
	run_sbx --check
	find_line apparmor
	[ "$line" = "ok      apparmor: no AppArmor restriction of user namespaces on this kernel" ]
}

@test "--check prints one line per item: ok, or warn/missing with a fix" {
	local l item
	run_sbx --check
	for item in "user namespaces" apparmor "overlayfs in user namespaces" "newuidmap/newgidmap" \
		"subordinate ids" "cgroup v2" "systemd user bus" seccomp landlock pasta \
		"small PID 1"; do
		find_line "$item"
	done
	[ "${#lines[@]}" -eq 11 ]
	for l in "${lines[@]}"; do
		if ! [[ "$l" =~ ^(ok\ {6}|warn\ {4}|missing\ )[^\ ][^:]*:\ [^\ ] ]]; then
			echo "malformed line: $l" >&2
			return 1
		fi
		if [[ "$l" != ok* && "$l" != *"; fix: "?* ]]; then
			echo "no fix on: $l" >&2
			return 1
		fi
	done
}

@test "--check reports a cgroup v1 or hybrid hierarchy with a fix" {
	run_sbx --check
	find_line "cgroup v2"
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		skip "/sys/fs/cgroup is cgroup v2 on this host"
	fi
	[[ "$line" == warn* || "$line" == missing* ]]
	[[ "$line" == *hybrid* || "$line" == *v1* ]]
	[[ "$line" == *"; fix: "*"systemd.unified_cgroup_hierarchy=1"* ]]
}

@test "--check: an unreachable session bus is not ok, and the fix names dbus-user-session and linger" {
	run env DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent XDG_RUNTIME_DIR=/nonexistent \
		"$SBX" --check
	assert_status 0
	find_line "systemd user bus"
	[[ "$line" != ok* ]]
	[[ "$line" == *"unix:path=/nonexistent: No such file or directory"* ]]
	[[ "$line" == *"; fix: "*dbus-user-session* ]]
	[[ "$line" == *"loginctl enable-linger $(id -un)"* ]]
}

@test "--check: no session bus address at all is not ok" {
	run env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "$SBX" --check
	find_line "systemd user bus"
	[[ "$line" != ok* ]]
	[[ "$line" == *"neither \$DBUS_SESSION_BUS_ADDRESS nor \$XDG_RUNTIME_DIR is set"* ]]
}

@test "--check connects to a listening session bus, trying each address in turn" {
	command -v dbus-daemon >/dev/null || skip "dbus-daemon is not installed"
	local pid i
	sbx_tmpdir
	dbus-daemon --session --nofork --nopidfile --address="unix:path=$SBX_TMP/bus" \
		3>&- </dev/null >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 100); do
		[ -S "$SBX_TMP/bus" ] && break
		sleep 0.05
	done
	run env DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent;unix:path=$SBX_TMP/bus,guid=0" \
		"$SBX" --check
	find_line "systemd user bus"
	local by_addr=$line
	run env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$SBX_TMP" "$SBX" --check
	find_line "systemd user bus"
	kill "$pid"
	wait "$pid" || true
	[[ "$by_addr" == "ok      systemd user bus: "*"accepts connections"* ]]
	[[ "$line" == "ok      systemd user bus: \$XDG_RUNTIME_DIR/bus=$SBX_TMP/bus accepts connections"* ]]
}

@test "--check exits 1 and says what to do where user namespaces cannot be created" {
	# A sandbox made with --disable-userns is such a place.
	run_sbx --disable-userns --ro-bind "$SBX" "$SBX" -- "$SBX" --check
	assert_status 1
	find_line "user namespaces"
	[[ "$line" == "missing user namespaces: unshare(CLONE_NEWUSER): "*"; fix: "?* ]]
	find_line "overlayfs in user namespaces"
	[[ "$line" == warn* ]]
}

@test "--check finds pasta where --net=pasta does: never through a relative PATH entry" {
	# A relative entry would make a run depend on its cwd; sbx skips it, so --check must too.
	cd "$BATS_TEST_TMPDIR"
	mkdir -p rel
	printf '#!/bin/sh\nexit 0\n' >rel/pasta
	chmod +x rel/pasta
	PATH=rel:/nonexistent run "$SBX" --check
	find_line pasta
	[[ "$line" == "warn    pasta: not in \$PATH"* ]]
	PATH=rel:/nonexistent run "$SBX" --net=pasta true
	assert_status 125
	assert_output_contains "pasta is not in \$PATH"
}

@test "--check leaves no process behind" {
	sbx_tmpdir
	# The session sbx leads: a probe child that outlived it would still be in it.
	run setsid -w sh -c 'echo $$ >"$1"; exec "$2" --check' sh "$SBX_TMP/sid" "$SBX"
	assert_status 0
	run pgrep -s "$(cat "$SBX_TMP/sid")"
	[ "$status" -eq 1 ]
}

@test "--check takes well under a second" {
	local start end
	start=$(date +%s%N)
	run_sbx --check
	end=$(date +%s%N)
	[ $(((end - start) / 1000000)) -lt 1000 ]
}

@test "--help lists --check" {
	run_sbx --help
	assert_output_contains "--check"
}
