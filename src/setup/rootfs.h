/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include "base/config.h"

/* In the child, in the new mount namespace: builds the new root on a tmpfs from c->ops,
 * enters it with pivot_root and detaches the host's root. */
int rootfs_setup(const struct sbx_config *c, bool defer_cgroup);

/* After rootfs_setup(c, true), in the new root, once the cgroup namespace is final: the
 * cgroup2 mount of /sys/fs/cgroup that rootfs_setup left out. */
int rootfs_mount_cgroup(const struct sbx_config *c);
