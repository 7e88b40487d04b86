/* SPDX-License-Identifier: MIT */
/* probe: attempts one sandbox escape per run and prints what happened.
 *
 *   probe SUBCOMMAND [ARG...]
 *
 * An attempt prints one line: "allowed", or "blocked ENAME" (the errno of the refusal),
 * sometimes followed by more words; "unsupported ..." when the kernel lacks the
 * interface in a way that says nothing about the sandbox. Report subcommands (caps, nnp,
 * fds, cwd) print what they found. The exit status is 0 whenever the probe could run the
 * attempt at all, 2 on a usage error.
 *
 * Built by the security tests with: cc -O1 -o probe probe.c
 * Nothing here may harm the host when an attempt succeeds: every call uses harmless
 * arguments (reboot's "disable Ctrl-Alt-Del" in a PID namespace, a key in the process
 * keyring, a mount in the sandbox's own mount namespace, ...).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* The new mount API, spelled out: older C libraries lack the wrappers and constants. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
struct probe_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef TIOCL_GETSHIFTSTATE
#define TIOCL_GETSHIFTSTATE 6
#endif
#define KEY_SPEC_PROCESS_KEYRING (-2)
#define X32_SYSCALL_BIT 0x40000000

static const char *errname(int e)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	const char *n = strerrorname_np(e);
	if (n)
		return n;
#endif
	static char buf[16];
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* One line: "allowed" when the call returned r >= 0, else "blocked ENAME". */
static int verdict(long r, int e)
{
	if (r >= 0)
		printf("allowed\n");
	else
		printf("blocked %s\n", errname(e));
	return 0;
}

#define TRY(expr)                         \
	do {                              \
		long r_ = (long)(expr);   \
		return verdict(r_, errno); \
	} while (0)

static const char *arg(int argc, char **argv, int i, const char *def)
{
	return i < argc ? argv[i] : def;
}

/* ---- terminal injection ---------------------------------------------------------- */

static int need_tty(void)
{
	if (!isatty(0)) {
		printf("notty %s\n", errname(errno));
		return -1;
	}
	return 0;
}

/* probe tiocsti [TEXT]: pushes TEXT (default: a newline) into the terminal's input, to be
 * read by whoever reads the terminal next: the caller's shell once the sandbox ends. */
static int p_tiocsti(int argc, char **argv)
{
	const char *text = arg(argc, argv, 2, "\n");
	(void)argc, (void)argv;
	if (need_tty() < 0)
		return 0;
	for (const char *p = text; *p; p++)
		if (ioctl(0, TIOCSTI, p) < 0)
			return verdict(-1, errno);
	return verdict(0, 0);
}

/* The kernel takes the request as an unsigned int: a filter that compares all 64 bits
 * would miss TIOCSTI with junk in the upper half. */
static int p_tiocsti_highbits(int argc, char **argv)
{
	char c = '\n';
	(void)argc, (void)argv;
	if (need_tty() < 0)
		return 0;
	TRY(syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | 0x100000000UL, &c));
}

static int p_tioclinux(int argc, char **argv)
{
	char sub[2] = { TIOCL_GETSHIFTSTATE, 0 };
	(void)argc, (void)argv;
	if (need_tty() < 0)
		return 0;
	TRY(ioctl(0, TIOCLINUX, sub));
}

/* ---- kernel interfaces ------------------------------------------------------------ */

static int p_keyctl(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_add_key, "user", "sbx-probe", "x", (size_t)1, KEY_SPEC_PROCESS_KEYRING));
}

static int p_bpf(int argc, char **argv)
{
	/* r0 = 0; exit: the smallest valid socket filter. */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	long r;
	(void)argc, (void)argv;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	r = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (r >= 0)
		return verdict(r, 0);
	/* Unprivileged program loading may be off; an array map is the other easy door. */
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	TRY(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
}

/* bpf() with an attribute block full of junk: the kernel rejects it (EINVAL, E2BIG)
 * before any permission check, so this tells "the filter refused bpf()" (EPERM) apart
 * from "the kernel would not let us load anything anyway". */
static int p_bpf_reach(int argc, char **argv)
{
	static unsigned char buf[sizeof(union bpf_attr) + 8];
	(void)argc, (void)argv;

	memset(buf, 0xff, sizeof(buf));
	TRY(syscall(SYS_bpf, BPF_MAP_CREATE, buf, sizeof(buf)));
}

static int p_perf(int argc, char **argv)
{
	struct perf_event_attr pe;
	(void)argc, (void)argv;

	memset(&pe, 0, sizeof(pe));
	pe.type = PERF_TYPE_SOFTWARE;
	pe.size = sizeof(pe);
	pe.config = PERF_COUNT_SW_TASK_CLOCK;
	pe.disabled = 1;
	pe.exclude_kernel = 1;
	pe.exclude_hv = 1;
	TRY(syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0));
}

