/* SPDX-License-Identifier: MIT */
#include "run/init.h"

#include <errno.h>
#include <stdarg.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup/caps.h"
#include "limits/cgroup.h"
#include "base/log.h"
#include "base/fault.h"
#include "plan/fds.h"
#include "seccomp/seccomp.h"
#include "setup/landlock.h"

static const int forwarded[] = { SBX_FORWARDED_SIGNALS };

void init_forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
}

void init_report(int err_fd, int code, const char *msg)
{
	char buf[1200];
	int n = snprintf(buf, sizeof(buf), "%d:%s", code, msg);

	if (err_fd >= 0 && n > 0)
		(void)write_all(err_fd, buf, (size_t)n < sizeof(buf) ? (size_t)n + 1 : sizeof(buf));
}

/* A step before the exec failed: init reads MSG as sbx's own failure. */
__attribute__((noreturn, format(printf, 2, 3))) static void exec_step_failed(int err_fd,
									     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	init_report(err_fd, 125, msg);
	_exit(125);
}

/* The command's session and the last capability init kept for itself. */
static void command_session(const struct sbx_config *c, const struct sbx_pty *pty, int err_fd)
{
	/* The pty makes a new session already (--new-session: without a controlling
	 * terminal, pty.no_ctty). */
	if (pty && pty_attach_child(pty) < 0)
		exec_step_failed(err_fd, "%s", sbx_errmsg());
	if ((!pty || pty->slave < 0) && c->new_session && setsid() < 0)
		exec_step_failed(err_fd, "new-session: setsid: %s", strerror(errno));
	/* Drop init's guard capability (caps_init_mask). */
	if (!c->as_pid_1 && caps_lower(caps_init_mask(c->caps_keep), c->caps_keep) < 0)
		exec_step_failed(err_fd, "capabilities: %s", sbx_errmsg());
}

/* The fds the command gets: 0, 1, 2, --sync-fd and, in bare mode, the caller's own. */
static void command_fds(const struct sbx_config *c, int err_fd)
{
	/* Where that cannot be made sure (a --seccomp-profile refusing close_range), the
	 * command does not start. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		exec_step_failed(err_fd,
				 "close_range: %s: the caller's other fds would reach the "
				 "command",
				 strerror(errno));
	if (c->sync_fd >= 0)
		(void)fcntl(c->sync_fd, F_SETFD, 0);
	/* Bare mode: the caller's own fds, as bubblewrap leaves them (plan/fds.c). */
	fds_pass_inherited(c);
}

void init_exec_command(const struct sbx_config *c, const struct seccomp_set *filters,
		       int landlock_fd, const struct sbx_pty *pty, int err_fd,
		       const sigset_t *orig_mask)
{
	const char *file = c->argv[0];
	size_t argc = strv_length(c->argv);
	/* A copy for --argv0: this may run in a vfork-style child that shares the caller's
	 * memory, whose c->argv[0] config_free frees (the double free of issue 13). */
	char *argv[argc + 1];
	char msg[1024];
	uint64_t t0;
	int e, r;

	memcpy(argv, c->argv, (argc + 1) * sizeof(char *));
	if (c->argv0)
		argv[0] = c->argv0;
	command_session(c, pty, err_fd);
	command_fds(c, err_fd);
	/* sbx installs no handlers (signals arrive through sigwaitinfo/signalfd), so exec
	 * resets nothing of ours; only the mask is ours to restore. */
	sigprocmask(SIG_SETMASK, orig_mask, NULL);
	/* execvpe searches the PATH of environ: the command's, as sbx's PID 1 program does
	 * (and bubblewrap, which execs after setting it). Nobody reads environ after this. */
	environ = c->env;
	if (fault_point("exec") < 0)
		exec_step_failed(err_fd, "%s", sbx_errmsg());
	/* Landlock before the filters, which need not allow its system calls. */
	t0 = trace_start();
	r = landlock_enforce(landlock_fd);
	trace_end("landlock", t0);
	if (r < 0)
		exec_step_failed(err_fd, "%s", sbx_errmsg());
	/* Last, as bubblewrap does, so that a filter need allow nothing of sbx's own: a
	 * caller's allowlist without clone or prctl, a denylist of them. Only the command and
	 * what it starts run under it, never init: init runs no code but sbx's, and nothing
	 * inside can take it over (a capability more than the command, or undumpable: see
	 * drop_privileges in child.c), so it needs no filter. */
	t0 = trace_start();
	r = seccomp_load_set(filters);
	trace_end("seccomp", t0);
	if (r < 0)
		exec_step_failed(err_fd, "seccomp: %s", sbx_errmsg());
	execvpe(file, argv, c->env);
	e = errno;
	/* bubblewrap's words and its status 1 (sbx's failure, which the supervisor says as
	 * such by mode), which its callers tell from the command's own statuses. */
	if (c->bare)
		exec_step_failed(err_fd, "execvp %s: %s", file, strerror(e));
	if (e == ENOENT)
		snprintf(msg, sizeof(msg), "%s: command not found", file);
	else
		snprintf(msg, sizeof(msg), "%s: cannot execute: %s", file, strerror(e));
	init_report(err_fd, e == ENOENT ? 127 : 126, msg);
	_exit(e == ENOENT ? 127 : 126);
}

