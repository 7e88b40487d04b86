#!/usr/bin/env bats
# The caller's seccomp filters, sbx's own in each mode, the exit status of sbx's own
# failures and --json-status-fd's exit line (issue 15; bubblewrap's test-seccomp.py and
# test-run.sh 29, 30 check the same through tests/compat/). Run as the unprivileged test
# user.

load ../lib/helpers

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	ln -s "$SBX" bwrap
	bb=$SBX_ROOTFS/bin
}

# One BPF instruction (struct sock_filter, little-endian): CODE JT JF K.
insn() {
	# shellcheck disable=SC2059 # the format is the point: \xNN escapes made above
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x' \
		$(($1 & 255)) $(($1 >> 8)) "$2" "$3" $(($4 & 255)) $((($4 >> 8) & 255)) \
		$((($4 >> 16) & 255)) $((($4 >> 24) & 255)))"
}

# x86_64 only (no architecture check): clone, fork, vfork, clone3 and prctl fail with
# ENOSYS, as in test-seccomp.py's allowlist, which has no clone; the rest is allowed.
no_clone_prctl_bpf() {
	[ "$(uname -m)" = x86_64 ] || skip "the test's BPF is written for x86_64"
	{
		insn 0x20 0 0 0          # A = nr
		insn 0x15 5 0 56         # clone
		insn 0x15 4 0 57         # fork
		insn 0x15 3 0 58         # vfork
		insn 0x15 2 0 435        # clone3
		insn 0x15 1 0 157        # prctl
		insn 0x06 0 0 0x7fff0000 # allow
		insn 0x06 0 0 0x00050026 # ENOSYS
	} >"$1"
}

# seccomp(2) fails with ENOSYS, as in test-seccomp.py's allowlist.
no_seccomp_syscall_bpf() {
	[ "$(uname -m)" = x86_64 ] || skip "the test's BPF is written for x86_64"
	{
		insn 0x20 0 0 0          # A = nr
		insn 0x15 1 0 317        # seccomp
		insn 0x06 0 0 0x7fff0000 # allow
		insn 0x06 0 0 0x00050026 # ENOSYS
	} >"$1"
}

status_of() {
	grep -E "^Seccomp(_filters)?:" <<<"$output" | tr '\t\n' ' '
}

# ---- the caller's filters: last, in the command's own process -------------------------

@test "a caller's filter without clone or prctl lets the sandbox start: loaded last, in the command" {
	no_clone_prctl_bpf noclone.bpf
	# init's fork and the command's last capability drop come before it
	exec 7<noclone.bpf
	run --separate-stderr ./bwrap --ro-bind / / --seccomp 7 cat /proc/self/status
	exec 7<&-
	assert_status 0
	[ "$(status_of)" = "Seccomp: 2 Seccomp_filters: 1 " ]
	exec 7<noclone.bpf
	run --separate-stderr sbx_t --seccomp 7 cat /proc/self/status
	exec 7<&-
	assert_status 0
	# and sbx's terminal rules under it
	[ "$(status_of)" = "Seccomp: 2 Seccomp_filters: 2 " ]
	# the filter is the command's: it cannot fork
	exec 7<noclone.bpf
	run ./bwrap --ro-bind / / --seccomp 7 sh -c '/bin/true; echo "after: $?"'
	exec 7<&-
	[[ "$output" != *"after: 0"* ]]
}

@test "--add-seccomp-fd programs stack in order, loaded with prctl (as bubblewrap)" {
	no_seccomp_syscall_bpf noseccomp.bpf
	no_clone_prctl_bpf noclone.bpf
	# the second after the first, which refuses seccomp(2) but not prctl
	exec 7<noseccomp.bpf 8<noclone.bpf
	run --separate-stderr ./bwrap --ro-bind / / --add-seccomp-fd 7 --add-seccomp-fd 8 \
		cat /proc/self/status
	exec 7<&- 8<&-
	assert_status 0
	[ "$(status_of)" = "Seccomp: 2 Seccomp_filters: 2 " ]
	# the other way round, the second cannot be loaded: its prctl is refused
	exec 7<noclone.bpf 8<noseccomp.bpf
	run --separate-stderr ./bwrap --ro-bind / / --add-seccomp-fd 7 --add-seccomp-fd 8 true
	exec 7<&- 8<&-
	assert_status 1
	[[ "$stderr" == "bwrap: seccomp: load --add-seccomp-fd 8: Function not implemented" ]]
}

# ---- sbx's own filters by mode -------------------------------------------------------

@test "bwrap mode loads no filter of sbx's own; sbx's mode its default filter and terminal rules" {
	run --separate-stderr ./bwrap --ro-bind / / cat /proc/self/status
	assert_status 0
	[ "$(status_of)" = "Seccomp: 0 Seccomp_filters: 0 " ]
	run --separate-stderr sbx_t --bare --ro-bind / / cat /proc/self/status
	[ "$(status_of)" = "Seccomp: 0 Seccomp_filters: 0 " ]
	run --separate-stderr sbx_t cat /proc/self/status
	assert_status 0
	[ "$(status_of)" = "Seccomp: 2 Seccomp_filters: 2 " ]
}

