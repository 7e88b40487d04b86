/* SPDX-License-Identifier: MIT */
/* --fallback=landlock (run/fallback.h): the command in the caller's own namespaces, behind
 * Landlock, seccomp and no_new_privs; sbx supervises it as it does a sandbox's init. */
#include "run/fallback.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "check/check_items.h"
#include "check/probe.h"
#include "limits/cgroup.h"
#include "net/netuser.h"
#include "run/child.h"
#include "run/fallback_host.h"
#include "run/init.h"
#include "run/launch.h"
#include "run/pty.h"
#include "run/supervise.h"
#include "seccomp/seccomp.h"
#include "setup/landlock.h"

/* In the probe's user namespace: what a sandbox's setup needs first, a mount namespace. */
static const char *unshare_mount(int *err)
{
	if (unshare(CLONE_NEWNS) < 0) {
		*err = errno;
		return "unshare(CLONE_NEWNS)";
	}
	return NULL;
}

bool fallback_userns_restricted(char *why, size_t n)
{
	long aa = 0;
	struct probe p;

	/* Everybody else pays nothing: no fork where the knob is not set. */
	if (check_read_number(CHECK_APPARMOR_SYSCTL, &aa) < 0 || aa != 1)
		return false;
	probe_in_userns(&p, unshare_mount);
	if (!p.step[0])
		return false; /* a profile lifts the restriction for sbx (data/apparmor/sbx) */
	snprintf(why, n, "%s: %s, kernel.apparmor_restrict_unprivileged_userns=1", p.step,
		 strerror(p.err));
	return true;
}

/* Everything one fallback run holds; fallback_end lets go of it whatever step was reached. */
struct fallback {
	const struct sbx_config *c;
	char *tmpdir;
	struct seccomp_set filters;
	int landlock_fd;
	int go[2]; /* a socket pair: see fallback_start */
	int err[2];
	sigset_t fwd, orig;
	bool masked;
	struct cgroup_run cg;
	struct netuser net; /* none: the supervisor polls it */
	struct sbx_pty pty; /* none: the command shares the caller's terminal */
	struct supervisor s;
};

static void fallback_init(struct fallback *f, const struct sbx_config *c)
{
	*f = (struct fallback){ .c = c,
				.landlock_fd = -1,
				.go = { -1, -1 },
				.err = { -1, -1 },
				.cg = { .backend = CGROUP_NONE },
				.net = NETUSER_INIT,
				.pty = { .master = -1, .slave = -1, .out_own = -1 } };
	supervisor_init(&f->s, c, &f->net, &f->pty);
}

static void fallback_end(struct fallback *f)
{
	cgroup_release(&f->cg);
	fallback_tmpdir_remove(f->tmpdir);
	free(TAKE_PTR(f->tmpdir));
	seccomp_set_free(&f->filters);
	closep(&f->landlock_fd);
	for (int i = 0; i < 2; i++) {
		closep(&f->go[i]);
		closep(&f->err[i]);
	}
	closep(&f->s.err_fd);
	closep(&f->s.sig_fd);
	closep(&f->s.timer_fd);
	if (f->masked)
		sigprocmask(SIG_SETMASK, &f->orig, NULL);
	f->masked = false;
}

/* --net none (loopback only) as far as Landlock goes: no TCP at all, which also refuses
 * the loopback a sandbox would have had; other protocols (UDP) stay the host's. */
static bool no_tcp(const struct sbx_config *c, int abi)
{
	return c->net == NET_NONE && abi >= 4;
}

/* The one line that says the command runs in a weaker sandbox, and how much weaker. */
static void warn_weaker(const struct sbx_config *c, const char *why, int abi)
{
	log_warn("user namespaces are refused here (%s); running with Landlock only "
		 "(--fallback=landlock): no private /tmp, /run or $HOME (TMPDIR is a private "
		 "directory), no PID or IPC isolation, %s, unix sockets reachable by path, your "
		 "terminal shared%s",
		 why,
		 no_tcp(c, abi) ? "TCP refused but not the host's other network traffic"
				: "the host's network",
		 abi < 6 ? ", abstract unix sockets and signals not scoped (Landlock ABI < 6)"
			 : "");
}

static int build_landlock(struct fallback *f, int abi)
{
	struct landlock_rules rules = { 0 };
	int r;

	r = fallback_host_rules(f->c, f->tmpdir, &rules);
	/* require: without the ruleset, nothing would confine the command */
	if (r == 0)
		r = landlock_build(&rules, SBX_LANDLOCK_REQUIRE,
				   LANDLOCK_SCOPED | (no_tcp(f->c, abi) ? LANDLOCK_NO_TCP : 0),
				   &f->landlock_fd);
	landlock_rules_free(&rules);
	return r;
}

/* What needs the namespaces the fallback lacks: refused, not silently dropped. */
static const char *unsupported(const struct sbx_config *c)
{
	if (c->uid != c->caller_uid || c->gid != c->caller_gid)
		return "another uid or gid (--uid, --gid, --root)";
	if (c->caps_keep)
		return "--cap-add";
	if (c->as_pid_1)
		return "--as-pid-1";
	if (c->userns_fd >= 0 || c->userns2_fd >= 0 || c->pidns_fd >= 0)
		return "--userns, --userns2 or --pidns";
	if (c->info_fd >= 0 || c->json_status_fd >= 0)
		return "--info-fd or --json-status-fd";
	if (c->block_fd >= 0 || c->userns_block_fd >= 0)
		return "--block-fd or --userns-block-fd";
	if (c->lock_files)
		return "--lock-file";
	return NULL;
}

