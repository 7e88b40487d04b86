/* SPDX-License-Identifier: MIT */
#pragma once
#include <sys/types.h>

#include "config.h"

/* In the parent, after clone(CLONE_NEWUSER): writes setgroups, uid_map and gid_map of pid
 * (or has newuidmap/newgidmap write them with --subids). */
int userns_write_maps(const struct sbx_config *c, pid_t pid);
