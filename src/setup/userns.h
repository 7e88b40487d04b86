/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "base/config.h"

/* In the parent, after clone(CLONE_NEWUSER): writes setgroups, uid_map and gid_map of pid
 * (or has newuidmap/newgidmap write them with --subids). */
int userns_write_maps(const struct sbx_config *c, pid_t pid);

/* Whether the new namespace's first process may write its own maps: one line mapping the
 * caller's own uid and gid (user_namespaces(7)), which is all but --subids. */
bool userns_self_mappable(const struct sbx_config *c);

/* The first line of FILE (/etc/subuid, /etc/subgid) naming uid, by number or name, with a
 * non-empty range: 1, or 0 where none does, -errno where FILE cannot be read.
 * ret_end, if not NULL, grows to where the highest range of any user ends. */
struct subid_range {
	unsigned long start, count;
};
int userns_subid_lookup(const char *file, uid_t uid, struct subid_range *ret,
			unsigned long *ret_end);

/* Where --subids finds newuidmap/newgidmap: fixed system directories, not $PATH, which the
 * caller controls. NULL if absent. */
char *userns_helper_path(const char *tool);
/* Where userns_helper_path looks, in its order, as "/usr/bin /bin ..." for messages. */
extern const char *const userns_helper_dirs_text;

/* In the child, right after clone(CLONE_NEWUSER): the maps userns_write_maps would
 * write, written by the child itself, when the parent cannot (it waits in vfork). */
int userns_write_own_maps(const struct sbx_config *c);
