/* SPDX-License-Identifier: MIT */
#include "named/enter.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup/caps.h"
#include "limits/cgroup.h"
#include "named/enterctl.h"
#include "run/init.h"
#include "base/log.h"
#include "run/pty.h"
#include "named/registry.h"
#include "run/relay.h"
#include "seccomp/seccomp.h"
#include "setup/landlock.h"

#define EXIT_SBX_FAILED 125

/* How sbx --enter runs a command inside a running sandbox without ever being reachable
 * from it before it is as confined as the sandbox's own command:
 *
 *   sbx (host)  ── fork ──► joiner: undumpable first (its memory belongs to the host's user
 *    │                      namespace, so nothing in the sandbox may ptrace it or open its
 *    │                      /proc files, whatever capabilities it has there); a new session
 *    │                      keyring; the sandbox's cgroup; setns on PID 1's pidfd; cwd;
 *    │                      capabilities, no_new_privs and the filters, all final; then
 *    │                      clone(CLONE_PARENT) ──► command: first seen in the sandbox's PID
 *    │                                              namespace already confined and still
 *    │                                              undumpable until its execve; setsid, so
 *    │                                              it never has the caller's terminal
 *    └─ waits for the command (its child by CLONE_PARENT), passes signals on.
 *
 * What it joins and how it is confined comes from the sandbox's supervisor (enterctl.c),
 * never from a file the sandbox could write. */

struct joiner {
	const struct sbx_config *c;
	const struct enter_info *info;
	int init_pidfd;
	int err_fd;   /* "CODE:MESSAGE" records, as PID 1 reports them (init.c) */
	int pid_fd;   /* the command's pid, from the joiner */
	int stdio[3]; /* what becomes the command's 0, 1, 2: sbx's pipes or pty, never the
		       * caller's */
	const struct sbx_pty *pty;
	const sigset_t *orig_mask;
};

__attribute__((noreturn)) static void fail(int err_fd, int code, const char *step)
{
	char msg[1100];

	snprintf(msg, sizeof(msg), "%s: %s", step, sbx_errmsg());
	init_report(err_fd, code, msg);
	_exit(code);
}

/* Into the sandbox's cgroup, so its limits hold for what we run too; read through the
 * pidfd's process, checked alive after the read (the pid was not reused meanwhile). */
static int join_cgroup(pid_t init, int init_pidfd)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/cgroup", init), *cg = NULL;
	_cleanup_free_ char *dir = NULL, *procs = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return sbx_err(errno, "open %s", path);
	r = cgroup_read_path(fd, &cg);
	if (pidfd_send_signal(init_pidfd, 0, NULL, 0) < 0)
		return sbx_errx("the sandbox went away");
	if (r == -EINVAL)
		return 0; /* not a cgroup v2 host: the sandbox has no cgroup of its own */
	if (r < 0)
		return r;
	dir = cgroup_dir(cg);
	procs = xasprintf("%s/cgroup.procs", dir);
	if (access(procs, F_OK) < 0)
		return 0; /* the cgroup2 tree is not mounted there: nothing to join */
	r = write_file_at(AT_FDCWD, procs, "0");
	/* cgroup v2 moves a process only for a writer of the common ancestor's cgroup.procs:
	 * from a login session (session-N.scope) to a scope of the user manager that is the
	 * root-owned user-UID.slice, so the user manager has to do it. */
	if (r == -EACCES || r == -EPERM)
		return cgroup_attach_self(cg);
	if (r < 0)
		return sbx_err(-r, "join the sandbox's cgroup %s", cg);
	return 0;
}

static int go_to(const char *cwd)
{
	const char *home = getenv("HOME");

	if (chdir(cwd) == 0 || (home && chdir(home) == 0) || chdir("/") == 0)
		return 0;
	return sbx_err(errno, "chdir /");
}

/* The command's half: the caller's terminal is never its controlling terminal. */
__attribute__((noreturn)) static void exec_command(const struct joiner *j)
{
	const char *file = j->c->argv[0];
	int e;

	/* With the pty: a session of its own whose controlling terminal the pty is. */
	if (pty_used(j->pty) && pty_attach_child(j->pty) < 0)
		fail(j->err_fd, EXIT_SBX_FAILED, "enter");
	if (!pty_used(j->pty) && setsid() < 0) {
		sbx_err(errno, "setsid");
		fail(j->err_fd, EXIT_SBX_FAILED, "enter");
	}
	sigprocmask(SIG_SETMASK, j->orig_mask, NULL);
	environ = j->c->env;
	execvpe(file, j->c->argv, j->c->env);
	e = errno;
	if (e == ENOENT) {
		sbx_errx("command not found");
		fail(j->err_fd, 127, file);
	}
	sbx_err(e, "cannot execute");
	fail(j->err_fd, 126, file);
}

