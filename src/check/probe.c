/* SPDX-License-Identifier: MIT */
#include "check/probe.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

/* 0 in the child, which reports on *fd; the child's pid in the parent, which reads *fd. */
static pid_t probe_fork(int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	close(p[pid == 0 ? 0 : 1]);
	*fd = p[pid == 0 ? 1 : 0];
	return pid;
}

/* _exit: the parent's stdio buffers, copied by fork, must not be flushed twice. */
static _Noreturn void probe_exit(int fd, const char *step, int err)
{
	struct probe p = { .err = err };

	snprintf(p.step, sizeof(p.step), "%s", step ? step : "");
	(void)write_all(fd, &p, sizeof(p));
	_exit(0);
}

static void probe_wait(pid_t pid, int fd, struct probe *p)
{
	ssize_t n = read_all(fd, p, sizeof(*p));
	int status = 0;

	close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*p)) {
		p->err = EIO;
		snprintf(p->step, sizeof(p->step), "probe process (%s %d)",
			 WIFSIGNALED(status) ? "killed by signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	p->step[sizeof(p->step) - 1] = '\0';
}

static void probe_failed_to_start(struct probe *p, pid_t r)
{
	p->err = (int)-r;
	snprintf(p->step, sizeof(p->step), "fork");
}

/* In a probe child: a user namespace with the caller mapped to itself, as sbx makes it.
 * Returns the step that failed, with *err, or NULL. */
static const char *enter_userns(uid_t uid, gid_t gid, int *err)
{
	char map[64];
	int r;

	if (unshare(CLONE_NEWUSER) < 0) {
		*err = errno;
		return "unshare(CLONE_NEWUSER)";
	}
	/* Without CAP_SETGID outside, gid_map is writable only once setgroups is denied
	 * (user_namespaces(7)). */
	if ((r = write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny")) < 0) {
		*err = -r;
		return "write /proc/self/setgroups";
	}
	snprintf(map, sizeof(map), "%u %u 1\n", uid, uid);
	if ((r = write_file_at(AT_FDCWD, "/proc/self/uid_map", map)) < 0) {
		*err = -r;
		return "write /proc/self/uid_map";
	}
	snprintf(map, sizeof(map), "%u %u 1\n", gid, gid);
	if ((r = write_file_at(AT_FDCWD, "/proc/self/gid_map", map)) < 0) {
		*err = -r;
		return "write /proc/self/gid_map";
	}
	return NULL;
}

void probe_in_userns(struct probe *p, const char *(*work)(int *err))
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	const char *step;
	int fd = -1, err = 0;
	pid_t pid = probe_fork(&fd);

	if (pid < 0)
		return probe_failed_to_start(p, pid);
	if (pid == 0) {
		step = enter_userns(uid, gid, &err);
		if (!step)
			step = work(&err);
		probe_exit(fd, step, err);
	}
	probe_wait(pid, fd, p);
}
