#!/usr/bin/env bats
# DESIGN.md section 3: terminal injection, kernel keyrings, bpf, perf_event_open,
# userfaultfd, kexec, module loading, personality tricks, 32-bit syscall entry points, and
# the other kernel interfaces of the default seccomp filter. Each attempt is made for real
# in a default sandbox, then again with the filter (and where the kernel's own checks
# would hide it, the capabilities) taken away, which must change the outcome.

load ../lib/helpers
load security

setup_file() {
	security_setup_file
}

setup() {
	security_setup
}

# --- terminal injection ------------------------------------------------------------

@test "TIOCSTI cannot push input into the caller's terminal" {
	pty_probe -- tiocsti
	[ "${lines[0]}" != notty ] || skip "script(1) gave the sandbox no terminal"
	assert_blocked EPERM
	pty_probe "${NO_TTY_RULES[@]}" -- tiocsti
	[ "${lines[0]}" != "blocked EPERM" ]
	[ "$status" = 0 ]
}

@test "TIOCSTI with junk in the upper 32 bits of the request is refused too" {
	pty_probe -- tiocsti-highbits
	[ "${lines[0]}" != notty ] || skip "script(1) gave the sandbox no terminal"
	assert_blocked EPERM
	pty_probe "${NO_TTY_RULES[@]}" -- tiocsti-highbits
	[ "${lines[0]}" != "blocked EPERM" ]
	[ "$status" = 0 ]
}

@test "TIOCLINUX on the caller's terminal is refused" {
	pty_probe -- tioclinux
	[ "${lines[0]}" != notty ] || skip "script(1) gave the sandbox no terminal"
	assert_blocked EPERM
	# On a pseudo-terminal the kernel answers ENOTTY: the filter's EPERM is told apart.
	pty_probe "${NO_TTY_RULES[@]}" -- tioclinux
	[ "${lines[0]}" != "blocked EPERM" ]
	[ "$status" = 0 ]
}

# The attack of CVE-2017-5226, judged on the caller's side: does the caller's shell read
# the line that the sandbox pushed? sbx stacks its terminal rules on any filter.

@test "TIOCSTI injects nothing under --seccomp-profile with a Docker-like profile that allows ioctl" {
	tiocsti_attack --seccomp-profile "$SBX_TESTS_DIR/security/profiles/docker-like.json"
	assert_not_injected
	tiocsti_attack --seccomp-profile "$SBX_TESTS_DIR/security/profiles/docker-like.json" \
		--allow-tiocsti
	assert_injected
}

@test "TIOCSTI injects nothing under --seccomp FD with an allow-everything program" {
	# one instruction: return SECCOMP_RET_ALLOW (fd 3 is bats' own)
	printf '\x06\x00\x00\x00\x00\x00\xff\x7f' >allow-all.bpf
	exec 7<allow-all.bpf
	tiocsti_attack --seccomp 7
	exec 7<&-
	assert_not_injected
	exec 7<allow-all.bpf
	tiocsti_attack --seccomp 7 --allow-tiocsti
	exec 7<&-
	assert_injected
}

@test "TIOCSTI injects nothing with --seccomp none, only with --allow-tiocsti" {
	tiocsti_attack "${NO_FILTER[@]}"
	assert_not_injected
	tiocsti_attack "${NO_TTY_RULES[@]}"
	assert_injected
}

@test "TIOCSTI injects nothing with the default filter, nor with --add-seccomp-fd" {
	printf '\x06\x00\x00\x00\x00\x00\xff\x7f' >allow-all.bpf
	tiocsti_attack
	assert_not_injected
	exec 7<allow-all.bpf
	tiocsti_attack --add-seccomp-fd 7
	exec 7<&-
	assert_not_injected
}

# bwrap mode is bubblewrap's contract: no filter of sbx's own (man/sbx.1, --bare); the
# caller protects its terminal (--new-session, as Flatpak does).
@test "bwrap mode loads no terminal rules, alone or on a filter of the caller's (as bubblewrap)" {
	bare_opts
	printf '\x06\x00\x00\x00\x00\x00\xff\x7f' >allow-all.bpf
	tiocsti_attack "${BARE[@]}"
	assert_injected
	exec 7<allow-all.bpf
	tiocsti_attack "${BARE[@]}" --seccomp 7
	exec 7<&-
	assert_injected
	# sbx's own mode keeps them: "TIOCSTI injects nothing under --seccomp FD ..." above
}

