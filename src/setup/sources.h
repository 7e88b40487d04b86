/* SPDX-License-Identifier: MIT */
#pragma once
/* What the new root is built from (sources.c): host paths are opened, and the trees to
 * bind copied, while the host's tree is still in view; the mount operations (rootfs.c)
 * work on these fds, so the base tmpfs can sit anywhere, also over a source. */
#include "base/config.h"

#define SOURCES_N_DEV 6
/* The minimal /dev's nodes, bound from the host's. */
extern const char *const sources_dev_nodes[SOURCES_N_DEV];

struct rootfs_sources {
	int *src_fd;		   /* per op: a copy of the host source's tree, -1 if none */
	int **layer_fd;		   /* per overlay op: lower layers, then upper and workdir */
	int dev_fd[SOURCES_N_DEV]; /* O_PATH on /dev/NODE, for an op of the minimal /dev */
	int sys_fd;		   /* host /sys, for a /sys without a network namespace */
	int proc_fd;		   /* host /proc, for a /proc without a PID namespace */
};

/* Whether c's sandbox has a PID namespace of its own (new or given with --pidns): only
 * then may it mount a procfs; without one, --proc binds the caller's /proc. */
bool sources_own_pidns(const struct sbx_config *c);

/* Opens what c's ops need; *x is for sources_close in any case. */
int sources_open(const struct sbx_config *c, struct rootfs_sources *x);
void sources_close(const struct sbx_config *c, struct rootfs_sources *x);
