/* SPDX-License-Identifier: MIT */
/* The start plan (plan/start.h): which of the parent's steps the child waits for, and when
 * its cgroup namespace is made. */
#include "plan/start.h"

#include <sched.h>

#include "limits/cgroup.h"
#include "setup/userns.h"

/* Each step of the parent's, once, with what calls for it. */
static unsigned parent_steps(const struct sbx_config *c)
{
	unsigned steps = 0;

	/* newuidmap writes --subids maps; a given user namespace has its own. */
	if (!userns_self_mappable(c) && c->userns_fd < 0)
		steps |= START_MAP_IDS;
	if (cgroup_needs_placing(c))
		steps |= START_PLACE_CGROUP;
	/* It joins the namespaces once the maps exist; the command must find the network
	 * configured when it starts. */
	if (c->net_helper)
		steps |= START_NET_HELPER;
	if (c->info_fd >= 0 || c->json_status_fd >= 0)
		steps |= START_REPORT;
	if (c->name)
		steps |= START_REGISTER;
	return steps;
}

/* Whether the child's setup can run while the parent waits in vfork (no copy of our
 * memory, which is most of what a start costs on some machines): the parent waits until
 * the child execs, so its setup must end in an exec (sbx's PID 1 program, or the command
 * with --as-pid-1), not fork on (joining given namespaces leaves a relay behind), nor wait
 * for anyone outside (--block-fd and the like) or for a process of its own. */
static bool setup_can_vfork(const struct sbx_config *c, bool pid1)
{
#if defined(__SANITIZE_ADDRESS__)
	/* make check-asan: ASan cannot follow the switch to the clone's own stack */
	if (c)
		return false;
#endif
	return (pid1 || c->as_pid_1) && c->userns_fd < 0 && c->pidns_fd < 0 && c->block_fd < 0 &&
	       c->userns_block_fd < 0 && !c->assert_userns_disabled;
}

void start_plan_make(const struct sbx_config *c, bool pid1, struct start_plan *p)
{
	*p = (struct start_plan){ .steps = parent_steps(c) };
	p->vfork = p->steps == 0 && setup_can_vfork(c, pid1);
	/* A child not started in vfork waits for the parent, which then writes the maps too. */
	if (!p->vfork && c->userns_fd < 0)
		p->steps |= START_MAP_IDS;
	/* The placement and the network helper act on the clone's pid, which must have made
	 * the namespaces itself (not joined given ones in a later fork); with
	 * --userns-block-fd, what the caller does to the namespace comes before the setup. */
	p->late_go = p->steps != 0 && c->userns_fd < 0 && c->pidns_fd < 0 && c->userns_block_fd < 0;
	if (!(p->steps & START_PLACE_CGROUP))
		p->cgroup = START_CGROUP_AT_CLONE;
	else
		p->cgroup = p->late_go ? START_CGROUP_AFTER_SETUP : START_CGROUP_BEFORE_SETUP;
	/* Made in the cgroup it starts in, the namespace would show the caller's tree. */
	p->namespaces = c->clone_flags;
	if (p->cgroup != START_CGROUP_AT_CLONE)
		p->namespaces &= ~(unsigned long)CLONE_NEWCGROUP;
	/* Given namespaces: the clone makes only what the caller can make alone; the child
	 * makes the rest in them (run/child.c, join_given_namespaces). */
	if (c->userns_fd >= 0)
		p->clone_flags = 0;
	else if (c->pidns_fd >= 0)
		p->clone_flags = p->namespaces & ~(unsigned long)CLONE_NEWPID;
	else
		p->clone_flags = p->namespaces;
}
