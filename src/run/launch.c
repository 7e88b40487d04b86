/* SPDX-License-Identifier: MIT */
#include "run/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup/caps.h"
#include "limits/cgroup.h"
#include "named/enterctl.h"
#include "run/init.h"
#include "base/log.h"
#include "net/net.h"
#include "net/netuser.h"
#include "run/pid1.h"
#include "run/pty.h"
#include "named/registry.h"
#include "setup/rootfs.h"
#include "seccomp/seccomp.h"
#include "run/status.h"
#include "setup/userns.h"
#include "base/fault.h"

#define EXIT_SBX_FAILED 125
#define EXIT_TIMEOUT 124

/* ---- child side -------------------------------------------------------------------- */

__attribute__((noreturn)) static void child_fail(int err_fd, const char *step)
{
	char buf[1200];
	int n = snprintf(buf, sizeof(buf), "%d:%s: %s", EXIT_SBX_FAILED, step, sbx_errmsg());

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

static int set_rlimits(const struct sbx_config *c)
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
	const char *home = getenv("HOME");

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

/* The host's cgroup tree, for after pivot_root (late_go): its root and /proc/self/cgroup.
 * Without either only the OOM message goes, not the limits. */
struct cgroup_fds {
	int root, self;
};

static void open_cgroup_fds(struct cgroup_fds *f)
{
	f->root = open("/sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
	f->self = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
}

/* After the setup, when the go came late (child_args.late_go): memory.events and the
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

/* --userns FD and --pidns FD: the clone made only what the caller can make alone; the
 * rest is made here, inside the given user namespace. A PID namespace applies to
 * children only, so the setup goes on in a child and this process relays. Returns in
 * that child. */
static int join_given_namespaces(const struct sbx_config *c)
{
	unsigned long rest = c->clone_flags & ~(unsigned long)(CLONE_NEWUSER | CLONE_NEWPID);
	pid_t pid;

	if (c->userns_fd >= 0) {
		if (setns(c->userns_fd, CLONE_NEWUSER) < 0)
			return sbx_err(errno, "--userns %d: join", c->userns_fd);
		if (rest && unshare((int)rest) < 0)
			return sbx_err(errno, "--userns %d: new namespaces in it", c->userns_fd);
	}
	if (c->pidns_fd >= 0) {
		if (setns(c->pidns_fd, CLONE_NEWPID) < 0)
			return sbx_err(errno, "--pidns %d: join", c->pidns_fd);
	} else if ((c->clone_flags & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0) {
		return sbx_err(errno, "new PID namespace");
	}
	pid = fork();
	if (pid < 0)
		return sbx_err(errno, "fork");
	if (pid > 0)
		relay(pid);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sbx_err(errno, "prctl PR_SET_PDEATHSIG");
	return 0;
}

static int switch_userns2(int fd)
{
	if (setns(fd, CLONE_NEWUSER) < 0)
		return sbx_err(errno, "--userns2 %d: join", fd);
	return 0;
}

/* What clone() itself creates: everything, unless namespaces are given to join (then
 * join_given_namespaces does the rest in the child). */
static unsigned long first_clone_flags(const struct sbx_config *c)
{
	if (c->userns_fd >= 0)
		return 0;
	if (c->pidns_fd >= 0)
		return c->clone_flags & ~(unsigned long)CLONE_NEWPID;
	return c->clone_flags;
}

/* One setup step: fails the child with the step's name, traced with -v. */
#define STEP(name, call)                                          \
	do {                                                      \
		uint64_t t0_ = trace_start();                     \
		if (fault_point("child " name) < 0 || (call) < 0) \
			child_fail(err_fd, name);                 \
		trace_end(name, t0_);                             \
	} while (0)

/* How the child starts and ends (launch_run decides). */
struct child_args {
	const struct sbx_config *c;
	pid_t parent; /* 0 in a new PID namespace */
	int go_fd;    /* -1: the parent waits in vfork; the child writes its own id maps */
	bool late_go; /* 'm' (maps written) before the setup, which runs while the parent
		       * places the child (cgroup, network helper, ...); go before the command */
	int err_fd;
	int pid1_fd; /* -1: init_wait serves as PID 1 */
	const sigset_t *orig_mask;
	/* A named sandbox's programs, read by the supervisor (which hands the same to sbx
	 * --enter); NULL: the child reads them itself. */
	const struct seccomp_set *filters;
	const struct sbx_pty *pty; /* the sandbox's own terminal, if used */
};

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
							uint64_t init_caps)
{
	const struct sbx_config *c = a->c;
	const sigset_t *orig_mask = a->orig_mask;
	int err_fd = a->err_fd;
	sigset_t early;
	pid_t cmd;

	if (c->as_pid_1)
		init_exec_command(c, a->pty, err_fd, orig_mask);
	/* The command first, then PID 1's program: the command need not wait for that exec. */
	cmd = init_spawn_command(c, a->pty, err_fd, orig_mask, &early);
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
		if (a->go_fd < 0) {
			kill(cmd, SIGKILL);
			child_fail(err_fd, "init");
		}
	}
	init_wait(c, cmd, &early, err_fd, memory_events_fd);
}

__attribute__((noreturn)) static void child_main(const struct child_args *a)
{
	const struct sbx_config *c = a->c;
	int memory_events_fd = -1, err_fd = a->err_fd;
	uint64_t init_caps = 0;
	struct cgroup_fds cg_fds = { -1, -1 };
	int *lock_fds = xmalloc((strv_length(c->lock_files) + 1) * sizeof(int));
	/* Alone, no cgroup was made for a sandbox that wanted one (--cgroup try). */
	char b = cgroup_wanted(c) ? 'u' : 'g';

	/* sbx's two processes live and die together: without the supervisor nobody would
	 * report the status, or end a timeout. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || (a->parent != 0 && getppid() != a->parent))
		_exit(EXIT_SBX_FAILED);
	/* Before anything of the sandbox runs: from here on no process inside holds the
	 * caller's terminal. */
	STEP("pty", pty_hand_over(a->pty));
	if (a->go_fd >= 0)
		b = wait_go(a->go_fd, a->late_go); /* 'm' when late_go */
	else if (first_clone_flags(c) & CLONE_NEWUSER)
		STEP("userns", userns_write_own_maps(c));

	if (c->userns_fd >= 0 || c->pidns_fd >= 0)
		STEP("namespaces", join_given_namespaces(c));

	/* The order of DESIGN.md, section 2. Placed in its cgroup by now, the cgroup
	 * namespace is rooted there; or that comes after the setup (late_go). */
	if (cgroup_wanted(c) && !a->late_go)
		STEP("cgroup", enter_cgroup_ns(c, b == 'u' ? NULL : &memory_events_fd));
	if (cgroup_wanted(c) && a->late_go)
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
	STEP("rootfs", rootfs_setup(c, a->late_go && cgroup_wanted(c)));
	STEP("chdir", do_chdir(c));
	STEP("lock-file", take_locks(c, lock_fds));
	STEP("rlimit", set_rlimits(c));
	if (a->late_go) {
		b = wait_go(a->go_fd, false);
		if (cgroup_wanted(c))
			STEP("cgroup", enter_cgroup_late(c, b, &memory_events_fd, &cg_fds));
	}
	if (c->userns2_fd >= 0)
		STEP("userns2", switch_userns2(c->userns2_fd));
	STEP("capabilities", drop_privileges(c, &init_caps));
	if (c->assert_userns_disabled)
		STEP("assert-userns-disabled", assert_userns_disabled());
	if (c->block_fd >= 0)
		STEP("block-fd", wait_fd(c->block_fd, "--block-fd"));
	/* Last: the filter also forbids what the steps above needed (mount, ...). */
	STEP("seccomp", a->filters ? seccomp_load_set(a->filters) : seccomp_apply(c));

	child_become_init(a, lock_fds, memory_events_fd, init_caps);
}

static int vfork_child(void *arg)
{
	child_main(arg);
}

/* ---- parent side ------------------------------------------------------------------- */

struct supervisor {
	const struct sbx_config *c;
	pid_t child;
	int err_fd;
	int sig_fd;
	int timer_fd;
	int timeouts; /* 0: none yet, 1: SIGTERM sent, 2: SIGKILL sent */
	char msg[1200];
	int msg_code;
	bool exited;
	int status;
	bool ended; /* init said the command's code ("=CODE") */
	int ended_code;
	bool leave_early;    /* nothing of ours outlives init: no need to wait for its exit */
	int shrink_fd;	     /* sbx's small program, to exec once the sandbox runs for a while */
	struct netuser *net; /* --net=pasta|slirp4netns helper */
	/* A named sandbox: sbx --enter and --stop ask on ctl_fd (enterctl.c) */
	int ctl_fd;
	int init_pidfd;
	const struct enter_info *enter;
	struct sbx_pty *pty; /* relayed while the sandbox runs */
};

static void read_record(struct supervisor *s, const char *rec)
{
	struct init_record r;
	size_t len;

	init_parse_record(rec, &r);
	if (r.ended) {
		s->ended = true;
		s->ended_code = r.code;
		return;
	}
	/* The first failure is the cause; later ones are consequences. */
	if (s->msg[0])
		return;
	len = strnlen(r.text, sizeof(s->msg) - 1);
	s->msg_code = r.code;
	memcpy(s->msg, r.text, len);
	s->msg[len] = '\0';
}

/* Records are written whole (at most a few, each under PIPE_BUF), so one read returns
 * only whole ones. */
static void read_messages(struct supervisor *s)
{
	char buf[4096];
	ssize_t n;

	if (s->err_fd < 0)
		return;
	n = read(s->err_fd, buf, sizeof(buf) - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->err_fd);
		s->err_fd = -1;
		return;
	}
	buf[n] = '\0';
	for (char *rec = buf; rec < buf + n; rec += strlen(rec) + 1)
		read_record(s, rec);
}

