/* SPDX-License-Identifier: MIT */
/* A start: the plan (plan/start.h), the clone, the parent's steps beside the child's setup
 * (child.c), the supervision (supervise.c), and the end, whatever step was reached. */
#include "run/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/log.h"
#include "limits/cgroup.h"
#include "named/enterctl.h"
#include "named/registry.h"
#include "net/netuser.h"
#include "plan/start.h"
#include "run/child.h"
#include "run/fallback.h"
#include "run/init.h"
#include "run/pid1.h"
#include "run/pty.h"
#include "run/status.h"
#include "run/supervise.h"
#include "seccomp/seccomp.h"
#include "setup/userns.h"

static int die_with_caller(void)
{
	pid_t caller = getppid();

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sbx_err(errno, "--die-with-parent: prctl");
	if (getppid() != caller)
		return sbx_errx("--die-with-parent: the caller has already exited");
	return 0;
}

/* A named sandbox: its registry entry, and what its supervisor tells sbx --enter. */
struct named {
	struct registry reg;
	struct enter_info info;
	int ctl_fd, init_pidfd;
};

static int named_claim(const struct sbx_config *c, struct named *n)
{
	n->ctl_fd = n->init_pidfd = -1;
	return registry_claim(c->name, &n->reg);
}

static void named_close_in_child(struct named *n)
{
	for (int *fd = &n->reg.root_fd; fd <= &n->reg.lock_fd; fd++)
		if (*fd >= 0)
			close(*fd);
}

/* After clone: the pidfd of init (our own child, not reaped: it is that process), the
 * control socket, then the entry that makes the sandbox visible to --list. */
static int named_publish(const struct sbx_config *c, struct named *n,
			 const struct seccomp_set *filters, pid_t self, pid_t init,
			 struct supervisor *s)
{
	int r;

	n->init_pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (n->init_pidfd < 0)
		return sbx_err(errno, "pidfd_open");
	if ((r = enterctl_listen(n->reg.dir_fd, n->reg.path, &n->ctl_fd)) < 0)
		return r;
	enterctl_info(c, init, filters, &n->info);
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
	landlock_rules_free(&n->info.rules);
	n->info = (struct enter_info){ 0 };
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
	pid = clone(child_vfork_main, (char *)stack + size,
		    (int)a->plan->clone_flags | CLONE_VM | CLONE_VFORK | SIGCHLD, a);
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
	struct seccomp_set filters; /* read here, loaded by the command, handed to --enter */
	struct child_args a;
	struct start_plan plan;
	int userns_refused; /* the clone's errno where user namespaces seem refused, else 0 */
	int pid1_fd;
	int go[2], err[2];
	sigset_t fwd, orig;
};

static void launch_init(struct launch *l, const struct sbx_config *c)
{
	*l = (struct launch){ .c = c,
			      .net = NETUSER_INIT,
			      .pty = { .master = -1, .slave = -1, .out_own = -1 },
			      .cg = { .backend = CGROUP_NONE },
			      .named = { .reg = REGISTRY_INIT, .ctl_fd = -1, .init_pidfd = -1 },
			      .filters = { .n = 0 },
			      .go = { -1, -1 },
			      .err = { -1, -1 } };
	l->pid1_fd = pid1_usable(c) ? pid1_open() : -1;
	supervisor_init(&l->s, c, &l->net, &l->pty);
	l->a = (struct child_args){ .c = c,
				    .plan = &l->plan,
				    .go_fd = -1,
				    .pid1_fd = l->pid1_fd,
				    .orig_mask = &l->orig,
				    .filters = &l->filters,
				    .pty = &l->pty };
}

/* Stops the network helper, removes the cgroup and the registry entry, closes what is
 * left open; each part only where it was reached. */
static void launch_end(struct launch *l)
{
	netuser_stop(&l->net);
	cgroup_release(&l->cg);
	named_end(&l->named);
	seccomp_set_free(&l->filters);
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
	start_plan_make(c, l->pid1_fd >= 0, &l->plan);
	l->a.parent = (l->plan.clone_flags & CLONE_NEWPID) ? 0 : getpid();
	if (c->die_with_parent && (r = die_with_caller()) < 0)
		return r;
	if (c->name && (r = named_claim(c, &l->named)) < 0)
		return r;
	/* Here, not in the child: their fds never reach the sandbox, and a bad one is said
	 * before anything starts. */
	if ((r = seccomp_collect(c, &l->filters)) < 0)
		return r;
	if ((r = fault_point("clone")) < 0)
		return r;
	init_forwarded_signals(&l->fwd);
	sigprocmask(SIG_BLOCK, &l->fwd, &l->orig);
	/* The go pipe: only a child that waits for steps of ours reads it. */
	if ((l->plan.steps && pipe2(l->go, O_CLOEXEC) < 0) || pipe2(l->err, O_CLOEXEC) < 0)
		return sbx_err(errno, "pipe");
	l->a.go_fd = l->go[0];
	l->a.err_fd = l->err[1];
	return 0;
}

