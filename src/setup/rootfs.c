/* SPDX-License-Identifier: MIT */
/* The new root (setup/rootfs.h): c->ops run in order on a tmpfs, each a mount on a
 * destination resolved inside it (resolve.c) from sources opened on the host (sources.c);
 * then pivot_root. */
#include "setup/rootfs.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/fault.h"
#include "setup/mountapi.h"
#include "setup/resolve.h"
#include "setup/rootfs_ops.h"
#include "setup/testknob.h"
#include "setup/sources.h"

/* The base tmpfs is mounted here while the root is built. Sources are opened before it
 * is mounted, so binding from under /tmp still sees the host's /tmp. Where an op needs
 * one, a staging tmpfs goes there first, under the base: outside the new root, which
 * may be the host's own / (--bind / /), yet attached in our mount namespace, as a bind
 * source and an overlay's upper layer must be; it goes away with the old root. */
#define BASE_DIR "/tmp"

int target_at(struct ctx *x, const char *dest, enum target_kind kind, mode_t mode)
{
	return resolve_target(x->root_fd, dest, kind, mode, x->parent_mode);
}

int parent_at(struct ctx *x, const char *dest, char **ret_last)
{
	return resolve_parent(x->root_fd, dest, x->parent_mode, ret_last);
}

/* bubblewrap's: parents are 0755, less what a --perms mode keeps from the group or from
 * the others, so that no one reaches a path through its parents that its mode denies. */
static mode_t parent_mode_of(const struct sbx_op *op)
{
	mode_t m = 0755;

	if (op->has_perms && !(op->perms & 0070))
		m &= ~(mode_t)0050;
	if (op->has_perms && !(op->perms & 0007))
		m &= ~(mode_t)0005;
	return m;
}

int nosuid_below(struct ctx *x, const char *dest)
{
	_cleanup_close_ int fd =
		resolve_openat2(x->root_fd, resolve_rel(dest), O_PATH | O_DIRECTORY,
				RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID };

	if (fd < 0)
		return sbx_err(errno, "%s: open", dest);
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return sbx_err(errno, "%s: nosuid", dest);
	return 0;
}

static enum target_kind kind_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode) ? TARGET_FILE : TARGET_DIR;
}

static int reopen_root(struct ctx *x);

/* tree_fd: the source, cloned with its flags in open_sources(). */
static int do_bind(struct ctx *x, const struct sbx_op *op, int tree_fd)
{
	_cleanup_close_ int target = -1;
	enum target_kind kind;
	int r;

	if (tree_fd < 0)
		return 0; /* a -try source that is missing */
	/* A file made to be covered is nobody's to write (bubblewrap's 0444). */
	kind = kind_of(tree_fd);
	target = target_at(x, op->dest, kind, kind == TARGET_FILE ? 0444 : 0755);
	if (target < 0)
		return target;
	if ((r = mnt_attach(tree_fd, target, op->dest)) < 0)
		return r;
	/* A bind on "/" covers the base tmpfs: what follows goes on top of it. */
	return streq(resolve_rel(op->dest), ".") ? reopen_root(x) : 0;
}

static int do_tmpfs(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int target = target_at(x, op->dest, TARGET_DIR, 0755);
	char mode[16], size[32];
	const char *opts[5] = { "mode", mode, NULL, NULL, NULL };

	if (target < 0)
		return target;
	snprintf(mode, sizeof(mode), "%04o", op->has_perms ? op->perms : 0755);
	if (op->size) {
		snprintf(size, sizeof(size), "%llu", (unsigned long long)op->size);
		opts[2] = "size";
		opts[3] = size;
	}
	return mnt_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target, op->dest);
}

int do_simple_fs(struct ctx *x, const struct sbx_op *op, const char *fstype, unsigned attrs)
{
	_cleanup_close_ int target = target_at(x, op->dest, TARGET_DIR, 0755);

	if (target < 0)
		return target;
	return mnt_fs(fstype, NULL, attrs, target, op->dest);
}