static int p_userfaultfd(int argc, char **argv)
{
	long r;
	(void)argc, (void)argv;

	/* User-mode-only faults are open to unprivileged users since Linux 5.11. */
	r = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (r < 0 && errno == EINVAL)
		r = syscall(SYS_userfaultfd, O_CLOEXEC);
	return verdict(r, errno);
}

static int p_kexec_load(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
}

static int p_init_module(int argc, char **argv)
{
	static const char junk[64];
	(void)argc, (void)argv;
	TRY(syscall(SYS_init_module, junk, sizeof(junk), ""));
}

static int p_finit_module(int argc, char **argv)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	(void)argc, (void)argv;
	TRY(syscall(SYS_finit_module, fd, "", 0));
}

static int p_delete_module(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_delete_module, "sbx_probe_no_such_module", O_NONBLOCK));
}

/* PATH (default "/"): the shocker attack, opening an inode by handle instead of by path. */
static int p_open_by_handle_at(int argc, char **argv)
{
	const char *path = arg(argc, argv, 2, "/");
	struct file_handle *fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	struct stat st;
	int mount_id, mfd;

	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, fh, &mount_id, 0) < 0) {
		printf("unsupported name_to_handle_at %s\n", errname(errno));
		return 0;
	}
	mfd = open(path, O_RDONLY | O_CLOEXEC);
	if (mfd < 0 || fstat(mfd, &st) < 0) {
		printf("unsupported open %s\n", errname(errno));
		return 0;
	}
	/* Inside a user namespace the kernel decodes handles of directories only. */
	TRY(open_by_handle_at(mfd, fh, O_RDONLY | O_CLOEXEC | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0)));
}

/* handle PATH: prints PATH's file handle as TYPE:HEX (run on the host, for open-handle). */
static int p_handle(int argc, char **argv)
{
	struct file_handle *fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	int mount_id;

	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, arg(argc, argv, 2, "/"), fh, &mount_id, 0) < 0) {
		printf("unsupported name_to_handle_at %s\n", errname(errno));
		return 0;
	}
	printf("%d:", fh->handle_type);
	for (unsigned i = 0; i < fh->handle_bytes; i++)
		printf("%02x", fh->f_handle[i]);
	printf("\n");
	return 0;
}

/* open-handle MOUNTDIR TYPE:HEX: opens a directory by a handle made elsewhere (on the
 * host), through the mount of MOUNTDIR. */
static int p_open_handle(int argc, char **argv)
{
	struct file_handle *fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	const char *hex;
	unsigned n = 0;
	int mfd;

	if (argc < 4 || !(hex = strchr(argv[3], ':'))) {
		fprintf(stderr, "usage: probe open-handle MOUNTDIR TYPE:HEX\n");
		return 2;
	}
	fh->handle_type = atoi(argv[3]);
	for (hex++; hex[0] && hex[1] && n < MAX_HANDLE_SZ; hex += 2) {
		unsigned b;
		if (sscanf(hex, "%2x", &b) != 1)
			break;
		fh->f_handle[n++] = (unsigned char)b;
	}
	fh->handle_bytes = n;
	mfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0) {
		printf("unsupported open %s\n", errname(errno));
		return 0;
	}
	TRY(open_by_handle_at(mfd, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

static int p_acct(int argc, char **argv)
{
	(void)argc, (void)argv;
	/* NULL turns accounting off: harmless if it were ever allowed. */
	TRY(acct(NULL));
}

static int p_swapon(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_swapon, "/dev/null", 0));
}

/* Invalid flags: the kernel says EINVAL before it checks capabilities. */
static int p_swapon_reach(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_swapon, "/dev/null", -1));
}

static int p_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF,
		    NULL));
}