__attribute__((noreturn)) static void joiner_main(const struct joiner *j, pid_t parent)
{
	int err_fd = j->err_fd, landlock_fd = -1;
	pid_t cmd;

	/* First: from here on nothing in the sandbox may attach to us or read our memory. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
	    getppid() != parent)
		_exit(EXIT_SBX_FAILED);
	/* The caller's fds go before anything is joined: 0, 1, 2 are sbx's relay, and every
	 * other fd is gone at the exec (each of ours is close-on-exec already). */
	for (int fd = 0; fd < 3; fd++)
		if (dup2(j->stdio[fd], fd) < 0) {
			sbx_err(errno, "fd %d", fd);
			fail(err_fd, EXIT_SBX_FAILED, "enter");
		}
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		sbx_err(errno, "close_range");
		fail(err_fd, EXIT_SBX_FAILED, "enter");
	}
	/* Not the caller's session keyring: the filter may allow keyctl. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS) {
		sbx_err(errno, "a session keyring of its own");
		fail(err_fd, EXIT_SBX_FAILED, "enter");
	}
	if (join_cgroup(j->info->init, j->init_pidfd) < 0)
		fail(err_fd, EXIT_SBX_FAILED, "enter: cgroup");
	if (j->info->nsflags && setns(j->init_pidfd, (int)j->info->nsflags) < 0) {
		sbx_err(errno, "setns");
		fail(err_fd, EXIT_SBX_FAILED, "enter: namespaces");
	}
	if (go_to(j->info->cwd) < 0)
		fail(err_fd, EXIT_SBX_FAILED, "enter: chdir");
	/* The sandbox's rules, opened in its root now; through no symlink it could have
	 * planted since. Unscoped: the entered command may signal and reach the sandbox's
	 * processes (a sibling domain could not), while theirs stay unable to reach it. */
	if (landlock_build(&j->info->rules, j->info->landlock, LANDLOCK_NO_SYMLINKS, &landlock_fd) <
	    0)
		fail(err_fd, EXIT_SBX_FAILED, "enter: landlock");
	if (caps_apply(j->info->caps) < 0)
		fail(err_fd, EXIT_SBX_FAILED, "enter: capabilities");
	if (landlock_enforce(landlock_fd) < 0)
		fail(err_fd, EXIT_SBX_FAILED, "enter: landlock");
	if (seccomp_load_set(&j->info->filters) < 0)
		fail(err_fd, EXIT_SBX_FAILED, "enter");
	/* The command becomes sbx's child, so that sbx waits for it and passes signals on. */
	cmd = (pid_t)syscall(SYS_clone, CLONE_PARENT, NULL, NULL, NULL, NULL);
	if (cmd < 0) {
		sbx_err(errno, "clone");
		fail(err_fd, EXIT_SBX_FAILED, "enter");
	}
	if (cmd == 0)
		exec_command(j);
	if (write_all(j->pid_fd, &cmd, sizeof(cmd)) < 0)
		kill(cmd, SIGKILL);
	_exit(0);
}

