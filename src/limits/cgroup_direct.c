/* SPDX-License-Identifier: MIT */
/* The direct backend: a cgroup v2 subtree already delegated to the user (writable
 * cgroup.procs and cgroup.subtree_control, e.g. inside a Delegate=yes unit); sbx makes a
 * child cgroup there, writes the limits itself and removes it afterwards. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/log.h"
#include "limits/cgroup_backend.h"

static int write_limit(const char *dir, const char *file, const char *value)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, file);
	int r = write_file_at(AT_FDCWD, path, value);

	if (r < 0)
		return sbx_errx("cgroup: %s (is the controller delegated to you? see: sbx --check)",
				sbx_errmsg());
	return 0;
}

/* cgroup v2 lets a cgroup hand controllers to its children only while it holds no
 * process itself. sbx is such a process (e.g. the sole member of a
 * `systemd-run --user --scope -p Delegate=yes`): it moves into a leaf of its own, and
 * back when the sandbox is gone (release_direct). */
static int leave_for_leaf(const char *parent, struct cgroup_run *run)
{
	_cleanup_free_ char *leaf = xasprintf("%s/sbx-supervisor-%d", parent, getpid());
	_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", leaf);
	char pid[16];
	int r;

	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return sbx_err(errno, "cgroup: create %s", leaf);
	run->leaf = xstrdup(leaf);
	snprintf(pid, sizeof(pid), "%d", getpid());
	r = write_file_at(AT_FDCWD, procs, pid);
	return r;
}

static int enable_controllers(const char *parent, const struct sbx_limits *l,
			      struct cgroup_run *run)
{
	_cleanup_free_ char *ctl = xasprintf("%s/cgroup.subtree_control", parent);
	_cleanup_free_ char *current = NULL;
	char add[96] = "", undo[96] = "";
	_cleanup_close_ int fd = open(ctl, O_RDONLY | O_CLOEXEC);
	unsigned missing;
	int r;

	if (fd < 0 || read_fd_all(fd, &current, NULL) < 0)
		return sbx_err(errno, "cgroup: read %s", ctl);
	missing = cgroup_controllers_needed(l) & ~cgroup_controllers_in(current);
	for (size_t i = 0; i < CGROUP_NCONTROLLERS; i++)
		if (missing & (1u << i)) {
			const char *w = cgroup_controllers[i];
			snprintf(add + strlen(add), sizeof(add) - strlen(add), "+%s ", w);
			snprintf(undo + strlen(undo), sizeof(undo) - strlen(undo), "-%s ", w);
		}
	if (!add[0])
		return 0;
	r = write_file_at(AT_FDCWD, ctl, add);
	if (r == -EBUSY && leave_for_leaf(parent, run) == 0)
		r = write_file_at(AT_FDCWD, ctl, add);
	if (r == -EBUSY)
		return sbx_errx("cgroup: %s holds other processes, so it cannot hand controllers "
				"to a child (cgroup v2); run sbx alone in a delegated cgroup, e.g. "
				"systemd-run --user --scope -p Delegate=yes sbx ...",
				parent);
	if (r < 0)
		return sbx_errx("cgroup: %s (is the controller delegated to you? see: sbx --check)",
				sbx_errmsg());
	run->enabled = xstrdup(undo);
	return 0;
}

static int write_limits(const char *dir, const struct sbx_limits *l)
{
	char v[64];
	int r;

#define LIMIT(field, file, fmt)                                            \
	if (l->field != LIMIT_UNSET) {                                     \
		snprintf(v, sizeof(v), fmt, (unsigned long long)l->field); \
		if ((r = write_limit(dir, file, v)) < 0)                   \
			return r;                                          \
	}
	LIMIT(memory, "memory.max", "%llu");
	LIMIT(memory_swap, "memory.swap.max", "%llu");
	/* systemd's period (100 ms), so the quota comes in the same small slices */
	if (l->cpu_quota_usec != LIMIT_UNSET) {
		snprintf(v, sizeof(v), "%llu 100000", (unsigned long long)(l->cpu_quota_usec / 10));
		if ((r = write_limit(dir, "cpu.max", v)) < 0)
			return r;
	}
	LIMIT(cpu_weight, "cpu.weight", "%llu");
	LIMIT(io_weight, "io.weight", "%llu");
	LIMIT(pids, "pids.max", "%llu");
#undef LIMIT
	return 0;
}

static int place_direct(const struct sbx_config *c, pid_t pid, struct cgroup_run *run)
{
	_cleanup_free_ char *own = NULL, *parent = NULL, *dir = NULL;
	char v[64];
	int r;

	if ((r = cgroup_v2_mounted()) < 0 || (r = cgroup_proc_path("/proc/self/cgroup", &own)) < 0)
		return r;
	parent = cgroup_dir(own);
	if (access(parent, W_OK) < 0 || faccessat(AT_FDCWD, parent, W_OK, 0) < 0)
		return sbx_errx("cgroup: %s is not delegated to you (not writable); run inside a "
				"Delegate=yes unit or use --cgroup=systemd",
				parent);
	dir = xasprintf("%s/sbx-%d", parent, pid);
	if (mkdir(dir, 0755) < 0)
		return sbx_err(errno, "cgroup: create %s", dir);
	run->backend = CGROUP_DIRECT;
	run->dir = xstrdup(dir);
	run->parent = xstrdup(parent);
	/* The child first: the parent must be free of processes to enable controllers
	 * (the child waits for "go", so nothing runs unlimited meanwhile). */
	snprintf(v, sizeof(v), "%d", pid);
	if ((r = fault_point("cgroup mkdir")) < 0 || (r = write_limit(dir, "cgroup.procs", v)) < 0)
		return r;
	if ((r = fault_point("cgroup procs")) < 0 ||
	    (r = enable_controllers(parent, &c->limits, run)) < 0)
		return r;
	return write_limits(dir, &c->limits);
}

/* Leaves the delegated cgroup as it was: controllers handed back, sbx back in it. */
static void release_direct(struct cgroup_run *run)
{
	if (run->dir && rmdir(run->dir) < 0 && errno != ENOENT)
		log_warn("cgroup: could not remove %s: %m", run->dir);
	if (run->enabled) {
		_cleanup_free_ char *ctl = xasprintf("%s/cgroup.subtree_control", run->parent);
		if (write_file_at(AT_FDCWD, ctl, run->enabled) < 0)
			log_warn("%s", sbx_errmsg());
	}
	if (run->leaf) {
		_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", run->parent);
		char pid[16];
		snprintf(pid, sizeof(pid), "%d", getpid());
		if (write_file_at(AT_FDCWD, procs, pid) < 0 || rmdir(run->leaf) < 0)
			log_warn("cgroup: could not remove %s: %s", run->leaf, sbx_errmsg());
	}
}

static bool v2_mounted(void)
{
	return cgroup_v2_mounted() == 0;
}

const struct cgroup_backend cgroup_direct_backend = {
	.mode = CGROUP_DIRECT,
	.present = v2_mounted,
	.place = place_direct,
	.release = release_direct,
};