/* Once the child is gone: what it wrote before, without waiting for more. */
static void read_child_failure(struct supervisor *s)
{
	struct pollfd p = { .fd = s->err_fd, .events = POLLIN };

	if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
		read_messages(s);
}

static int arm_timer(int fd, uint64_t usec)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(usec / 1000000),
						.tv_nsec = (long)(usec % 1000000) * 1000 } };

	if (timerfd_settime(fd, 0, &its, NULL) < 0)
		return sbx_err(errno, "--timeout: timerfd_settime");
	return 0;
}

static void on_signal(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			int status;
			pid_t p = waitpid(s->child, &status, WNOHANG);
			if (p == s->child) {
				s->exited = true;
				s->status = status;
			}
			continue;
		}
		/* The pty's foreground job learns the new size from the kernel. */
		if (si.ssi_signo == SIGWINCH && pty_used(s->pty)) {
			pty_signal(s->pty, SIGWINCH);
			continue;
		}
		if (si.ssi_signo == SIGCONT)
			pty_signal(s->pty, SIGCONT);
		/* From the terminal (SI_KERNEL) the signal went to the whole foreground
		 * process group, the command included: do not send it twice. With a pty
		 * the sandbox is in no group of the caller's terminal: pass it on. */
		if (si.ssi_code != SI_KERNEL || pty_used(s->pty))
			kill(s->child, (int)si.ssi_signo);
	}
}

