/* SPDX-License-Identifier: MIT */
#pragma once
/* The new mount API (fsopen, open_tree, move_mount), one step each, for building the new
 * root (rootfs.c, sources.c). dest only names the mount in messages. */

/* Attaches the detached mount mnt_fd on target_fd, an O_PATH fd of the mount point. */
int mnt_attach(int mnt_fd, int target_fd, const char *dest);
/* A fresh instance of fstype with opts (key, value pairs, NULL-ended; an empty value sets a
 * flag) and the MOUNT_ATTR_* attrs, attached on target_fd. */
int mnt_fs(const char *fstype, const char *const *opts, unsigned attrs, int target_fd,
	   const char *dest);
/* A detached recursive copy of the tree at dirfd/path ("" for dirfd itself), nosuid, and
 * read-only or nodev as the BIND_* flags say; -errno without a message. */
int mnt_clone_tree(int dirfd, const char *path, unsigned flags);
/* mnt_clone_tree of src_fd, attached on target_fd. */
int mnt_bind_tree(int src_fd, unsigned flags, int target_fd, const char *dest);
/* One device node's mount, copied as it is (nosuid is set on the whole /dev later). */
int mnt_bind_node(int src_fd, int target_fd, const char *dest);