static int p_syslog(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
}

/* ---- mounts ----------------------------------------------------------------------- */

static int p_mount(int argc, char **argv)
{
	TRY(mount("none", arg(argc, argv, 2, "/tmp"), "tmpfs", 0, NULL));
}

/* `mount -o remount,rw,bind DIR`, keeping the flags the kernel would refuse to clear. */
static int p_remount_rw(int argc, char **argv)
{
	const char *dir = arg(argc, argv, 2, "/usr");
	unsigned long keep = ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME;
	struct statvfs sv;

	if (statvfs(dir, &sv) < 0) {
		printf("unsupported statvfs %s\n", errname(errno));
		return 0;
	}
	TRY(mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | (sv.f_flag & keep), NULL));
}

static int p_mount_setattr(int argc, char **argv)
{
	struct probe_mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };
	TRY(syscall(SYS_mount_setattr, AT_FDCWD, arg(argc, argv, 2, "/usr"), 0, &attr, sizeof(attr)));
}

static int p_umount(int argc, char **argv)
{
	TRY(umount2(arg(argc, argv, 2, "/proc"), MNT_DETACH));
}

static int p_pivot_root(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (chdir("/") < 0) {
		printf("unsupported chdir %s\n", errname(errno));
		return 0;
	}
	TRY(syscall(SYS_pivot_root, ".", "."));
}

static int p_open_tree(int argc, char **argv)
{
	TRY(syscall(SYS_open_tree, AT_FDCWD, arg(argc, argv, 2, "/usr"),
		    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
}

static int p_fsopen(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC));
}

static int p_move_mount(int argc, char **argv)
{
	TRY(syscall(SYS_move_mount, AT_FDCWD, arg(argc, argv, 2, "/tmp"), AT_FDCWD,
		    arg(argc, argv, 3, "/run"), 0));
}

/* ---- process personality and syscall entry points ---------------------------------- */

static int p_personality_bad(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_personality, 0x0400000UL /* READ_IMPLIES_EXEC */));
}

static int p_personality_ok(int argc, char **argv)
{
	long r;
	(void)argc, (void)argv;

	r = syscall(SYS_personality, 0xffffffffUL);
	if (r >= 0)
		r = syscall(SYS_personality, (unsigned long)PER_LINUX);
	return verdict(r, errno);
}

/* After a raw clone: the child leaves at once, the parent reaps it and says what happened. */
static int clone_verdict(long r, int e)
{
	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return verdict(r, e);
}

static int p_clone3(int argc, char **argv)
{
	struct clone_args ca;
	long r;
	(void)argc, (void)argv;

	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	r = syscall(SYS_clone3, &ca, sizeof(ca));
	return clone_verdict(r, errno);
}

static int p_unshare_user(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(unshare(CLONE_NEWUSER));
}

/* clone(2) itself (not clone3) with CLONE_NEWUSER, as libc's fallback makes it. */
static int p_clone_user(int argc, char **argv)
{
	long r;
	(void)argc, (void)argv;

	r = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, 0);
	return clone_verdict(r, errno);
}

/* setns into the user namespace we are in: the kernel says EINVAL, the filter EPERM. */
static int p_setns_user(int argc, char **argv)
{
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	(void)argc, (void)argv;

	if (fd < 0)
		return verdict(-1, errno);
	TRY(setns(fd, CLONE_NEWUSER));
}

/* ---- kernel attack surface of the allowlist ---------------------------------------- */

/* probe socket FAMILY [TYPE]: socket(FAMILY, TYPE (default SOCK_STREAM), 0). */
static int p_socket(int argc, char **argv)
{
	int fam = atoi(arg(argc, argv, 2, "1"));
	int type = atoi(arg(argc, argv, 3, "1"));
	TRY(socket(fam, type | SOCK_CLOEXEC, 0));
}