static void on_timer(struct supervisor *s)
{
	uint64_t ticks;

	(void)!read(s->timer_fd, &ticks, sizeof(ticks));
	if (s->timeouts++ == 0) {
		kill(s->child, SIGTERM);
		/* Without the grace timer, no SIGKILL would follow: send it now. */
		if (arm_timer(s->timer_fd, SBX_KILL_GRACE_USEC) < 0)
			kill(s->child, SIGKILL);
	} else {
		kill(s->child, SIGKILL);
	}
}

/* A sandbox that runs for a while is supervised by sbx's small program (pid1_monitor), so
 * that the process the caller waits for keeps a few pages rather than a copy of sbx. Not
 * at once: the exec costs about as much as a short command, which is what most starts
 * run (a compile step), and then sbx leaves before it would pay off. */
#define SHRINK_AFTER_MSEC 100

static void shrink(struct supervisor *s)
{
	struct itimerspec left = { 0 };
	uint64_t usec;
	int fd = s->shrink_fd;

	s->shrink_fd = -1; /* once, whatever comes of it */
	/* What the small program cannot take over: a message read, a timeout that fired. */
	if (s->msg[0] || s->timeouts > 0 || s->exited || s->ended)
		return;
	if (s->c->timeout_usec && timerfd_gettime(s->timer_fd, &left) < 0)
		return;
	usec = (uint64_t)left.it_value.tv_sec * 1000000 + (uint64_t)left.it_value.tv_nsec / 1000;
	/* A timeout due right now is still a timeout: a microsecond rather than none (0). */
	if (s->c->timeout_usec && usec == 0)
		usec = 1;
	(void)pid1_monitor(fd, s->child, s->err_fd, usec, log_level_prefix());
}

