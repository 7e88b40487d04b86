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

/* Host paths are opened while the host's tree is still in view; everything after works on
 * these fds, so the base tmpfs can sit anywhere. */
static int open_all(const struct sbx_config *c, struct rootfs_sources *x)
{
	bool need_dev = false, need_sys = false, need_proc = false;

	for (size_t i = 0; i < c->n_ops; i++) {
		const struct sbx_op *op = &c->ops[i];
		x->src_fd[i] = -1;
		if (op->type == OP_DEV)
			need_dev = true;
		if (op->type == OP_SYSFS && !(c->clone_flags & CLONE_NEWNET))
			need_sys = true;
		if (op->type == OP_PROC && !sources_own_pidns(c))
			need_proc = true;
		if (op->type == OP_OVERLAY) {
			int r = open_layers(op, &x->layer_fd[i]);
			if (r < 0)
				return r;
			continue;
		}
		/* Cloned now, not at their turn: a copy of "/" or "/tmp" made after the base
		 * tmpfs is mounted would carry that tmpfs along. */
		if (op->flags & BIND_HOME_PERSIST) {
			_cleanup_close_ int home = apphome_reopen(op);
			if (home < 0)
				return home;
			x->src_fd[i] = mnt_clone_tree(home, "", op->flags);
			if (x->src_fd[i] < 0)
				return sbx_err(-x->src_fd[i], "--home-persist: bind %s on %s",
					       op->src, op->dest);
			continue;
		}
		if (op->type == OP_BIND_FD) {
			_cleanup_close_ int same = reopen_here(op->fd);
			x->src_fd[i] = same < 0 ? same : mnt_clone_tree(same, "", op->flags);
			if (x->src_fd[i] < 0)
				return sbx_err(-x->src_fd[i], "%s %d on %s",
					       (op->flags & BIND_READONLY) ? "--ro-bind-fd"
									   : "--bind-fd",
					       op->fd, op->dest);
			continue;
		}
		if (op->type != OP_BIND)
			continue;
		x->src_fd[i] =
			mnt_clone_tree(AT_FDCWD, (op->flags & BIND_CWD) ? "." : op->src, op->flags);
		if (x->src_fd[i] == -ENOENT && (op->flags & BIND_TRY))
			continue;
		/* bubblewrap's words, which its clients match */
		if (x->src_fd[i] < 0 && c->bare)
			return sbx_err(-x->src_fd[i], "Can't find source path %s", op->src);
		if (x->src_fd[i] < 0)
			return sbx_err(-x->src_fd[i], "bind %s on %s: source %s", op->src, op->dest,
				       op->src);
	}
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
