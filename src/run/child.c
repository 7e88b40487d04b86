/* SPDX-License-Identifier: MIT */
/* The child's side of a start (run/child.h): in the new namespaces, its setup steps in the
 * order of DESIGN.md section 2, then it becomes the sandbox's init. */
#include "run/child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/log.h"
#include "limits/cgroup.h"
#include "net/net.h"
#include "run/init.h"
#include "run/launch.h"
#include "run/pid1.h"
#include "run/pty.h"
#include "setup/caps.h"
#include "setup/landlock.h"
#include "setup/rootfs.h"
#include "setup/userns.h"

__attribute__((noreturn)) static void child_fail(int err_fd, const char *step)
{
	char buf[1200];
	/* Invoked as bwrap, the message alone, as bubblewrap's (its clients and test suite read
	 * "bwrap: MESSAGE"); sbx's own names the step that failed. */
	int n = log_as_bwrap() ? snprintf(buf, sizeof(buf), "%d:%s", EXIT_SBX_FAILED, sbx_errmsg())
			       : snprintf(buf, sizeof(buf), "%d:%s: %s", EXIT_SBX_FAILED, step,
					  sbx_errmsg());

	if (n > 0) /* a record, NUL included (see init.c) */
		(void)write_all(err_fd, buf, (size_t)n < sizeof(buf) ? (size_t)n + 1 : sizeof(buf));
	_exit(EXIT_SBX_FAILED);
}

static int wait_fd(int fd, const char *what)
{
	char b;
	ssize_t n;

	do
		n = read(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sbx_err(errno, "%s: read fd %d", what, fd);
	return 0;
}

int child_set_rlimits(const struct sbx_config *c)
{
	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct sbx_rlimit r = c->rlimits[i];
		if (r.soft_only) {
			struct rlimit cur;
			if (getrlimit(r.resource, &cur) == 0)
				r.lim.rlim_max = cur.rlim_max;
		}
		if (setrlimit(r.resource, &r.lim) < 0)
			return sbx_err(errno, "--rlimit %s", rlimit_name(r.resource));
	}
	return 0;
}

static int do_chdir(const struct sbx_config *c)
{
	/* The command's: a --setenv HOME is where it starts, as with bubblewrap. */
	const char *home = env_value(c->env, "HOME");

	if (c->chdir) {
		if (chdir(c->chdir) < 0)
			return sbx_err(errno, "--chdir %s", c->chdir);
		return 0;
	}
	/* Like bubblewrap: stay where the caller was if that exists inside, else go home; a cwd
	 * the profile refused to share exists only as an empty directory, if at all. */
	if (c->cwd && !c->cwd_refused && chdir(c->cwd) == 0)
		return 0;
	if (home && chdir(home) == 0)
		return 0;
	if (chdir("/") < 0)
		return sbx_err(errno, "chdir /");
	return 0;
}

static int take_locks(const struct sbx_config *c, int *ret_fds)
{
	for (size_t i = 0; c->lock_files && c->lock_files[i]; i++) {
		/* Kept open (and locked) by PID 1 for the sandbox's lifetime, also across the
		 * exec of sbx's PID 1 (not O_CLOEXEC); the command's close_range closes it. */
		struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		int fd = open(c->lock_files[i], O_RDONLY);
		if (fd < 0)
			return sbx_err(errno, "--lock-file %s", c->lock_files[i]);
		/* bubblewrap takes a POSIX read lock, which flatpak tests for; an flock too,
		 * for tools that use flock(1). */
		if (fcntl(fd, F_SETLKW, &fl) < 0 || flock(fd, LOCK_SH) < 0)
			return sbx_err(errno, "--lock-file %s: lock", c->lock_files[i]);
		ret_fds[i] = fd;
	}
	return 0;
}

/* PID 1 keeps only what it needs: its pipe to the supervisor and memory.events (made
 * inheritable by pid1_exec), the --lock-file and --sync-fd fds it holds for the sandbox's
 * life; 0, 1, 2 become /dev/null. Not the caller's terminal or any other fd the caller
 * left open: with CAP_SYS_PTRACE, the sandbox could take them from /proc/1/fd. */