static int supervise(struct supervisor *s)
{
	while (!s->exited && !(s->ended && s->leave_early)) {
		struct pollfd p[5 + PTY_NFDS] = {
			{ .fd = s->sig_fd, .events = POLLIN },
			{ .fd = s->timer_fd, .events = POLLIN },
			{ .fd = s->err_fd, .events = POLLIN },
			{ .fd = netuser_pollfd(s->net), .events = POLLIN },
			{ .fd = s->ctl_fd, .events = POLLIN },
		};
		size_t np = 5 + pty_pollfds(s->pty, p + 5);
		int n = poll(p, np,
			     s->shrink_fd >= 0 ? SHRINK_AFTER_MSEC : pty_poll_timeout(s->pty));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sbx_err(errno, "poll");
		}
		if (n == 0 && s->shrink_fd >= 0)
			shrink(s);
		pty_handle(s->pty, p + 5);
		if (p[2].revents) {
			read_messages(s);
			/* sbx's PID 1 waits to be ended once it has said the status. */
			if (s->ended && !s->leave_early && !s->exited)
				kill(s->child, SIGKILL);
		}
		if (p[4].revents)
			enterctl_serve(s->ctl_fd, s->enter, s->init_pidfd);
		if (p[1].revents)
			on_timer(s);
		if (p[0].revents)
			on_signal(s);
		/* Not at the very end: the helper going with the sandbox is no news. */
		if (p[3].revents && !s->exited)
			netuser_on_exit(s->net);
	}
	/* A message written just before exit is still in the pipe ("=CODE" is the last). */
	while (s->err_fd >= 0 && !s->ended)
		read_messages(s);
	return 0;
}

static int exit_code(const struct supervisor *s)
{
	if (s->timeouts > 0)
		return EXIT_TIMEOUT;
	if (s->ended)
		return s->ended_code;
	if (WIFEXITED(s->status))
		return WEXITSTATUS(s->status);
	if (WIFSIGNALED(s->status))
		return 128 + WTERMSIG(s->status);
	return EXIT_SBX_FAILED;
}

static int die_with_caller(void)
{
	pid_t caller = getppid();

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sbx_err(errno, "--die-with-parent: prctl");
	if (getppid() != caller)
		return sbx_errx("--die-with-parent: the caller has already exited");
	return 0;
}

/* Whether the child can do the whole setup alone while the parent waits in vfork (no copy
 * of our memory, which is most of what a start costs on some machines): it writes its own
 * id maps; the parent has nothing to do before the command starts (a cgroup, a network
 * helper, a registry entry, the pid to report); nobody outside waits for us meanwhile
 * (--block-fd and the like); and the child ends in an exec, which lets the parent go on.
 * A pty's relay starts after that (pty_start); the child changes nothing in its record. */
static bool child_starts_alone(const struct sbx_config *c, int pid1_fd)
{
#if defined(__SANITIZE_ADDRESS__)
	/* make check-asan: ASan cannot follow the switch to the clone's own stack */
	if (c)
		return false;
#endif
	return (pid1_fd >= 0 || c->as_pid_1) && userns_self_mappable(c) && c->userns_fd < 0 &&
	       c->pidns_fd < 0 && !cgroup_needs_placing(c) && !c->net_helper && !c->name &&
	       c->info_fd < 0 && c->json_status_fd < 0 && c->block_fd < 0 &&
	       c->userns_block_fd < 0 && !c->assert_userns_disabled;
}

/* A named sandbox: its registry entry, and what its supervisor tells sbx --enter. */
struct named {
	struct registry reg;
	struct seccomp_set filters; /* read here, loaded by the child, handed to --enter */
	struct enter_info info;
	int ctl_fd, init_pidfd;
};

static int named_claim(const struct sbx_config *c, struct named *n)
{
	int r;

	n->ctl_fd = n->init_pidfd = -1;
	if ((r = registry_claim(c->name, &n->reg)) < 0)
		return r;
	return seccomp_collect(c, &n->filters);
}

