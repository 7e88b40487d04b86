/* SPDX-License-Identifier: MIT */
/* The start plan (plan/start.c): which of the parent's steps the child waits for, when it
 * may start in vfork, and when its cgroup namespace is made. Every case here is one the
 * launcher once had to get right by listing features (a forgotten one was a race). */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/config.h"
#include "plan/start.h"

#define DEFAULT_NS                                                                                 \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

/* make check-asan: the child never starts in vfork (plan/start.c), and the parent writes
 * the maps of a child that would have. */
#if defined(__SANITIZE_ADDRESS__)
#define VFORK false
#else
#define VFORK true
#endif
#define ALONE_STEPS (VFORK ? 0U : (unsigned)START_MAP_IDS)

/* What the plan of a default command line leaves: every namespace, a cgroup one too. */
static void default_config(struct sbx_config *c)
{
	config_init(c);
	c->clone_flags = DEFAULT_NS;
	c->unshare_cgroup = true;
}

static void test_nothing_to_wait_for_starts_in_vfork(void **state)
{
	struct sbx_config c;
	struct start_plan p;

	(void)state;
	default_config(&c);
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, ALONE_STEPS);
	assert_int_equal(p.vfork, VFORK);
	assert_int_equal(p.late_go, !VFORK);
	assert_int_equal(p.cgroup, START_CGROUP_AT_CLONE);
	assert_int_equal(p.clone_flags, DEFAULT_NS);
	assert_int_equal(p.namespaces, DEFAULT_NS);
}

/* Without sbx's PID 1 program the setup does not end in an exec: the parent cannot wait in
 * vfork, so it writes the maps and the child waits for them. */
static void test_no_exec_at_the_end_means_the_parent_maps(void **state)
{
	struct sbx_config c;
	struct start_plan p;

	(void)state;
	default_config(&c);
	start_plan_make(&c, false, &p);
	assert_false(p.vfork);
	assert_int_equal(p.steps, START_MAP_IDS);
	assert_true(p.late_go);
	/* --as-pid-1 execs the command itself: vfork again. */
	c.as_pid_1 = true;
	start_plan_make(&c, false, &p);
	assert_int_equal(p.vfork, VFORK);
	assert_int_equal(p.steps, ALONE_STEPS);
}

/* Each parent step, alone, is waited for, and with it the maps come from the parent. */
static void test_each_parent_step_is_waited_for(void **state)
{
	struct sbx_config c;
	struct start_plan p;
	static char helper[] = "/usr/bin/pasta", name[] = "box";

	(void)state;
	default_config(&c);
	c.subids = true;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_MAP_IDS);
	assert_false(p.vfork);

	default_config(&c);
	c.limits.memory = 1 << 30;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_PLACE_CGROUP | START_MAP_IDS);
	assert_false(p.vfork);

	default_config(&c);
	c.net_helper = helper;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_NET_HELPER | START_MAP_IDS);

	default_config(&c);
	c.info_fd = 7;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_REPORT | START_MAP_IDS);
	default_config(&c);
	c.json_status_fd = 7;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_REPORT | START_MAP_IDS);

	default_config(&c);
	c.name = name;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_REGISTER | START_MAP_IDS);
	assert_false(p.vfork);
}

/* What the child itself waits on, or a fork it leaves behind, rules out vfork without being
 * a step of the parent's: the parent then writes the maps and the child waits for those. */
static void test_waits_of_the_child_rule_out_vfork(void **state)
{
	struct sbx_config c;
	struct start_plan p;

	(void)state;
	default_config(&c);
	c.block_fd = 5;
	start_plan_make(&c, true, &p);
	assert_false(p.vfork);
	assert_int_equal(p.steps, START_MAP_IDS);
	assert_true(p.late_go);

	default_config(&c);
	c.assert_userns_disabled = true;
	start_plan_make(&c, true, &p);
	assert_false(p.vfork);
	assert_int_equal(p.steps, START_MAP_IDS);

	/* --userns-block-fd: the caller acts on the namespace before the setup. */
	default_config(&c);
	c.userns_block_fd = 5;
	start_plan_make(&c, true, &p);
	assert_false(p.vfork);
	assert_int_equal(p.steps, START_MAP_IDS);
	assert_false(p.late_go);
}

/* The cgroup namespace is rooted at the sandbox's own cgroup: made only once that is final,
 * after the setup where the placement runs beside it, else before the setup. */
static void test_cgroup_namespace_after_the_placement(void **state)
{
	struct sbx_config c;
	struct start_plan p;

	(void)state;
	default_config(&c);
	c.limits.pids = 100;
	start_plan_make(&c, true, &p);
	assert_true(p.late_go);
	assert_int_equal(p.cgroup, START_CGROUP_AFTER_SETUP);
	assert_int_equal(p.clone_flags, DEFAULT_NS & ~CLONE_NEWCGROUP);
	assert_int_equal(p.namespaces, DEFAULT_NS & ~CLONE_NEWCGROUP);

	c.userns_block_fd = 5;
	start_plan_make(&c, true, &p);
	assert_false(p.late_go);
	assert_int_equal(p.cgroup, START_CGROUP_BEFORE_SETUP);
	assert_int_equal(p.clone_flags & CLONE_NEWCGROUP, 0);

	/* No cgroup namespace asked for (--bare): none is made at any time. */
	default_config(&c);
	c.clone_flags = CLONE_NEWUSER | CLONE_NEWNS;
	c.unshare_cgroup = false;
	c.limits.pids = 100;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.cgroup, START_CGROUP_AFTER_SETUP);
	assert_int_equal(p.clone_flags, CLONE_NEWUSER | CLONE_NEWNS);
}

/* --userns FD and --pidns FD: the clone makes only what the caller can make alone, the child
 * the rest; nothing is placed beside a setup that forks on. */
static void test_given_namespaces(void **state)
{
	struct sbx_config c;
	struct start_plan p;

	(void)state;
	default_config(&c);
	c.userns_fd = 3;
	start_plan_make(&c, true, &p);
	assert_false(p.vfork);
	/* Its maps exist already: nothing of the parent's to wait for. */
	assert_int_equal(p.steps, 0);
	assert_int_equal(p.clone_flags, 0);
	assert_int_equal(p.namespaces, DEFAULT_NS);

	c.limits.memory = 1 << 30;
	start_plan_make(&c, true, &p);
	assert_int_equal(p.steps, START_PLACE_CGROUP);
	assert_false(p.late_go);
	assert_int_equal(p.cgroup, START_CGROUP_BEFORE_SETUP);
	assert_int_equal(p.namespaces, DEFAULT_NS & ~CLONE_NEWCGROUP);

	default_config(&c);
	c.pidns_fd = 4;
	start_plan_make(&c, true, &p);
	assert_false(p.vfork);
	assert_int_equal(p.steps, START_MAP_IDS);
	assert_false(p.late_go);
	assert_int_equal(p.clone_flags, DEFAULT_NS & ~CLONE_NEWPID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_to_wait_for_starts_in_vfork),
		cmocka_unit_test(test_no_exec_at_the_end_means_the_parent_maps),
		cmocka_unit_test(test_each_parent_step_is_waited_for),
		cmocka_unit_test(test_waits_of_the_child_rule_out_vfork),
		cmocka_unit_test(test_cgroup_namespace_after_the_placement),
		cmocka_unit_test(test_given_namespaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
