/* SPDX-License-Identifier: MIT */
/* The new mount API, one step each (setup/mountapi.h). */
#include "setup/mountapi.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/config.h"
#include "base/fault.h"
#include "base/log.h"
#include "base/util.h"

int mnt_attach(int mnt_fd, int target_fd, const char *dest)
{
	FAULT_POINT("mount");
	if (move_mount(mnt_fd, "", target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return sbx_err(errno, "%s: attach mount", dest);
	return 0;
}

/* A fresh filesystem instance (tmpfs, proc, sysfs, ...) mounted on target_fd. */
int mnt_fs(const char *fstype, const char *const *opts, unsigned attrs, int target_fd,
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
	return mnt_attach(mnt, target_fd, dest);
}

/* A detached copy of the mount tree at dirfd/path (path "" for dirfd itself), flags
 * applied; -errno without a message, so callers can tell a missing source. */
int mnt_clone_tree(int dirfd, const char *path, unsigned flags)
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

int mnt_bind_tree(int src_fd, unsigned flags, int target_fd, const char *dest)
{
	_cleanup_close_ int tree = mnt_clone_tree(src_fd, "", flags);

	if (tree < 0)
		return sbx_err(-tree, "%s: bind", dest);
	return mnt_attach(tree, target_fd, dest);
}

/* Clones one device node's mount, nosuid set later by nosuid_below for all of them. */
int mnt_bind_node(int src_fd, int target_fd, const char *dest)
{
	_cleanup_close_ int tree =
		open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (tree < 0)
		return sbx_err(errno, "%s: bind", dest);
	return mnt_attach(tree, target_fd, dest);
}
