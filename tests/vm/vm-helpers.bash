# shellcheck shell=bash
# shellcheck disable=SC2154 # status, output, lines come from bats' run
# Shared by tests/vm/*.bats, which run in the sbx-vm guest (tests/vm/run.sh) as the
# lingering user sbx, with a real systemd user manager on a pure cgroup v2 hierarchy.

load ../lib/helpers
bats_require_minimum_version 1.5.0

# Where the user manager keeps its units' cgroups.
USER_CG=/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service

vm_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	bg_pids=()
}

# Ends what a failed test left running, by pid, and waits for its scopes to go, so that
# the next test starts with none.
vm_teardown() {
	local p
	for p in "${bg_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${bg_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	wait_no_units 10 >/dev/null 2>&1 || {
		systemctl --user stop 'sbx-*.scope' 2>/dev/null || true
		systemctl --user reset-failed 'sbx-*.scope' 2>/dev/null || true
	}
}

# sbx_t (tests/lib/helpers.bash) bounds sbx in time; a guest under TCG is slow.
SBX_T_TIMEOUT=120

# sbx_units: the sbx-* units the user manager knows, whatever their state, one per line.
sbx_units() {
	systemctl --user list-units 'sbx-*' --all --plain --no-legend --no-pager
}

# sbx_cgroups: sbx-* cgroups anywhere under the user manager.
sbx_cgroups() {
	find "$USER_CG" -name 'sbx-*' 2>/dev/null || true
}

# wait_no_units [SECONDS]: until no sbx-* unit nor cgroup is left (default 5 s); on
# failure says what is left.
wait_no_units() {
	local i n=$((${1:-5} * 10))
	for ((i = 0; i < n; i++)); do
		if [ -z "$(sbx_units)" ] && [ -z "$(sbx_cgroups)" ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "left behind after ${1:-5} s:" >&2
	sbx_units >&2
	sbx_cgroups >&2
	return 1
}

# start_bg ARGS...: sbx ARGS in the background (its pid in $sbx_pid, added to bg_pids);
# waits until the sandbox is placed: $child (its first process on the host, from --info-fd)
# and $unit (sbx-CMD-CHILD.scope, CMD from the last word before --... as sbx names it).
start_bg() {
	local info=$BATS_TEST_TMPDIR/info.$$.$RANDOM i
	"$SBX" --info-fd 5 "$@" 5>"$info" >"$BATS_TEST_TMPDIR/bg.out" 2>&1 &
	sbx_pid=$!
	bg_pids+=("$sbx_pid")
	for ((i = 0; i < 300; i++)); do
		[ -s "$info" ] && grep -q '}' "$info" && break
		sleep 0.1
	done
	child=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' "$info")
	if [ -z "$child" ]; then
		echo "sbx did not start: $(cat "$BATS_TEST_TMPDIR/bg.out")" >&2
		return 1
	fi
	unit=$(sbx_units | awk -v c="-$child.scope" '$1 ~ c"$" { print $1 }')
	if [ -z "$unit" ]; then
		echo "no unit for the sandbox $child; units: $(sbx_units)" >&2
		return 1
	fi
}

# show PROPERTY...: the running $unit's properties as NAME=VALUE lines (systemctl --user show)
show() {
	local IFS=,
	systemctl --user show -p "$*" "$unit"
}

# note TEXT: a line in the TAP output (for the numbers the closing note wants).
note() {
	echo "# $*" >&3
}