/* probe socketpair FAMILY: the kernel has socketpair only for AF_UNIX (and AF_TIPC). */
static int p_socketpair(int argc, char **argv)
{
	int sv[2];
	TRY(socketpair(atoi(arg(argc, argv, 2, "1")), SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
}

/* probe nr NUMBER: the system call NUMBER with zero arguments: whatever the kernel says
 * about them (EFAULT, EINVAL, EBADF), ENOSYS says "not reached" or "no such call". */
static int p_nr(int argc, char **argv)
{
	TRY(syscall(strtol(arg(argc, argv, 2, "-1"), NULL, 0), 0, 0, 0, 0, 0, 0));
}

static int p_io_uring(int argc, char **argv)
{
	char params[120]; /* struct io_uring_params */
	(void)argc, (void)argv;
	memset(params, 0, sizeof(params));
	TRY(syscall(425 /* io_uring_setup */, 1, params));
}

/* Another process's fd: here our own stdin, through a pidfd of ourselves. */
static int p_pidfd_getfd(int argc, char **argv)
{
	long pidfd = syscall(434 /* pidfd_open */, getpid(), 0);
	(void)argc, (void)argv;
	if (pidfd < 0)
		return verdict(-1, errno);
	TRY(syscall(438 /* pidfd_getfd */, pidfd, 0, 0));
}

static int p_kcmp(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0));
}

/* FAN_CLASS_NOTIF | FAN_REPORT_FID: what an unprivileged caller may have since Linux 5.13. */
static int p_fanotify_init(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_fanotify_init, 0x200, O_RDONLY));
}

static int p_modify_ldt(int argc, char **argv)
{
	char buf[16];
	(void)argc, (void)argv;
#ifdef SYS_modify_ldt
	TRY(syscall(SYS_modify_ldt, 0 /* read */, buf, sizeof(buf)));
#else
	(void)buf;
	printf("unsupported not-x86\n");
	return 0;
#endif
}

static int p_memfd_secret(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(447 /* memfd_secret */, 0));
}

/* The NUMA calls, each with arguments that change nothing (MPOL_DEFAULT, no pages). */
static int p_mbind(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)argc, (void)argv;
	if (p == MAP_FAILED)
		return verdict(-1, errno);
	TRY(syscall(SYS_mbind, p, page, 0 /* MPOL_DEFAULT */, NULL, 0, 0));
}

static int p_set_mempolicy(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0));
}

static int p_move_pages(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, 0));
}

static int p_migrate_pages(int argc, char **argv)
{
	unsigned long none = 0;
	(void)argc, (void)argv;
	TRY(syscall(SYS_migrate_pages, 0, 8 * sizeof(none), &none, &none));
}

static int p_x32(int argc, char **argv)
{
	(void)argc, (void)argv;
	TRY(syscall(39 /* getpid */ | X32_SYSCALL_BIT));
}

/* getpid through the i386 entry point, in a child: where the kernel has no ia32
 * emulation, int $0x80 raises SIGSEGV. */
static int p_i386(int argc, char **argv)
{
	int fds[2], status;
	long r = 0;
	pid_t p;
	(void)argc, (void)argv;

#if defined(__x86_64__)
	if (pipe(fds) < 0)
		return verdict(-1, errno);
	p = fork();
	if (p == 0) {
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L /* i386 getpid */) : "memory");
		(void)!write(fds[1], &ret, sizeof(ret));
		_exit(0);
	}
	close(fds[1]);
	if (waitpid(p, &status, 0) < 0)
		return verdict(-1, errno);
	if (WIFSIGNALED(status)) {
		printf("unsupported %s\n", strsignal(WTERMSIG(status)));
		return 0;
	}
	if (read(fds[0], &r, sizeof(r)) != sizeof(r)) {
		printf("unsupported no-result\n");
		return 0;
	}
	if (r < 0 && r > -4096)
		return verdict(-1, (int)-r);
	return verdict(r, 0);
#else
	(void)fds, (void)status, (void)p, (void)r;
	printf("unsupported not-x86_64\n");
	return 0;
#endif
}

/* ---- processes -------------------------------------------------------------------- */

