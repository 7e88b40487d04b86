#!/bin/bash
# In the sbx-vm guest (tests/bench/stress.sh starts it): the stress driver with a memory
# limit on every sandbox, so that each one gets a scope of the real systemd user manager;
# scopes (any state) and cgroups under the user manager are counted before and after each
# phase. Prints the driver's table, and the cgroups that the run left, by name.
set -uo pipefail
cd "$(dirname "$0")"
echo "Guest: $(uname -r), $(systemctl --version | head -n 1), $(nproc) CPUs, cgroup of the" \
	"caller: $(cut -d: -f3 /proc/self/cgroup)."
echo
# An emulated guest collects 100 scopes at once slowly: a minute before anything counts.
export SBX=$PWD/sbx STRESS_EXTRA="--memory 64M" STRESS_SETTLE_S=${STRESS_SETTLE_S:-60}
export STRESS_CGROUP_DIR=/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service
export STRESS_SCOPES_CMD="systemctl --user list-units --all --plain --no-legend 'sbx-*' | wc -l"
before=$(find "$STRESS_CGROUP_DIR" -type d | sort)
./stress </dev/null
rc=$?
left=$(comm -13 <(echo "$before") <(find "$STRESS_CGROUP_DIR" -type d | sort))
echo
echo "cgroups new since before the warm-up sandbox: ${left:-none}"
exit $rc