/* The child, into its new namespaces; it never returns from child_main. */
static int launch_clone(struct launch *l)
{
	uint64_t t0 = trace_start();

	if (l->plan.vfork)
		l->s.child = clone_vfork(&l->a);
	else
		l->s.child = (pid_t)syscall(SYS_clone, l->plan.clone_flags | SIGCHLD, NULL, NULL,
					    NULL, NULL);
	if (l->s.child < 0) {
		int r = sbx_err(errno, "clone");
		if (errno == EPERM || errno == ENOSPC || errno == EUSERS) {
			l->userns_refused = errno;
			r = sbx_errx("%s (unprivileged user namespaces may be disabled; see: sbx "
				     "--check)",
				     sbx_errmsg());
		}
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
	/* vfork: until the child exec'd, its setup included */
	trace_end("clone", t0);
	return 0;
}

/* The steps on the child's namespaces and cgroup the plan lists: the id maps (then 'm',
 * with late_go: the child sets up meanwhile), the cgroup, the network helper. Traced. */
static int launch_place_child(struct launch *l)
{
	const struct sbx_config *c = l->c;
	unsigned steps = l->plan.steps;
	uint64_t t0;
	int r;

	if (steps & START_MAP_IDS) {
		t0 = trace_start();
		r = userns_write_maps(c, l->s.child);
		trace_end("id maps", t0);
		if (r < 0)
			return sbx_errx("userns: %s", sbx_errmsg());
	}
	if (l->plan.late_go && ((r = fault_point("go m")) < 0 || (r = write_go(l->go[1], 'm')) < 0))
		return r;
	if (steps & START_PLACE_CGROUP) {
		t0 = trace_start();
		r = cgroup_place(c, l->s.child, &l->cg);
		trace_end("cgroup placement", t0);
		if (r < 0)
			return r;
	}
	/* The maps must exist for the helper to join the user namespace. */
	if (steps & START_NET_HELPER) {
		t0 = trace_start();
		r = netuser_start(c, l->s.child, &l->net);
		trace_end("network helper", t0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The parent's part while the child sets up: the steps of its plan (plan/start.h), the
 * signalfd and --timeout's timer, then the go byte where the child waits for one. */
static int launch_parent_steps(struct launch *l)
{
	const struct sbx_config *c = l->c;
	unsigned steps = l->plan.steps;
	int r;

	if ((r = fault_point("after clone")) < 0 || (r = launch_place_child(l)) < 0)
		return r;
	if ((steps & START_REPORT) && (r = status_write_start(c, l->s.child)) < 0)
		return r;
	if ((r = fault_point("before go")) < 0)
		return r;
	if ((steps & START_REGISTER) &&
	    (r = named_publish(c, &l->named, &l->filters, getpid(), l->s.child, &l->s)) < 0)
		return r;
	if ((r = supervise_open(&l->s, &l->fwd)) < 0)
		return r;
	/* The go byte: 'g', go on; 'u', go on, but no cgroup of its own was made (--cgroup
	 * try). A failure here is still sbx's, said as such (125), not the child's death. */
	if (steps &&
	    ((r = fault_point("go")) < 0 ||
	     (r = write_go(l->go[1], (steps & START_PLACE_CGROUP) && l->cg.backend == CGROUP_NONE
					     ? 'u'
					     : 'g')) < 0))
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
	supervise_read_failure(&l->s);
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
			   !(l->plan.steps & (START_NET_HELPER | START_REGISTER));
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
	return sbx_failed_status(l->c);
}

/* The clone was refused for want of user namespaces, and --fallback=landlock runs the
 * command all the same: what the start took goes first, the signal mask included. */
static int launch_fallback(struct launch *l)
{
	char why[128];

	snprintf(why, sizeof(why), "clone: %s", strerror(l->userns_refused));
	launch_end(l);
	sigprocmask(SIG_SETMASK, &l->orig, NULL);
	return fallback_run(l->c, why);
}

int launch_run(const struct sbx_config *c)
{
	__attribute__((cleanup(launch_end))) struct launch l;
	bool fallback = c->fallback == SBX_FALLBACK_LANDLOCK;
	char why[256];
	int code;

	launch_init(&l, c);
	if (fallback && fallback_userns_restricted(why, sizeof(why))) {
		if (c->die_with_parent && die_with_caller() < 0)
			return launch_fail(&l);
		return fallback_run(c, why);
	}
	if (launch_prepare(&l) < 0 || launch_clone(&l) < 0) {
		if (fallback && l.userns_refused)
			return launch_fallback(&l);
		return launch_fail(&l);
	}
	if (launch_parent_steps(&l) < 0) {
		launch_abort_child(&l);
		return launch_fail(&l);
	}
	if (launch_supervise(&l) < 0)
		return launch_fail(&l);
	(void)fault_point("end");
	launch_end(&l);
	code = supervise_report(&l.s, "sandbox");
	/* As bubblewrap: only a command that ran has an exit code to report. */
	if (supervise_command_ran(&l.s))
		status_write_exit(c, code);
	return code;
}
