#!/usr/bin/env bats
# DESIGN.md section 3: capabilities left in any set; setuid binaries gaining anything
# (no_new_privs); ptracing the sandbox's init; overwriting the sbx binary through
# /proc/PID/exe; fds or a cwd leaked from sbx into the sandbox.

load ../lib/helpers
load security

setup_file() {
	security_setup_file
}

setup() {
	security_setup
}

ZERO=0000000000000000

assert_no_caps() {
	local set
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line_eq "$set: $ZERO"
	done
}

# --- capabilities --------------------------------------------------------------------

@test "all five capability sets are empty" {
	sandbox_probe -- caps
	assert_status 0
	[ "${#lines[@]}" = 5 ]
	assert_no_caps
	# The probe does see capabilities where there are some.
	sandbox_probe --cap-add ALL -- caps
	assert_status 0
	[[ "$output" != *"CapEff: $ZERO"* ]]
}

@test "all five capability sets are empty with --root too" {
	sandbox_probe --root -- ids
	assert_line_eq "Uid: 0	0	0	0"
	sandbox_probe --root -- caps
	assert_status 0
	[ "${#lines[@]}" = 5 ]
	assert_no_caps
}

@test "uid 0 inside gains nothing from being 0: securebits noroot and no_setuid_fixup, locked" {
	run timeout 20 "$SBX" --root setpriv -d
	assert_status 0
	assert_output_contains "noroot_locked"
	assert_output_contains "no_setuid_fixup_locked"
	assert_output_contains "keep_caps_locked"
	# and the sandbox cannot unlock them, not even with every capability kept
	run timeout 20 "$SBX" --root --cap-add ALL setpriv --securebits -noroot true
	[ "$status" -ne 0 ]
}

@test "--cap-drop ALL after --cap-add ALL leaves nothing" {
	sandbox_probe --cap-add ALL --cap-drop ALL -- caps
	assert_status 0
	assert_no_caps
}

# --- setuid binaries -----------------------------------------------------------------

@test "no_new_privs is set, with and without --root" {
	sandbox_probe -- nnp
	assert_output_eq "NoNewPrivs: 1"
	sandbox_probe --root -- nnp
	assert_output_eq "NoNewPrivs: 1"
}

# su and passwd wait for a password on stdin; meanwhile the probe reads their effective
# uid from /proc. Run on the host, the same probe sees it become 0: it can tell.
setuid_root_binary() {
	local b
	for b in /usr/bin/su /bin/su /usr/bin/passwd; do
		if [ -u "$b" ] && [ "$(stat -c %u "$b")" = 0 ]; then
			echo "$b"
			return 0
		fi
	done
	return 1
}

@test "a setuid-root binary run inside does not raise the effective uid" {
	local bin
	bin=$(setuid_root_binary) || skip "no setuid-root su or passwd on this host"
	sandbox_probe -- setuid-exec "$bin"
	assert_blocked "euid=$(id -u)"
	sandbox_probe --root -- setuid-exec "$bin"
	assert_blocked "euid=0"
	# Here the euid 0 inside is the caller's uid outside; it must not have become more.
	run --separate-stderr ./probe setuid-exec "$bin"
	if [ "${lines[0]-}" != "allowed euid=0" ]; then
		skip "$bin does not run set-user-ID root on this host either (${lines[0]-}): no proof the probe can see it"
	fi
}

@test "su cannot be used to become root inside" {
	local bin
	bin=$(setuid_root_binary) || skip "no setuid-root su or passwd on this host"
	run "$SBX" sh -c 'su -c "id -u" root </dev/null'
	[ "$status" != 0 ]
	[[ $'\n'"$output"$'\n' != *$'\n0\n'* ]]
}

# --- the sandbox's init ----------------------------------------------------------------

@test "the sandbox's init (sbx) cannot be ptraced nor its memory opened" {
	sandbox_probe -- ptrace-init
	assert_blocked
	[[ "${lines[0]}" != *ok* ]]
	# The probe can trace and read a process of its own: the refusal is init's.
	sandbox_probe -- ptrace-child
	[ "$(verdict_of_last)" = "allowed ptrace=ok mem=ok" ] ||
		skip "ptrace of a child is refused here too (${lines[0]-}): no proof the probe can see it"
}

@test "/proc/1/exe (sbx) cannot be opened for writing, reading or as O_PATH" {
	sandbox_probe -- exe-write /proc/1/exe
	assert_blocked
	sandbox_probe -- exe-read /proc/1/exe
	assert_blocked
	sandbox_probe -- exe-path /proc/1/exe
	assert_blocked
	# Through task/ as well.
	sandbox_probe -- exe-path /proc/1/task/1/exe
	assert_blocked
	# The probe's own /proc/self/exe opens: the refusal is about init.
	sandbox_probe -- exe-path /proc/self/exe
	assert_allowed
}

@test "a copy of sbx owned by the user cannot be overwritten through /proc/1/exe" {
	# The CVE-2019-5736 setting: the sbx binary is writable by the user running it, and
	# reachable inside only through /proc/1/exe (its directory is not bound in).
	local dir=$BATS_FILE_TMPDIR/own-sbx copy before
	mkdir -p "$dir"
	copy=$dir/sbx
	cp "$SBX" "$copy"
	chmod 0755 "$copy"
	[ -O "$copy" ] && [ -w "$copy" ]
	before=$(sha256sum <"$copy")
	run --separate-stderr "$copy" ./probe exe-write /proc/1/exe
	assert_blocked
	run --separate-stderr "$copy" ./probe exe-path /proc/1/exe
	assert_blocked
	# O_PATH then reopen through /proc/self/fd once the binary is idle: the first
	# step already fails above; and the directory is not visible either.
	run --separate-stderr "$copy" ./probe read "$copy"
	assert_blocked ENOENT
	[ "$(sha256sum <"$copy")" = "$before" ]
	# Bound in, the user's copy is writable from inside: the probe can tell.
	run --separate-stderr "$copy" --bind "$dir" "$dir" ./probe read "$copy"
	assert_allowed
}

# --- leaks -----------------------------------------------------------------------------

@test "no fds leak into the sandbox: only 0, 1 and 2" {
	local f=$BATS_TEST_TMPDIR/leak
	echo leak >"$f"
	# fd 5 and 7 are open in sbx (and bats keeps its own fds open too).
	sandbox_probe -- fds 5<"$f" 7<"$f"
	assert_status 0
	assert_output_eq none
	# An fd passed on purpose is there: the probe can see fds.
	sandbox_probe --sync-fd 5 -- fds 5<"$f" 7<"$f"
	assert_status 0
	assert_line_eq "fd 5 -> $f"
	[[ "$output" != *"fd 7 "* ]]
}

@test "the cwd is inside the new root, at the caller's path" {
	sandbox_probe -- cwd
	assert_status 0
	assert_output_eq "cwd $(pwd -P) inside"
	run --separate-stderr "$SBX" --chdir / "$PWD/probe" cwd
	assert_status 0
	assert_output_eq "cwd / inside"
}