static void named_close_in_child(struct named *n)
{
	for (int *fd = &n->reg.root_fd; fd <= &n->reg.lock_fd; fd++)
		if (*fd >= 0)
			close(*fd);
}

/* After clone: the pidfd of init (our own child, not reaped: it is that process), the
 * control socket, then the entry that makes the sandbox visible to --list. */
static int named_publish(const struct sbx_config *c, struct named *n, pid_t self, pid_t init,
			 struct supervisor *s)
{
	int r;

	n->init_pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (n->init_pidfd < 0)
		return sbx_err(errno, "pidfd_open");
	if ((r = enterctl_listen(n->reg.dir_fd, n->reg.path, &n->ctl_fd)) < 0)
		return r;
	enterctl_info(c, init, &n->filters, &n->info);
	if ((r = registry_publish(&n->reg, c, self, init)) < 0)
		return r;
	s->ctl_fd = n->ctl_fd;
	s->init_pidfd = n->init_pidfd;
	s->enter = &n->info;
	return 0;
}

static void named_end(struct named *n)
{
	registry_remove(&n->reg);
	if (n->ctl_fd >= 0)
		close(TAKE_FD(n->ctl_fd));
	if (n->init_pidfd >= 0)
		close(TAKE_FD(n->init_pidfd));
	free(n->info.cwd);
	n->info = (struct enter_info){ 0 };
	seccomp_set_free(&n->filters);
}

/* The child may be gone (its failure is on the error pipe, or it was killed): EPIPE then,
 * not the SIGPIPE that would end sbx without a word and with status 141. Blocked only
 * here: an ignored SIGPIPE would be inherited by the command. */
static int write_go(int fd, char b)
{
	sigset_t pipe_set, old;
	ssize_t n;
	int e;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, &b, 1);
	e = errno;
	if (n < 0 && e == EPIPE && !sigismember(&old, SIGPIPE))
		sigtimedwait(&pipe_set, NULL, &(struct timespec){ 0 });
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (n == 1)
		return 0;
	if (e == EPIPE)
		return sbx_errx("start the sandbox: its first process has died");
	return sbx_err(e, "start the sandbox");
}

/* Like posix_spawn: the child runs on a stack of its own in our memory while we wait. */
static pid_t clone_vfork(struct child_args *a)
{
	const size_t size = 1 << 20;
	void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	pid_t pid;
	int e;

	if (stack == MAP_FAILED)
		return -1;
	pid = clone(vfork_child, (char *)stack + size,
		    (int)first_clone_flags(a->c) | CLONE_VM | CLONE_VFORK | SIGCHLD, a);
	e = errno;
	munmap(stack, size);
	errno = e;
	return pid;
}

/* The terminal mode: bubblewrap's callers (Flatpak) manage the terminal themselves. */
static enum sbx_pty_mode pty_mode(const struct sbx_config *c)
{
	return c->pty == PTY_AUTO && c->bare ? PTY_OFF : c->pty;
}

/* Everything one start holds; launch_end lets go of it whatever step was reached. Its
 * members point at each other (the supervisor and the child at the pty, ...), so it stays
 * where launch_run made it. */
struct launch {
	const struct sbx_config *c;
	struct netuser net;
	struct sbx_pty pty;
	struct supervisor s;
	struct cgroup_run cg;
	struct named named;
	struct child_args a;
	int pid1_fd;
	int go[2], err[2];
	sigset_t fwd, orig;
	bool alone; /* the parent has nothing to do before the child goes on */
};

static void launch_init(struct launch *l, const struct sbx_config *c)
{
	*l = (struct launch){ .c = c,
			      .net = NETUSER_INIT,
			      .pty = { .master = -1, .slave = -1, .out_own = -1 },
			      .cg = { .backend = CGROUP_NONE },
			      .named = { .reg = REGISTRY_INIT, .ctl_fd = -1, .init_pidfd = -1 },
			      .go = { -1, -1 },
			      .err = { -1, -1 } };
	l->pid1_fd = pid1_usable(c) ? pid1_open() : -1;
	l->s = (struct supervisor){ .c = c,
				    .err_fd = -1,
				    .sig_fd = -1,
				    .timer_fd = -1,
				    .shrink_fd = -1,
				    .net = &l->net,
				    .ctl_fd = -1,
				    .init_pidfd = -1,
				    .pty = &l->pty };
	l->a = (struct child_args){ .c = c,
				    .parent = (first_clone_flags(c) & CLONE_NEWPID) ? 0 : getpid(),
				    .go_fd = -1,
				    .pid1_fd = l->pid1_fd,
				    .orig_mask = &l->orig,
				    .pty = &l->pty };
}