# --- kernel interfaces ---------------------------------------------------------------

@test "kernel keyrings are out of reach (add_key)" {
	sandbox_probe -- keyctl
	assert_blocked EPERM
	changes_without_or_skip "this kernel refuses add_key itself" "${NO_FILTER[@]}" -- keyctl
}

@test "bpf() is refused" {
	sandbox_probe -- bpf
	assert_blocked EPERM
	# A junk attribute block: the kernel says EINVAL/E2BIG before any permission check,
	# so EPERM here can only come from the filter.
	sandbox_probe -- bpf-reach
	assert_blocked EPERM
	sandbox_probe "${NO_FILTER[@]}" -- bpf
	if [ "${lines[0]}" = "blocked EPERM" ]; then
		# kernel.unprivileged_bpf_disabled: the kernel refuses loading by itself; show
		# that the filter still stands in front of the syscall.
		sandbox_probe -- bpf-reach
		assert_changes_without "${NO_FILTER[@]}" -- bpf-reach
	else
		[ "$status" = 0 ]
		[ -n "${lines[0]}" ]
	fi
}

@test "perf_event_open is refused" {
	sandbox_probe -- perf
	assert_blocked EPERM
	changes_without_or_skip "kernel.perf_event_paranoid refuses it anyway" "${NO_FILTER[@]}" -- perf
}

@test "userfaultfd is refused" {
	sandbox_probe -- userfaultfd
	assert_blocked EPERM
	changes_without_or_skip "this kernel refuses unprivileged userfaultfd anyway" \
		"${NO_FILTER[@]}" -- userfaultfd
}

@test "kexec_load is refused" {
	sandbox_probe -- kexec_load
	assert_blocked EPERM
	changes_without_or_skip "the kernel refuses kexec_load without CAP_SYS_BOOT in the initial user namespace, with the same EPERM" \
		"${NO_FILTER_ALL_CAPS[@]}" -- kexec_load
}

@test "init_module is refused" {
	sandbox_probe -- init_module
	assert_blocked EPERM
	changes_without_or_skip "the kernel refuses module loading outside the initial user namespace, with the same EPERM" \
		"${NO_FILTER_ALL_CAPS[@]}" -- init_module
}

@test "finit_module is refused" {
	sandbox_probe -- finit_module
	assert_blocked EPERM
	changes_without_or_skip "the kernel refuses module loading outside the initial user namespace, with the same EPERM" \
		"${NO_FILTER_ALL_CAPS[@]}" -- finit_module
}

@test "delete_module is refused" {
	sandbox_probe -- delete_module
	assert_blocked EPERM
	changes_without_or_skip "the kernel refuses module removal outside the initial user namespace, with the same EPERM" \
		"${NO_FILTER_ALL_CAPS[@]}" -- delete_module
}

@test "open_by_handle_at is refused" {
	sandbox_probe -- open_by_handle_at /
	assert_blocked EPERM
	# Also with the namespace's capabilities kept: the filter alone holds.
	sandbox_probe --cap-add ALL -- open_by_handle_at /
	assert_blocked EPERM
	# The kernel lets the owner of a mount decode handles of its directories.
	sandbox_probe -- open_by_handle_at /
	assert_changes_without "${NO_FILTER_ALL_CAPS[@]}" -- open_by_handle_at /
	assert_allowed
}

@test "open_by_handle_at cannot open a host directory outside the bind (shocker)" {
	# A handle of a host directory that is not bound in, made on the host, used inside
	# through the bound cwd, which lies on the same filesystem.
	local target=$BATS_FILE_TMPDIR/handle-target handle
	mkdir -p "$target"
	handle=$(./probe handle "$target")
	[[ "$handle" != unsupported* ]] || skip "no file handles on this filesystem: $handle"
	sandbox_probe -- open-handle "$PWD" "$handle"
	assert_blocked EPERM
	# The call reaches the kernel without the filter and capabilities; whatever it says
	# then, EPERM above was the filter's.
	assert_changes_without "${NO_FILTER_ALL_CAPS[@]}" -- open-handle "$PWD" "$handle"
}

