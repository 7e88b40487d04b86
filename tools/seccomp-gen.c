/* SPDX-License-Identifier: MIT */
/* seccomp-gen: sbx's default seccomp filter, compiled with libseccomp at BUILD time.
 * Writes C arrays of the BPF programs (one per variant) that src/seccomp/seccomp.c loads as
 * they are: a sandbox start then costs one prctl() instead of a libseccomp filter
 * compilation (about 1.5 ms), and sbx does not load libseccomp at all. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static int fail(int r, const char *what)
{
	fprintf(stderr, "seccomp-gen: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

typedef scmp_filter_ctx seccomp_ctx;

/* The default filter is an allowlist: a system call not named below fails with ENOSYS,
 * the answer of a kernel that lacks it, so that programs fall back on older calls where
 * a newer kernel has calls that sbx has not judged yet. The list is the union of the
 * default profiles of Docker and Podman and of Flatpak's rules, minus what they allow
 * only with capabilities. Names this libseccomp does not know, or that this architecture
 * lacks (open on aarch64), are skipped: those calls get the ENOSYS of the default. */
static const char *const allowed[] = {
	/* files and directories */
	"open", "openat", "openat2", "creat", "close", "close_range", "read", "write", "readv",
	"writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2", "lseek",
	"_llseek", "dup", "dup2", "dup3", "pipe", "pipe2", "fcntl", "fcntl64", "flock", "ioctl",
	"stat", "stat64", "fstat", "fstat64", "lstat", "lstat64", "newfstatat", "fstatat64",
	"statx", "statfs", "statfs64", "fstatfs", "fstatfs64", "access", "faccessat", "faccessat2",
	"readlink", "readlinkat", "getdents", "getdents64", "getcwd", "chdir", "fchdir", "mkdir",
	"mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link",
	"linkat", "symlink", "symlinkat", "mknod", "mknodat", "chmod", "fchmod", "fchmodat",
	"fchmodat2", "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
	"umask", "truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate", "fsync",
	"fdatasync", "sync", "syncfs", "sync_file_range", "sync_file_range2", "fadvise64",
	"fadvise64_64", "readahead", "sendfile", "sendfile64", "splice", "tee", "vmsplice",
	"copy_file_range", "utime", "utimes", "futimesat", "utimensat", "utimensat_time64",
	"getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr", "listxattr",
	"llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "getxattrat",
	"setxattrat", "listxattrat", "removexattrat", "file_getattr", "file_setattr",
	"name_to_handle_at", "inotify_init", "inotify_init1", "inotify_add_watch",
	"inotify_rm_watch", "memfd_create", "cachestat",
	/* waiting on fds */
	"select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64",
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
	"eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_settime",
	"timerfd_settime64", "timerfd_gettime", "timerfd_gettime64",
	/* asynchronous I/O (not io_uring, below) */
	"io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
	"io_pgetevents_time64",
	/* memory */
	"brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync",
	"mlock", "mlock2", "munlock", "mlockall", "munlockall", "remap_file_pages", "pkey_alloc",
	"pkey_free", "pkey_mprotect", "membarrier", "mseal", "map_shadow_stack",
	/* processes and threads; clone, unshare and setns are below, with their flags */
	"fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid",
	"kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open",
	"pidfd_send_signal", "process_mrelease", "getpid", "getppid", "gettid", "getpgid",
	"setpgid", "getpgrp", "getsid", "setsid", "set_tid_address", "set_robust_list",
	"get_robust_list", "rseq", "futex", "futex_time64", "futex_waitv", "futex_wake",
	"futex_wait", "futex_requeue", "arch_prctl", "set_thread_area", "get_thread_area", "prctl",
	"seccomp", "capget", "capset", "getrlimit", "ugetrlimit", "setrlimit", "prlimit64",
	"getrusage", "times", "getpriority", "setpriority", "ioprio_get", "ioprio_set",
	"sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_setparam",
	"sched_getscheduler", "sched_setscheduler", "sched_getattr", "sched_setattr",
	"sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "getcpu", "uretprobe",
	/* the personality(2) values are checked in front of this program (below) */
	"personality",
	/* debuggers (gdb, strace): the PID namespace bounds what they reach */
	"ptrace", "process_vm_readv", "process_vm_writev",
	/* sandboxes inside the sandbox */
	"landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
	/* identity: the kernel checks these against the user namespace */
	"getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32",
	"getresuid", "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32",
	"setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid",
	"setregid32", "setresuid", "setresuid32", "setresgid", "setresgid32", "setfsuid",
	"setfsuid32", "setfsgid", "setfsgid32", "setgroups", "setgroups32",
	/* the sandbox's own UTS namespace, with CAP_SYS_ADMIN there */
	"sethostname", "setdomainname",
	/* signals */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_sigtimedwait_time64", "sigaction", "sigprocmask", "sigreturn",
	"sigpending", "sigsuspend", "signal", "sigaltstack", "pause", "restart_syscall",
	/* time */
	"nanosleep", "clock_nanosleep", "clock_nanosleep_time64", "clock_gettime",
	"clock_gettime64", "clock_getres", "clock_getres_time64", "gettimeofday", "time", "alarm",
	"getitimer", "setitimer", "timer_create", "timer_delete", "timer_settime",
	"timer_settime64", "timer_gettime", "timer_gettime64", "timer_getoverrun",
	/* the system */
	"uname", "sysinfo", "getrandom",
	/* sockets: socket and socketpair are below, with their families */
	"bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "recvmmsg_time64", "send", "recv",
	"shutdown", "setsockopt", "getsockopt",
	/* System V and POSIX IPC, in the sandbox's IPC namespace */
	"ipc", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop",
	"semtimedop_time64", "semctl", "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink",
	"mq_timedsend", "mq_timedsend_time64", "mq_timedreceive", "mq_timedreceive_time64",
	"mq_notify", "mq_getsetattr",
	/* 32-bit ARM */
	"breakpoint", "cacheflush", "set_tls", "arm_fadvise64_64", "arm_sync_file_range"
};