/* The joiner's outcome: the command's pid, or 0 with the joiner's message read. */
static pid_t wait_joiner(pid_t joiner, int pid_fd)
{
	pid_t cmd = 0;
	int status;

	while (waitpid(joiner, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 0;
	if (read_all(pid_fd, &cmd, sizeof(cmd)) != sizeof(cmd))
		return 0;
	return cmd;
}

/* The first record on err_fd, once every writer is gone: "CODE:MESSAGE". */
int enter_read_failure(int err_fd, char *msg, size_t size)
{
	ssize_t n = read_all(err_fd, msg, size - 1);
	struct init_record r;

	msg[n > 0 ? n : 0] = '\0';
	if (n <= 0 || !strchr(msg, ':'))
		return 0;
	init_parse_record(msg, &r);
	memmove(msg, r.text, strlen(r.text) + 1);
	return r.code;
}

/* What a signal to sbx means: the window size and a return to the foreground are the
 * pty's; the rest goes to the command. From the caller's terminal (SI_KERNEL) a signal
 * went to the command as well, unless the command has a pty of its own. */
static void on_signal(pid_t cmd, const struct signalfd_siginfo *si, struct sbx_pty *pty)
{
	int sig = (int)si->ssi_signo;

	if (pty_used(pty) && (sig == SIGWINCH || sig == SIGCONT))
		pty_signal(pty, sig);
	if (sig == SIGWINCH && pty_used(pty))
		return;
	if (si->ssi_code != SI_KERNEL || pty_used(pty))
		kill(cmd, sig);
}

/* Passes signals on and relays the command's stdio until it ends; its exit code. */
static int wait_command(pid_t cmd, const sigset_t *fwd, struct relay *io, struct sbx_pty *pty)
{
	_cleanup_close_ int sig_fd = signalfd(-1, fwd, SFD_CLOEXEC | SFD_NONBLOCK);
	int status;

	if (sig_fd < 0)
		return sbx_err(errno, "signalfd");
	for (;;) {
		struct pollfd p[1 + RELAY_MAX + PTY_NFDS] = { { .fd = sig_fd, .events = POLLIN } };
		size_t n = relay_pollfds(io, p + 1);
		size_t np = pty_pollfds(pty, p + 1 + n);
		struct signalfd_siginfo si;
		if (poll(p, 1 + n + np, pty_poll_timeout(pty)) < 0 && errno != EINTR)
			return sbx_err(errno, "poll");
		relay_handle(io, p + 1, n);
		pty_handle(pty, p + 1 + n);
		while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD) {
				on_signal(cmd, &si, pty);
			} else if (waitpid(cmd, &status, WNOHANG) == cmd) {
				relay_drain(io);
				pty_drain(pty);
				return WIFEXITED(status) ? WEXITSTATUS(status)
							 : 128 + WTERMSIG(status);
			}
		}
	}
}

/* sbx's side of the command's 0, 1, 2: the pty where the caller has a terminal, pipes for
 * the rest, so that nothing in the sandbox can reopen the caller's files or terminal
 * through /proc/PID/fd of the command. */
static int open_stdio(const struct sbx_pty *pty, int child[3], struct relay *io)
{
	for (int fd = 0; fd < 3; fd++) {
		int p[2];
		if (pty_used(pty) && pty->on_slave[fd]) {
			child[fd] = pty->slave;
			continue;
		}
		if (pipe2(p, O_CLOEXEC) < 0)
			return sbx_err(errno, "pipe");
		child[fd] = fd == 0 ? p[0] : p[1];
		if (fcntl(fd == 0 ? p[1] : p[0], F_SETFL, O_NONBLOCK) < 0)
			return sbx_err(errno, "pipe");
		if (fd == 0)
			relay_add(io, 0, p[1], true);
		else
			relay_add(io, p[0], fd, false);
	}
	return 0;
}

static void close_child_stdio(const struct sbx_pty *pty, int child[3])
{
	for (int fd = 0; fd < 3; fd++)
		if (child[fd] >= 0 && !(pty_used(pty) && child[fd] == pty->slave))
			close(child[fd]);
}

/* A failure to reach or join the sandbox NAME, unless it ended meanwhile (a --stop, or its
 * command exiting): then the caller hears what it would have heard a moment later, not a
 * step that failed because the sandbox was going (setns: No such process, a supervisor
 * that no longer answers). */
static int failed(int dir_fd, const char *name, const char *msg)
{
	if (registry_ended(dir_fd, 2000))
		log_error("no running sandbox named '%s' (it ended meanwhile)", name);
	else
		log_error("%s", msg);
	return EXIT_SBX_FAILED;
}

/* The command's terminal or pipes, and the pipes from the joiner: err (its failure
 * record) and pids (the command's pid). Says why and returns < 0 on failure. */
static int open_channels(const struct sbx_config *c, const char *name, struct sbx_pty *pty,
			 int child_stdio[3], struct relay *io, int err[2], int pids[2])
{
	if (pty_open(pty, c->pty) < 0) {
		log_error("enter %s: %s (--no-pty: pipes instead)", name, sbx_errmsg());
		return -1;
	}
	if (open_stdio(pty, child_stdio, io) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    pipe2(pids, O_CLOEXEC) < 0) {
		log_error("enter %s: %s", name, sbx_errmsg());
		pty_close(pty);
		return -1;
	}
	return 0;
}

/* Forks the joiner (joiner_main), then relays while it joins: the command's pid, or 0
 * when the joiner failed. */
static pid_t join(struct joiner *j, struct sbx_pty *pty, int err[2], int pids[2],
		  int child_stdio[3])
{
	pid_t joiner = fork(), cmd;

	if (joiner == 0) {
		j->err_fd = err[1];
		j->pid_fd = pids[1];
		close(err[0]);
		close(pids[0]);
		joiner_main(j, getppid());
	}
	close(err[1]);
	close(pids[1]);
	close_child_stdio(pty, child_stdio);
	pty_start(pty);
	cmd = joiner < 0 ? 0 : wait_joiner(joiner, pids[0]);
	close(pids[0]);
	return cmd;
}

