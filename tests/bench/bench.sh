#!/bin/bash
# make bench: sbx's startup, supervisor memory and build overhead, side by side with
# bubblewrap and unshare, in ONE run with the cases interleaved (runner.c), as an
# unprivileged user. Only ratios from one run mean anything on a shared machine.
# Env: BENCH_RUNS (default 200), BENCH_USER (when run as root; default sbxtest).
set -euo pipefail
shopt -s inherit_errexit
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${BENCH_RUNS:-200}
user=${BENCH_USER:-sbxtest}

# vm_part RESULTS: the cgroup-limited start, measured in the sbx-vm guest (a real systemd
# user manager on cgroup v2; shared/vm/README.md) when its image is there; appended to
# RESULTS. BENCH_VM=no skips it.
vm_part() {
	local results=$1 sbx_vm=${SBX_VM:-$top/../shared/vm/sbx-vm} stage out
	vm_skip() {
		echo "bench: limited start not measured: $1" >&2
		printf '\nLimited start: not measured (%s).\n' "$1" >>"$results"
	}
	[ "${BENCH_VM:-auto}" != no ] || return 0
	[ -x "$sbx_vm" ] || {
		vm_skip "no sbx-vm at $sbx_vm"
		return 0
	}
	# Not the 5-minute image build as a side effect of a benchmark.
	if SBX_VM_CACHE=${SBX_VM_CACHE:-/var/tmp/sbx-vm} "$sbx_vm" info 2>/dev/null |
		grep -q '^image: not built'; then
		vm_skip "the sbx-vm image is not built; as root: $sbx_vm build"
		return 0
	fi
	stage=$(mktemp -d)
	cp "$top/build/sbx" "$top/tests/bench/vm-limited.sh" "$stage/"
	cc -O2 -o "$stage/runner" "$top/tests/bench/runner.c"
	chmod -R a+rX "$stage"
	echo "limited start: in the sbx-vm guest..." >&2
	out=$(SBX_VM_CACHE=${SBX_VM_CACHE:-/var/tmp/sbx-vm} SBX_VM_QUIET=1 \
		"$sbx_vm" run -t 1200 -d "$stage" -- ./vm-limited.sh </dev/null) || {
		vm_skip "the sbx-vm run failed"
		rm -rf "$stage"
		return 0
	}
	rm -rf "$stage"
	{
		echo
		echo "Limited start in the sbx-vm guest (systemd user manager, cgroup v2;" \
			"${BENCH_VM_RUNS:-50} runs each, interleaved; emulated unless /dev/kvm):"
		echo
		echo "| case | median µs | p90 µs |"
		echo "| --- | ---: | ---: |"
		while read -r n m p; do echo "| $n | $m | $p |"; done <<<"$out"
		echo
		awk '$1 == "sbx" { b = $2 } $1 == "sbx-memory" { m = $2 }
			END { if (b && m) printf "sbx --memory 1G − sbx: %d µs (target ≤ 3000)\n", m - b }' \
			<<<"$out"
	} >>"$results"
}

