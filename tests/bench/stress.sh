#!/bin/bash
# make stress: sbx at scale (tests/bench/stress.c does the work): STRESS_SEQ sandboxes in
# sequence (10000), STRESS_ALIVE alive at once (1000), STRESS_NAMED named ones (200) with
# STRESS_WORKERS processes (6) interleaving --list/--enter/--stop; failures, time per
# start, the machine's memory, and leaks of the caller (fds, mounts, processes, registry
# entries, cgroups, scopes) per phase. Then a smaller run in the sbx-vm guest, where a real
# systemd user manager puts every sandbox in a scope (STRESS_VM=no skips it; STRESS_VM_SEQ,
# STRESS_VM_ALIVE, STRESS_VM_NAMED: 500, 100, 50, each sandbox with --memory 64M).
# As root: runs as STRESS_USER (sbxtest), raising a kernel limit first where one is below
# what the numbers need (said in the table). Writes tests/bench/results/stress-DATE.md;
# exits non-zero on any failure or leak, or a limit that keeps a phase from running.
set -euo pipefail
shopt -s inherit_errexit
top=$(cd "$(dirname "$0")/../.." && pwd)
export STRESS_SEQ=${STRESS_SEQ:-10000} STRESS_ALIVE=${STRESS_ALIVE:-1000}
export STRESS_NAMED=${STRESS_NAMED:-200} STRESS_WORKERS=${STRESS_WORKERS:-6}
user=${STRESS_USER:-sbxtest}
day=$(date -u +%Y-%m-%d)
results=$top/tests/bench/results/stress-$day.md

[ -x "$top/build/sbx" ] || {
	echo "stress: build/sbx is missing (make)" >&2
	exit 2
}
work=$(mktemp -d "${TMPDIR:-/tmp}/sbx-stress.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$top/build/sbx" "$work/sbx"
cc -std=gnu11 -O2 -Wall -pthread -o "$work/stress" "$top/tests/bench/stress.c"
# The registry of this run: its own XDG_RUNTIME_DIR, so nothing else's entries count.
mkdir -m 0700 "$work/run"
notes=()

# Each sandbox holds one namespace of each kind and three processes (sbx, its PID 1, the
# command); the named phase adds the --enter'ed ones.
need=$((STRESS_ALIVE > STRESS_NAMED ? STRESS_ALIVE : STRESS_NAMED))
if [ "$(id -u)" = 0 ]; then
	id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
	for ns in user mnt pid net ipc uts cgroup; do
		f=/proc/sys/user/max_${ns}_namespaces
		v=$(cat "$f" 2>/dev/null) || continue
		if [ "$v" -lt $((need + 50)) ]; then
			echo $((2 * need + 100)) >"$f"
			notes+=("raised user.max_${ns}_namespaces from $v to $((2 * need + 100)) (root)")
		fi
	done
	v=$(cat /proc/sys/kernel/pid_max)
	if [ "$v" -lt $((4 * need + 1000)) ]; then
		echo $((4 * need + 1000)) >/proc/sys/kernel/pid_max
		notes+=("raised kernel.pid_max from $v to $((4 * need + 1000)) (root)")
	fi
	nproc_limit=$(ulimit -u)
	if [ "$nproc_limit" != unlimited ] && [ "$nproc_limit" -lt $((4 * need + 1000)) ]; then
		ulimit -u $((4 * need + 1000))
		notes+=("raised RLIMIT_NPROC from $nproc_limit to $((4 * need + 1000)) (root)")
	fi
	chown -R "$user:" "$work"
	run_as=(setpriv --reuid="$user" --regid="$user" --init-groups --reset-env
		env HOME="$(getent passwd "$user" | cut -d: -f6)" PATH=/usr/local/bin:/usr/bin:/bin)
else
	run_as=(env)
	user=$(id -un)
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
load0=$(load)
t0=$SECONDS
rc=0
(cd "$work" && "${run_as[@]}" XDG_RUNTIME_DIR="$work/run" SBX="$work/sbx" \
	STRESS_SEQ="$STRESS_SEQ" STRESS_ALIVE="$STRESS_ALIVE" STRESS_NAMED="$STRESS_NAMED" \
	STRESS_WORKERS="$STRESS_WORKERS" ./stress </dev/null) >"$work/table.md" || rc=$?
load1=$(load)

# vm_part: the same, smaller, in the sbx-vm guest; prints its section, or why not.
vm_part() {
	local sbx_vm=${SBX_VM:-$top/../shared/vm/sbx-vm} stage out vrc=0
	local cache=${SBX_VM_CACHE:-/var/tmp/sbx-vm}
	if [ "${STRESS_VM:-auto}" = no ]; then
		echo "In the sbx-vm guest: not run (STRESS_VM=no)."
		return 0
	fi
	if [ ! -x "$sbx_vm" ]; then
		echo "In the sbx-vm guest: not run (no sbx-vm at $sbx_vm)."
		return 0
	fi
	if SBX_VM_CACHE=$cache "$sbx_vm" info 2>/dev/null | grep -q '^image: not built'; then
		echo "In the sbx-vm guest: not run (the image is not built; as root: $sbx_vm build)."
		return 0
	fi
	stage=$(mktemp -d)
	cp "$work/sbx" "$work/stress" "$top/tests/bench/vm-stress.sh" "$stage/"
	chmod -R a+rX "$stage"
	echo "stress: in the sbx-vm guest..." >&2
	out=$(SBX_VM_CACHE=$cache SBX_VM_QUIET=1 "$sbx_vm" run -t 3000 -d "$stage" \
		-e STRESS_SEQ="${STRESS_VM_SEQ:-500}" -e STRESS_ALIVE="${STRESS_VM_ALIVE:-100}" \
		-e STRESS_NAMED="${STRESS_VM_NAMED:-50}" -e STRESS_WORKERS="$STRESS_WORKERS" \
		-- ./vm-stress.sh </dev/null) || vrc=$?
	rm -rf "$stage"
	echo "In the sbx-vm guest (systemd user manager, cgroup v2, a scope per sandbox; every"
	echo "sandbox with --memory 64M; emulated unless /dev/kvm):"
	echo
	echo "$out"
	if [ "$vrc" != 0 ]; then
		echo
		echo "The guest run failed (status $vrc)."
	fi
	return "$vrc"
}
vm_rc=0
vm_out=$(vm_part) || vm_rc=$?

{
	echo "# sbx stress, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "sbx $(git -C "$top" describe --always --dirty 2>/dev/null || echo '(no git)')," \
		"$(uname -r), $(nproc) CPUs, as $user; $STRESS_SEQ in sequence, $STRESS_ALIVE alive" \
		"at once, $STRESS_NAMED named with $STRESS_WORKERS workers; $((SECONDS - t0)) s in all."
	echo "Load average (1/5/15 min) before: $load0, after the host part: $load1 (a shared machine)."
	echo "Limits: ulimit -u $(ulimit -u), pid_max $(cat /proc/sys/kernel/pid_max)," \
		"max_user_namespaces $(cat /proc/sys/user/max_user_namespaces).${notes:+ ${notes[*]}.}"
	echo "Time per start: seq, from spawn to exit of \`sbx true\`; alive and named, from spawn"
	echo "to the command's first line. Memory: the machine's MemAvailable, sampled every 20 ms."
	echo
	cat "$work/table.md"
	echo
	echo "$vm_out"
} >"$work/results.md"
cat "$work/results.md"
mkdir -p "$top/tests/bench/results"
cp "$work/results.md" "$results"
echo "written: ${results#"$top"/}" >&2
[ "$rc" = 0 ] || exit "$rc"
exit "$vm_rc"