static int keep_init_fds(const struct sbx_config *c, const int *lock_fds)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (int fd = 0; fd < 3; fd++)
		if (null >= 0 ? dup2(null, fd) < 0 : close(fd) < 0 && errno != EBADF)
			return sbx_err(errno, "fd %d", fd);
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return sbx_err(errno, "close_range");
	for (size_t i = 0; c->lock_files && c->lock_files[i]; i++)
		if (fcntl(lock_fds[i], F_SETFD, 0) < 0)
			return sbx_err(errno, "--lock-file fd");
	if (c->sync_fd >= 0 && fcntl(c->sync_fd, F_SETFD, 0) < 0)
		return sbx_err(errno, "--sync-fd %d", c->sync_fd);
	return 0;
}

/* Lowering max_user_namespaces in our own namespace needs CAP_SYS_RESOURCE there; once
 * capabilities are gone nobody inside can raise it again. */
static int disable_userns(void)
{
	if (write_file_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", "0") < 0)
		return -errno ? -errno : -EIO;
	return 0;
}

static int assert_userns_disabled(void)
{
	pid_t p = fork();
	int status;

	if (p < 0)
		return sbx_err(errno, "--assert-userns-disabled: fork");
	if (p == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 1 : 0);
	while (waitpid(p, &status, 0) < 0)
		if (errno != EINTR)
			return sbx_err(errno, "--assert-userns-disabled: wait");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sbx_errx(
			"--assert-userns-disabled: creating a user namespace is still possible");
	return 0;
}

static int enter_cgroup_ns(const struct sbx_config *c, int *memory_events_fd)
{
	/* Not without a cgroup of our own: the caller's might have seen OOM kills before. */
	if (memory_events_fd && c->limits.memory != LIMIT_UNSET)
		*memory_events_fd = cgroup_open_memory_events();
	if (c->unshare_cgroup && unshare(CLONE_NEWCGROUP) < 0)
		return sbx_err(errno, "unshare the cgroup namespace");
	return 0;
}

/* The host's cgroup tree, for after pivot_root (START_CGROUP_AFTER_SETUP): its root and
 * /proc/self/cgroup. Without either only the OOM message goes, not the limits. */
struct cgroup_fds {
	int root, self;
};

static void open_cgroup_fds(struct cgroup_fds *f)
{
	f->root = open(CGROUP_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	f->self = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
}

/* After the setup, when the go came late (START_CGROUP_AFTER_SETUP): memory.events and the
 * cgroup namespace now that the parent placed us, then the /sys/fs/cgroup that shows it. */
static int enter_cgroup_late(const struct sbx_config *c, char b, int *memory_events_fd,
			     struct cgroup_fds *f)
{
	int r;

	if (b != 'u' && c->limits.memory != LIMIT_UNSET)
		*memory_events_fd = cgroup_open_memory_events_at(f->root, f->self);
	if (f->root >= 0)
		close(f->root);
	if (f->self >= 0)
		close(f->self);
	if ((r = enter_cgroup_ns(c, NULL)) < 0)
		return r;
	return rootfs_mount_cgroup(c);
}

static int build_landlock(const struct sbx_config *c, int *ret_fd)
{
	struct landlock_rules rules = { 0 };
	int r;

	landlock_rules_from_plan(c, &rules);
	r = landlock_build(&rules, c->landlock, LANDLOCK_SCOPED, ret_fd);
	landlock_rules_free(&rules);
	return r;
}

static int set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		return sbx_err(errno, "sethostname %s", name);
	return 0;
}

/* Nothing in the sandbox may read init's memory or open /proc/1/exe: init keeps one
 * capability more than the command (caps_init_mask). Where no capability is left to keep
 * (--cap-add ALL), init is made undumpable instead, at the price of sbx --enter, which
 * then cannot open its namespaces either. */
static int drop_privileges(const struct sbx_config *c, uint64_t *ret_init_caps)
{
	uint64_t init_caps = c->as_pid_1 ? c->caps_keep : caps_init_mask(c->caps_keep);
	int r = caps_apply(init_caps ? init_caps : c->caps_keep);

	if (r < 0)
		return r;
	if (!init_caps && prctl(PR_SET_DUMPABLE, 0) < 0)
		return sbx_err(errno, "prctl PR_SET_DUMPABLE");
	*ret_init_caps = init_caps;
	return 0;
}

/* Relays between the supervisor and the process that goes on with the setup, when
 * joining given namespaces took one more fork: signals down, the status up. */
__attribute__((noreturn)) static void relay(pid_t pid)
{
	sigset_t set;

	init_forwarded_signals(&set);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si), status;
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			if (si.si_code != SI_KERNEL)
				kill(pid, sig);
			continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
}

