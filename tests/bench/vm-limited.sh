#!/bin/bash
# In the sbx-vm guest (tests/bench/bench.sh starts it): sbx's start with and without a
# cgroup limit, interleaved, where a real systemd user manager places the sandbox in a
# scope. Prints runner's lines: "case median_us p90_us".
set -euo pipefail
cd "$(dirname "$0")"
echo "# guest: $(uname -r), $(systemctl --version | head -n 1), $(nproc) CPUs" >&2
./runner "${BENCH_VM_RUNS:-50}" "sbx=./sbx true" "sbx-memory=./sbx --memory 1G true" \
	"sbx-memory-pids=./sbx --memory 1G --pids 100 true"