int symlink_at(struct ctx *x, const char *target, const char *dest)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_close_ int dir = parent_at(x, dest, &last);
	char buf[4096];
	ssize_t n;

	if (dir < 0)
		return dir;
	if (symlinkat(target, dir, last) == 0)
		return 0;
	if (errno != EEXIST)
		return sbx_err(errno, "symlink %s -> %s", dest, target);
	/* bubblewrap accepts an identical link that is already there; its messages for the
	 * rest, which its clients match. */
	n = readlinkat(dir, last, buf, sizeof(buf) - 1);
	if (n < 0 && errno == EINVAL)
		return sbx_errx("Can't make symlink at %s: destination exists and is not a symlink",
				dest);
	if (n < 0)
		return sbx_err(errno,
			       "Can't make symlink at %s: destination exists, and cannot read "
			       "symlink target",
			       dest);
	buf[n] = '\0';
	if (streq(buf, target))
		return 0;
	return sbx_errx("Can't make symlink at %s: existing destination is %s", dest, buf);
}

static int do_dir(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int fd =
		target_at(x, op->dest, TARGET_DIR, op->has_perms ? op->perms : 0755);
	char path[64];

	if (fd < 0)
		return fd;
	/* bubblewrap leaves a directory that exists as it is, and makes a new one under
	 * umask 0 (rootfs_setup); sbx's own mode sets the mode in both cases. */
	if (!op->has_perms || x->c->bare)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (chmod(path, op->perms) < 0)
		return sbx_err(errno, "chmod %s", op->dest);
	return 0;
}

static int copy_fd(int from, int to, const char *what)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(from, buf, sizeof(buf));
		int r;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_err(errno, "%s: read", what);
		if (n == 0)
			return 0;
		if ((r = write_all(to, buf, (size_t)n)) < 0)
			return sbx_err(-r, "%s: write", what);
	}
}

/* The mode of the file op makes: --perms, else bubblewrap's defaults. */
static mode_t file_mode(const struct sbx_op *op)
{
	if (op->has_perms)
		return op->perms;
	return op->type == OP_BIND_DATA ? 0600 : 0666;
}

/* Writes the contents of op->fd to a new file name in dir; dest names it in messages. */
static int write_data_at(int dir, const char *name, const struct sbx_op *op, const char *dest)
{
	_cleanup_close_ int f = -1;
	int r;

	f = openat(dir, name, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, file_mode(op));
	if (f < 0)
		return sbx_err(errno, "%s: create file", dest);
	if ((r = copy_fd(op->fd, f, dest)) < 0)
		return r;
	if (fchmod(f, file_mode(op)) < 0)
		return sbx_err(errno, "%s: chmod", dest);
	return 0;
}

static int create_file_from_fd(struct ctx *x, const char *dest, const struct sbx_op *op)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_close_ int dir = parent_at(x, dest, &last);

	if (dir < 0)
		return dir;
	return write_data_at(dir, last, op, dest);
}

