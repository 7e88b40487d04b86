#!/usr/bin/env bats
# Issue 16, part 1: --landlock=auto|off|require, how --dry-run, -v and --check say it, and
# that the rules mirror the plan without breaking what the plan allows. What Landlock keeps
# out when the plan is wrong is tests/security/70-landlock.bats.

load ../lib/helpers
bats_require_minimum_version 1.5.0

setup() {
	"$SBX" --check 2>/dev/null | grep -q '^ok *landlock: ABI' ||
		skip "this kernel has no Landlock: $("$SBX" --check 2>&1 | grep landlock)"
	work=$BATS_TEST_TMPDIR
	mkdir -p "$work/cwd" "$work/src"
	echo host-content >"$work/src/in"
	cd "$work/cwd" || return 1
}

@test "--landlock takes auto, off and require; another mode is one line and 125" {
	local m
	for m in auto off require; do
		run sbx_t --landlock="$m" true
		assert_status 0
	done
	run sbx_t --landlock=sometimes true
	assert_status 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output_contains "--landlock: unknown mode 'sometimes' (expected auto, off or require)"
}

@test "--dry-run says the Landlock mode only where it is not the mode's default" {
	run sbx_t --dry-run true
	assert_status 0
	[[ "$output" != *landlock* ]]
	run sbx_t --dry-run --landlock=off true
	assert_line_eq "landlock off"
	run sbx_t --dry-run --bare --ro-bind /usr /usr true
	[[ "$output" != *landlock* ]]
	run sbx_t --dry-run --bare --landlock=auto --ro-bind /usr /usr true
	assert_line_eq "landlock auto"
}

@test "a profile line 'landlock off' is --landlock=off" {
	printf 'landlock off\n' >"$work/nolandlock.profile"
	run sbx_t --profile default --profile "$work/nolandlock.profile" \
		sh -c 'touch /made-in-root && echo made'
	assert_status 0
	assert_output_contains made
	run sbx_t --profile default --profile "$work/nolandlock.profile" --dry-run true
	assert_line_eq "landlock off"
}

@test "-v says which Landlock ABI confines the command and times its two steps" {
	run --separate-stderr sbx_t -v true
	assert_status 0
	[[ "$stderr" =~ "landlock: ABI "[0-9]+": "[0-9]+" file-system rights" ]]
	[[ "$stderr" == *"] landlock: "*" us"* ]]
	run --separate-stderr sbx_t -v --landlock=off true
	[[ "$stderr" != *"landlock: ABI"* ]]
}

@test "--check says the ABI and that sbx uses it" {
	run sbx_t --check
	assert_output_contains "landlock: ABI"
	assert_output_contains "a second wall mirroring the mount plan"
}

@test "--allow-userns goes without Landlock, which forbids a nested sandbox's mounts; require refuses it" {
	run sbx_t --dry-run --allow-userns true
	assert_line_eq "landlock off"
	run sbx_t --allow-userns --landlock=require true
	assert_status 125
	[ "${#lines[@]}" -eq 1 ]
	assert_output_contains "--landlock=require cannot go with --allow-userns"
}

@test "--landlock=require where the kernel has none: one line, sbx's failure status; auto goes on" {
	# The kernel's answer taken away by a filter on the inner sbx: ENOSYS, as on a kernel
	# built without Landlock. The inner sandbox mounts no /proc (nested, it could not).
	local inner=(--ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64
		--symlink usr/bin /bin /usr/bin/true)
	printf '%s\n' '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["landlock_create_ruleset"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}' \
		>"$work/no-landlock.json"
	run sbx_t --allow-userns --seccomp-profile "$work/no-landlock.json" \
		--ro-bind "$SBX" /sbx -- /sbx --bare --landlock=require "${inner[@]}"
	assert_status 1 # bwrap mode's status for sbx's own failure
	assert_output_contains "--landlock=require: this kernel has no Landlock"
	run sbx_t --allow-userns --seccomp-profile "$work/no-landlock.json" \
		--ro-bind "$SBX" /sbx -- /sbx --bare --landlock=auto "${inner[@]}"
	assert_status 0
}

@test "the plan's rules keep what it allows: files bound alone, devices, /proc, the cwd" {
	echo data >"$work/file"
	run sbx_t --bind "$work/file" /rw-file --ro-bind "$work/src/in" /ro-file sh -c '
		echo more >>/rw-file && cat /ro-file && echo x >/dev/null && head -c1 /dev/zero |
		wc -c && echo 1000 >/proc/self/oom_score_adj && touch here && echo ok'
	assert_status 0
	assert_output_eq "host-content
1
ok"
	[ "$(tail -1 "$work/file")" = more ]
	[ -e here ]
}

@test "the plan's read-only places stay readable and executable, not writable" {
	run sbx_t --ro-bind "$work/src" /data sh -c 'cat /data/in; ls /usr/bin/env; echo x >/etc/sbx-probe'
	assert_output_contains host-content
	assert_output_contains /usr/bin/env
	assert_output_contains "Read-only file system"
}

@test "--allow-connect and --allow-bind: --dry-run lines, bad ports and modes refused in one line" {
	run sbx_t --dry-run --allow-connect 443 --allow-bind 8080 true
	assert_status 0
	assert_line_eq "allow-connect 443"
	assert_line_eq "allow-bind 8080"
	local bad
	for bad in 65536 -1 http 80x ""; do
		run sbx_t --allow-connect "$bad" true
		assert_status 125
		[ "${#lines[@]}" -eq 1 ]
		assert_output_contains "--allow-connect: invalid value '$bad' (expected a number from 0 to 65535)"
	done
	run sbx_t --landlock=off --allow-connect 443 true
	assert_status 125
	assert_output_contains "--allow-connect and --allow-bind are Landlock rules: not with --landlock=off"
	run sbx_t --bare --ro-bind /usr /usr --allow-bind 80 true
	assert_output_contains "add --landlock=auto"
	run sbx_t --allow-userns --allow-connect 443 true
	assert_status 125
	assert_output_contains "not with --allow-userns"
}
