#!/usr/bin/env bash
# run.sh BINDIR SECONDS [TARGET...]: each fuzz target (default: all in BINDIR) for SECONDS
# over a copy of its seed corpus (tests/fuzz/corpus/TARGET, every input run first, so the
# crashes found before stay fixed) with its dictionary. Any crash, leak, sanitizer report or
# input slower than 10 s fails the target; its input is left in build/fuzz-artifacts.
# Ends with "N passed, N failed", one per target.
set -uo pipefail
bindir=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
artifacts=${FUZZ_ARTIFACTS:-$src/build/fuzz-artifacts}
mkdir -p "$artifacts"
work=$(mktemp -d /tmp/sbx-fuzz-run.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The option names, from the option table (src/cli/options.c), as words for the mutator: with
# dashes for the command line, without for profiles.
dict() {
	local target=$1 out=$work/$1.dict
	: >"$out"
	[ -f "$here/$target.dict" ] && cat "$here/$target.dict" >>"$out"
	case $target in
	fuzz_cli | fuzz_values)
		grep -o '{ "--[a-z0-9-]*"' "$src/src/cli/options.c" | sed 's/^{ //' >>"$out" ;;
	fuzz_profile)
		grep -o '{ "--[a-z0-9-]*"' "$src/src/cli/options.c" | sed 's/^{ "--/"/' >>"$out" ;;
	esac
	# libFuzzer refuses an empty dictionary
	[ -s "$out" ] && echo "-dict=$out"
}

passed=0 failed=0
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for b in "$bindir"/fuzz_*; do
		[ -x "$b" ] && targets+=("$(basename "$b")")
	done
fi
for t in "${targets[@]}"; do
	name=${t#fuzz_}
	corpus=$work/$name
	mkdir -p "$corpus"
	[ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$corpus/"
	log=$work/$name.log
	# -close_fd_mask=3: sbx's warnings and the dry-run output are not wanted (sanitizer
	# reports still come, on the copy of stderr libFuzzer keeps for them).
	timeout -k 10 $((seconds + 120)) "$bindir/$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 $(dict "$t") \
		-artifact_prefix="$artifacts/$t-" "$corpus" </dev/null >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" = 0 ] && ! grep -q -e '^==[0-9]*==ERROR' -e 'runtime error:' "$log"; then
		echo "ok $t: ${execs:-?} execs (${rate:-?}/s), $cov, corpus $(ls "$corpus" | wc -l)"
		passed=$((passed + 1))
	else
		echo "not ok $t: exit $rc after ${execs:-?} execs; the report:"
		grep -E -A40 '^==[0-9]*==ERROR|runtime error:|ERROR: libFuzzer' "$log" | head -n 60
		for a in "$artifacts"/"$t"-*; do
			[ -f "$a" ] || continue
			echo "  input: $a; run again, with the harness's own message:"
			timeout -k 5 60 "$bindir/$t" "$a" 2>&1 </dev/null |
				grep -a -v -e '^sbx: warning' -e '^    #' | head -n 60 | sed 's/^/    /'
		done
		failed=$((failed + 1))
	fi
done
echo "fuzz ($seconds s each): $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
