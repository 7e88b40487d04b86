/* SPDX-License-Identifier: MIT */
/* cwd_rule: which working directories the default profile shares (DESIGN.md section 1),
 * from paths and owners alone, and path_find_symlink on a real tree. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cwdrule.h"
#include "base/util.h"

#define ME 1000
#define HOME "/home/me"
#define RUNTIME "/run/user/1000"

/* The verdict for CWD owned by the caller, with no symlink on the way. */
static enum cwd_verdict verdict(const char *cwd)
{
	struct cwd_facts f = { .cwd = cwd,
			       .home = HOME,
			       .runtime_dir = RUNTIME,
			       .caller = ME,
			       .owner = ME };
	return cwd_rule(&f);
}

static void test_project_dirs_are_shared(void **state)
{
	(void)state;
	assert_int_equal(verdict(HOME "/src/proj"), CWD_SHARE);
	assert_int_equal(verdict(HOME "/proj"), CWD_SHARE);
	/* A dot inside a name, or below a normal directory, is not a dot-directory of $HOME. */
	assert_int_equal(verdict(HOME "/proj/.git"), CWD_SHARE);
	assert_int_equal(verdict(HOME "/my.proj"), CWD_SHARE);
	/* $HOME's name as a prefix of another directory's is not $HOME. */
	assert_int_equal(verdict("/home/meadow"), CWD_SHARE);
	assert_int_equal(verdict("/srv/me/proj"), CWD_SHARE);
	/* Subdirectories of the shared temporary directories, when the caller's own. */
	assert_int_equal(verdict("/tmp/build"), CWD_SHARE);
	assert_int_equal(verdict("/var/tmp/build"), CWD_SHARE);
	assert_int_equal(verdict("/dev/shm/work"), CWD_SHARE);
}

static void test_home_and_around_it_are_refused(void **state)
{
	(void)state;
	assert_int_equal(verdict("/"), CWD_ROOT);
	assert_int_equal(verdict(HOME), CWD_HOME);
	assert_int_equal(verdict("/home"), CWD_HOME_ANCESTOR);
	assert_int_equal(verdict(HOME "/.ssh"), CWD_HOME_DOTDIR);
	assert_int_equal(verdict(HOME "/.config"), CWD_HOME_DOTDIR);
	assert_int_equal(verdict(HOME "/.config/sbx/profiles"), CWD_HOME_DOTDIR);
	assert_int_equal(verdict(HOME "/.local/bin"), CWD_HOME_DOTDIR);
}

static void test_sockets_and_shared_dirs_are_refused(void **state)
{
	(void)state;
	assert_int_equal(verdict("/tmp"), CWD_SHARED_TMP);
	assert_int_equal(verdict("/var/tmp"), CWD_SHARED_TMP);
	assert_int_equal(verdict("/dev/shm"), CWD_SHARED_TMP);
	assert_int_equal(verdict(RUNTIME), CWD_RUNTIME_DIR);
	assert_int_equal(verdict(RUNTIME "/app"), CWD_RUNTIME_DIR);
	assert_int_equal(verdict("/run/user"), CWD_RUNTIME_DIR);
	assert_int_equal(verdict("/run"), CWD_RUNTIME_DIR);
	assert_int_equal(verdict("/run/lock/mine"), CWD_RUN);
	assert_int_equal(verdict("/proc/self"), CWD_KERNEL_FS);
	assert_int_equal(verdict("/sys"), CWD_KERNEL_FS);
	assert_int_equal(verdict("/dev/pts"), CWD_KERNEL_FS);
}

static void test_runtime_dir_elsewhere(void **state)
{
	struct cwd_facts f = { .cwd = "/tmp/rt",
			       .home = HOME,
			       .runtime_dir = "/tmp/rt",
			       .caller = ME,
			       .owner = ME };

	(void)state;
	/* A fake or unusual $XDG_RUNTIME_DIR counts wherever it is; /run counts without it. */
	assert_int_equal(cwd_rule(&f), CWD_RUNTIME_DIR);
	f.cwd = "/tmp/rt/bus-dir";
	assert_int_equal(cwd_rule(&f), CWD_RUNTIME_DIR);
	f.runtime_dir = NULL;
	f.cwd = "/run/user/1000";
	assert_int_equal(cwd_rule(&f), CWD_RUN);
}