/* Stops the network helper, removes the cgroup and the registry entry, closes what is
 * left open; each part only where it was reached. */
static void launch_end(struct launch *l)
{
	netuser_stop(&l->net);
	cgroup_release(&l->cg);
	named_end(&l->named);
	for (int *fd = l->go; fd < l->go + 2; fd++)
		closep(fd);
	closep(&l->err[1]);
	closep(&l->s.err_fd);
	closep(&l->s.sig_fd);
	closep(&l->s.timer_fd);
	closep(&l->pid1_fd);
	pty_close(&l->pty);
}

/* Before the clone: the pty, the registry entry, the pipes to the child. */
static int launch_prepare(struct launch *l)
{
	const struct sbx_config *c = l->c;
	int r;

	if ((r = pty_open(&l->pty, pty_mode(c))) < 0)
		return sbx_errx("%s (--no-pty shares your terminal instead)", sbx_errmsg());
	l->pty.no_ctty = c->new_session;
	l->alone = child_starts_alone(c, l->a.pid1_fd);
	if (c->die_with_parent && (r = die_with_caller()) < 0)
		return r;
	if (c->name && (r = named_claim(c, &l->named)) < 0)
		return r;
	if ((r = fault_point("clone")) < 0)
		return r;
	l->a.filters = c->name ? &l->named.filters : NULL;
	init_forwarded_signals(&l->fwd);
	sigprocmask(SIG_BLOCK, &l->fwd, &l->orig);
	if ((!l->alone && pipe2(l->go, O_CLOEXEC) < 0) || pipe2(l->err, O_CLOEXEC) < 0)
		return sbx_err(errno, "pipe");
	l->a.go_fd = l->go[0];
	l->a.err_fd = l->err[1];
	/* The parent's work before the command (a D-Bus call and systemd's job, pasta's
	 * start) runs beside the child's setup rather than before it. */
	l->a.late_go = !l->alone && c->userns_fd < 0 && c->pidns_fd < 0 && c->userns_block_fd < 0;
	return 0;
}

/* The child, into its new namespaces; it never returns from child_main. */
static int launch_clone(struct launch *l)
{
	uint64_t t0 = trace_start();

	if (l->alone)
		l->s.child = clone_vfork(&l->a);
	else
		l->s.child = (pid_t)syscall(SYS_clone, first_clone_flags(l->c) | SIGCHLD, NULL,
					    NULL, NULL, NULL);
	if (l->s.child < 0) {
		int r = sbx_err(errno, "clone");
		if (errno == EPERM || errno == ENOSPC || errno == EUSERS)
			r = sbx_errx("%s (unprivileged user namespaces may be disabled; see: sbx "
				     "--check)",
				     sbx_errmsg());
		return r;
	}
	if (l->s.child == 0) {
		close(l->go[1]);
		close(l->err[0]);
		named_close_in_child(&l->named);
		child_main(&l->a);
	}
	closep(&l->go[0]);
	closep(&l->err[1]);
	l->s.err_fd = TAKE_FD(l->err[0]);
	/* alone: until the child exec'd, its setup included */
	trace_end("clone", t0);
	return 0;
}

/* The parent's part while the child sets up: the id maps, the cgroup, the network helper,
 * --info-fd, the registry entry, then the go byte. */
