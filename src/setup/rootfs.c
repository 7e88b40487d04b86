/* SPDX-License-Identifier: MIT */
#include "setup/rootfs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/apphome.h"
#include "base/log.h"
#include "base/fault.h"

/* The base tmpfs is mounted here while the root is built. Sources are opened before it
 * is mounted, so binding from under /tmp still sees the host's /tmp. */
#define BASE_DIR "/tmp"

static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

struct ctx {
	const struct sbx_config *c;
	int *src_fd; /* per op: O_PATH fd of the host source, -1 if none */
	int dev_fd[ELEMENTSOF(dev_nodes)];
	int sys_fd;	/* host /sys, for --net=host */
	int root_fd;	/* the new root */
	int **layer_fd; /* per overlay op: lower layers, then upper and workdir (or -1) */
	unsigned data_seq;
	bool defer_cgroup; /* cgroup2 is mounted later (rootfs_mount_cgroup) */
};

static int sys_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC,
				.resolve = resolve };
	int fd;

	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

static const char *rel(const char *dest)
{
	while (*dest == '/')
		dest++;
	return *dest ? dest : ".";
}

/* Opens the directory that will hold dest's last component, creating missing directories.
 * Symlinks on the way are resolved as if the new root were "/" (RESOLVE_IN_ROOT), so no
 * path inside the sandbox can lead a mount out of it. */