/* PTRACE_ATTACH to PID (default 1), then open its memory: "allowed" if either works. */
static int p_ptrace(int argc, char **argv)
{
	pid_t pid = (pid_t)atoi(arg(argc, argv, 2, "1"));
	char path[64];
	long r;
	int e1, e2, fd;

	r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	e1 = errno;
	if (r == 0) {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	e2 = errno;
	if (r == 0 || fd >= 0)
		printf("allowed ptrace=%s mem=%s\n", r == 0 ? "ok" : errname(e1), fd >= 0 ? "ok" : errname(e2));
	else
		printf("blocked %s %s\n", errname(e1), errname(e2));
	return 0;
}

static int p_ptrace_init(int argc, char **argv)
{
	char *a[] = { argv[0], argv[1], "1", NULL };
	(void)argc;
	return p_ptrace(3, a);
}

/* The same attempt on a child of ours: proves the probe can ptrace at all. */
/* process_vm_readv of a child's copy of a variable, as debuggers read memory. */
static int p_process_vm_child(int argc, char **argv)
{
	static char secret[8] = "child";
	char buf[8] = "";
	struct iovec local = { buf, sizeof(buf) }, remote = { secret, sizeof(secret) };
	pid_t p = fork();
	long r;
	int e;
	(void)argc, (void)argv;

	if (p == 0) {
		pause();
		_exit(0);
	}
	r = process_vm_readv(p, &local, 1, &remote, 1, 0);
	e = errno;
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	if (r >= 0 && strcmp(buf, "child") != 0)
		return printf("blocked wrong-data\n"), 0;
	return verdict(r, e);
}

static int p_ptrace_child(int argc, char **argv)
{
	char buf[16];
	char *a[] = { argv[0], argv[1], buf, NULL };
	pid_t p = fork();
	(void)argc;

	if (p == 0) {
		pause();
		_exit(0);
	}
	snprintf(buf, sizeof(buf), "%d", (int)p);
	p_ptrace(3, a);
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	return 0;
}

/* open(PATH, O_WRONLY), PATH defaulting to /proc/1/exe: the CVE-2019-5736 door to the
 * binary of the sandbox's init. Never writes a byte. */
static int p_exe_write(int argc, char **argv)
{
	TRY(open(arg(argc, argv, 2, "/proc/1/exe"), O_WRONLY | O_CLOEXEC));
}

static int p_exe_read(int argc, char **argv)
{
	TRY(open(arg(argc, argv, 2, "/proc/1/exe"), O_RDONLY | O_CLOEXEC));
}

/* Executes the set-user-ID program PROG [ARG...] in a child whose stdin is a pipe that
 * never delivers anything (su and passwd then sit waiting for a password), waits until
 * it sleeps there, and reads its effective uid from /proc: "allowed euid=N" when exec
 * changed it, "blocked euid=N" when it stayed ours. */
static int p_setuid_exec(int argc, char **argv)
{
	char path[64], line[512], comm[64] = "";
	int in[2], euid = -1, waited;
	pid_t p;

	if (argc < 3) {
		fprintf(stderr, "usage: probe setuid-exec PROG [ARG...]\n");
		return 2;
	}
	if (pipe2(in, O_CLOEXEC) < 0)
		return verdict(-1, errno);
	p = fork();
	if (p == 0) {
		dup2(in[0], 0);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	close(in[0]);
	/* Exec done and the new program asleep (reading its stdin), or gone. */
	for (waited = 0; waited < 500; waited++) {
		char state = '?';
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)p);
		f = fopen(path, "re");
		if (f) {
			if (fscanf(f, "%*d (%63[^)]) %c", comm, &state) != 2)
				state = '?';
			fclose(f);
		}
		if (strcmp(comm, "probe") != 0 && (state == 'S' || state == 'Z'))
			break;
		usleep(10000);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)p);
	{
		FILE *f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "Uid: %*d %d", &euid) == 1)
				break;
		if (f)
			fclose(f);
	}
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	if (euid < 0) {
		printf("unsupported %s exited before it could be observed\n", argv[2]);
		return 0;
	}
	printf("%s euid=%d\n", euid != (int)geteuid() ? "allowed" : "blocked", euid);
	return 0;
}

/* O_PATH: the first half of the CVE-2019-5736 attack, a handle kept until the binary is
 * no longer busy and then reopened for writing through /proc/self/fd. */
static int p_exe_path(int argc, char **argv)
{
	TRY(open(arg(argc, argv, 2, "/proc/1/exe"), O_PATH | O_CLOEXEC));
}

static int p_kill_host(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: probe kill-host PID\n");
		return 2;
	}
	TRY(kill((pid_t)atoi(argv[2]), 0));
}

static int p_hostname_set(int argc, char **argv)
{
	const char *name = arg(argc, argv, 2, "sbx-probe-evil");
	TRY(sethostname(name, strlen(name)));
}

/* ---- privileges and leaks --------------------------------------------------------- */