static int launch_parent_steps(struct launch *l)
{
	const struct sbx_config *c = l->c;
	uint64_t t0;
	int r;

	if ((r = fault_point("after clone")) < 0)
		return r;
	/* A given user namespace has its maps already; a child alone writes its own. */
	if (!l->alone && c->userns_fd < 0) {
		t0 = trace_start();
		r = userns_write_maps(c, l->s.child);
		trace_end("id maps", t0);
		if (r < 0)
			return sbx_errx("userns: %s", sbx_errmsg());
	}
	/* 'm': the maps are there, set up; 'g' follows before the command. */
	if (l->a.late_go && ((r = fault_point("go m")) < 0 || (r = write_go(l->go[1], 'm')) < 0))
		return r;
	if (!l->alone && cgroup_wanted(c)) {
		t0 = trace_start();
		r = cgroup_place(c, l->s.child, &l->cg);
		trace_end("cgroup placement", t0);
		if (r < 0)
			return r;
	}
	/* The maps must exist for the helper to join the user namespace; the command must
	 * find the network configured when it starts. */
	if (c->net_helper) {
		t0 = trace_start();
		r = netuser_start(c, l->s.child, &l->net);
		trace_end("network helper", t0);
		if (r < 0)
			return r;
	}
	if ((r = status_write_start(c, l->s.child)) < 0 || (r = fault_point("before go")) < 0)
		return r;
	if (c->name && (r = named_publish(c, &l->named, getpid(), l->s.child, &l->s)) < 0)
		return r;
	l->s.sig_fd = signalfd(-1, &l->fwd, SFD_CLOEXEC | SFD_NONBLOCK);
	l->s.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l->s.sig_fd < 0 || l->s.timer_fd < 0)
		return sbx_err(errno, "signalfd/timerfd");
	if (c->timeout_usec && (r = arm_timer(l->s.timer_fd, c->timeout_usec)) < 0)
		return r;
	/* The go byte: 'g', go on; 'u', go on, but no cgroup of its own was made (--cgroup
	 * try). A failure here is still sbx's, said as such (125), not the child's death. */
	if (!l->alone &&
	    ((r = fault_point("go")) < 0 ||
	     (r = write_go(l->go[1],
			   cgroup_wanted(c) && l->cg.backend == CGROUP_NONE ? 'u' : 'g')) < 0))
		return r;
	return 0;
}

/* A step of the parent's failed with the child alive: the child goes, and if it failed
 * first and said why, that is the message (our failure, writing the maps of a process
 * that is gone, ..., is only the consequence). */
static void launch_abort_child(struct launch *l)
{
	kill(l->s.child, SIGKILL);
	waitpid(l->s.child, NULL, 0);
	read_child_failure(&l->s);
	if (l->s.msg[0])
		sbx_errx("%s", l->s.msg);
}

/* While the sandbox runs: signals, --timeout, the pty, --enter; then its exit status. */
static int launch_supervise(struct launch *l)
{
	const struct sbx_config *c = l->c;
	int r;

	/* A cgroup of our own to remove, a network helper to stop, a registry entry to
	 * remove: all wait until init is gone. A systemd scope goes by itself once empty. */
	l->s.leave_early = (l->cg.backend == CGROUP_NONE || l->cg.backend == CGROUP_SYSTEMD) &&
			   !c->net_helper && !c->name;
	/* The same, and nothing to write at the end (--json-status-fd), no pty to relay: see
	 * shrink(). */
	l->s.shrink_fd =
		l->s.leave_early && c->json_status_fd < 0 && !pty_used(&l->pty) ? l->a.pid1_fd : -1;
	closep(&l->go[1]);
	cgroup_placed(&l->cg);
	pty_start(&l->pty);

	r = fault_point("supervise");
	if (r == 0)
		r = supervise(&l->s);
	/* Also after a SIGKILL of the command: the output it left, then the caller's modes,
	 * before anything is printed. */
	pty_drain(&l->pty);
	pty_restore(&l->pty);
	if (r < 0)
		kill(l->s.child, SIGKILL);
	return r;
}

/* sbx's own failure: everything let go of first, then its one line. */
static int launch_fail(struct launch *l)
{
	launch_end(l);
	log_error("%s", sbx_errmsg());
	return EXIT_SBX_FAILED;
}

int launch_run(const struct sbx_config *c)
{
	__attribute__((cleanup(launch_end))) struct launch l;
	int code;

	launch_init(&l, c);
	if (launch_prepare(&l) < 0 || launch_clone(&l) < 0)
		return launch_fail(&l);
	if (launch_parent_steps(&l) < 0) {
		launch_abort_child(&l);
		return launch_fail(&l);
	}
	if (launch_supervise(&l) < 0)
		return launch_fail(&l);
	(void)fault_point("end");
	launch_end(&l);
	code = exit_code(&l.s);
	if (l.s.msg[0] && l.s.timeouts == 0)
		log_error("%s", l.s.msg);
	else if (l.s.timeouts > 0)
		log_error("timed out; the sandbox was stopped");
	status_write_exit(c, code);
	return code;
}
