/* SPDX-License-Identifier: MIT */
/* The kernel's file systems in the new root: --proc (a fresh procfs, or the caller's /proc
 * where the sandbox shares its PID namespace), --dev (a minimal /dev), --sysfs and the
 * cgroup2 mount of /sys/fs/cgroup. */
#include "setup/rootfs.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "setup/mountapi.h"
#include "setup/rootfs_ops.h"

static int subpath(const char *dest, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", streq(dest, "/") ? "" : dest, name);
	return 0;
}

/* The caller's /proc, for a sandbox in the caller's PID namespace, where a new procfs may
 * not be mounted (it belongs to the PID namespace's owner): the whole tree, so that what
 * is mounted over parts of it stays covered, showing no more than the caller sees. */
static int bind_host_proc(struct ctx *x, int target, const char *dest)
{
	_cleanup_close_ int tree = mnt_clone_tree(x->src->proc_fd, "", 0);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOEXEC };

	if (tree < 0)
		return sbx_err(-tree, "%s: bind /proc", dest);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return sbx_err(errno, "%s: bind /proc: noexec", dest);
	return mnt_attach(tree, target, dest);
}

/* A fresh procfs, or the caller's without a PID namespace of our own (as bubblewrap),
 * with the kernel's knobs that a user namespace's root may still turn (/proc/sys:
 * network, user.max_*; sysrq-trigger) and bubblewrap's other old ones made read-only. */
int do_proc(struct ctx *x, const struct sbx_op *op)
{
	static const char *const ro_paths[] = { "sys", "sysrq-trigger", "irq", "bus" };
	_cleanup_close_ int target = target_at(x, op->dest, TARGET_DIR, 0755);
	char path[4096];
	int r;

	if (target < 0)
		return target;
	if (x->src->proc_fd >= 0)
		r = bind_host_proc(x, target, op->dest);
	else
		r = mnt_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			   target, op->dest);
	if (r == -EPERM && x->src->proc_fd < 0)
		return sbx_errx("%s: mounting procfs needs a new PID namespace (--unshare-pid): %s",
				op->dest, sbx_errmsg());
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(ro_paths); i++) {
		_cleanup_close_ int fd = -1;
		subpath(op->dest, ro_paths[i], path, sizeof(path));
		fd = resolve_openat2(x->root_fd, resolve_rel(path), O_PATH | O_NOFOLLOW,
				     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0)
			continue; /* not on this kernel */
		r = mnt_bind_tree(fd, BIND_READONLY, fd, path);
	}
	return r;
}

int do_dev(struct ctx *x, const struct sbx_op *op)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },	 { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "core", "/proc/kcore" },	 { "ptmx", "pts/ptmx" },
	};
	char path[4096];
	_cleanup_close_ int target = target_at(x, op->dest, TARGET_DIR, 0755);
	const char *tmpfs_opts[] = { "mode", "0755", NULL };
	int r;

	if (target < 0)
		return target;
	r = mnt_fs("tmpfs", tmpfs_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, target, op->dest);
	if (r < 0)
		return r;
	for (size_t i = 0; i < SOURCES_N_DEV; i++) {
		_cleanup_close_ int node = -1;
		subpath(op->dest, sources_dev_nodes[i], path, sizeof(path));
		node = target_at(x, path, TARGET_FILE, 0666);
		if (node < 0)
			return node;
		if ((r = mnt_bind_node(x->src->dev_fd[i], node, path)) < 0)
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
		pts = target_at(x, path, TARGET_DIR, 0755);
		if (pts < 0)
			return pts;
		r = mnt_fs("devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, pts, path);
		if (r < 0)
			return r;
		subpath(op->dest, "shm", path, sizeof(path));
		shm = target_at(x, path, TARGET_DIR, 01777);
		if (shm < 0)
			return shm;
		r = mnt_fs("tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, shm, path);
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
	cg = resolve_openat2(root_fd, resolve_rel(path), O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
	if (cg < 0)
		return 0; /* a kernel without cgroups */
	r = mnt_fs("cgroup2", NULL, c->cgroup_writable ? ro & ~(unsigned)MOUNT_ATTR_RDONLY : ro, cg,
		   path);
	/* No cgroup2 on this kernel: /sys/fs/cgroup stays empty rather than failing. */
	return r == -ENODEV ? 0 : r;
}

int do_sysfs(struct ctx *x, const struct sbx_op *op)
{
	_cleanup_close_ int target = target_at(x, op->dest, TARGET_DIR, 0755);
	const unsigned ro =
		MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int r;

	if (target < 0)
		return target;
	/* A fresh sysfs is allowed only to the owner of the network namespace; it then shows
	 * the sandbox's own interfaces. Sharing the host's network means binding its /sys. */
	if (!(x->c->clone_flags & CLONE_NEWNET))
		return mnt_bind_tree(x->src->sys_fd, BIND_READONLY, target, op->dest);
	r = mnt_fs("sysfs", NULL, ro, target, op->dest);
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
