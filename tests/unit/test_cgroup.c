/* SPDX-License-Identifier: MIT */
/* What the cgroup backends and sbx --check share (src/limits/cgroup.c): the controllers a
 * set of limits needs, the controllers a cgroup lists, and the reader of /proc/PID/cgroup. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/util.h"
#include "limits/cgroup.h"

/* The bit of controller name in cgroup_controllers. */
static unsigned bit(const char *name)
{
	for (size_t i = 0; i < CGROUP_NCONTROLLERS; i++)
		if (strcmp(cgroup_controllers[i], name) == 0)
			return 1u << i;
	fail_msg("no controller %s", name);
	return 0;
}

static const struct sbx_limits none = { LIMIT_UNSET, LIMIT_UNSET, LIMIT_UNSET,
					LIMIT_UNSET, LIMIT_UNSET, LIMIT_UNSET };

/* Each limit alone asks for its one controller; all together, for every one. */
static void test_needed_per_limit(void **state)
{
	static const struct {
		size_t field;
		const char *controller;
	} cases[] = {
		{ offsetof(struct sbx_limits, memory), "memory" },
		{ offsetof(struct sbx_limits, memory_swap), "memory" },
		{ offsetof(struct sbx_limits, cpu_quota_usec), "cpu" },
		{ offsetof(struct sbx_limits, cpu_weight), "cpu" },
		{ offsetof(struct sbx_limits, io_weight), "io" },
		{ offsetof(struct sbx_limits, pids), "pids" },
	};
	struct sbx_limits l = none;

	assert_int_equal(cgroup_controllers_needed(&l), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		l = none;
		*(uint64_t *)((char *)&l + cases[i].field) = 0;
		assert_int_equal(cgroup_controllers_needed(&l), bit(cases[i].controller));
	}
	l = (struct sbx_limits){ 1, 1, 1, 1, 1, 1 };
	assert_int_equal(cgroup_controllers_needed(&l), CGROUP_ALL_CONTROLLERS);
}

/* Whole words only: cpuset is not cpu, and the last word may end the file or a line. */
static void test_controllers_in_list(void **state)
{
	assert_int_equal(cgroup_controllers_in("cpuset cpu io memory pids\n"),
			 CGROUP_ALL_CONTROLLERS);
	assert_int_equal(cgroup_controllers_in("cpuset io"), bit("io"));
	assert_int_equal(cgroup_controllers_in("memory"), bit("memory"));
	assert_int_equal(cgroup_controllers_in("hugetlb pids\n"), bit("pids"));
	assert_int_equal(cgroup_controllers_in("iomem rdma\n"), 0);
	assert_int_equal(cgroup_controllers_in(""), 0);
}

static void test_dir_of_path(void **state)
{
	_cleanup_free_ char *root = cgroup_dir("/");
	_cleanup_free_ char *sub = cgroup_dir("/user.slice/a.scope");

	assert_string_equal(root, CGROUP_ROOT);
	assert_string_equal(sub, CGROUP_ROOT "/user.slice/a.scope");
}

/* A /proc/PID/cgroup with this content, on an fd. */
static int proc_cgroup(const char *text)
{
	int fd = memfd_create("cgroup", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

static void test_read_path_v2_line(void **state)
{
	_cleanup_close_ int hybrid = proc_cgroup("12:pids:/user.slice\n1:name=systemd:/x\n"
						 "0::/user.slice/sbx-sh-1.scope\n");
	_cleanup_close_ int unified = proc_cgroup("0::/\n");
	_cleanup_free_ char *a = NULL, *b = NULL;

	assert_int_equal(cgroup_read_path(hybrid, &a), 0);
	assert_string_equal(a, "/user.slice/sbx-sh-1.scope");
	assert_int_equal(cgroup_read_path(unified, &b), 0);
	assert_string_equal(b, "/");
}

static void test_read_path_v1_only_refused(void **state)
{
	_cleanup_close_ int fd = proc_cgroup("12:pids:/user.slice\n1:name=systemd:/x\n");
	_cleanup_free_ char *p = NULL;

	assert_int_equal(cgroup_read_path(fd, &p), -EINVAL);
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needed_per_limit),
		cmocka_unit_test(test_controllers_in_list),
		cmocka_unit_test(test_dir_of_path),
		cmocka_unit_test(test_read_path_v2_line),
		cmocka_unit_test(test_read_path_v1_only_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
