#!/usr/bin/env bats
# Bugs found by review or by tools that do not share our assumptions (issue 13), each with
# the test that would have caught it.

load ../lib/helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "--argv0 frees nothing twice (glibc's malloc checks)" {
	local dbg
	dbg=$(ls /usr/lib/*/libc_malloc_debug.so.0 2>/dev/null | head -n 1)
	[ -n "$dbg" ] || skip "glibc's libc_malloc_debug.so.0 is not installed"
	! ldd "$SBX" 2>/dev/null | grep -q libasan || skip "an ASan build checks this itself"
	run env LD_PRELOAD="$dbg" MALLOC_CHECK_=3 timeout 20 "$SBX" --argv0 foo sh -c 'echo "$0"'
	assert_status 0
	assert_output_contains foo
	[[ "$output" != *"free()"* ]]
}
