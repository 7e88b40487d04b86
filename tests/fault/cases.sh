#!/usr/bin/env bash
# cases.sh: the fault-injection runs of make check-fault (tests/fault/*.bats), against the
# test build in $SBX (built with -DSBX_FAULT_INJECTION; see src/base/fault.h).
#
#   cases.sh points SBX-ARGS...        the points a run of `sbx SBX-ARGS... -- true` passes,
#                                      one "NAME N" a line (the run must succeed)
#   cases.sh each ACTION SBX-ARGS...   every such point, made to fail (ACTION fail) or to
#                                      die of SIGKILL (kill), one run each, checked by check()
#                                      (FAULT_FIRST_ONLY: a regex of names tried at pass 1 only)
#   cases.sh expect WHAT SBX-ARGS...  one run (a release build is fine) in a condition that
#                                      $FAULT_PRE sets up (shell code run just before sbx,
#                                      e.g. "ulimit -n 8"); WHAT: "125" (sbx must fail) or
#                                      "either" (run, or fail cleanly); checked like a fail
#   cases.sh random RUNS PAR SBX-ARGS...
#                                      RUNS runs with seeded random faults, PAR at a time
#                                      (@N@ in an argument: the run's number)
#
# Each run's stdout, stderr and an extra fd 5 (as a build tool that passes its own pipe)
# are pipes whose readers must see EOF soon after sbx exits; what a run leaves running
# becomes this shell's child (a subreaper), so other work of the same user does not count. Problems are printed as "problem: ..." lines; the exit status
# says whether there was any. Needs XDG_RUNTIME_DIR: a private one, checked to be empty.
set -uo pipefail

: "${SBX:?SBX names the test build}"
: "${XDG_RUNTIME_DIR:?a private XDG_RUNTIME_DIR}"
work=$(mktemp -d "${TMPDIR:-/tmp}/sbx-fault.XXXXXX")
trap 'rm -rf "$work"' EXIT
EOF_WAIT=${EOF_WAIT:-5}

# This shell is a child subreaper (subreaper.c): what a run leaves behind becomes its child.
if [ -z "${FAULT_SUBREAPED:-}" ]; then
	: "${SUBREAPER:?SUBREAPER names tests/fault/subreaper.c, built}"
	FAULT_SUBREAPED=1 exec "$SUBREAPER" bash "$0" "$@"
fi

