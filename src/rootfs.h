/* SPDX-License-Identifier: MIT */
#pragma once
#include "config.h"

/* In the child, in the new mount namespace: builds the new root on a tmpfs from c->ops,
 * enters it with pivot_root and detaches the host's root. */
int rootfs_setup(const struct sbx_config *c);