/* Before the fork: every refusal is said before the command could start. */
static int fallback_prepare(struct fallback *f, const char *why)
{
	int abi = landlock_abi();
	int r;

	if (abi <= 0)
		return sbx_err(errno,
			       "user namespaces are refused here (%s), and --fallback=landlock "
			       "cannot confine the command: no Landlock here",
			       why);
	if (unsupported(f->c))
		return sbx_errx("user namespaces are refused here (%s), and --fallback=landlock "
				"cannot honour %s without them",
				why, unsupported(f->c));
	if ((r = seccomp_collect(f->c, &f->filters)) < 0 ||
	    (r = fallback_tmpdir_make(&f->tmpdir)) < 0 || (r = build_landlock(f, abi)) < 0)
		return r;
	warn_weaker(f->c, why, abi);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->go) < 0 ||
	    pipe2(f->err, O_CLOEXEC) < 0)
		return sbx_err(errno, "pipe");
	init_forwarded_signals(&f->fwd);
	sigprocmask(SIG_BLOCK, &f->fwd, &f->orig);
	f->masked = true;
	return 0;
}

__attribute__((noreturn)) static void child_fail(int err_fd, const char *step)
{
	char msg[1100];

	snprintf(msg, sizeof(msg), "%s: %s", step, sbx_errmsg());
	init_report(err_fd, EXIT_SBX_FAILED, msg);
	_exit(EXIT_SBX_FAILED);
}

/* An unprivileged caller has no capability to drop, and lowering one's own sets needs
 * none: the bounding set, which would (CAP_SETPCAP), matters no more once no_new_privs
 * stops execve from granting anything. */
static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (syscall(SYS_capset, &hdr, data) < 0)
		return sbx_err(errno, "drop capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sbx_err(errno, "clear ambient capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sbx_err(errno, "set no_new_privs");
	return 0;
}

/* --chdir; else the cwd where the plan shares it (the fork kept it); else TMPDIR, as
 * $HOME, where a sandbox would start, is none of the command's here. */
static int fallback_chdir(const struct sbx_config *c, const char *tmpdir, const char **ret)
{
	*ret = c->chdir ? c->chdir : fallback_host_has_cwd(c) ? c->cwd : tmpdir;
	if (*ret != c->cwd && chdir(*ret) < 0)
		return sbx_err(errno, "chdir %s", *ret);
	return 0;
}

/* Ends with the command's execve, or its failure on err[1] (init_exec_command). */
__attribute__((noreturn)) static void fallback_child(struct fallback *f)
{
	struct sbx_config c = *f->c;
	int err_fd = f->err[1];
	const char *dir;
	ssize_t n;
	char b;

	closep(&f->go[1]);
	closep(&f->err[0]);
	/* Without a PID namespace nothing else ends the command with sbx. A parent gone
	 * before this took effect closed its end of go: the read below sees that. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(EXIT_SBX_FAILED);
	do
		n = read(f->go[0], &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(EXIT_SBX_FAILED); /* the parent failed, and says why */
	if (child_set_rlimits(&c) < 0)
		child_fail(err_fd, "rlimit");
	if (fallback_chdir(&c, f->tmpdir, &dir) < 0)
		child_fail(err_fd, "chdir");
	c.env = strv_copy(c.env);
	env_set(&c.env, "TMPDIR", f->tmpdir);
	if (env_find(c.env, "PWD") >= 0)
		env_set(&c.env, "PWD", dir);
	if (drop_privileges() < 0)
		child_fail(err_fd, "privileges");
	/* No init of sbx's runs beside the command, so none kept a capability for the
	 * command to drop (caps_init_mask). */
	c.as_pid_1 = true;
	init_exec_command(&c, &f->filters, f->landlock_fd, NULL, err_fd, &f->orig);
}

/* After the fork: the cgroup, --timeout's timer and the signalfd, then the go byte. */
static int fallback_start(struct fallback *f)
{
	const struct sbx_config *c = f->c;
	int r;

	closep(&f->go[0]);
	closep(&f->landlock_fd);
	f->s.err_fd = TAKE_FD(f->err[0]);
	closep(&f->err[1]);
	if (cgroup_needs_placing(c) && (r = cgroup_place(c, f->s.child, &f->cg)) < 0)
		return r;
	if ((r = supervise_open(&f->s, &f->fwd)) < 0)
		return r;
	/* A socket, not a pipe: a child killed meanwhile is EPIPE, not sbx's own SIGPIPE. */
	if (send(f->go[1], "g", 1, MSG_NOSIGNAL) != 1)
		return sbx_err(errno, "start the command");
	closep(&f->go[1]);
	cgroup_placed(&f->cg);
	return 0;
}

/* sbx's own failure: everything let go of (the child killed, if any), then its line. */
static int fallback_fail(struct fallback *f)
{
	if (f->s.child > 0 && !f->s.exited) {
		kill(f->s.child, SIGKILL);
		waitpid(f->s.child, NULL, 0);
		supervise_read_failure(&f->s);
	}
	fallback_end(f);
	log_error("%s", f->s.msg[0] ? f->s.msg : sbx_errmsg());
	return sbx_failed_status(f->c);
}

int fallback_run(const struct sbx_config *c, const char *why)
{
	_cleanup_(fallback_end) struct fallback f;

	fallback_init(&f, c);
	if (fallback_prepare(&f, why) < 0)
		return fallback_fail(&f);
	f.s.child = fork();
	if (f.s.child < 0) {
		sbx_err(errno, "fork");
		return fallback_fail(&f);
	}
	if (f.s.child == 0)
		fallback_child(&f);
	if (fallback_start(&f) < 0 || supervise(&f.s) < 0)
		return fallback_fail(&f);
	fallback_end(&f);
	return supervise_report(&f.s, "command");
}