@test "bwrap mode --disable-userns cannot be undone by a command that keeps CAP_SYS_RESOURCE" {
	command -v unshare >/dev/null || skip "unshare(1) is not installed"
	local try='echo 100 >/proc/sys/user/max_user_namespaces || exit 10
		unshare -U true 2>/dev/null && echo created || echo refused'
	run --separate-stderr ./bwrap --ro-bind / / --dev /dev --bind /proc /proc --unshare-user \
		--uid 0 --cap-add ALL -- sh -c "$try"
	assert_status 0
	assert_output_eq created
	run --separate-stderr ./bwrap --ro-bind / / --dev /dev --bind /proc /proc --unshare-user \
		--uid 0 --cap-add ALL --disable-userns -- sh -c "$try"
	assert_status 0
	assert_output_eq refused
}

# ---- exit statuses -------------------------------------------------------------------

@test "bwrap mode: sbx's own failures exit 1 with bubblewrap's words; sbx's mode 125" {
	run --separate-stderr ./bwrap --ro-bind / / --seccomp 0a true
	assert_status 1
	[ "$stderr" = "bwrap: Invalid fd: 0a" ]
	run --separate-stderr sbx_t --seccomp 0a true
	assert_status 125
	[ "$stderr" = "sbx: --seccomp: invalid file descriptor '0a'" ]
	# a setup step of the child's
	run --separate-stderr ./bwrap --ro-bind / / --ro-bind /nonexistent-src /mnt true
	assert_status 1
	[[ "$stderr" == "bwrap: "* ]]
	run --separate-stderr sbx_t --ro-bind /nonexistent-src /mnt true
	assert_status 125
}

@test "bwrap mode: the seccomp fds' errors are bubblewrap's; sbx's mode stacks --seccomp and --add-seccomp-fd" {
	: >empty.bpf
	printf '\x01' >odd.bpf
	printf '\x06\x00\x00\x00\x00\x00\xff\x7f' >allow-all.bpf
	exec 7<empty.bpf
	run --separate-stderr ./bwrap --ro-bind / / --add-seccomp-fd 7 --add-seccomp-fd 7 true
	exec 7<&-
	assert_status 1
	[ "$stderr" = "bwrap: Can't read seccomp data: Bad file descriptor" ]
	exec 7<empty.bpf 8<odd.bpf
	run --separate-stderr ./bwrap --ro-bind / / --add-seccomp-fd 7 --add-seccomp-fd 8 true
	exec 7<&- 8<&-
	assert_status 1
	[ "$stderr" = "bwrap: Invalid seccomp data, must be multiple of 8" ]
	exec 7<allow-all.bpf 8<allow-all.bpf
	run --separate-stderr ./bwrap --ro-bind / / --seccomp 7 --add-seccomp-fd 8 true
	assert_status 1
	[ "$stderr" = "bwrap: --add-seccomp-fd cannot be combined with --seccomp" ]
	run --separate-stderr sbx_t --seccomp 7 --add-seccomp-fd 8 cat /proc/self/status
	exec 7<&- 8<&-
	assert_status 0
	[ "$(status_of)" = "Seccomp: 2 Seccomp_filters: 3 " ]
	# an empty program is refused in sbx's mode, before anything starts
	exec 7<empty.bpf
	run --separate-stderr sbx_t --add-seccomp-fd 7 true
	exec 7<&-
	assert_status 125
	[[ "$stderr" == *"not a compiled seccomp BPF program (0 bytes)"* ]]
}

@test "the command's own status passes through in both modes, 125 included" {
	run ./bwrap --ro-bind "$bb" /bin /bin/sh -c 'exit 125'
	assert_status 125
	assert_output_eq ""
	run ./bwrap --ro-bind "$bb" /bin /bin/sh -c 'exit 3'
	assert_status 3
	run sbx_t sh -c 'exit 125'
	assert_status 125
	assert_output_eq ""
}

# ---- --json-status-fd ----------------------------------------------------------------

@test "--json-status-fd has an exit-code only when the command ran (as bubblewrap)" {
	# A command bwrap cannot execute: bubblewrap's message and its status 1.
	run --separate-stderr ./bwrap --ro-bind / / --json-status-fd 3 / 3>status.json
	assert_status 1
	[ "$stderr" = "bwrap: execvp /: Permission denied" ]
	grep -q '"child-pid"' status.json
	! grep -q '"exit-code"' status.json || false
	run --separate-stderr ./bwrap --ro-bind / / --json-status-fd 3 /nonexistent-command 3>status.json
	assert_status 1
	[ "$stderr" = "bwrap: execvp /nonexistent-command: No such file or directory" ]
	! grep -q '"exit-code"' status.json || false
	# sbx's own mode keeps the shell's statuses, 126 and 127.
	run sbx_t --json-status-fd 3 / 3>status.json
	assert_status 126
	! grep -q '"exit-code"' status.json || false
	run -127 sbx_t /nonexistent-command
	assert_status 127
	run sbx_t --ro-bind /nonexistent-src /mnt --json-status-fd 3 true 3>status.json
	assert_status 125
	! grep -q '"exit-code"' status.json || false
	run ./bwrap --ro-bind / / --json-status-fd 3 sh -c 'exit 125' 3>status.json
	assert_status 125
	grep -q '"exit-code": 125' status.json
}

@test "where the caller's cwd is not inside, the command starts in its own \$HOME, --setenv HOME included (as bubblewrap)" {
	mkdir notbound
	cd notbound
	run ./../bwrap --ro-bind / / --tmpfs "$BATS_TEST_TMPDIR" --setenv HOME /usr/share /bin/pwd
	assert_status 0
	assert_output_eq /usr/share
	run ./../bwrap --ro-bind / / --tmpfs "$BATS_TEST_TMPDIR" --unsetenv HOME /bin/pwd
	assert_status 0
	assert_output_eq /
}
