# shellcheck shell=bash
# shellcheck disable=SC2154 # status, output, lines, stderr come from bats' run
# shellcheck disable=SC2034 # NO_FILTER, NO_FILTER_ALL_CAPS, NO_TTY_RULES, BARE are for the .bats files
# Shared by tests/security/*.bats, loaded after ../lib/helpers: builds probe.c (one escape
# attempt per run, see its header) and runs it inside sbx.
#
# Every test attempts the escape for real in a sandbox with default options and asserts
# that it is refused; where the protection can be switched off (--seccomp none,
# --cap-add ALL, --net host, --bare without the namespace, a bind) it runs the same
# attempt again without it and asserts that the outcome changes, so that a test cannot
# pass because the attempt was broken. Where the kernel refuses the attempt by itself
# (a feature compiled out, a sysctl), the test says so with skip instead of passing.

bats_require_minimum_version 1.5.0

# security_setup_file: compiles the probe into $SBX_WORK, a directory of this file's own
# that the tests use as their working directory: sbx binds the cwd in at the same path,
# so ./probe is there inside too.
security_setup_file() {
	export SBX_WORK="$BATS_FILE_TMPDIR/work"
	mkdir -p "$SBX_WORK"
	cc -O1 -o "$SBX_WORK/probe" "$SBX_TESTS_DIR/security/probe.c"
}

security_setup() {
	cd "$SBX_WORK" || return 1
}

# sandbox_probe [SBX OPTION...] -- SUBCOMMAND [ARG...]: ./probe SUBCOMMAND in a sandbox.
# Sets $status, $output and $lines (the probe's stdout) and $stderr (sbx's and the probe's).
sandbox_probe() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	run --separate-stderr "$SBX" "${opts[@]}" ./probe "$@"
}