/* Goes on in a child, killed with this process, which relays its end (relay). */
static int fork_relayed(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return sbx_err(errno, "fork");
	if (pid > 0)
		relay(pid);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sbx_err(errno, "prctl PR_SET_PDEATHSIG");
	return 0;
}

/* --userns FD and --pidns FD: the clone made only what the caller can make alone; the
 * rest is made here, inside the given user namespace. A PID namespace applies to
 * children only, so the setup goes on in a child and this process relays. Returns in
 * that child. */
static int join_given_namespaces(const struct sbx_config *c, unsigned long namespaces)
{
	unsigned long rest = namespaces & ~(unsigned long)(CLONE_NEWUSER | CLONE_NEWPID);
	int r;

	if (c->userns_fd >= 0) {
		if (setns(c->userns_fd, CLONE_NEWUSER) < 0)
			return sbx_err(errno, "--userns %d: join", c->userns_fd);
		if (rest && unshare((int)rest) < 0)
			return sbx_err(errno, "--userns %d: new namespaces in it", c->userns_fd);
	}
	if (c->pidns_fd >= 0) {
		if (setns(c->pidns_fd, CLONE_NEWPID) < 0)
			return sbx_err(errno, "--pidns %d: join", c->pidns_fd);
		/* With --unshare-pid, a new one inside the given one, as bubblewrap: the kernel
		 * nests a new PID namespace only in the one its maker lives in, so a child in
		 * the given one makes it. */
		if ((namespaces & CLONE_NEWPID) && (r = fork_relayed()) < 0)
			return r;
	}
	if ((namespaces & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0)
		return sbx_err(errno, "new PID namespace");
	return fork_relayed();
}

static int switch_userns2(int fd)
{
	if (setns(fd, CLONE_NEWUSER) < 0)
		return sbx_err(errno, "--userns2 %d: join", fd);
	return 0;
}

/* One setup step: fails the child with the step's name, traced with -v. */
#define STEP(name, call)                                          \
	do {                                                      \
		uint64_t t0_ = trace_start();                     \
		if (fault_point("child " name) < 0 || (call) < 0) \
			child_fail(err_fd, name);                 \
		trace_end(name, t0_);                             \
	} while (0)

static char wait_go(int go_fd, bool more)
{
	char b;
	ssize_t n;

	do
		n = read(go_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(EXIT_SBX_FAILED); /* the parent failed and said why */
	(void)fault_point("child go");
	if (!more)
		close(go_fd);
	return b;
}

/* The setup done: the command starts, and this process becomes the sandbox's init: sbx's
 * PID 1 program where it can be exec'd, else sbx's own init. Never returns. */
__attribute__((noreturn)) static void child_become_init(const struct child_args *a,
							const int *lock_fds, int memory_events_fd,
							uint64_t init_caps, int landlock_fd)
{
	const struct sbx_config *c = a->c;
	const sigset_t *orig_mask = a->orig_mask;
	int err_fd = a->err_fd;
	sigset_t early;
	pid_t cmd;

	if (c->as_pid_1)
		init_exec_command(c, a->filters, landlock_fd, a->pty, err_fd, orig_mask);
	/* The command first, then PID 1's program: the command need not wait for that exec. */
	cmd = init_spawn_command(c, a->filters, landlock_fd, a->pty, err_fd, orig_mask, &early);
	if (landlock_fd >= 0)
		close(landlock_fd);
	if (fault_point("init fds") < 0 || keep_init_fds(c, lock_fds) < 0) {
		kill(cmd, SIGKILL);
		child_fail(err_fd, "init");
	}
	if (a->pid1_fd >= 0) {
		uint64_t t0 = trace_start();
		/* A failed exec leaves sbx's own init to go on (below): not an error. */
		if (fault_point("init pid1 exec") == 0)
			(void)pid1_exec(a->pid1_fd, err_fd, memory_events_fd, c->limits.memory, cmd,
					&early, init_caps == 0);
		trace_end("init", t0);
		/* The parent waits in vfork until we exec: no going on as init here. */
		if (a->plan->vfork) {
			kill(cmd, SIGKILL);
			child_fail(err_fd, "init");
		}
	}
	init_wait(c, cmd, &early, err_fd, memory_events_fd);
}

/* Until the setup may start: the terminal handed over, the parent's 'm' or go (or the id
 * maps written here), the namespaces given to join. Returns the byte the parent sent. */
static char child_start(const struct child_args *a)
{
	const struct sbx_config *c = a->c;
	int err_fd = a->err_fd;
	char b = 'g';

	/* sbx's two processes live and die together: without the supervisor nobody would
	 * report the status, or end a timeout. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || (a->parent != 0 && getppid() != a->parent))
		_exit(EXIT_SBX_FAILED);
	/* Before anything of the sandbox runs: from here on no process inside holds the
	 * caller's terminal. */
	STEP("pty", pty_hand_over(a->pty));
	if (a->go_fd >= 0)
		b = wait_go(a->go_fd, a->plan->late_go); /* 'm' when late_go */
	else if (a->plan->clone_flags & CLONE_NEWUSER)
		STEP("userns", userns_write_own_maps(c));

	if (c->userns_fd >= 0 || c->pidns_fd >= 0)
		STEP("namespaces", join_given_namespaces(c, a->plan->namespaces));
	return b;
}

__attribute__((noreturn)) void child_main(const struct child_args *a)
{
	const struct sbx_config *c = a->c;
	enum start_cgroup cg = a->plan->cgroup;
	int memory_events_fd = -1, err_fd = a->err_fd, landlock_fd = -1;
	uint64_t init_caps = 0;
	struct cgroup_fds cg_fds = { -1, -1 };
	int *lock_fds = xmalloc((strv_length(c->lock_files) + 1) * sizeof(int));
	/* 'u': the parent found no cgroup to place us in (--cgroup try). */
	char b = child_start(a);

	/* The order of DESIGN.md, section 2. Placed in its cgroup by now, the cgroup
	 * namespace is rooted there; or that comes after the setup (plan/start.h). */
	if (cg == START_CGROUP_BEFORE_SETUP)
		STEP("cgroup", enter_cgroup_ns(c, b == 'u' ? NULL : &memory_events_fd));
	if (cg == START_CGROUP_AFTER_SETUP)
		open_cgroup_fds(&cg_fds);
	if (c->userns_block_fd >= 0)
		STEP("userns", wait_fd(c->userns_block_fd, "--userns-block-fd"));
	if (c->hostname)
		STEP("hostname", set_hostname(c->hostname));
	if (c->clone_flags & CLONE_NEWNET)
		STEP("network", net_loopback_up());
	/* Through the caller's /proc, before the sandbox's own is mounted read-only. */
	if (c->disable_userns)
		STEP("disable-userns", disable_userns());
	STEP("rootfs", rootfs_setup(c, cg == START_CGROUP_AFTER_SETUP));
	STEP("chdir", do_chdir(c));
	STEP("lock-file", take_locks(c, lock_fds));
	STEP("rlimit", child_set_rlimits(c));
	if (a->plan->late_go) {
		b = wait_go(a->go_fd, false);
		if (cg == START_CGROUP_AFTER_SETUP)
			STEP("cgroup", enter_cgroup_late(c, b, &memory_events_fd, &cg_fds));
	}
	/* In the new root, from the same plan, once every mount is there: a rule on a
	 * directory that a later mount covers would not reach into that mount (Landlock skips
	 * covered mount points), as /sys/fs/cgroup mounted late. Enforced by the command's
	 * process alone. */
	STEP("landlock", build_landlock(c, &landlock_fd));
	if (c->userns2_fd >= 0)
		STEP("userns2", switch_userns2(c->userns2_fd));
	STEP("capabilities", drop_privileges(c, &init_caps));
	if (c->assert_userns_disabled)
		STEP("assert-userns-disabled", assert_userns_disabled());
	if (c->block_fd >= 0)
		STEP("block-fd", wait_fd(c->block_fd, "--block-fd"));
	/* The seccomp filters come last of all, in the command's own process, right before
	 * its execve (init_exec_command). */

	child_become_init(a, lock_fds, memory_events_fd, init_caps, landlock_fd);
}

int child_vfork_main(void *arg)
{
	child_main(arg);
}
