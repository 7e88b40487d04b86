/* SPDX-License-Identifier: MIT */
#pragma once
/* Resolving destinations inside the new root (resolve.c), for the mount operations of
 * rootfs.c: the security-critical part of building a root from a writable tree, where
 * anything inside may have planted symlinks to redirect a mount. root_fd: the new root. */
#include <linux/openat2.h>
#include <sys/types.h>

enum target_kind {
	TARGET_DIR,
	TARGET_FILE
};

/* openat2(2), O_CLOEXEC added, retried on EAGAIN; -1 with errno, no message. */
int resolve_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);
/* dest relative to the root: leading slashes gone, "." for the root itself. */
const char *resolve_rel(const char *dest);
/* An O_PATH fd on the directory that will hold dest's last component (returned in
 * *ret_last, to free), creating missing directories of parent_mode; symlinks on the way
 * resolved as if root_fd were "/". */
int resolve_parent(int root_fd, const char *dest, mode_t parent_mode, char **ret_last);
/* An O_PATH fd on the mount point dest, created (a directory or an empty file of mode,
 * its missing parents of parent_mode) where missing; a symlink as the last component is
 * refused with ELOOP. */
int resolve_target(int root_fd, const char *dest, enum target_kind kind, mode_t mode,
		   mode_t parent_mode);