@test "acct is refused" {
	sandbox_probe -- acct
	assert_blocked EPERM
	changes_without_or_skip "the kernel refuses acct without CAP_SYS_PACCT in the initial user namespace, with the same EPERM" \
		"${NO_FILTER_ALL_CAPS[@]}" -- acct
}

@test "swapon is refused" {
	sandbox_probe -- swapon
	assert_blocked EPERM
	# Invalid flags: the kernel answers EINVAL before it checks capabilities.
	sandbox_probe -- swapon-reach
	assert_blocked EPERM
	assert_changes_without "${NO_FILTER[@]}" -- swapon-reach
	assert_blocked EINVAL
}

@test "reboot is refused" {
	sandbox_probe -- reboot
	assert_blocked EPERM
	sandbox_probe --cap-add ALL -- reboot
	assert_blocked EPERM
	# With CAP_SYS_BOOT in its namespace, a PID namespace's init may "reboot" it; the
	# harmless command asked for is then EINVAL.
	assert_changes_without "${NO_FILTER_ALL_CAPS[@]}" -- reboot
}

@test "syslog (klogctl) is refused" {
	sandbox_probe -- syslog
	assert_blocked EPERM
	changes_without_or_skip "kernel.dmesg_restrict makes the kernel refuse it anyway" \
		"${NO_FILTER_ALL_CAPS[@]}" -- syslog
}

# --- personality and entry points ----------------------------------------------------

@test "personality(READ_IMPLIES_EXEC) is refused" {
	sandbox_probe -- personality-bad
	assert_blocked EPERM
	assert_changes_without "${NO_FILTER[@]}" -- personality-bad
	assert_allowed
}

@test "personality(PER_LINUX) and the personality query still work" {
	sandbox_probe -- personality-ok
	assert_allowed
}

@test "clone3 says ENOSYS, so that libc falls back to clone" {
	sandbox_probe -- clone3
	assert_blocked ENOSYS
	assert_changes_without "${NO_FILTER[@]}" -- clone3
	assert_allowed
}

@test "x32 system calls are refused" {
	sandbox_probe -- x32
	[ "${lines[0]}" != "unsupported not-x86_64" ] || skip "not an x86_64 host"
	assert_blocked ENOSYS
	changes_without_or_skip "this kernel has no x32 ABI (CONFIG_X86_X32_ABI), the calls fail with ENOSYS anyway" \
		"${NO_FILTER[@]}" -- x32
}

@test "i386 system calls (int 0x80) are refused" {
	sandbox_probe -- i386
	if [[ "${lines[0]}" == unsupported* ]]; then
		skip "int \$0x80 is not available on this kernel or machine (${lines[0]}): no ia32 entry point to attack"
	fi
	assert_blocked ENOSYS
	assert_changes_without "${NO_FILTER[@]}" -- i386
	assert_allowed
}

# --- nested user namespaces ------------------------------------------------------------

@test "nested user namespaces are refused by default: unshare(CLONE_NEWUSER)" {
	sandbox_probe -- unshare-user
	assert_blocked EPERM
	assert_changes_without --allow-userns -- unshare-user
	assert_allowed
}

@test "nested user namespaces are refused by default: clone(CLONE_NEWUSER)" {
	sandbox_probe -- clone-user
	assert_blocked EPERM
	assert_changes_without --allow-userns -- clone-user
	assert_allowed
}

@test "clone3 stays ENOSYS with --allow-userns: its flags cannot be read" {
	sandbox_probe --allow-userns -- clone3
	assert_blocked ENOSYS
}

@test "setns is refused by default" {
	sandbox_probe -- setns-user
	assert_blocked EPERM
	# into the user namespace it is in: the kernel itself says EINVAL
	assert_changes_without --allow-userns -- setns-user
	assert_blocked EINVAL
}

@test "--disable-userns forbids nested user namespaces, also with --allow-userns" {
	sandbox_probe --allow-userns --disable-userns -- unshare-user
	assert_blocked
	assert_changes_without --allow-userns -- unshare-user
	assert_allowed
}

@test "bwrap mode allows nested user namespaces unless --disable-userns (as bubblewrap)" {
	bare_opts
	sandbox_probe "${BARE[@]}" --disable-userns -- unshare-user
	assert_blocked
	assert_changes_without "${BARE[@]}" -- unshare-user
	assert_allowed
}