static int print_status_lines(const char *const *keys)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];

	if (!f) {
		printf("unsupported /proc/self/status %s\n", errname(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f))
		for (const char *const *k = keys; *k; k++)
			if (strncmp(line, *k, strlen(*k)) == 0 && line[strlen(*k)] == ':') {
				char *v = line + strlen(*k) + 1;
				v += strspn(v, " \t");
				printf("%s: %s", *k, v);
			}
	fclose(f);
	return 0;
}

static int p_caps(int argc, char **argv)
{
	static const char *const keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL };
	(void)argc, (void)argv;
	return print_status_lines(keys);
}

static int p_nnp(int argc, char **argv)
{
	static const char *const keys[] = { "NoNewPrivs", NULL };
	(void)argc, (void)argv;
	return print_status_lines(keys);
}

static int p_ids(int argc, char **argv)
{
	static const char *const keys[] = { "Uid", "Gid", NULL };
	(void)argc, (void)argv;
	return print_status_lines(keys);
}

/* Every open fd but 0, 1, 2 and the directory stream's own: "fd N -> TARGET" lines, or
 * "none". */
static int p_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	(void)argc, (void)argv;

	if (!d) {
		printf("unsupported /proc/self/fd %s\n", errname(errno));
		return 0;
	}
	while ((e = readdir(d))) {
		char path[300], target[PATH_MAX];
		ssize_t len;
		int fd;
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd <= 2 || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		target[len < 0 ? 0 : len] = '\0';
		printf("fd %d -> %s\n", fd, target);
		n++;
	}
	closedir(d);
	if (n == 0)
		printf("none\n");
	return 0;
}

/* "cwd PATH inside" when the working directory is reachable from our root; "outside"
 * when getcwd says it is not, or when the path it gives leads elsewhere. */
