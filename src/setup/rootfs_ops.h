/* SPDX-License-Identifier: MIT */
#pragma once
/* What the new root's builders share while c->ops run (rootfs.c, kernfs.c). Not for
 * outside src/setup/. */
#include <stdbool.h>
#include <sys/types.h>

#include "base/config.h"
#include "setup/resolve.h"
#include "setup/sources.h"

struct ctx {
	const struct sbx_config *c;
	const struct rootfs_sources *src;
	int root_fd;  /* the new root */
	int stage_fd; /* the staging tmpfs, outside the new root; -1 if none is needed */
	unsigned data_seq;
	mode_t parent_mode; /* of the directories made for the current op's destination */
	bool defer_cgroup;  /* cgroup2 is mounted later (rootfs_mount_cgroup) */
};

/* The destination (made as KIND with MODE where missing) and its parent, inside the new
 * root, with the current op's parent mode. */
int target_at(struct ctx *x, const char *dest, enum target_kind kind, mode_t mode);
int parent_at(struct ctx *x, const char *dest, char **ret_last);
/* nosuid on what was just mounted below dest. */
int nosuid_below(struct ctx *x, const char *dest);
int symlink_at(struct ctx *x, const char *target, const char *dest);
/* A fresh instance of a kernel file system (mqueue, ...) on op->dest. */
int do_simple_fs(struct ctx *x, const struct sbx_op *op, const char *fstype, unsigned attrs);

/* The kernel's file systems (kernfs.c). */
int do_proc(struct ctx *x, const struct sbx_op *op);
int do_dev(struct ctx *x, const struct sbx_op *op);
int do_sysfs(struct ctx *x, const struct sbx_op *op);