/* Kernel interfaces a sandboxed program has no business with, and the classic escape and
 * attack-surface calls (same spirit as the lists of Docker, Flatpak and systemd): EPERM,
 * the answer of a kernel that refuses, so that nobody falls back on something else. */
static const char *const denied[] = {
	/* keyrings are not namespaced */
	"keyctl", "add_key", "request_key",
	/* large kernel attack surface, not needed by ordinary programs */
	"bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "fanotify_init", "fanotify_mark",
	/* reach into other processes' fds and kernel objects (pidfd_getfd, kcmp); modify_ldt:
	 * 16-bit segments, a history of kernel bugs */
	"pidfd_getfd", "kcmp", "modify_ldt", "vm86", "vm86old",
	/* memory the kernel maps out of its own direct map; NUMA placement, which moves other
	 * processes' pages and is allowed by Docker only with CAP_SYS_NICE */
	"memfd_secret", "mbind", "set_mempolicy", "get_mempolicy", "move_pages", "migrate_pages",
	"set_mempolicy_home_node",
	/* the kernel itself */
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"create_module", "get_kernel_syms", "query_module", "reboot", "syslog", "acct", "swapon",
	"swapoff",
	/* bypasses path-based access: opens any inode of a mounted fs by handle */
	"open_by_handle_at",
	/* the sandbox's mount tree is final */
	"mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "fsopen", "fsmount",
	"fsconfig", "fspick", "open_tree", "open_tree_attr", "mount_setattr",
	/* other */
	"lookup_dcookie", "vhangup", "quotactl", "quotactl_fd", "nfsservctl", "uselib", "ustat",
	"sysfs", "_sysctl", "iopl", "ioperm", "settimeofday", "clock_settime", "clock_settime64",
	"clock_adjtime", "clock_adjtime64", "adjtimex", "stime"
};

/* Deliberately on neither list, so that they get the default ENOSYS (libseccomp refuses a
 * rule whose action is the default's):
 * - clone3: its flags are in memory the filter cannot read; libc then falls back to clone,
 *   whose flags it can;
 * - listmount, statmount: they show what /proc/self/mountinfo shows, and libmount uses
 *   them only where the kernel has them: it falls back on ENOSYS, not on EPERM. */

static int add_by_name(seccomp_ctx ctx, const char *const *names, size_t n, uint32_t action)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		int r;

		/* __NR_SCMP_ERROR: unknown to libseccomp; other negative numbers: not a
		 * system call of this architecture (libseccomp's pseudo-numbers) */
		if (nr < 0)
			continue;
		r = seccomp_rule_add(ctx, action, nr, 0);
		if (r < 0 && r != -EEXIST)
			fail(r, names[i]);
	}
	return 0;
}