# kids: this shell's live children, in $kids (no subshell, which would be one of them)
kids=()
list_kids() {
	local all=() p st
	kids=()
	read -r -a all </proc/$$/task/$$/children || true
	for p in "${all[@]}"; do
		read -r st </proc/"$p"/stat 2>/dev/null || continue
		st=${st##*) }
		[ "${st:0:1}" = Z ] || kids+=("$p")
	done
}

describe() {
	[ $# = 0 ] || ps -o pid=,args= -p "$(echo "$@" | tr ' ' ,)" | tr '\n' ';'
}

mounts() {
	awk '{ print $5 }' /proc/self/mountinfo | sort
}

# gone PID...: true once none of them runs, within EOF_WAIT seconds
gone() {
	local i p alive
	for ((i = 0; i < EOF_WAIT * 20; i++)); do
		alive=0
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && return 0
		sleep 0.05
	done
	return 1
}

# run_one DIR SPEC SBX-ARGS...: one run of sbx with SBX_FAULT=SPEC; leaves in DIR: rc, out,
# err, and "eof-late" when a pipe's reader did not see EOF in time, "left" with the
# processes left (killed then, so that the next run starts clean). In a background
# subshell (random), what is left is counted at the end instead.
run_one() {
	local d=$1 spec=$2
	shift 2
	mkdir -p "$d"
	mkfifo "$d/o" "$d/e" "$d/5"
	cat "$d/o" >"$d/out" &
	local r1=$!
	cat "$d/e" >"$d/err" &
	local r2=$!
	cat "$d/5" >/dev/null &
	local r3=$!
	# shellcheck disable=SC2016 # "$@" is the inner shell's
	(cd "$d" && env ${spec:+"SBX_FAULT=$spec"} timeout -s KILL 60 bash -c "${FAULT_PRE:-:}"'; exec "$@"' sh \
		"$SBX" "$@" -- sh -c 'echo RAN') \
		>"$d/o" 2>"$d/e" 5>"$d/5" </dev/null
	echo $? >"$d/rc"
	gone "$r1" "$r2" "$r3" || touch "$d/eof-late"
	kill "$r1" "$r2" "$r3" 2>/dev/null
	wait "$r1" "$r2" "$r3" 2>/dev/null
	[ "$BASHPID" = $$ ] || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		list_kids
		[ ${#kids[@]} = 0 ] && break
		sleep 0.2
	done
	if [ ${#kids[@]} != 0 ]; then
		describe "${kids[@]}" >"$d/left"
		kill -KILL "${kids[@]}" 2>/dev/null
		wait 2>/dev/null
	fi
}

# registry_left KILLED: what the run left in the registry: nothing at all, or after a
# SIGKILL of sbx a stale entry that --list neither shows nor keeps.
registry_left() {
	local listed
	if [ "$1" = 0 ] && [ -n "$(ls -A "$XDG_RUNTIME_DIR/sbx" 2>/dev/null)" ]; then
		echo "registry entry left: $(ls -A "$XDG_RUNTIME_DIR/sbx" | tr '\n' ' ')"
	fi
	# Below its header line, --list shows one line per sandbox (where it can make its
	# registry: a runtime dir that does not allow that has no entry either, seen above;
	# nor can it show anything where there is no entry).
	if [ -n "$(ls -A "$XDG_RUNTIME_DIR/sbx" 2>/dev/null)" ] && listed=$("$SBX" --list 2>&1); then
		listed=$(echo "$listed" | grep -v '^NAME ')
		[ -z "$listed" ] || echo "sbx --list shows: $listed"
	fi
	if [ -n "$(ls -A "$XDG_RUNTIME_DIR/sbx" 2>/dev/null)" ]; then
		echo "registry entry left after --list: $(ls -A "$XDG_RUNTIME_DIR/sbx" | tr '\n' ' ')"
		rm -rf "${XDG_RUNTIME_DIR:?}/sbx/"*
	fi
	local other
	# FAULT_KEEP: a file the test put there itself
	other=$(ls -A "$XDG_RUNTIME_DIR" | grep -vx -e sbx -e "${FAULT_KEEP:-sbx}")
	if [ -n "$other" ]; then
		echo "left in \$XDG_RUNTIME_DIR: $other"
		(cd "$XDG_RUNTIME_DIR" && rm -rf -- $other)
	fi
}

# check D ACTION NAME N MOUNTS-BEFORE: the verdict on run_one's DIR, "problem: ..." lines
check() {
	local d=$1 action=$2 name=$3 n=$4 before=$5 rc ran=0 lines killed=0 what
	rc=$(cat "$d/rc")
	what="$action at '$name' #$n (rc $rc)"
	grep -qx RAN "$d/out" && ran=1
	lines=$(wc -l <"$d/err")
	case "$action" in
	fail)
		if [ "$ran" = 1 ] && [ "$rc" = 0 ]; then
			# A point whose failure sbx rightly goes on from (its own init instead
			# of the small program, ...): the command's status, and no message.
			[ "$lines" = 0 ] || echo "problem: $what: the command ran, yet stderr: $(cat "$d/err")"
		elif [ "$rc" != 125 ]; then
			echo "problem: $what: status $rc, not 125; stderr: $(cat "$d/err")"
		elif [ "$lines" != 1 ] || ! grep -q "^sbx: .*fault injected at $name #$n: " "$d/err"; then
			echo "problem: $what: not one line naming the step: $(cat "$d/err")"
		fi
		;;
	either | 125)
		# A condition of the host (no fds, no memory, ...): the command runs, or sbx
		# says in one line why not, and that line is kept for the report.
		if [ "$ran" = 1 ] && [ "$rc" = 0 ] && [ "$action" = either ]; then
			[ "$lines" = 0 ] || echo "problem: $what: the command ran, yet stderr: $(cat "$d/err")"
		elif [ "$rc" != 125 ]; then
			echo "problem: $what: status $rc, not 125; stderr: $(cat "$d/err")"
		elif [ "$lines" != 1 ] || ! grep -q '^sbx: ' "$d/err"; then
			echo "problem: $what: not one line of sbx's: $(cat "$d/err")"
		else
			echo "said: $(cat "$d/err")" >&2
		fi
		;;
	kill | random)
		# sbx itself killed: 137 and no word; its sandbox's init or setup process
		# killed (132: init's trap, see src/base/fault.c): what the supervisor says of it.
		killed=1
		case "$rc" in 0 | 125 | 132 | 137) ;;
		*) echo "problem: $what: status $rc; stderr: $(cat "$d/err")" ;;
		esac
		if [ "$lines" -gt 1 ] || { [ "$lines" = 1 ] && ! grep -q '^sbx: ' "$d/err"; }; then
			echo "problem: $what: more than one line or not sbx's: $(cat "$d/err")"
		fi
		if [ "$rc" = 125 ] && [ "$lines" = 0 ]; then
			echo "problem: $what: status 125 without a message"
		fi
		;;
	esac
	[ -e "$d/eof-late" ] && echo "problem: $what: the caller's pipes saw no EOF within ${EOF_WAIT}s after sbx exited"
	[ -e "$d/left" ] && echo "problem: $what: processes left: $(cat "$d/left")"
	local after
	after=$(mounts)
	if [ "$after" != "$before" ]; then
		echo "problem: $what: mounts in the caller's namespace changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')"
	fi
	registry_left "$killed" | sed "s|^|problem: $what: |"
}

points() {
	local t=$work/trace rc
	: >"$t"
	# In a directory like run_one's: a shared cwd is one mount more.
	mkdir -p "$work/t"
	(cd "$work/t" && SBX_FAULT="trace:$t" "$SBX" "$@" -- true </dev/null >"$work/trace.out" 2>&1)
	rc=$?
	if [ $rc != 0 ]; then
		echo "problem: the traced run failed ($rc): $(cat "$work/trace.out")" >&2
		return 1
	fi
	sort -u "$t" | sort -k1,1 -k2,2n
}

each() {
	local action=$1 list n=0 bad=0 out name num before
	shift
	list=$(points "$@") || return 1
	while read -r line; do
		num=${line##* }
		name=${line% *}
		# Points whose later passes another mode's run covers already (the mount ops)
		if [ -n "${FAULT_FIRST_ONLY:-}" ] && [ "$num" != 1 ] && [[ "$name" =~ ^($FAULT_FIRST_ONLY)$ ]]; then
			continue
		fi
		before=$(mounts)
		rm -rf "$work/c"
		run_one "$work/c" "$action:$name:$num" "$@"
		out=$(check "$work/c" "$action" "$name" "$num" "$before")
		n=$((n + 1))
		if [ -n "$out" ]; then
			echo "$out"
			bad=$((bad + 1))
		fi
	done <<<"$list"
	echo "$action: $n points, $bad with problems"
	[ "$n" -gt 0 ] && [ $bad = 0 ]
}

# random RUNS PAR SBX-ARGS...: RUNS runs (seeds 1..RUNS), PAR at a time; each checked
# alone for its output and pipes, then the leftovers of all of them at the end.
random_runs() {
	local runs=$1 par=$2 before bad=0 faulted=0 i
	shift 2
	before=$(mounts)
	for ((i = 1; i <= runs; i++)); do
		run_one "$work/r$i" "random:$i:20" "${@//@N@/$i}" &
		if ((i % par == 0)); then wait; fi
	done
	wait
	for ((i = 1; i <= runs; i++)); do
		local d=$work/r$i rc
		rc=$(cat "$d/rc")
		grep -q 'fault injected' "$d/err" || [ "$rc" != 0 ] && faulted=$((faulted + 1))
		local lines
		lines=$(wc -l <"$d/err")
		if [ "$lines" -gt 1 ] || { [ "$lines" = 1 ] && ! grep -q '^sbx: ' "$d/err"; } ||
			{ [ "$rc" = 125 ] && [ "$lines" = 0 ]; }; then
			echo "problem: random seed $i (rc $rc): not one line of sbx's: $(cat "$d/err")"
			bad=$((bad + 1))
		fi
		case "$rc" in 0 | 125 | 132 | 137) ;;
		*) echo "problem: random seed $i: status $rc: $(cat "$d/err")" && bad=$((bad + 1)) ;;
		esac
		for f in eof-late left; do
			if [ -e "$d/$f" ]; then
				echo "problem: random seed $i (rc $rc): $f: $(cat "$d/$f")"
				bad=$((bad + 1))
			fi
		done
	done
	check_end "$before" >"$work/end"
	if [ -s "$work/end" ]; then
		cat "$work/end"
		bad=$((bad + 1))
	fi
	echo "random: $runs runs, $faulted with a fault, $bad problems"
	[ "$faulted" -gt 0 ] && [ $bad = 0 ]
}

check_end() {
	local after
	sleep 1
	list_kids
	if [ ${#kids[@]} != 0 ]; then
		echo "problem: random: processes left: $(describe "${kids[@]}")"
		kill -KILL "${kids[@]}" 2>/dev/null
	fi
	after=$(mounts)
	[ "$after" = "$1" ] || echo "problem: random: mounts in the caller's namespace changed"
	registry_left 1 | sed 's|^|problem: random: |'
}

cmd=$1
shift
case "$cmd" in
points) points "$@" ;;
each) each "$@" ;;
random) random_runs "$@" ;;
expect)
	what=$1
	shift
	before=$(mounts)
	run_one "$work/c" "" "$@"
	check "$work/c" "$what" "${FAULT_PRE:-no condition}" 1 "$before" >"$work/verdict"
	cat "$work/verdict"
	[ ! -s "$work/verdict" ]
	;;
*) echo "cases.sh: unknown command $cmd" >&2 && exit 2 ;;
esac
