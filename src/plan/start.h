/* SPDX-License-Identifier: MIT */
#pragma once
/* How a sandbox starts: the parent's steps between the clone and the command that the
 * child waits for, and when the child's cgroup, with its cgroup namespace, is final.
 * Decided once, before the clone, from the config; the launcher (run/launch.c) and the
 * child (run/child.c) only read it. */
#include <stdbool.h>

#include "base/config.h"

/* The parent's steps after the clone, each declared once (start.c, parent_steps) with what
 * calls for it. The child waits for all of them: it waits iff any is set. What the parent
 * does that the child need not wait for (its signalfd, --timeout's timer, the pty's
 * relay) is not one. */
enum start_step {
	START_MAP_IDS = 1 << 0,	     /* the id maps, where the child does not write its own */
	START_PLACE_CGROUP = 1 << 1, /* a cgroup of its own: limits, --slice, --cgroup */
	START_NET_HELPER = 1 << 2,   /* pasta or slirp4netns, in the network namespace */
	START_REPORT = 1 << 3,	     /* --info-fd, --json-status-fd: the pid, before the command */
	START_REGISTER = 1 << 4,     /* a named sandbox's entry and control socket */
};

/* When the child's cgroup is final: then it opens its memory.events and makes its cgroup
 * namespace (with c->unshare_cgroup), whose root is that cgroup. */
enum start_cgroup {
	START_CGROUP_AT_CLONE,	   /* nothing to place: the namespace comes with the clone */
	START_CGROUP_BEFORE_SETUP, /* placed before the setup, which waits for it */
	START_CGROUP_AFTER_SETUP,  /* placed beside the setup: the namespace and the cgroup2
				    * mount of /sys/fs/cgroup come after it */
};

struct start_plan {
	unsigned steps; /* enum start_step */
	/* No step, and a setup that ends in an exec: the child does it all while the parent
	 * waits in vfork, and writes its own id maps. */
	bool vfork;
	/* The go comes in two parts: 'm' once the id maps exist, before the setup; the go
	 * before the command. The parent's other steps run beside the setup. */
	bool late_go;
	enum start_cgroup cgroup;
	unsigned long namespaces;  /* CLONE_NEW* made at the start: c's, less a later cgroup */
	unsigned long clone_flags; /* those of them that clone() itself makes */
};

/* pid1: sbx's PID 1 program can be exec'd (run/pid1.h, pid1_open). */
void start_plan_make(const struct sbx_config *c, bool pid1, struct start_plan *p);