/* socket(2) for the families that the sandbox's network namespace covers (or that are
 * local: AF_UNIX, AF_NETLINK). The rest (AF_VSOCK reaches the host or the hypervisor,
 * AF_PACKET, AF_BLUETOOTH, ...) fails with EAFNOSUPPORT, what a kernel without that
 * family says: programs that probe a family then carry on without it, where EPERM would
 * read as a refusal to report. libseccomp takes one comparison per argument and rule,
 * hence one rule per refused value, and one for all values above AF_NETLINK (including
 * the high-bit junk the kernel would truncate away). */
static int add_socket_rules(seccomp_ctx ctx)
{
	static const unsigned ok[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
	const uint32_t refuse = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	int r = 0;

	for (unsigned fam = 0; fam <= AF_NETLINK && r == 0; fam++) {
		bool allow = false;
		for (size_t i = 0; i < ELEMENTSOF(ok); i++)
			allow = allow || ok[i] == fam;
		r = seccomp_rule_add(ctx, allow ? SCMP_ACT_ALLOW : refuse, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, fam));
	}
	if (r == 0)
		r = seccomp_rule_add(ctx, refuse, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_GT, AF_NETLINK));
	/* socketpair(2) makes connected pairs of AF_UNIX sockets (and of AF_TIPC's) */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	if (r == 0)
		r = seccomp_rule_add(ctx, refuse, SCMP_SYS(socketpair), 1,
				     SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	if (r < 0)
		return fail(r, "socket rules");
	return 0;
}

/* A nested user namespace gives back every capability over the namespaces it then
 * creates: new network stacks (nftables, AF_PACKET), mounts, chroot. Without
 * --allow-userns: unshare and clone with CLONE_NEWUSER, and setns (nothing to join
 * without one), fail with EPERM; clone3 is ENOSYS in both cases (above). */
static int add_clone_rules(seccomp_ctx ctx, bool deny_userns)
{
	static const int nrs[] = { SCMP_SYS(unshare), SCMP_SYS(clone) };
	int r = 0;

	if (!deny_userns) {
		for (size_t i = 0; i < ELEMENTSOF(nrs) && r == 0; i++)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nrs[i], 0);
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setns), 0);
		if (r < 0)
			return fail(r, "clone rules");
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(nrs) && r == 0; i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nrs[i], 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, 0));
		if (r == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nrs[i], 1,
					     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
						     CLONE_NEWUSER));
	}
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
	if (r < 0)
		return fail(r, "user namespace rules");
	return 0;
}

static scmp_filter_ctx build(bool deny_userns)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	int r;

	if (!ctx)
		fail(ENOMEM, "seccomp_init");
	/* Only the native syscall table is allowed: the i386 (int 0x80) and x32 entry
	 * points of x86_64 are whole other tables, historically full of bugs. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r < 0)
		fail(r, "bad-arch action");
	/* Some 300 rules: a binary search on the syscall number instead of a linear scan
	 * keeps each syscall's trip through the filter short (23 to 33 instructions for
	 * read, write, futex, mmap with the terminal rules, where the denylist before took
	 * 55). libseccomp before 2.5 lacks it: the filter is then linear, and still right. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	add_by_name(ctx, allowed, ELEMENTSOF(allowed), SCMP_ACT_ALLOW);
	add_by_name(ctx, denied, ELEMENTSOF(denied), SCMP_ACT_ERRNO(EPERM));
	add_socket_rules(ctx);
	add_clone_rules(ctx, deny_userns);
	return ctx;
}

/* An allow-everything filter on every entry point, for rules stacked on the caller's filter,
 * which may allow the compat entry points (32-bit programs): those get the same rules, and
 * nothing is refused for its architecture. */
static scmp_filter_ctx allow_all_every_arch(const char *what)
{
	static const uint32_t compat[] = {
#if defined(__x86_64__)
		SCMP_ARCH_X86,
		SCMP_ARCH_X32,
#elif defined(__aarch64__)
		SCMP_ARCH_ARM,
#endif
	};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		fail(ENOMEM, "seccomp_init");
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	for (size_t i = 0; i < ELEMENTSOF(compat) && r == 0; i++) {
		r = seccomp_arch_add(ctx, compat[i]);
		if (r == -EEXIST)
			r = 0;
	}
	if (r < 0)
		fail(r, what);
	return ctx;
}

/* tty_filter: the terminal rules that sbx stacks on whatever filter the sandbox has
 * (the default one, or the caller's). TIOCSTI pushes input into the terminal, to be read
 * by the caller's shell once the sandbox ends (CVE-2017-5226); TIOCLINUX can do the same
 * on a VT. Only the low 32 bits of the request count (the kernel truncates it), so match
 * those. Everything else is allowed: the filter under it decides. */