static int open_parent(struct ctx *x, const char *dest, char **ret_last)
{
	_cleanup_free_ char *path = xstrdup(rel(dest));
	char *slash, *p;
	int fd;

	/* Drop trailing slashes, then split off the last component. */
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	slash = strrchr(path, '/');
	if (!slash) {
		*ret_last = xstrdup(path);
		fd = fcntl(x->root_fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? sbx_err(errno, "dup") : fd;
	}
	*slash = '\0';
	*ret_last = xstrdup(slash + 1);

	fd = sys_openat2(x->root_fd, path, O_PATH | O_DIRECTORY,
			 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return sbx_err(errno, "%s: open /%s", dest, path);

	/* Create the missing part one component at a time. */
	for (p = path;; p++) {
		bool end = (*p == '\0');
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		fd = sys_openat2(x->root_fd, path, O_PATH | O_DIRECTORY,
				 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0 && errno == ENOENT) {
			_cleanup_close_ int parent = -1;
			char *last = strrchr(path, '/');
			if (last) {
				*last = '\0';
				parent = sys_openat2(x->root_fd, path, O_PATH | O_DIRECTORY,
						     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
				*last = '/';
				if (parent < 0)
					return sbx_err(errno, "%s: open /%s", dest, path);
			}
			if (mkdirat(parent >= 0 ? parent : x->root_fd, last ? last + 1 : path,
				    0755) < 0 &&
			    errno != EEXIST)
				return sbx_err(errno, "%s: create directory /%s", dest, path);
			fd = sys_openat2(x->root_fd, path, O_PATH | O_DIRECTORY,
					 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		}
		if (fd < 0)
			return sbx_err(errno, "%s: open /%s", dest, path);
		if (end)
			return fd;
		close(fd);
		*p = '/';
	}
}

enum target_kind {
	TARGET_DIR,
	TARGET_FILE
};

static int refuse_symlink(const char *dest)
{
	return sbx_err(ELOOP, "%s: destination is a symbolic link, refusing to follow it", dest);
}

/* open_target for what already exists, or could not simply be created. */
static int open_existing_target(int dir, const char *last, const char *dest, enum target_kind kind,
				mode_t mode)
{
	struct stat st;
	int fd;

	if (fstatat(dir, last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return sbx_err(errno, "%s: stat", dest);
		if (kind == TARGET_DIR) {
			if (mkdirat(dir, last, mode) < 0 && errno != EEXIST)
				return sbx_err(errno, "%s: create directory", dest);
		} else {
			int f = openat(dir, last,
				       O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
			if (f < 0 && errno != EEXIST)
				return sbx_err(errno, "%s: create file", dest);
			if (f >= 0)
				close(f);
		}
	} else if (S_ISLNK(st.st_mode)) {
		return refuse_symlink(dest);
	}
	fd = openat(dir, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "%s: open", dest);
	if (fstat(fd, &st) < 0)
		return sbx_err(errno, "%s: stat", dest);
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return refuse_symlink(dest);
	}
	return fd;
}

/* Opens (creating if needed) the mount point dest, an fd to attach a mount to. A symlink
 * as the last component is refused: following it is how a writable tree redirects a
 * mount. Most mount points are new, and take two calls here: O_NOFOLLOW|O_DIRECTORY
 * fails on a symlink, and a file made with O_EXCL is ours. The rest (an existing target,
 * a read-only parent) goes the long way, which also says why it failed. */
static int open_target(struct ctx *x, const char *dest, enum target_kind kind, mode_t mode)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_close_ int dir = open_parent(x, dest, &last);
	int fd;

	if (dir < 0)
		return dir;
	if (streq(last, ".") || streq(last, ".."))
		return fcntl(dir, F_DUPFD_CLOEXEC, 3);
	if (kind == TARGET_DIR) {
		if (mkdirat(dir, last, mode) == 0 || errno == EEXIST) {
			fd = openat(dir, last, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				return fd;
		}
	} else {
		fd = openat(dir, last, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
	}
	return open_existing_target(dir, last, dest, kind, mode);
}

static int attach(int mnt_fd, int target_fd, const char *dest)
{
	FAULT_POINT("mount");
	if (move_mount(mnt_fd, "", target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sbx_err(errno, "%s: attach mount", dest);
	return 0;
}

/* A fresh filesystem instance (tmpfs, proc, sysfs, ...) mounted on target_fd. */
static int mount_fs(const char *fstype, const char *const *opts, unsigned attrs, int target_fd,
		    const char *dest)
{
	_cleanup_close_ int fs = fsopen(fstype, FSOPEN_CLOEXEC);
	_cleanup_close_ int mnt = -1;

	if (fs < 0)
		return sbx_err(errno, "%s: %s", dest, fstype);
	/* opts: key, value pairs; an empty value sets a flag ("newinstance"). */
	for (size_t i = 0; opts && opts[i]; i += 2)
		if ((opts[i + 1][0] ? fsconfig(fs, FSCONFIG_SET_STRING, opts[i], opts[i + 1], 0)
				    : fsconfig(fs, FSCONFIG_SET_FLAG, opts[i], NULL, 0)) < 0)
			return sbx_err(errno, "%s: %s option %s=%s", dest, fstype, opts[i],
				       opts[i + 1]);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return sbx_err(errno, "%s: mount %s", dest, fstype);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return sbx_err(errno, "%s: mount %s", dest, fstype);
	return attach(mnt, target_fd, dest);
}

/* A detached copy of the mount tree at dirfd/path (path "" for dirfd itself), flags
 * applied; -errno without a message, so callers can tell a missing source. */
static int clone_tree(int dirfd, const char *path, unsigned flags)
{
	_cleanup_close_ int tree = open_tree(dirfd, path,
					     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
						     (path[0] ? 0 : AT_EMPTY_PATH));
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID };

	if (tree < 0)
		return -errno;
	if (flags & BIND_READONLY)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (!(flags & BIND_DEVICES))
		attr.attr_set |= MOUNT_ATTR_NODEV;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	return TAKE_FD(tree);
}

static int bind_tree(int src_fd, unsigned flags, int target_fd, const char *dest)
{
	_cleanup_close_ int tree = clone_tree(src_fd, "", flags);

	if (tree < 0)
		return sbx_err(-tree, "%s: bind", dest);
	return attach(tree, target_fd, dest);
}

/* Clones one device node's mount, nosuid set later by nosuid_below for all of them. */
static int bind_node(int src_fd, int target_fd, const char *dest)
{
	_cleanup_close_ int tree =
		open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (tree < 0)
		return sbx_err(errno, "%s: bind", dest);
	return attach(tree, target_fd, dest);
}

static int nosuid_below(struct ctx *x, const char *dest)
{
	_cleanup_close_ int fd = sys_openat2(x->root_fd, rel(dest), O_PATH | O_DIRECTORY,
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
	int r;

	if (tree_fd < 0)
		return 0; /* a -try source that is missing */
	target = open_target(x, op->dest, kind_of(tree_fd), 0755);
	if (target < 0)
		return target;
	if ((r = attach(tree_fd, target, op->dest)) < 0)
		return r;
	/* A bind on "/" covers the base tmpfs: what follows goes on top of it. */
	return streq(rel(op->dest), ".") ? reopen_root(x) : 0;
}

static int do_tmpfs(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int target = open_target(x, op->dest, TARGET_DIR, 0755);
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
	return mount_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, target, op->dest);
}

static int do_simple_fs(struct ctx *x, const struct sbx_op *op, const char *fstype, unsigned attrs)
{
	_cleanup_close_ int target = open_target(x, op->dest, TARGET_DIR, 0755);

	if (target < 0)
		return target;
	return mount_fs(fstype, NULL, attrs, target, op->dest);
}

static int subpath(const char *dest, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", streq(dest, "/") ? "" : dest, name);
	return 0;
}

/* A fresh procfs, with the kernel's knobs that a user namespace's root may still turn
 * (/proc/sys: network, user.max_*; sysrq-trigger) made read-only. */
static int do_proc(struct ctx *x, const struct sbx_op *op)
{
	static const char *const ro_paths[] = { "sys", "sysrq-trigger" };
	_cleanup_close_ int target = open_target(x, op->dest, TARGET_DIR, 0755);
	char path[4096];
	int r;

	if (target < 0)
		return target;
	r = mount_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, target,
		     op->dest);
	if (r == -EPERM)
		return sbx_errx("%s: mounting procfs needs a new PID namespace (--unshare-pid): %s",
				op->dest, sbx_errmsg());
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(ro_paths); i++) {
		_cleanup_close_ int fd = -1;
		subpath(op->dest, ro_paths[i], path, sizeof(path));
		fd = sys_openat2(x->root_fd, rel(path), O_PATH | O_NOFOLLOW,
				 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0)
			continue; /* not on this kernel */
		r = bind_tree(fd, BIND_READONLY, fd, path);
	}
	return r;
}

static int symlink_at(struct ctx *x, const char *target, const char *dest)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_close_ int dir = open_parent(x, dest, &last);
	char buf[4096];
	ssize_t n;

	if (dir < 0)
		return dir;
	if (symlinkat(target, dir, last) == 0)
		return 0;
	if (errno != EEXIST)
		return sbx_err(errno, "symlink %s -> %s", dest, target);
	/* bubblewrap accepts an identical link that is already there. */
	n = readlinkat(dir, last, buf, sizeof(buf) - 1);
	if (n >= 0) {
		buf[n] = '\0';
		if (streq(buf, target))
			return 0;
	}
	return sbx_err(EEXIST, "symlink %s -> %s", dest, target);
}

static int do_dev(struct ctx *x, const struct sbx_op *op)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },	 { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "core", "/proc/kcore" },	 { "ptmx", "pts/ptmx" },
	};
	char path[4096];
	_cleanup_close_ int target = open_target(x, op->dest, TARGET_DIR, 0755);
	const char *tmpfs_opts[] = { "mode", "0755", NULL };
	int r;

	if (target < 0)
		return target;
	r = mount_fs("tmpfs", tmpfs_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, target, op->dest);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(dev_nodes); i++) {
		_cleanup_close_ int node = -1;
		subpath(op->dest, dev_nodes[i], path, sizeof(path));
		node = open_target(x, path, TARGET_FILE, 0666);
		if (node < 0)
			return node;
		if ((r = bind_node(x->dev_fd[i], node, path)) < 0)
			return r;
	}
	/* nosuid on all the nodes' mounts at once, rather than one call per node */
	if ((r = nosuid_below(x, op->dest)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		subpath(op->dest, links[i][0], path, sizeof(path));
		if ((r = symlink_at(x, links[i][1], path)) < 0)
			return r;
	}
	{
		_cleanup_close_ int pts = -1, shm = -1;
		const char *shm_opts[] = { "mode", "1777", NULL };
		const char *pts_opts[] = { "newinstance", "",	 "ptmxmode", "0666",
					   "mode",	  "620", NULL };

		subpath(op->dest, "pts", path, sizeof(path));
		pts = open_target(x, path, TARGET_DIR, 0755);
		if (pts < 0)
			return pts;
		r = mount_fs("devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, pts, path);
		if (r < 0)
			return r;
		subpath(op->dest, "shm", path, sizeof(path));
		shm = open_target(x, path, TARGET_DIR, 01777);
		if (shm < 0)
			return shm;
		r = mount_fs("tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, shm, path);
		if (r < 0)
			return r;
	}
	return 0;
}

/* cgroup2 on DEST/fs/cgroup, the sysfs of a sandbox with its own network; root_fd: the new
 * root. Its root is the cgroup namespace's, so it is mounted once that is final. */
static int mount_cgroup2(const struct sbx_config *c, int root_fd, const char *dest)
{
	const unsigned ro =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int cg = -1;
	char path[4096];
	int r;

	subpath(dest, "fs/cgroup", path, sizeof(path));
	cg = sys_openat2(root_fd, rel(path), O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
	if (cg < 0)
		return 0; /* a kernel without cgroups */
	r = mount_fs("cgroup2", NULL, c->cgroup_writable ? ro & ~(unsigned)MOUNT_ATTR_RDONLY : ro,
		     cg, path);
	/* No cgroup2 on this kernel: /sys/fs/cgroup stays empty rather than failing. */
	return r == -ENODEV ? 0 : r;
}

static int do_sysfs(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int target = open_target(x, op->dest, TARGET_DIR, 0755);
	const unsigned ro =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int r;

	if (target < 0)
		return target;
	/* A fresh sysfs is allowed only to the owner of the network namespace; it then shows
	 * the sandbox's own interfaces. Sharing the host's network means binding its /sys. */
	if (!(x->c->clone_flags & CLONE_NEWNET))
		return bind_tree(x->sys_fd, BIND_READONLY, target, op->dest);
	r = mount_fs("sysfs", NULL, ro, target, op->dest);
	if (r < 0 || !x->c->unshare_cgroup || x->defer_cgroup)
		return r;
	return mount_cgroup2(x->c, x->root_fd, op->dest);
}

int rootfs_mount_cgroup(const struct sbx_config *c)
{
	_cleanup_close_ int root = -1;
	int r;

	if (!(c->clone_flags & CLONE_NEWNET) || !c->unshare_cgroup)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return sbx_err(errno, "open /");
	for (size_t i = 0; i < c->n_ops; i++)
		if (c->ops[i].type == OP_SYSFS && (r = mount_cgroup2(c, root, c->ops[i].dest)) < 0)
			return r;
	return 0;
}

static int do_dir(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int fd =
		open_target(x, op->dest, TARGET_DIR, op->has_perms ? op->perms : 0755);
	char path[64];

	if (fd < 0)
		return fd;
	if (!op->has_perms)
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

/* Writes the contents of op->fd to a new file at dest; returns an O_PATH fd to it. */
static int create_file_from_fd(struct ctx *x, const char *dest, const struct sbx_op *op)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_close_ int dir = open_parent(x, dest, &last);
	_cleanup_close_ int f = -1;
	mode_t mode = op->has_perms ? op->perms : 0666;
	int r;

	if (dir < 0)
		return dir;
	f = openat(dir, last, O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
	if (f < 0)
		return sbx_err(errno, "%s: create file", dest);
	if ((r = copy_fd(op->fd, f, dest)) < 0)
		return r;
	if (fchmod(f, mode) < 0)
		return sbx_err(errno, "%s: chmod", dest);
	return 0;
}

static int do_bind_data(struct ctx *x, const struct sbx_op *op)
{
	char tmp[64];
	_cleanup_close_ int src = -1, target = -1;
	int r;

	/* The data lives in a file of the new root's own tmpfs under a temporary name; the
	 * bind keeps the inode alive after the name is gone. */
	snprintf(tmp, sizeof(tmp), "/.sbx-data-%u", x->data_seq++);
	if ((r = create_file_from_fd(x, tmp, op)) < 0)
		return r;
	src = openat(x->root_fd, tmp + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return sbx_err(errno, "%s: open", op->dest);
	target = open_target(x, op->dest, TARGET_FILE, 0666);
	if (target < 0)
		return target;
	r = bind_tree(src, op->flags, target, op->dest);
	if (unlinkat(x->root_fd, tmp + 1, 0) < 0 && r == 0)
		return sbx_err(errno, "%s: unlink staging file", op->dest);
	return r;
}

static int do_chmod(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int fd = sys_openat2(x->root_fd, rel(op->dest), O_PATH | O_NOFOLLOW,
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
	_cleanup_close_ int fd = sys_openat2(x->root_fd, rel(op->dest), O_PATH | O_NOFOLLOW,
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

/* The tmpfs holding a --tmp-overlay's upper and work directories. overlayfs takes a
 * private clone of the upper mount, which must be attached in our namespace at that
 * moment: it goes on a scratch directory of the new root, detached right after. */
static int tmp_upper(struct ctx *x, char *scratch, size_t n, int *ret_upper, int *ret_work,
		     const char *dest)
{
	_cleanup_close_ int dir = -1, mnt = -1;
	const char *opts[] = { "mode", "0755", NULL };
	int r;

	snprintf(scratch, n, ".sbx-overlay-%u", x->data_seq++);
	if (mkdirat(x->root_fd, scratch, 0700) < 0)
		return sbx_err(errno, "%s: overlay scratch directory", dest);
	dir = openat(x->root_fd, scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return sbx_err(errno, "%s: overlay scratch directory", dest);
	if ((r = mount_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, dir, dest)) < 0)
		return r;
	mnt = openat(x->root_fd, scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mnt < 0 || mkdirat(mnt, "upper", 0755) < 0 || mkdirat(mnt, "work", 0755) < 0)
		return sbx_err(errno, "%s: overlay directories", dest);
	*ret_upper = openat(mnt, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
	*ret_work = openat(mnt, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*ret_upper < 0 || *ret_work < 0)
		return sbx_err(errno, "%s: overlay directories", dest);
	return 0;
}

static int drop_scratch(struct ctx *x, const char *scratch, const char *dest)
{
	char path[64];

	fd_path(path, sizeof(path), x->root_fd);
	strncat(path, "/", sizeof(path) - strlen(path) - 1);
	strncat(path, scratch, sizeof(path) - strlen(path) - 1);
	if (umount2(path, MNT_DETACH) < 0 || unlinkat(x->root_fd, scratch, AT_REMOVEDIR) < 0)
		return sbx_err(errno, "%s: remove the overlay scratch directory", dest);
	return 0;
}

static int do_overlay(struct ctx *x, const struct sbx_op *op, int *fds)
{
	size_t n = strv_length(op->overlay_srcs), len = 0;
	_cleanup_free_ char *lower = xmalloc(n * 32 + 1);
	_cleanup_close_ int fs = -1, mnt = -1, target = -1, up = -1, work = -1;
	char path[64], scratch[32] = "";
	int r;

	/* Layers go by /proc/self/fd paths: the host paths are hidden by now, the fds
	 * opened earlier are not. overlayfs lists the top layer first. */
	for (size_t i = n; i-- > 0;)
		len += (size_t)sprintf(lower + len, "%s/proc/self/fd/%d", len ? ":" : "", fds[i]);
	target = open_target(x, op->dest, TARGET_DIR, 0755);
	if (target < 0)
		return target;
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return sbx_err(errno, "%s: overlayfs", op->dest);
	if ((r = overlay_set(fs, "lowerdir", lower, op->dest)) < 0)
		return r;
	if (op->overlay == OVERLAY_TMP &&
	    (r = tmp_upper(x, scratch, sizeof(scratch), &up, &work, op->dest)) < 0)
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
	if (scratch[0] && (r = drop_scratch(x, scratch, op->dest)) < 0)
		return r;
	return attach(mnt, target, op->dest);
}

static int run_op(struct ctx *x, size_t i)
{
	const struct sbx_op *op = &x->c->ops[i];

	FAULT_POINT("rootfs op");
	switch (op->type) {
	case OP_BIND:
	case OP_BIND_FD:
		return do_bind(x, op, x->src_fd[i]);
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
		return do_overlay(x, op, x->layer_fd[i]);
	}
	return sbx_errx("unknown mount operation %d", op->type);
}

static int open_dir(const char *path, const char *what, const char *dest)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return sbx_err(errno, "overlay on %s: %s %s", dest, what, path);
	return fd;
}

static int open_layers(struct ctx *x, const struct sbx_op *op, int **ret)
{
	size_t n = strv_length(op->overlay_srcs);
	int *fds = xmalloc((n + 2) * sizeof(int));

	(void)x;
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
static int open_sources(struct ctx *x)
{
	const struct sbx_config *c = x->c;
	bool need_dev = false, need_sys = false;

	for (size_t i = 0; i < c->n_ops; i++) {
		const struct sbx_op *op = &c->ops[i];
		x->src_fd[i] = -1;
		if (op->type == OP_DEV)
			need_dev = true;
		if (op->type == OP_SYSFS && !(c->clone_flags & CLONE_NEWNET))
			need_sys = true;
		if (op->type == OP_OVERLAY) {
			int r = open_layers(x, op, &x->layer_fd[i]);
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
			x->src_fd[i] = clone_tree(home, "", op->flags);
			if (x->src_fd[i] < 0)
				return sbx_err(-x->src_fd[i], "--home-persist: bind %s on %s",
					       op->src, op->dest);
			continue;
		}
		if (op->type == OP_BIND_FD) {
			_cleanup_close_ int same = reopen_here(op->fd);
			x->src_fd[i] = same < 0 ? same : clone_tree(same, "", op->flags);
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
			clone_tree(AT_FDCWD, (op->flags & BIND_CWD) ? "." : op->src, op->flags);
		if (x->src_fd[i] < 0 && !(x->src_fd[i] == -ENOENT && (op->flags & BIND_TRY)))
			return sbx_err(-x->src_fd[i], "bind %s on %s: source %s", op->src, op->dest,
				       op->src);
	}
	for (size_t i = 0; need_dev && i < ELEMENTSOF(dev_nodes); i++) {
		char path[32];
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		x->dev_fd[i] = open(path, O_PATH | O_CLOEXEC);
		if (x->dev_fd[i] < 0)
			return sbx_err(errno, "minimal /dev: %s", path);
	}
	if (need_sys && (x->sys_fd = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sbx_err(errno, "open /sys");
	return 0;
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

int rootfs_setup(const struct sbx_config *c, bool defer_cgroup)
{
	_cleanup_free_ int *src_fd = xmalloc((c->n_ops + 1) * sizeof(int));
	_cleanup_free_ int **layer_fd = xmalloc((c->n_ops + 1) * sizeof(int *));
	struct ctx x = { .c = c,
			 .src_fd = src_fd,
			 .sys_fd = -1,
			 .root_fd = -1,
			 .layer_fd = layer_fd,
			 .defer_cgroup = defer_cgroup };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(x.dev_fd); i++)
		x.dev_fd[i] = -1;
	for (size_t i = 0; i < c->n_ops; i++)
		src_fd[i] = -1;
	r = open_sources(&x);
	/* The mount namespace is owned by our user namespace, so the host's shared mounts
	 * arrive as slaves (mount_namespaces(7)): nothing we mount propagates back. */
	if (r == 0 && mount("tmpfs", BASE_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		r = sbx_err(errno, "mount the new root's tmpfs on %s", BASE_DIR);
	if (r == 0 && (x.root_fd = open(BASE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = sbx_err(errno, "open the new root");
	for (size_t i = 0; r == 0 && i < c->n_ops; i++)
		r = run_op(&x, i);
	if (r == 0)
		r = enter_root(x.root_fd);

	for (size_t i = 0; i < c->n_ops; i++)
		if (src_fd[i] >= 0)
			close(src_fd[i]);
	for (size_t i = 0; i < c->n_ops; i++) {
		for (size_t k = 0; layer_fd[i] && k < strv_length(c->ops[i].overlay_srcs) + 2; k++)
			if (layer_fd[i][k] >= 0)
				close(layer_fd[i][k]);
		free(layer_fd[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(x.dev_fd); i++)
		if (x.dev_fd[i] >= 0)
			close(x.dev_fd[i]);
	if (x.sys_fd >= 0)
		close(x.sys_fd);
	if (x.root_fd >= 0)
		close(x.root_fd);
	return r;
}