static int do_bind_data(struct ctx *x, const struct sbx_op *op)
{
	char tmp[32];
	_cleanup_close_ int src = -1, target = -1;
	int r;

	/* The data lives in a file of the staging tmpfs; the bind keeps the inode alive
	 * after its name there is gone. */
	snprintf(tmp, sizeof(tmp), "data-%u", x->data_seq++);
	if ((r = write_data_at(x->stage_fd, tmp, op, op->dest)) < 0)
		return r;
	src = openat(x->stage_fd, tmp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return sbx_err(errno, "%s: open", op->dest);
	target = target_at(x, op->dest, TARGET_FILE, 0444);
	if (target >= 0)
		r = mnt_bind_tree(src, op->flags, target, op->dest);
	else
		r = target;
	if (unlinkat(x->stage_fd, tmp, 0) < 0 && r == 0)
		return sbx_err(errno, "%s: unlink staging file", op->dest);
	return r;
}

static int do_chmod(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int fd =
		resolve_openat2(x->root_fd, resolve_rel(op->dest), O_PATH | O_NOFOLLOW,
				RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	char path[64];

	if (fd < 0)
		return sbx_err(errno, "chmod %s", op->dest);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (chmod(path, op->perms) < 0)
		return sbx_err(errno, "chmod %s", op->dest);
	return 0;
}

static int do_remount_ro(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int fd =
		resolve_openat2(x->root_fd, resolve_rel(op->dest), O_PATH | O_NOFOLLOW,
				RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (fd < 0)
		return sbx_err(errno, "remount-ro %s", op->dest);
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return sbx_err(errno, "remount-ro %s", op->dest);
	return 0;
}

static void fd_path(char *buf, size_t n, int fd)
{
	snprintf(buf, n, "/proc/self/fd/%d", fd);
}

static int overlay_set(int fs, const char *key, const char *value, const char *dest)
{
	if (fsconfig(fs, FSCONFIG_SET_STRING, key, value, 0) < 0)
		return sbx_err(errno, "%s: overlay %s", dest, key);
	return 0;
}

/* A --tmp-overlay's upper and work directories, in the staging tmpfs: overlayfs takes
 * a private clone of the upper layer's mount, which must be attached in our namespace. */
static int tmp_upper(struct ctx *x, int *ret_upper, int *ret_work, const char *dest)
{
	char upper[32], work[32];
	unsigned n = x->data_seq++;

	snprintf(upper, sizeof(upper), "upper-%u", n);
	snprintf(work, sizeof(work), "work-%u", n);
	if (mkdirat(x->stage_fd, upper, 0755) < 0 || mkdirat(x->stage_fd, work, 0755) < 0)
		return sbx_err(errno, "%s: overlay directories", dest);
	*ret_upper = openat(x->stage_fd, upper, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*ret_work = openat(x->stage_fd, work, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*ret_upper < 0 || *ret_work < 0)
		return sbx_err(errno, "%s: overlay directories", dest);
	return 0;
}

static int do_overlay(struct ctx *x, const struct sbx_op *op, int *fds)
{
	size_t n = strv_length(op->overlay_srcs), len = 0;
	_cleanup_free_ char *lower = xmalloc(n * 32 + 1);
	_cleanup_close_ int fs = -1, mnt = -1, target = -1, up = -1, work = -1;
	char path[64];
	int r;

	/* Layers go by /proc/self/fd paths: the host paths are hidden by now, the fds
	 * opened earlier are not. overlayfs lists the top layer first. */
	for (size_t i = n; i-- > 0;)
		len += (size_t)sprintf(lower + len, "%s/proc/self/fd/%d", len ? ":" : "", fds[i]);
	target = target_at(x, op->dest, TARGET_DIR, 0755);
	if (target < 0)
		return target;
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return sbx_err(errno, "%s: overlayfs", op->dest);
	if ((r = overlay_set(fs, "lowerdir", lower, op->dest)) < 0)
		return r;
	if (op->overlay == OVERLAY_TMP && (r = tmp_upper(x, &up, &work, op->dest)) < 0)
		return r;
	if (op->overlay == OVERLAY_RW) {
		up = fds[n];
		work = fds[n + 1];
		fds[n] = fds[n + 1] = -1;
	}
	if (op->overlay != OVERLAY_RO) {
		fd_path(path, sizeof(path), up);
		if ((r = overlay_set(fs, "upperdir", path, op->dest)) < 0)
			return r;
		fd_path(path, sizeof(path), work);
		if ((r = overlay_set(fs, "workdir", path, op->dest)) < 0)
			return r;
	}
	/* Inside a user namespace overlayfs keeps its metadata in user.* xattrs. */
	(void)fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sbx_err(errno, "%s: mount overlay", op->dest);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			      (op->overlay == OVERLAY_RO ? MOUNT_ATTR_RDONLY : 0));
	if (mnt < 0)
		return sbx_err(errno, "%s: mount overlay", op->dest);
	return mnt_attach(mnt, target, op->dest);
}

static int run_op(struct ctx *x, size_t i)
{
	const struct sbx_op *op = &x->c->ops[i];

	FAULT_POINT("rootfs op");
	x->parent_mode = parent_mode_of(op);
	switch (op->type) {
	case OP_BIND:
	case OP_BIND_FD:
		return do_bind(x, op, x->src->src_fd[i]);
	case OP_REMOUNT_RO:
		return do_remount_ro(x, op);
	case OP_PROC:
		return do_proc(x, op);
	case OP_DEV:
		return do_dev(x, op);
	case OP_SYSFS:
		return do_sysfs(x, op);
	case OP_TMPFS:
		return do_tmpfs(x, op);
	case OP_MQUEUE:
		return do_simple_fs(x, op, "mqueue",
				    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	case OP_DIR:
		return do_dir(x, op);
	case OP_SYMLINK:
		return symlink_at(x, op->src, op->dest);
	case OP_FILE:
		return create_file_from_fd(x, op->dest, op);
	case OP_BIND_DATA:
		return do_bind_data(x, op);
	case OP_CHMOD:
		return do_chmod(x, op);
	case OP_OVERLAY:
		return do_overlay(x, op, x->src->layer_fd[i]);
	}
	return sbx_errx("unknown mount operation %d", op->type);
}

static int reopen_root(struct ctx *x)
{
	int fd = open(BASE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return sbx_err(errno, "reopen the new root");
	close(x->root_fd);
	x->root_fd = fd;
	return 0;
}

static int enter_root(int root_fd)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one; detaching "."
	 * then removes the old root, with no directory left to name it. */
	if (fchdir(root_fd) < 0)
		return sbx_err(errno, "chdir to the new root");
	FAULT_POINT("pivot_root");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return sbx_err(errno, "pivot_root");
	FAULT_POINT("after pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return sbx_err(errno, "detach the old root");
	if (chdir("/") < 0)
		return sbx_err(errno, "chdir /");
	return 0;
}

static bool needs_stage(const struct sbx_config *c)
{
	for (size_t i = 0; i < c->n_ops; i++)
		if (c->ops[i].type == OP_BIND_DATA ||
		    (c->ops[i].type == OP_OVERLAY && c->ops[i].overlay == OVERLAY_TMP))
			return true;
	return false;
}

static int mount_stage(int *ret_fd)
{
	if (mount("tmpfs", BASE_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return sbx_err(errno, "mount the staging tmpfs on %s", BASE_DIR);
	*ret_fd = open(BASE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*ret_fd < 0)
		return sbx_err(errno, "open the staging tmpfs");
	return 0;
}

int rootfs_setup(const struct sbx_config *c, bool defer_cgroup)
{
	struct rootfs_sources src;
	struct ctx x = { .c = c,
			 .src = &src,
			 .root_fd = -1,
			 .stage_fd = -1,
			 .defer_cgroup = defer_cgroup };
	/* bubblewrap builds the root under umask 0: what it creates has exactly the modes
	 * it asks for, whatever the caller's umask. */
	mode_t old_umask = c->bare ? umask(0) : 0;
	int r = sources_open(c, &src);
	int extra = r == 0 ? testknob_extra_open() : -1;

	if (extra < -1)
		r = extra;
	if (r == 0 && needs_stage(c))
		r = mount_stage(&x.stage_fd);
	/* The mount namespace is owned by our user namespace, so the host's shared mounts
	 * arrive as slaves (mount_namespaces(7)): nothing we mount propagates back. */
	if (r == 0 && mount("tmpfs", BASE_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		r = sbx_err(errno, "mount the new root's tmpfs on %s", BASE_DIR);
	if (r == 0 && (x.root_fd = open(BASE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = sbx_err(errno, "open the new root");
	for (size_t i = 0; r == 0 && i < c->n_ops; i++)
		r = run_op(&x, i);
	if (r == 0)
		r = testknob_extra_bind(extra, x.root_fd);
	if (extra >= 0)
		close(extra);
	if (r == 0)
		r = enter_root(x.root_fd);
	sources_close(c, &src);
	closep(&x.root_fd);
	closep(&x.stage_fd);
	if (c->bare)
		umask(old_umask);
	return r;
}