static scmp_filter_ctx build_tty(void)
{
	static const unsigned long reqs[] = { TIOCSTI, TIOCLINUX };
	scmp_filter_ctx ctx = allow_all_every_arch("tty filter");
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(reqs); i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, reqs[i]));
		if (r < 0)
			fail(r, "ioctl rule");
	}
	return ctx;
}

/* userns_filter: --disable-userns for a sandbox without the default filter (bwrap mode,
 * a filter of the caller's): the sysctl child.c lowers can be raised again by a command
 * that keeps CAP_SYS_RESOURCE (--cap-add), this cannot be undone. The rules of
 * add_clone_rules, on every entry point, as the terminal rules. */
static scmp_filter_ctx build_userns(void)
{
	static const int nrs[] = { SCMP_SYS(unshare), SCMP_SYS(clone) };
	scmp_filter_ctx ctx = allow_all_every_arch("userns filter");
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(nrs) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nrs[i], 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	/* clone3's flags are in memory, out of a filter's reach */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (r < 0)
		fail(r, "userns filter rules");
	return ctx;
}

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* personality(2) can turn on READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE. libseccomp takes one
 * comparison per argument and rule, so "only these values" is not one rule: this
 * hand-written check goes in front of its program. "Allow" here means "go on to
 * libseccomp's part" (a jump to just after the check), so the sandbox loads one program,
 * not two. */
#define ON_TO_MAIN(at) BPF_JUMP(BPF_JMP | BPF_JA, PERSONALITY_LEN - (at) - 1, 0, 0)
#define PERSONALITY_LEN 14
static const struct sock_filter personality_check[PERSONALITY_LEN] = {
#ifdef NATIVE_AUDIT_ARCH
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
	ON_TO_MAIN(2),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_personality, 1, 0),
	ON_TO_MAIN(5),
	/* the low half of arg0 (little-endian); the kernel takes an unsigned int */
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0 /* PER_LINUX */, 4, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x8 /* PER_LINUX32 */, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20000 /* UNAME26 */, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20008, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff /* query */, 0, 1),
	ON_TO_MAIN(12),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
#endif
};

static void print_insn(struct sock_filter insn)
{
	printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", insn.code, insn.jt, insn.jf, insn.k);
}

/* Writes ctx as the array NAME, behind the personality check when prelude is set. */
static void emit(const char *name, scmp_filter_ctx ctx, bool prelude)
{
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	struct sock_filter insn;
	off_t n;

	if (fd < 0)
		fail(errno, "memfd");
	if (seccomp_export_bpf(ctx, fd) < 0)
		fail(EIO, "export");
	n = lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);
	printf("static const struct sock_filter %s[] = {\n", name);
#ifdef NATIVE_AUDIT_ARCH
	for (size_t i = 0; prelude && i < ELEMENTSOF(personality_check); i++)
		print_insn(personality_check[i]);
#else
	(void)prelude;
#endif
	for (off_t i = 0; i < n / (off_t)sizeof(insn); i++) {
		if (read(fd, &insn, sizeof(insn)) != sizeof(insn))
			fail(EIO, "read back");
		print_insn(insn);
	}
	printf("};\n");
	close(fd);
	seccomp_release(ctx);
}

/* For whoever reads the generated file: the names that got the default ENOSYS because
 * this libseccomp does not know them or this architecture lacks them. */
static void print_skipped(const char *what, const char *const *names, size_t n)
{
	printf("/* %s, skipped (unknown to this libseccomp, or not on this architecture):", what);
	for (size_t i = 0; i < n; i++)
		if (seccomp_syscall_resolve_name(names[i]) < 0)
			printf(" %s", names[i]);
	printf(" */\n");
}

int main(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("/* Generated by tools/seccomp-gen.c. Do not edit. */\n");
	printf("#define SECCOMP_GEN_LIBSECCOMP \"%u.%u.%u\"\n", v->major, v->minor, v->micro);
	print_skipped("allowed", allowed, ELEMENTSOF(allowed));
	print_skipped("denied", denied, ELEMENTSOF(denied));
	emit("default_filter", build(false), true);
	emit("default_filter_no_userns", build(true), true);
	emit("tty_filter", build_tty(), false);
	emit("userns_filter", build_userns(), false);
	return 0;
}