# pty_probe [SBX OPTION...] -- SUBCOMMAND [ARG...]: the same with a pseudo-terminal as the
# caller's terminal (script(1)), so that fd 0 inside is a terminal: the one the sandbox
# must not be able to type into. sbx's stderr is dropped.
pty_probe() {
	local opts=() cmd fifo keep
	command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	printf -v cmd '%q ' "$SBX" "${opts[@]}" ./probe "$@"
	# A stdin that does not end (a fifo we hold open): script(1) types the end of a
	# non-terminal stdin into its terminal as a character, which reaches the sandbox's
	# pty and comes back echoed before the probe's verdict.
	fifo=$BATS_TEST_TMPDIR/pty_probe.stdin
	[ -p "$fifo" ] || mkfifo "$fifo"
	exec {keep}<>"$fifo"
	run --separate-stderr script -qec "$cmd 2>/dev/null" /dev/null <"$fifo"
	exec {keep}>&-
	output=${output//$'\r'/}
	mapfile -t lines <<<"$output"
}

# tiocsti_attack [SBX OPTION...]: under a pseudo-terminal of script(1), the sandbox pushes
# "echo INJECTED" and a newline into its terminal with TIOCSTI; then the caller's shell
# reads that terminal as it would after any command. Sets $lines[0] to the probe's
# verdict and $injected to what the caller's shell read (empty: nothing was injected).
tiocsti_attack() {
	local cmd
	command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
	# --no-pty: the caller's terminal itself, so that this judges the filter alone (sbx's
	# own pty is the other wall, tested in 60-terminal.bats).
	printf -v cmd '%q ' "$SBX" --no-pty "$@" ./probe tiocsti $'echo INJECTED\n'
	# script(1) turns the end of its stdin (/dev/null) into an end-of-file on the
	# terminal: the first read ends there, the second gets what the sandbox pushed.
	# -echo: the terminal's echo of that input would come first in the output.
	run --separate-stderr script -qec "stty -echo; $cmd 2>/dev/null
		for i in 1 2; do IFS= read -r -t 1 l && echo \"read: \$l\"; done; true" /dev/null
	output=${output//$'\r'/}
	mapfile -t lines <<<"$output"
	injected=$(printf '%s\n' "${lines[@]}" | sed -n 's/^read: //p')
}

# assert_not_injected: after tiocsti_attack, the probe was refused with EPERM and the
# caller's shell read nothing.
assert_not_injected() {
	[[ "${lines[0]}" != notty* ]] || skip "script(1) gave the sandbox no terminal"
	assert_blocked EPERM
	if [ -n "$injected" ]; then
		echo "the caller's shell read: $injected" >&2
		return 1
	fi
}

# assert_injected: after tiocsti_attack, the attempt worked: the caller's shell read it.
assert_injected() {
	assert_verdict allowed
	if [ "$injected" != "echo INJECTED" ]; then
		{
			echo "expected the caller's shell to read: echo INJECTED"
			echo "it read: ${injected:-<nothing>}"
			_probe_show
		} >&2
		return 1
	fi
}

_probe_show() {
	_sbx_show_output
	echo "-- stderr --"
	printf '%s\n' "${stderr-}"
	echo "--"
}

# assert_verdict WORD [ERRNO]: the probe ran (status 0) and its verdict, the first line,
# is WORD ("blocked", "allowed") followed by ERRNO when given.
assert_verdict() {
	local want=$1 got
	[ -z "${2-}" ] || want="$1 $2"
	got=${lines[0]-}
	if [ "$status" != 0 ] || [[ "$got" != "$want" && "$got" != "$want "* ]]; then
		{
			echo "expected the verdict: $want"
			echo "got:                  ${got:-<nothing>}"
			_probe_show
		} >&2
		return 1
	fi
}

assert_blocked() {
	assert_verdict blocked "$@"
}

assert_allowed() {
	assert_verdict allowed "$@"
}

# verdict_of_last: the first line of the last probe run.
verdict_of_last() {
	printf '%s\n' "${lines[0]-}"
}

# assert_changes_without OPTION... -- SUBCOMMAND [ARG...]: the attempt with OPTIONs (the
# protection switched off) runs and ends with another verdict than the one before it.
assert_changes_without() {
	local before=${lines[0]-}
	sandbox_probe "$@"
	if [ "$status" != 0 ] || [ -z "${lines[0]-}" ] || [ "${lines[0]}" = "$before" ]; then
		{
			echo "with the protection switched off ($*), expected another verdict than: $before"
			_probe_show
		} >&2
		return 1
	fi
}

# changes_without_or_skip WHY OPTION... -- SUBCOMMAND [ARG...]: like assert_changes_without,
# but when the verdict stays the same the kernel refuses the attempt by itself: skip with
# WHY, since the sandbox's part cannot be observed on this host.
changes_without_or_skip() {
	local why=$1 before=${lines[0]-}
	shift
	sandbox_probe "$@"
	if [ "$status" != 0 ] || [ -z "${lines[0]-}" ]; then
		{
			echo "the probe did not run with the protection switched off ($*)"
			_probe_show
		} >&2
		return 1
	fi
	if [ "${lines[0]}" = "$before" ]; then
		skip "$why (\"$before\" even with $*)"
	fi
}

# The ways to take a protection away.
NO_FILTER=(--seccomp none)
# sbx's terminal rules are stacked on any filter, none included
NO_TTY_RULES=(--seccomp none --allow-tiocsti)
# and no Landlock, which refuses mount, umount and pivot_root to whatever it confines
# and ptrace of what it does not
NO_FILTER_ALL_CAPS=(--seccomp none --cap-add ALL --landlock=off)
# A --bare sandbox without --unshare-pid/--unshare-ipc/...: the host's namespaces, with
# just enough of the host's files to run the probe.
bare_opts() {
	BARE=(--bare --ro-bind /usr /usr --ro-bind-try /lib /lib --ro-bind-try /lib64 /lib64
		--ro-bind-try /bin /bin --bind "$PWD" "$PWD" --chdir "$PWD")
}

# A TCP server on the host's 127.0.0.1 (a random port) and an abstract unix socket, both
# accepting and closing connections; $HOST_PORT and $HOST_ABSTRACT say where.
start_host_servers() {
	local py i
	py=$(command -v python3) || return 0
	export HOST_ABSTRACT="sbx-test-$$-$RANDOM"
	"$py" -c '
import select, socket, sys
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.bind(("127.0.0.1", 0))
t.listen(16)
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.bind("\0" + sys.argv[1])
u.listen(16)
print(t.getsockname()[1], flush=True)
while True:
    for s in select.select([t, u], [], [])[0]:
        s.accept()[0].close()
' "$HOST_ABSTRACT" >"$BATS_FILE_TMPDIR/server.port" 2>"$BATS_FILE_TMPDIR/server.err" </dev/null 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/server.pid"
	for ((i = 0; i < 100; i++)); do
		[ ! -s "$BATS_FILE_TMPDIR/server.port" ] || break
		sleep 0.05
	done
	HOST_PORT=$(cat "$BATS_FILE_TMPDIR/server.port")
	export HOST_PORT
}

stop_host_servers() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/server.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}

need_servers() {
	[ -n "${HOST_PORT-}" ] ||
		skip "no python3 to run a host server: $(cat "$BATS_FILE_TMPDIR/server.err" 2>/dev/null)"
}

host_sleep() {
	sleep 60 >/dev/null 2>&1 3>&- &
	HOST_PIDS+=("$!")
}