# --- the allowlist: what debuggers need stays, what ordinary programs never need goes ----

@test "debuggers' system calls stay allowed: ptrace and process_vm_readv of a child" {
	sandbox_probe -- ptrace-child
	assert_allowed
	sandbox_probe -- process-vm-child
	assert_allowed
}

@test "io_uring is refused" {
	sandbox_probe -- io_uring
	assert_blocked EPERM
	changes_without_or_skip "kernel.io_uring_disabled refuses it anyway" "${NO_FILTER[@]}" -- io_uring
}

@test "pidfd_getfd is refused" {
	sandbox_probe -- pidfd_getfd
	assert_blocked EPERM
	assert_changes_without "${NO_FILTER[@]}" -- pidfd_getfd
	assert_allowed
}

@test "kcmp is refused" {
	sandbox_probe -- kcmp
	assert_blocked EPERM
	changes_without_or_skip "this kernel has no kcmp (CONFIG_KCMP)" "${NO_FILTER[@]}" -- kcmp
}

@test "fanotify_init is refused" {
	sandbox_probe -- fanotify_init
	assert_blocked EPERM
	changes_without_or_skip "this kernel refuses unprivileged fanotify anyway" \
		"${NO_FILTER[@]}" -- fanotify_init
}

@test "modify_ldt is refused" {
	sandbox_probe -- modify_ldt
	[ "${lines[0]}" != "unsupported not-x86" ] || skip "not an x86 host"
	assert_blocked EPERM
	changes_without_or_skip "this kernel has no modify_ldt (CONFIG_MODIFY_LDT_SYSCALL)" \
		"${NO_FILTER[@]}" -- modify_ldt
}

@test "memfd_secret is refused" {
	sandbox_probe -- memfd_secret
	assert_blocked EPERM
	changes_without_or_skip "secret memory is off on this kernel" "${NO_FILTER[@]}" -- memfd_secret
}

@test "the NUMA calls are refused (mbind, set_mempolicy, move_pages, migrate_pages)" {
	local sub
	for sub in mbind set_mempolicy move_pages migrate_pages; do
		sandbox_probe -- "$sub"
		assert_blocked EPERM
		changes_without_or_skip "this kernel has no NUMA support ($sub)" \
			"${NO_FILTER[@]}" -- "$sub"
	done
}

@test "system calls newer than libseccomp's tables do not reach the kernel (open_tree_attr, listmount, statmount)" {
	local nr
	# the same numbers on every architecture since Linux 5.1 (424 and up)
	for nr in 467 458 457; do
		sandbox_probe -- nr "$nr"
		[[ "${lines[0]}" == "blocked ENOSYS" || "${lines[0]}" == "blocked EPERM" ]] ||
			{ _probe_show >&2; false; }
		changes_without_or_skip "this kernel does not have system call $nr" \
			"${NO_FILTER[@]}" -- nr "$nr"
	done
}

@test "a system call number above any known one says ENOSYS" {
	sandbox_probe -- nr 1023
	assert_blocked ENOSYS
}

# --- socket families ---------------------------------------------------------------------

@test "socket(AF_VSOCK) is refused: vsock is not confined by the network namespace" {
	sandbox_probe -- socket 40 1
	assert_blocked EAFNOSUPPORT
	changes_without_or_skip "this kernel has no vsock" "${NO_FILTER[@]}" -- socket 40 1
}

@test "socket(AF_PACKET) is refused, also with CAP_NET_RAW kept" {
	sandbox_probe --cap-add NET_RAW -- socket 17 3
	assert_blocked EAFNOSUPPORT
	assert_changes_without "${NO_FILTER[@]}" --cap-add NET_RAW -- socket 17 3
	assert_allowed
}

@test "socket works for AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK" {
	local fam
	for fam in "1 1" "2 1" "10 2" "16 2"; do
		# shellcheck disable=SC2086 # family and type
		sandbox_probe -- socket $fam
		assert_allowed
	done
}

@test "socketpair works for AF_UNIX only" {
	sandbox_probe -- socketpair 1
	assert_allowed
	sandbox_probe -- socketpair 2
	assert_blocked EAFNOSUPPORT
	# the kernel's own answer for AF_INET
	assert_changes_without "${NO_FILTER[@]}" -- socketpair 2
	assert_blocked EOPNOTSUPP
}