static void test_owner_and_symlink(void **state)
{
	struct cwd_facts f = { .cwd = HOME "/proj",
			       .home = HOME,
			       .runtime_dir = RUNTIME,
			       .caller = ME,
			       .owner = 0 };
	char why[256];

	(void)state;
	assert_int_equal(cwd_rule(&f), CWD_NOT_OWNED);
	f.cwd = "/srv/other/proj";
	assert_int_equal(cwd_rule(&f), CWD_NOT_OWNED);
	cwd_rule_reason(CWD_NOT_OWNED, &f, why, sizeof(why));
	assert_string_equal(why, "it belongs to uid 0, not to you (uid 1000)");
	f.owner = ME;
	f.cwd = HOME "/other-proj";
	f.link = "/tmp/build/out";
	f.link_target = HOME "/other-proj";
	assert_int_equal(cwd_rule(&f), CWD_SYMLINK);
	cwd_rule_reason(CWD_SYMLINK, &f, why, sizeof(why));
	assert_string_equal(why, "$PWD reaches it through the symlink /tmp/build/out -> " HOME
				 "/other-proj");
}

static void test_system_dirs_even_for_root(void **state)
{
	struct cwd_facts f = { .home = "/root", .caller = 0, .owner = 0 };
	static const char *const refused[] = {
		"/usr",		"/usr/share/doc", "/etc",   "/var",
		"/var/lib/app", "/boot",	  "/opt/x", "/lib64"
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
		f.cwd = refused[i];
		assert_int_equal(cwd_rule(&f), CWD_SYSTEM);
	}
	/* root's own projects, and below /var/tmp, are shared like anyone's. */
	f.cwd = "/root/proj";
	assert_int_equal(cwd_rule(&f), CWD_SHARE);
	f.cwd = "/var/tmp/build";
	assert_int_equal(cwd_rule(&f), CWD_SHARE);
	f.cwd = "/srv/site";
	assert_int_equal(cwd_rule(&f), CWD_SHARE);
	/* A prefix of a name is not the directory. */
	f.cwd = "/usrlocal";
	assert_int_equal(cwd_rule(&f), CWD_SHARE);
}

static void test_without_home(void **state)
{
	struct cwd_facts f = { .cwd = "/home/x", .caller = ME, .owner = ME };

	(void)state;
	/* No $HOME: only the fixed rules apply. */
	assert_int_equal(cwd_rule(&f), CWD_SHARE);
	f.cwd = "/tmp";
	assert_int_equal(cwd_rule(&f), CWD_SHARED_TMP);
}

static void test_reasons(void **state)
{
	struct cwd_facts f = { .home = HOME, .runtime_dir = RUNTIME, .caller = ME, .owner = ME };
	char why[256];

	(void)state;
	f.cwd = HOME "/.config/sbx";
	cwd_rule_reason(cwd_rule(&f), &f, why, sizeof(why));
	assert_string_equal(why, "it lies in the dot-directory ~/.config of $HOME");
	f.cwd = HOME "/.ssh";
	cwd_rule_reason(cwd_rule(&f), &f, why, sizeof(why));
	assert_string_equal(why, "it is the dot-directory ~/.ssh of $HOME");
	f.cwd = "/home";
	cwd_rule_reason(cwd_rule(&f), &f, why, sizeof(why));
	assert_string_equal(why, "it contains $HOME (" HOME ")");
	f.cwd = "/tmp";
	cwd_rule_reason(cwd_rule(&f), &f, why, sizeof(why));
	assert_string_equal(why, "it is /tmp itself, open to every user and program");
	f.cwd = RUNTIME;
	cwd_rule_reason(cwd_rule(&f), &f, why, sizeof(why));
	assert_string_equal(why, "it is $XDG_RUNTIME_DIR (" RUNTIME
				 "), where the session's sockets are");
}

static void test_find_symlink(void **state)
{
	char dir[] = "/tmp/sbx-unit-cwdrule.XXXXXX";
	char *link = NULL, *target = NULL;
	char cwd[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("real", 0700), 0);
	assert_int_equal(mkdir("real/sub", 0700), 0);
	assert_int_equal(symlink("real", "build"), 0);

	assert_int_equal(path_find_symlink("real/sub", &link, &target), 0);
	assert_int_equal(path_find_symlink("missing/x", &link, &target), 0);
	assert_int_equal(path_find_symlink("", &link, &target), 0);
	assert_int_equal(path_find_symlink("build/sub", &link, &target), 1);
	assert_string_equal(link, "build");
	assert_string_equal(target, "real");
	free(link);
	free(target);
	assert_int_equal(path_find_symlink("./build", &link, &target), 1);
	assert_string_equal(link, "./build");
	free(link);
	free(target);

	assert_int_equal(unlink("build"), 0);
	assert_int_equal(rmdir("real/sub"), 0);
	assert_int_equal(rmdir("real"), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_project_dirs_are_shared),
		cmocka_unit_test(test_home_and_around_it_are_refused),
		cmocka_unit_test(test_sockets_and_shared_dirs_are_refused),
		cmocka_unit_test(test_runtime_dir_elsewhere),
		cmocka_unit_test(test_owner_and_symlink),
		cmocka_unit_test(test_system_dirs_even_for_root),
		cmocka_unit_test(test_without_home),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_find_symlink),
	};

	return cmocka_run_group_tests_name("cwdrule", tests, NULL, NULL);
}
