#!/usr/bin/env bash
# `make check-vm`, on the host: copies build/sbx and the tests into a staging directory,
# boots the sbx-vm guest (a real systemd user manager on cgroup v2; shared/vm/README.md),
# runs tests/vm/run.sh there, and ends with one line: "N passed, N failed".
# A guest that does not boot, or a run that ends without bats' results, is a failure,
# never a pass. Environment: SBX_VM (the sbx-vm script), SBX_VM_CACHE (its image cache),
# SBX_VM_TIMEOUT (seconds for the whole boot and run, default 1800); sbx-vm's own.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 125
. tests/lib/tally.bash
sbx_vm=${SBX_VM:-../shared/vm/sbx-vm}
t0=$SECONDS

fail() {
	echo "check-vm: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[ -x build/sbx ] || fail "build/sbx is missing (make all)"
[ -x "$sbx_vm" ] || fail "$sbx_vm not found: set SHARED= (the directory holding vm/sbx-vm) or SBX_VM="
stage=$(mktemp -d "${TMPDIR:-/tmp}/sbx-check-vm.XXXXXX")
log=$stage.log
trap 'rm -rf "$stage" "$log"' EXIT
mkdir -p "$stage/build" "$stage/tests"
cp build/sbx "$stage/build/"
# make check-fault's test build, for tests/vm/70-fault.bats, when asked for with
# SBX_VM_FAULT=1: under emulation its some 200 faulted starts take longer than CI allows.
if [ "${SBX_VM_FAULT:-0}" = 1 ] && [ -x build/fault/build/sbx ]; then
	cp build/fault/build/sbx "$stage/build/sbx-fault"
fi
cp -a tests/vm tests/lib "$stage/tests/"

echo "check-vm: booting the guest ($sbx_vm, cache ${SBX_VM_CACHE:-default})"
"$sbx_vm" run -t "${SBX_VM_TIMEOUT:-1800}" -d "$stage" -- ./tests/vm/run.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "check-vm: sbx-vm exited with status $rc after $((SECONDS - t0)) s"
tap_tally check-vm "$log" "$rc"
if [ -z "$plan" ]; then
	case $rc in
	125) echo "check-vm: the guest did not boot or the VM side failed (see sbx-vm's message above)" ;;
	124) echo "check-vm: the VM timed out" ;;
	*) echo "check-vm: no test results from the guest" ;;
	esac
	notok=$((notok > 0 ? notok : 1))
fi
echo "$ok passed, $notok failed"
[ "$notok" = 0 ]
