/* SPDX-License-Identifier: MIT */
/* What the new root is built from (setup/sources.h): the host's paths, opened and copied
 * while the host's tree is still in view. */
#include "setup/sources.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/apphome.h"
#include "base/log.h"
#include "base/util.h"
#include "setup/mountapi.h"
#include "setup/testknob.h"

const char *const sources_dev_nodes[SOURCES_N_DEV] = { "null",	 "zero",    "full",
						       "random", "urandom", "tty" };

static int open_dir(const char *path, const char *what, const char *dest)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return sbx_err(errno, "overlay on %s: %s %s", dest, what, path);
	return fd;
}

static int open_layers(const struct sbx_op *op, int **ret)
{
	size_t n = strv_length(op->overlay_srcs);
	int *fds = xmalloc((n + 2) * sizeof(int));

	*ret = fds;
	for (size_t i = 0; i < n + 2; i++)
		fds[i] = -1;
	for (size_t i = 0; i < n; i++)
		if ((fds[i] = open_dir(op->overlay_srcs[i], "layer", op->dest)) < 0)
			return fds[i];
	if (op->overlay == OVERLAY_RW) {
		if ((fds[n] = open_dir(op->src, "upper directory", op->dest)) < 0)
			return fds[n];
		if ((fds[n + 1] = open_dir(op->workdir, "work directory", op->dest)) < 0)
			return fds[n + 1];
	}
	return 0;
}

/* An fd opened before clone() names a mount of the caller's namespace, which open_tree()
 * refuses to copy; its path names the copy in ours. The inode must be the same, or the
 * path was swapped since. */
static int reopen_here(int fd)
{
	char link[64], path[4096];
	struct stat want, got;
	_cleanup_close_ int same = -1;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/')
		return -EBADF;
	path[n] = '\0';
	same = open(path, O_PATH | O_CLOEXEC);
	if (same < 0)
		return -errno;
	if (fstat(same, &got) < 0 || fstat(fd, &want) < 0)
		return -errno;
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
		return -ESTALE;
	return TAKE_FD(same);
}

/* One bind's source, cloned now, not at its turn: a copy of "/" or "/tmp" made after the
 * base tmpfs is mounted would carry that tmpfs along. *ret stays -1 for other ops and for a
 * missing --bind-try source. */
static int open_bind_source(const struct sbx_config *c, const struct sbx_op *op, int *ret)
{
	if (op->flags & BIND_HOME_PERSIST) {
		_cleanup_close_ int home = apphome_reopen(op);
		if (home < 0)
			return home;
		if ((*ret = mnt_clone_tree(home, "", op->flags)) < 0)
			return sbx_err(-*ret, "--home-persist: bind %s on %s", op->src, op->dest);
		return 0;
	}
	if (op->type == OP_BIND_FD) {
		_cleanup_close_ int same = reopen_here(op->fd);
		*ret = same < 0 ? same : mnt_clone_tree(same, "", op->flags);
		if (*ret < 0)
			return sbx_err(-*ret, "%s %d on %s",
				       (op->flags & BIND_READONLY) ? "--ro-bind-fd" : "--bind-fd",
				       op->fd, op->dest);
		return 0;
	}
	if (op->type != OP_BIND)
		return 0;
	*ret = mnt_clone_tree(AT_FDCWD, (op->flags & BIND_CWD) ? "." : op->src,
			      testknob_bind_flags(op->flags));
	if (*ret == -ENOENT && (op->flags & BIND_TRY))
		*ret = -1;
	else if (*ret < 0 && c->bare) /* bubblewrap's words, which its clients match */
		return sbx_err(-*ret, "Can't find source path %s", op->src);
	else if (*ret < 0)
		return sbx_err(-*ret, "bind %s on %s: source %s", op->src, op->dest, op->src);
	return 0;
}

/* The host's /dev nodes, /sys and /proc, for the ops that show them. */
static int open_host_dirs(struct rootfs_sources *x, bool need_dev, bool need_sys, bool need_proc)
{
	for (size_t i = 0; need_dev && i < SOURCES_N_DEV; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/dev/%s", sources_dev_nodes[i]);
		x->dev_fd[i] = open(path, O_PATH | O_CLOEXEC);
		if (x->dev_fd[i] < 0)
			return sbx_err(errno, "minimal /dev: %s", path);
	}
	if (need_sys && (x->sys_fd = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sbx_err(errno, "open /sys");
	if (need_proc && (x->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sbx_err(errno, "open /proc");
	return 0;
}

/* Host paths are opened while the host's tree is still in view; everything after works on
 * these fds, so the base tmpfs can sit anywhere. */
static int open_all(const struct sbx_config *c, struct rootfs_sources *x)
{
	bool need_dev = false, need_sys = false, need_proc = false;

	for (size_t i = 0; i < c->n_ops; i++) {
		const struct sbx_op *op = &c->ops[i];
		int r;
		x->src_fd[i] = -1;
		need_dev |= op->type == OP_DEV;
		need_sys |= op->type == OP_SYSFS && !(c->clone_flags & CLONE_NEWNET);
		need_proc |= op->type == OP_PROC && !sources_own_pidns(c);
		r = op->type == OP_OVERLAY ? open_layers(op, &x->layer_fd[i])
					   : open_bind_source(c, op, &x->src_fd[i]);
		if (r < 0)
			return r;
	}
	return open_host_dirs(x, need_dev, need_sys, need_proc);
}

bool sources_own_pidns(const struct sbx_config *c)
{
	return (c->clone_flags & CLONE_NEWPID) || c->pidns_fd >= 0;
}

int sources_open(const struct sbx_config *c, struct rootfs_sources *x)
{
	*x = (struct rootfs_sources){ .src_fd = xmalloc((c->n_ops + 1) * sizeof(int)),
				      .layer_fd = xmalloc((c->n_ops + 1) * sizeof(int *)),
				      .sys_fd = -1,
				      .proc_fd = -1 };
	for (size_t i = 0; i < SOURCES_N_DEV; i++)
		x->dev_fd[i] = -1;
	for (size_t i = 0; i < c->n_ops; i++)
		x->src_fd[i] = -1;
	return open_all(c, x);
}

void sources_close(const struct sbx_config *c, struct rootfs_sources *x)
{
	for (size_t i = 0; i < c->n_ops; i++)
		closep(&x->src_fd[i]);
	for (size_t i = 0; i < c->n_ops; i++) {
		for (size_t k = 0; x->layer_fd[i] && k < strv_length(c->ops[i].overlay_srcs) + 2;
		     k++)
			closep(&x->layer_fd[i][k]);
		free(x->layer_fd[i]);
	}
	for (size_t i = 0; i < SOURCES_N_DEV; i++)
		closep(&x->dev_fd[i]);
	closep(&x->sys_fd);
	closep(&x->proc_fd);
	free(TAKE_PTR(x->src_fd));
	free(TAKE_PTR(x->layer_fd));
}