static void format_size(char *buf, size_t n, uint64_t v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, n, "%llu bytes", (unsigned long long)v);
	else
		snprintf(buf, n, "%llu%c", (unsigned long long)v, units[u]);
}

/* Exits with the command's status; an OOM kill is said as such (DESIGN.md). */
__attribute__((noreturn)) static void finish(const struct sbx_config *c, int err_fd, int status,
					     int memory_events_fd)
{
	/* The command itself killed, or a shell reporting a child's SIGKILL as 137. */
	bool killed = (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		      (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGKILL);

	if (killed && cgroup_oom_kills(memory_events_fd) > 0) {
		char size[32], msg[128];
		format_size(size, sizeof(size), c->limits.memory);
		snprintf(msg, sizeof(msg), "killed: memory limit %s reached", size);
		init_report(err_fd, 137, msg);
		_exit(137);
	}
	/* The supervisor may leave on this instead of waiting until the kernel has torn
	 * down our namespaces, which happens while we exit (bubblewrap does the same). */
	char done[16];
	int n = snprintf(done, sizeof(done), "=%d", sbx_status_code(status));
	(void)write_all(err_fd, done, (size_t)n + 1);
	_exit(sbx_status_code(status));
}

struct spawn_args {
	const struct sbx_config *c;
	const struct seccomp_set *filters;
	int landlock_fd;
	const struct sbx_pty *pty;
	int err_fd;
	const sigset_t *orig_mask;
};

static int spawn_child(void *arg)
{
	struct spawn_args *a = arg;

	init_exec_command(a->c, a->filters, a->landlock_fd, a->pty, a->err_fd, a->orig_mask);
}

/* Like posix_spawn: the child shares our memory and we wait until it has exec'd, which
 * spares copying init's page tables on every start. The child only changes its own
 * kernel state (session, capabilities, fd flags, mask, seccomp filters) before execve. */
pid_t init_spawn_command(const struct sbx_config *c, const struct seccomp_set *filters,
			 int landlock_fd, const struct sbx_pty *pty, int err_fd,
			 const sigset_t *orig_mask, sigset_t *ret_early)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct spawn_args a = { c, filters, landlock_fd, pty, err_fd, orig_mask };
	pid_t cmd;

	/* A signal from the terminal that came while the sandbox was being set up reached
	 * us but not the command, which did not exist yet (pending signals are not
	 * inherited): it is passed on later even though the terminal sent it. */
	sigpending(ret_early);
	if (fault_point("init spawn") < 0) {
		init_report(err_fd, 125, sbx_errmsg());
		_exit(125);
	}
#if defined(__SANITIZE_ADDRESS__)
	/* make check-asan: ASan cannot follow a switch to a stack of our own */
	(void)stack;
	cmd = fork();
	if (cmd == 0)
		_exit(spawn_child(&a));
#else
	cmd = clone(spawn_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
#endif
	if (cmd < 0) {
		char msg[256];
		snprintf(msg, sizeof(msg), "init: fork: %s", strerror(errno));
		init_report(err_fd, 125, msg);
		_exit(125);
	}
	return cmd;
}

void init_wait(const struct sbx_config *c, pid_t cmd, sigset_t *early, int err_fd,
	       int memory_events_fd)
{
	sigset_t set;

	init_forwarded_signals(&set);
	/* The pipe stays open: the parent reads it to the end only after we exit. */
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* A signal the terminal sent (SI_KERNEL) reached the command's process
			 * group already; sending it again would deliver it twice. */
			if (si.si_code != SI_KERNEL || sigismember(early, sig)) {
				sigdelset(early, sig);
				kill(cmd, sig);
			}
			continue;
		}
		for (;;) {
			int status;
			pid_t p = waitpid(-1, &status, WNOHANG);
			if (p <= 0)
				break;
			if (p == cmd)
				finish(c, err_fd, status, memory_events_fd);
		}
	}
}
