/* SPDX-License-Identifier: MIT */
#include "enter.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "registry.h"
#include "seccomp.h"
#include "seccomp_oci.h"

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{ "user", CLONE_NEWUSER },     { "mnt", CLONE_NEWNS },	{ "pid", CLONE_NEWPID },
	{ "uts", CLONE_NEWUTS },       { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },
};

/* Only the namespaces the sandbox has of its own: joining one we already share (the host
 * network with --net=host) would need privileges over it for nothing. */
static int differing_namespaces(pid_t pid)
{
	int flags = 0;

	for (size_t i = 0; i < ELEMENTSOF(ns_types); i++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", pid, ns_types[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_types[i].name);
		if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino != b.st_ino)
			flags |= ns_types[i].flag;
	}
	return flags;
}

/* Into the sandbox's cgroup, so its limits hold for what we run too. */
static int join_cgroup(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/cgroup", pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[4096], self[4096] = "", target[4096] = "";

	if (!f)
		return sbx_err(errno, "open %s", path);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0)
			snprintf(target, sizeof(target), "%s", line + 3);
	fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0)
			snprintf(self, sizeof(self), "%s", line + 3);
	if (!target[0] || streq(target, self))
		return 0;
	target[strcspn(target, "\n")] = '\0';
	{
		_cleanup_free_ char *procs = xasprintf("/sys/fs/cgroup%s/cgroup.procs", target);
		char pidstr[16];
		snprintf(pidstr, sizeof(pidstr), "%d", getpid());
		if (access(procs, F_OK) < 0)
			return 0; /* not a cgroup v2 host: the sandbox has no cgroup of its own */
		if (write_file_at(AT_FDCWD, procs, pidstr) < 0)
			return sbx_errx("join the sandbox's cgroup: %s", sbx_errmsg());
	}
	return 0;
}

__attribute__((noreturn)) static void run_command(const struct sbx_config *c,
						  const struct registry_entry *e,
						  struct seccomp_oci_prog *profile)
{
	struct sbx_config filt = { .seccomp_fd = -1,
				   .seccomp_disabled = e->seccomp_disabled,
				   .disable_userns = e->disable_userns,
				   .allow_userns = e->allow_userns,
				   .allow_tiocsti = e->allow_tiocsti,
				   .seccomp_profile = e->seccomp_profile,
				   .seccomp_profile_prog = profile };
	const char *file = c->argv[0];

	if (chdir(e->cwd ? e->cwd : "/") < 0 && chdir("/") < 0)
		_exit(125);
	if (caps_apply(e->caps) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0 || seccomp_apply(&filt) < 0) {
		log_error("enter %s: %s", e->name, sbx_errmsg());
		_exit(125);
	}
	execvpe(file, c->argv, c->env);
	log_error("%s: %s", file, errno == ENOENT ? "command not found" : strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int enter_run(const struct sbx_config *c, const char *name)
{
	struct registry_entry e;
	_cleanup_free_ struct seccomp_oci_prog *profile = NULL;
	_cleanup_close_ int pidfd = -1;
	int flags, status, r;
	pid_t child;

	if ((r = registry_lookup(name, &e)) < 0) {
		log_error("%s", sbx_errmsg());
		return 125;
	}
	/* The pidfd pins the process: after this, a recycled pid cannot stand in for it. */
	pidfd = pidfd_open(e.init, 0);
	if (pidfd >= 0) {
		struct registry_entry again;
		r = registry_lookup(name, &again);
		if (r == 0 && again.init != e.init)
			r = -ESRCH;
		registry_entry_free(&again);
	}
	if (pidfd < 0 || r < 0) {
		log_error("enter %s: the sandbox went away", name);
		registry_entry_free(&e);
		return 125;
	}
	/* The sandbox's own filter: its profile is compiled here, with the host's libraries,
	 * before joining anything. */
	if (e.seccomp_profile && seccomp_oci_prepare(e.seccomp_profile, e.caps, &profile) < 0) {
		log_error("enter %s: %s", name, sbx_errmsg());
		registry_entry_free(&e);
		return 125;
	}
	flags = differing_namespaces(e.init);
	if ((r = join_cgroup(e.init)) < 0 || (flags && setns(pidfd, flags) < 0)) {
		if (r == 0)
			sbx_err(errno, "setns into %s", name);
		log_error("enter %s: %s", name, sbx_errmsg());
		registry_entry_free(&e);
		return 125;
	}
	/* A new PID namespace applies to children only. */
	child = fork();
	if (child < 0) {
		log_error("enter %s: fork: %m", name);
		return 125;
	}
	if (child == 0)
		run_command(c, &e, profile);
	registry_entry_free(&e);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return 125;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int stop_run(const char *name, int sig, uint64_t grace_usec)
{
	struct registry_entry e;
	_cleanup_close_ int sup = -1, init = -1;
	struct pollfd p;
	int r;

	if ((r = registry_lookup(name, &e)) < 0) {
		log_error("%s", sbx_errmsg());
		return 125;
	}
	sup = pidfd_open(e.supervisor, 0);
	init = pidfd_open(e.init, 0);
	registry_entry_free(&e);
	if (sup < 0 || init < 0) {
		log_error("stop %s: the sandbox went away", name);
		return 0;
	}
	/* sbx passes the signal on to the command, as for a kill(1) of sbx itself. */
	if (pidfd_send_signal(sup, sig, NULL, 0) < 0 && errno != ESRCH) {
		log_error("stop %s: signal: %m", name);
		return 125;
	}
	p = (struct pollfd){ .fd = init, .events = POLLIN };
	if (poll(&p, 1, (int)(grace_usec / 1000)) == 1)
		return 0;
	/* SIGKILL to PID 1 ends the whole PID namespace. */
	pidfd_send_signal(init, SIGKILL, NULL, 0);
	p = (struct pollfd){ .fd = init, .events = POLLIN };
	poll(&p, 1, 5000);
	return 0;
}