/* Once the command ended: its status, or sbx's failure; a failed exec said why before
 * exiting 126/127. */
static int command_ended(const char *name, pid_t cmd, const sigset_t *fwd, struct relay *io,
			 struct sbx_pty *pty, int err_rd)
{
	char msg[1200];
	int code = wait_command(cmd, fwd, io, pty);

	pty_close(pty);
	if (code < 0) {
		kill(cmd, SIGKILL);
		waitpid(cmd, NULL, 0);
		log_error("enter %s: %s", name, sbx_errmsg());
		close(err_rd);
		return EXIT_SBX_FAILED;
	}
	if (enter_read_failure(err_rd, msg, sizeof(msg)) != 0)
		log_error("%s", msg);
	close(err_rd);
	return code;
}

int enter_run(const struct sbx_config *c, const char *name)
{
	struct enter_info info = { 0 };
	_cleanup_close_ int dir_fd = -1, init_pidfd = -1, sup_pidfd = -1;
	_cleanup_free_ struct relay *io = xmalloc(sizeof(*io));
	_cleanup_free_ struct sbx_pty *pty = xmalloc(sizeof(*pty));
	int err[2], pids[2], child_stdio[3] = { -1, -1, -1 };
	sigset_t fwd, orig;
	pid_t cmd;

	if (registry_open(name, &dir_fd) < 0) {
		log_error("%s", sbx_errmsg());
		return EXIT_SBX_FAILED;
	}
	if (enterctl_fetch(dir_fd, name, &info, &init_pidfd, &sup_pidfd) < 0)
		return failed(dir_fd, name, sbx_errmsg());
	init_forwarded_signals(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, &orig);
	io->n = 0;
	if (open_channels(c, name, pty, child_stdio, io, err, pids) < 0) {
		enter_info_free(&info);
		return EXIT_SBX_FAILED;
	}
	cmd = join(&(struct joiner){ .c = c,
				     .info = &info,
				     .init_pidfd = init_pidfd,
				     .stdio = { child_stdio[0], child_stdio[1], child_stdio[2] },
				     .pty = pty,
				     .orig_mask = &orig },
		   pty, err, pids, child_stdio);
	enter_info_free(&info);
	if (cmd == 0) {
		/* The joiner failed; its message, if it got to say one. */
		char msg[1200], line[1300];
		int code = enter_read_failure(err[0], msg, sizeof(msg));
		pty_close(pty);
		close(err[0]);
		snprintf(line, sizeof(line), "enter %s: %s", name,
			 code ? msg : "could not join the sandbox");
		return failed(dir_fd, name, line);
	}
	return command_ended(name, cmd, &fwd, io, pty, err[0]);
}

/* sbx --stop: SIGTERM (or --signal) to the supervisor, which passes it on as for a kill(1)
 * of sbx itself; SIGKILL to PID 1 after the grace time, which ends the whole PID namespace;
 * done when the supervisor, which removes the entry, is gone. All through pidfds the
 * supervisor itself handed out. */
int stop_run(const char *name, int sig, uint64_t grace_usec)
{
	struct enter_info info = { 0 };
	_cleanup_close_ int dir_fd = -1, init = -1, sup = -1;
	struct pollfd p;

	if (registry_open(name, &dir_fd) < 0) {
		log_error("%s", sbx_errmsg());
		return EXIT_SBX_FAILED;
	}
	if (enterctl_fetch(dir_fd, name, &info, &init, &sup) < 0)
		return failed(dir_fd, name, sbx_errmsg());
	enter_info_free(&info);
	if (pidfd_send_signal(sup, sig, NULL, 0) < 0 && errno != ESRCH) {
		log_error("stop %s: signal: %m", name);
		return EXIT_SBX_FAILED;
	}
	p = (struct pollfd){ .fd = init, .events = POLLIN };
	if (poll(&p, 1, (int)(grace_usec / 1000)) != 1)
		pidfd_send_signal(init, SIGKILL, NULL, 0);
	p = (struct pollfd){ .fd = sup, .events = POLLIN };
	if (poll(&p, 1, 10000) != 1) {
		log_error("stop %s: the sandbox is still running after SIGKILL", name);
		return EXIT_SBX_FAILED;
	}
	return 0;
}
