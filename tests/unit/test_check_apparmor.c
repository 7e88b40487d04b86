/* SPDX-License-Identifier: MIT */
/* sbx --check's apparmor line: what it says for each value of
 * kernel.apparmor_restrict_unprivileged_userns, read from a file the test writes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check/check_items.h"

/* The line check_apparmor_at() prints for a sysctl file holding content (NULL: no such
 * file), and its state. */
static enum check_state line_for(const char *content, bool userns_ok, char **line)
{
	char path[] = "/tmp/sbx-test-aa-XXXXXX";
	size_t size;
	FILE *out = open_memstream(line, &size);
	int fd = mkstemp(path);
	enum check_state st;

	assert_non_null(out);
	assert_true(fd >= 0);
	if (content)
		assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	if (!content)
		unlink(path);
	st = check_apparmor_at(out, path, userns_ok);
	fclose(out);
	if (content)
		unlink(path);
	return st;
}

static void test_absent_is_ok(void **state)
{
	char *line = NULL;

	assert_int_equal(line_for(NULL, true, &line), CHECK_OK);
	assert_string_equal(line, "ok      apparmor: no AppArmor restriction of user namespaces "
				  "on this kernel\n");
	free(line);
}

static void test_zero_is_ok(void **state)
{
	char *line = NULL;

	assert_int_equal(line_for("0\n", false, &line), CHECK_OK);
	assert_non_null(strstr(line, "ok      apparmor: "
				     "kernel.apparmor_restrict_unprivileged_userns=0"));
	assert_null(strstr(line, "; fix: "));
	free(line);
}

static void test_restricted_with_profile_is_ok(void **state)
{
	char *line = NULL;

	assert_int_equal(line_for("1\n", true, &line), CHECK_OK);
	assert_non_null(strstr(line, "ok      apparmor: "
				     "kernel.apparmor_restrict_unprivileged_userns=1, and a "
				     "profile allows"));
	free(line);
}

static void test_restricted_without_profile_says_the_fix(void **state)
{
	char *line = NULL;

	assert_int_equal(line_for("1\n", false, &line), CHECK_MISSING);
	assert_non_null(strstr(line, "missing apparmor: user namespaces are restricted by "
				     "AppArmor (kernel.apparmor_restrict_unprivileged_userns=1)"));
	assert_non_null(strstr(line, "; fix: "));
	assert_non_null(strstr(line, "`sudo apparmor_parser -r /etc/apparmor.d/sbx`"));
	assert_non_null(strstr(line, "`make install`"));
	free(line);
}

static void test_garbage_is_a_warning(void **state)
{
	char *line = NULL;

	assert_int_equal(line_for("yes\n", true, &line), CHECK_WARN);
	assert_non_null(strstr(line, "warn    apparmor: cannot read "));
	assert_non_null(strstr(line, "; fix: "));
	free(line);
}

static void test_read_number(void **state)
{
	char path[] = "/tmp/sbx-test-num-XXXXXX";
	int fd = mkstemp(path);
	long v = -1;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "42\n", 3), 3);
	close(fd);
	assert_int_equal(check_read_number(path, &v), 0);
	assert_int_equal(v, 42);
	unlink(path);
	assert_int_equal(check_read_number(path, &v), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_is_ok),
		cmocka_unit_test(test_zero_is_ok),
		cmocka_unit_test(test_restricted_with_profile_is_ok),
		cmocka_unit_test(test_restricted_without_profile_says_the_fix),
		cmocka_unit_test(test_garbage_is_a_warning),
		cmocka_unit_test(test_read_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