static int p_cwd(int argc, char **argv)
{
	char buf[PATH_MAX];
	struct stat a, b;
	(void)argc, (void)argv;

	if (!getcwd(buf, sizeof(buf))) {
		printf("cwd ? outside %s\n", errname(errno));
		return 0;
	}
	if (buf[0] != '/' || stat(".", &a) < 0 || stat(buf, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		printf("cwd %s outside\n", buf);
	else
		printf("cwd %s inside\n", buf);
	return 0;
}

/* ---- network and IPC -------------------------------------------------------------- */

static int p_tcp_connect(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s;

	if (argc < 4) {
		fprintf(stderr, "usage: probe tcp-connect ADDR PORT\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
		fprintf(stderr, "probe: bad address %s\n", argv[2]);
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[3]));
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return verdict(-1, errno);
	TRY(connect(s, (struct sockaddr *)&sa, sizeof(sa)));
}

static int p_tcp_bind(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s;

	if (argc < 3) {
		fprintf(stderr, "usage: probe tcp-bind PORT\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return verdict(-1, errno);
	TRY(bind(s, (struct sockaddr *)&sa, sizeof(sa)));
}

static int p_abstract_unix(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int s;

	if (argc < 3) {
		fprintf(stderr, "usage: probe abstract-unix NAME\n");
		return 2;
	}
	n = strlen(argv[2]);
	if (n > sizeof(sa.sun_path) - 1) {
		fprintf(stderr, "probe: name too long\n");
		return 2;
	}
	memcpy(sa.sun_path + 1, argv[2], n);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return verdict(-1, errno);
	TRY(connect(s, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
}

/* KEY as given by ipcs (0x...): "allowed" if a message queue or a shared memory segment
 * with that key can be looked up. */
static int p_sysv_ipc(int argc, char **argv)
{
	key_t key;
	long r;
	int e;

	if (argc < 3) {
		fprintf(stderr, "usage: probe sysv-ipc KEY\n");
		return 2;
	}
	key = (key_t)strtoul(argv[2], NULL, 0);
	r = msgget(key, 0);
	e = errno;
	if (r < 0) {
		r = shmget(key, 0, 0);
		if (r < 0 && e == ENOENT)
			e = errno;
	}
	return verdict(r, e);
}

/* ---- files ------------------------------------------------------------------------ */

static int p_read(int argc, char **argv)
{
	TRY(open(arg(argc, argv, 2, "/"), O_RDONLY | O_CLOEXEC));
}

static int p_write(int argc, char **argv)
{
	TRY(open(arg(argc, argv, 2, "/sbx-probe"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
}

/* swap-loop A B SECONDS: exchanges the names A and B (say a directory and a symlink)
 * atomically, over and over, for SECONDS; prints the number of exchanges. For races
 * against sbx's setup, run on the host. */
static int p_swap_loop(int argc, char **argv)
{
	struct timespec start, now;
	unsigned long n = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: probe swap-loop A B SECONDS\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (int i = 0; i < 1000; i++, n++)
			if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3], 2 /* RENAME_EXCHANGE */) < 0)
				return verdict(-1, errno);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < atoi(argv[4]));
	printf("swapped %lu\n", n);
	return 0;
}

struct cmd {
	const char *name;
	int (*fn)(int, char **);
};

static const struct cmd cmds[] = {
	{ "tiocsti", p_tiocsti },
	{ "tiocsti-highbits", p_tiocsti_highbits },
	{ "tioclinux", p_tioclinux },
	{ "keyctl", p_keyctl },
	{ "bpf", p_bpf },
	{ "bpf-reach", p_bpf_reach },
	{ "perf", p_perf },
	{ "userfaultfd", p_userfaultfd },
	{ "kexec_load", p_kexec_load },
	{ "init_module", p_init_module },
	{ "finit_module", p_finit_module },
	{ "delete_module", p_delete_module },
	{ "open_by_handle_at", p_open_by_handle_at },
	{ "handle", p_handle },
	{ "open-handle", p_open_handle },
	{ "acct", p_acct },
	{ "swapon", p_swapon },
	{ "swapon-reach", p_swapon_reach },
	{ "reboot", p_reboot },
	{ "syslog", p_syslog },
	{ "mount", p_mount },
	{ "remount-rw", p_remount_rw },
	{ "umount", p_umount },
	{ "pivot_root", p_pivot_root },
	{ "open_tree", p_open_tree },
	{ "fsopen", p_fsopen },
	{ "move_mount", p_move_mount },
	{ "mount_setattr", p_mount_setattr },
	{ "personality-bad", p_personality_bad },
	{ "personality-ok", p_personality_ok },
	{ "clone3", p_clone3 },
	{ "unshare-user", p_unshare_user },
	{ "clone-user", p_clone_user },
	{ "setns-user", p_setns_user },
	{ "socket", p_socket },
	{ "socketpair", p_socketpair },
	{ "nr", p_nr },
	{ "io_uring", p_io_uring },
	{ "pidfd_getfd", p_pidfd_getfd },
	{ "kcmp", p_kcmp },
	{ "fanotify_init", p_fanotify_init },
	{ "modify_ldt", p_modify_ldt },
	{ "memfd_secret", p_memfd_secret },
	{ "mbind", p_mbind },
	{ "set_mempolicy", p_set_mempolicy },
	{ "move_pages", p_move_pages },
	{ "migrate_pages", p_migrate_pages },
	{ "x32", p_x32 },
	{ "i386", p_i386 },
	{ "ptrace-init", p_ptrace_init },
	{ "ptrace-child", p_ptrace_child },
	{ "process-vm-child", p_process_vm_child },
	{ "ptrace", p_ptrace },
	{ "exe-write", p_exe_write },
	{ "exe-read", p_exe_read },
	{ "exe-path", p_exe_path },
	{ "caps", p_caps },
	{ "nnp", p_nnp },
	{ "ids", p_ids },
	{ "fds", p_fds },
	{ "cwd", p_cwd },
	{ "hostname-set", p_hostname_set },
	{ "setuid-exec", p_setuid_exec },
	{ "kill-host", p_kill_host },
	{ "tcp-connect", p_tcp_connect },
	{ "tcp-bind", p_tcp_bind },
	{ "abstract-unix", p_abstract_unix },
	{ "sysv-ipc", p_sysv_ipc },
	{ "read", p_read },
	{ "write", p_write },
	{ "swap-loop", p_swap_loop },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2)
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (strcmp(argv[1], cmds[i].name) == 0)
				return cmds[i].fn(argc, argv);
	fprintf(stderr, "usage: probe SUBCOMMAND [ARG...]\nsubcommands:");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, " %s", cmds[i].name);
	fprintf(stderr, "\n");
	return 2;
}
