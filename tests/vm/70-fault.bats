#!/usr/bin/env bats
# make check-fault's test build (build/fault/build/sbx, staged by tests/vm/check.sh when
# it is there; CI builds it before make check-vm) against the real user manager: a limited
# sandbox made to fail, and to die, at each step it passes, and no scope nor cgroup of
# sbx's may be left behind (issue 13). The host has no systemd to check this on.

load vm-helpers

# Some 100 runs of sbx in the emulated guest.
BATS_TEST_TIMEOUT=900

setup() {
	[ -x "${SBX_FAULT_BIN:-}" ] ||
		skip "no fault-injection build staged (make check-fault builds build/fault/build/sbx)"
	vm_setup
}
teardown() { vm_teardown; }

# points: "NAME N" for each pass of each fault point of a limited run, from a traced one.
points() {
	local t=$BATS_TEST_TMPDIR/trace
	: >"$t"
	SBX_FAULT="trace:$t" "$SBX_FAULT_BIN" --memory 64M -- true </dev/null >/dev/null 2>&1 ||
		return 1
	sort -u "$t"
}

@test "a limited sandbox failing or dying at each step leaves no scope or cgroup behind" {
	local list action line name num rc n=0 bad=0
	list=$(points)
	grep -q '^cgroup place ' <<<"$list" || {
		echo "the traced run did not pass the placement: $list" >&2
		false
	}
	for action in fail kill; do
		while read -r line; do
			num=${line##* } name=${line% *}
			# Each mount operation's first pass stands for the others (make check-fault
			# tries every one on the host).
			[[ "$num" == 1 || ! "$name" =~ ^(rootfs\ op|mount)$ ]] || continue
			rc=0
			SBX_FAULT="$action:$name:$num" timeout -k 5 60 "$SBX_FAULT_BIN" --memory 64M \
				-- true </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
			n=$((n + 1))
			if ! wait_no_units 15 2>"$BATS_TEST_TMPDIR/left"; then
				echo "$action:$name:$num (status $rc): left: $(cat "$BATS_TEST_TMPDIR/left")" >&2
				bad=$((bad + 1))
				systemctl --user stop 'sbx-*.scope' 2>/dev/null || true
			fi
		done <<<"$list"
	done
	note "$n faulted runs, $bad left something behind"
	[ "$n" -gt 20 ] && [ "$bad" = 0 ]
}