if [ "$(id -u)" = 0 ]; then
	missing=
	command -v bwrap >/dev/null || missing="$missing bubblewrap"
	command -v cc >/dev/null || missing="$missing gcc"
	if [ -n "$missing" ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	fi
	id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
	work=$(mktemp -d /tmp/sbx-bench.XXXXXX)
	mkdir -p "$work/gen"
	cp "$top/build/sbx" "$work/sbx"
	cp -r "$top/src" "$work/"
	cp "$top"/build/gen/*.inc "$top/build/sbx-pid1" "$work/gen/"
	cp "$top/tests/bench/runner.c" "$top/tests/bench/bench.sh" "$work/"
	chown -R "$user:" "$work"
	rc=0
	setpriv --reuid="$user" --regid="$user" --init-groups --reset-env \
		env HOME="$(getent passwd "$user" | cut -d: -f6)" PATH=/usr/local/bin:/usr/bin:/bin \
		BENCH_RUNS="$runs" BENCH_PTY_SIZE="${BENCH_PTY_SIZE:-1G}" SBX_BENCH_WORK="$work" \
		bash "$work/bench.sh" </dev/null || rc=$?
	if [ -f "$work/results.md" ]; then
		lines=$(wc -l <"$work/results.md")
		vm_part "$work/results.md"
		tail -n +"$((lines + 1))" "$work/results.md"
		mkdir -p "$top/tests/bench/results"
		cp "$work/results.md" "$top/tests/bench/results/$(date +%Y-%m-%d).md"
		echo "written: tests/bench/results/$(date +%Y-%m-%d).md"
	fi
	rm -rf "$work"
	exit $rc
fi

if [ -z "${SBX_BENCH_WORK:-}" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/gen"
	cp "$top/build/sbx" "$top/tests/bench/runner.c" "$work/"
	cp -r "$top/src" "$work/"
	cp "$top"/build/gen/*.inc "$top/build/sbx-pid1" "$work/gen/"
else
	work=$SBX_BENCH_WORK
fi
sbx=$work/sbx
cd "$work"
cc -O2 -o runner runner.c

bwrap_line="bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp true"
cases=(
	"true=/bin/true"
	"unshare-U=unshare -Ur true"
	"unshare-all=unshare -Urpimunf --mount-proc true"
	"bwrap=$bwrap_line"
	"sbx=$sbx true"
	# Landlock's cost: the ruleset built in the child, enforced by the command (issue 16).
	"sbx-no-landlock=$sbx --landlock=off true"
	"sbx-bare=$sbx --bare --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp true"
	"sbx-build=$sbx --profile build true"
	# A pty of its own (forced: the runner gives no terminal) against none, the same run.
	"sbx-pty=$sbx --pty true"
	"sbx-no-pty=$sbx --no-pty true"
)
limited=no
if "$sbx" --memory 1G true >/dev/null 2>&1; then
	cases+=("sbx-memory=$sbx --memory 1G true")
	limited=yes
fi
echo "startup: $runs runs of each case, interleaved..." >&2
"./runner" "$runs" "${cases[@]}" >startup.txt

med() { awk -v n="$1" '$1 == n { print $2 }' startup.txt; }
p90() { awk -v n="$1" '$1 == n { print $3 }' startup.txt; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# Peak RSS (VmHWM) of every process of a tool that stays alive while the command runs,
# then how many there are and their sum.
hwm() {
	local pids=$1 total=0 n=0 line
	for p in $pids; do
		line=$(grep VmHWM "/proc/$p/status" 2>/dev/null | awk '{print $2}') || true
		echo "$p:${line:-?}kB"
		n=$((n + 1))
		total=$((total + ${line:-0}))
	done
	echo "($n processes, $total kB in all)"
}
rss_of() {
	local name=$1
	shift
	"$@" sleep 3 &
	local top_pid=$!
	sleep 1
	local pids="$top_pid $(pgrep -P "$top_pid" -x "$(basename "$1")" || true)"
	hwm "$pids" | tr '\n' ' '
	wait "$top_pid" || true
}
sbx_rss=$(rss_of sbx "$sbx")
bwrap_rss=$(rss_of bwrap bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp)

# Build overhead: sbx's own sources, every compiler call wrapped, against plain cc.
# src/ has a folder per part (README's "Source layout"); the freestanding PID 1 is not
# built with the rest.
objs=$(cd src && find . -name '*.c' ! -path './run/pid1/*' | sed 's|^\./||; s/\.c$/.o/' | sort | tr '\n' ' ')
# Run from the work directory: the build profile binds only the cwd, which holds src/.
cat >Makefile.bench <<MK
CFLAGS = -std=gnu11 -D_GNU_SOURCE -O2 -iquote src -Igen \$(shell pkg-config --cflags json-c 2>/dev/null) \
	-DSBX_PID1_PATH='"gen/sbx-pid1"'
O ?= b1
all: \$(addprefix \$(O)/,$objs)
\$(O)/%.o: src/%.c
	@mkdir -p \$(@D)
	\$(CC) \$(CFLAGS) -c -o \$@ \$<
MK
build_time() {
	local out=$1
	shift
	local t0 t1
	rm -rf "$out"
	t0=$(date +%s%N)
	make -s -f Makefile.bench -j2 O="$out" "$@" >/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
plain_ms=0 wrapped_ms=0
for round in 1 2 3; do
	p=$(build_time b1 CC=cc)
	w=$(build_time b2 CC="$sbx --profile build -- cc")
	plain_ms=$((plain_ms + p))
	wrapped_ms=$((wrapped_ms + w))
done

# The pty relay's throughput: `yes` in the sandbox, its output through sbx's pty (--pty)
# or straight (--no-pty) to the terminal of script(1), as an interactive user's would be,
# then to /dev/null. One run each: the kernel's pty is slow with short lines, minutes
# for 1G. BENCH_PTY_SIZE: how much (head -c; default 1G).
pty_size=${BENCH_PTY_SIZE:-1G}
yes_cmd="yes | head -c $pty_size"
pty_mbs() {
	local t0 t1 bytes
	bytes=$(numfmt --from=iec "$pty_size")
	t0=$(date +%s%N)
	script -qec "$sbx $1 sh -c '$yes_cmd'" /dev/null >/dev/null 2>&1 </dev/null
	t1=$(date +%s%N)
	awk -v b="$bytes" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f (%.0f s)", b * 1000 / ns, ns / 1e9 }'
}
if command -v script >/dev/null; then
	echo "pty throughput: $yes_cmd with --pty and --no-pty, under script(1)..." >&2
	pty_tp="$(pty_mbs --pty) | $(pty_mbs --no-pty)"
else
	pty_tp="no script(1) | "
fi

{
	echo "# sbx benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "$(uname -r), $(nproc) CPUs, $runs runs per case, interleaved; unprivileged user."
	echo
	echo "| case | median µs | p90 µs |"
	echo "| --- | ---: | ---: |"
	while read -r n m p; do echo "| $n | $m | $p |"; done <startup.txt
	echo
	echo "| ratio (medians) | value | target |"
	echo "| --- | ---: | ---: |"
	echo "| sbx / bwrap | $(ratio "$(med sbx)" "$(med bwrap)") | ≤ 0.5 |"
	echo "| sbx / unshare-all | $(ratio "$(med sbx)" "$(med unshare-all)") | ≤ 1.0 |"
	echo "| sbx-bare / bwrap (same mounts) | $(ratio "$(med sbx-bare)" "$(med bwrap)") | |"
	echo "| sbx --pty − sbx --no-pty (µs) | $(($(med sbx-pty) - $(med sbx-no-pty))) | |"
	echo "| sbx − sbx --landlock=off (µs) | $(($(med sbx) - $(med sbx-no-landlock))) | small |"
	if [ $limited = yes ]; then
		echo "| sbx --memory 1G − sbx (µs) | $(($(med sbx-memory) - $(med sbx))) | ≤ 3000 |"
	else
		echo "| sbx --memory 1G | no cgroup backend on this host | |"
	fi
	echo
	echo "Supervisor memory while \`sleep 3\` runs, 1 s after the start (VmHWM per process,"
	echo "pid:size; target: one supervisor process of ≤ 1 MB):"
	echo
	echo "- sbx: $sbx_rss"
	echo "- bwrap: $bwrap_rss"
	echo
	echo "Build of sbx's $(echo "$objs" | wc -w) sources, make -j2, sum of 3 rounds:"
	echo
	echo "| build | ms |"
	echo "| --- | ---: |"
	echo "| plain cc | $plain_ms |"
	echo "| cc under sbx --profile build | $wrapped_ms |"
	echo "| overhead | $(awk -v a="$wrapped_ms" -v b="$plain_ms" 'BEGIN { printf "%.1f%%", (a - b) * 100 / b }') |"
	echo
	echo "\`$yes_cmd\` in the sandbox, under script(1), MB/s and the time (one run each):"
	echo
	echo "| --pty (relayed by sbx) | --no-pty (script's terminal shared) |"
	echo "| ---: | ---: |"
	echo "| $pty_tp |"
} >results.md
# Run by a user directly (not dropped to by the root part above, which does it then).
[ -n "${SBX_BENCH_WORK:-}" ] || vm_part results.md
cat results.md
if [ -z "${SBX_BENCH_WORK:-}" ]; then
	mkdir -p "$top/tests/bench/results"
	cp results.md "$top/tests/bench/results/$(date +%Y-%m-%d).md"
fi
