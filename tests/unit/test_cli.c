/* SPDX-License-Identifier: MIT */
/* cli_parse on argv arrays: the default sandbox, bubblewrap's vocabulary layered on the
 * profile in the order given, and the messages of rejected command lines. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "base/config.h"
#include "base/log.h"
#include "cli/profile.h"
#include "base/util.h"

#define TEST_HOME "/home/sbx-unit-test"
/* Not an action: cli_parse must set one. */
#define ACTION_UNSET ((enum cli_action)99)
#define ALL_NS                                                                                     \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | \
	 CLONE_NEWCGROUP)

struct fixture {
	struct sbx_config c;
	enum cli_action action;
	char cwd[4096];
	char back[4096];
};

static int setup(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	/* What the default profile reads: $HOME and the cwd. */
	setenv("HOME", TEST_HOME, 1);
	setenv("SBX_UNIT_VAR", "from-host", 1);
	/* Profiles: only the built-in ones (and /etc/sbx/profiles, if the host has any). */
	setenv("XDG_CONFIG_HOME", "/nonexistent/sbx-unit-test", 1);
	setenv("SHELL", "/bin/unit-test-shell", 1);
	unsetenv("container");
	/* The cwd: a directory of the caller's own, which the default profile shares. */
	if (!getcwd(f->back, sizeof(f->back)))
		return -1;
	snprintf(f->cwd, sizeof(f->cwd), "/tmp/sbx-unit-cli.XXXXXX");
	if (!mkdtemp(f->cwd) || chdir(f->cwd) < 0)
		return -1;
	setenv("PWD", f->cwd, 1);
	config_init(&f->c);
	f->action = ACTION_UNSET;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_free(&f->c);
	if (chdir(f->back) < 0 || rmdir(f->cwd) < 0)
		return -1;
	free(f);
	return 0;
}

/* parse_as(f, ARGV0, ARGS...): cli_parse on { ARGV0, ARGS..., NULL }, into a fresh config. */
#define parse_as(f, argv0, ...)                                                      \
	({                                                                           \
		char *_argv[] = { (argv0), ##__VA_ARGS__, NULL };                    \
		config_free(&(f)->c);                                                \
		config_init(&(f)->c);                                                \
		(f)->action = ACTION_UNSET;                                          \
		sbx_errx("(no message)");                                            \
		cli_parse((int)ELEMENTSOF(_argv) - 1, _argv, &(f)->c, &(f)->action); \
	})
#define parse(f, ...) parse_as(f, "sbx", ##__VA_ARGS__)

static void assert_parses(int r)
{
	if (r != 0)
		fail_msg("cli_parse failed (%d): %s", r, sbx_errmsg());
}

/* The command line was rejected and the message contains want. */
static void assert_rejected(int r, const char *want)
{
	if (r >= 0)
		fail_msg("cli_parse accepted a command line that should fail with \"%s\"", want);
	assert_int_equal(r, -EINVAL);
	if (!strstr(sbx_errmsg(), want))
		fail_msg("error message \"%s\" should contain \"%s\"", sbx_errmsg(), want);
}

static ssize_t find_op(const struct sbx_config *c, enum sbx_op_type type, const char *dest)
{
	for (size_t i = 0; i < c->n_ops; i++)
		if (c->ops[i].type == type && c->ops[i].dest && streq(c->ops[i].dest, dest))
			return (ssize_t)i;
	return -1;
}

static const struct sbx_op *must_find_op(const struct sbx_config *c, enum sbx_op_type type,
					 const char *dest)
{
	ssize_t i = find_op(c, type, dest);

	if (i < 0)
		fail_msg("no op of type %d on %s among %zu ops", (int)type, dest, c->n_ops);
	return &c->ops[i];
}

static size_t count_ops(const struct sbx_config *c, enum sbx_op_type type, const char *dest)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_ops; i++)
		n += c->ops[i].type == type && c->ops[i].dest && streq(c->ops[i].dest, dest);
	return n;
}

static bool env_has(const struct sbx_config *c, const char *kv)
{
	for (size_t i = 0; c->env && c->env[i]; i++)
		if (streq(c->env[i], kv))
			return true;
	return false;
}

static size_t env_count(const struct sbx_config *c, const char *name)
{
	size_t n = 0, len = strlen(name);

	for (size_t i = 0; c->env && c->env[i]; i++)
		if (strncmp(c->env[i], name, len) == 0 && c->env[i][len] == '=')
			n++;
	return n;
}

/* How many ops the default profile lays down on this host (it depends on /lib32 & co). */
static size_t profile_op_count(void)
{
	struct fixture g = { 0 };
	char *argv[] = { "sbx", NULL };
	size_t n;

	config_init(&g.c);
	assert_int_equal(cli_parse(1, argv, &g.c, &g.action), 0);
	n = g.c.n_ops;
	config_free(&g.c);
	return n;
}

/* ---- the default sandbox ------------------------------------------------------------- */

static void test_default_command_is_sh(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f));
	assert_int_equal(f->action, CLI_RUN);
	assert_int_equal(strv_length(f->c.argv), 1);
	assert_string_equal(f->c.argv[0], "/bin/sh");
	assert_null(f->c.argv0);
	assert_false(f->c.bare);
}

static void test_default_namespaces(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f));
	assert_int_equal(f->c.clone_flags & ALL_NS, ALL_NS);
	assert_int_equal(f->c.net, NET_NONE);
	assert_non_null(f->c.hostname);
	assert_string_equal(f->c.hostname, "sbx");
	assert_int_equal(f->c.uid, getuid());
	assert_int_equal(f->c.gid, getgid());
}

static void test_default_environment(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f));
	assert_true(env_has(&f->c, "container=sbx"));
	assert_int_equal(env_count(&f->c, "container"), 1);
	assert_true(env_has(&f->c, "SBX_UNIT_VAR=from-host"));
	assert_true(env_has(&f->c, "HOME=" TEST_HOME));
}

static void test_default_profile_ops(void **state)
{
	struct fixture *f = *state;
	const struct sbx_op *op;

	assert_parses(parse(f));
	must_find_op(&f->c, OP_PROC, "/proc");
	must_find_op(&f->c, OP_DEV, "/dev");
	must_find_op(&f->c, OP_SYSFS, "/sys");
	op = must_find_op(&f->c, OP_TMPFS, "/tmp");
	assert_true(op->has_perms);
	assert_int_equal(op->perms, 01777);
	must_find_op(&f->c, OP_TMPFS, "/run");
	op = must_find_op(&f->c, OP_TMPFS, TEST_HOME);
	assert_true(op->has_perms);
	assert_int_equal(op->perms, 0700);
	/* /usr is a real directory on every supported host: bound read-only. */
	op = must_find_op(&f->c, OP_BIND, "/usr");
	assert_string_equal(op->src, "/usr");
	assert_true(op->flags & BIND_READONLY);
	/* The cwd: the one writable host path, at the same place. */
	op = must_find_op(&f->c, OP_BIND, f->cwd);
	assert_string_equal(op->src, f->cwd);
	assert_false(op->flags & BIND_READONLY);
	assert_string_equal(f->c.cwd, f->cwd);
	assert_int_equal(count_ops(&f->c, OP_PROC, "/proc"), 1);
	assert_int_equal(count_ops(&f->c, OP_BIND, f->cwd), 1);
}

/* A fresh directory of the caller's own, under a fresh $HOME: TMP/home and TMP/home/proj. */
struct cwd_tree {
	char top[40];
	char home[64];
	char proj[80];
	char dotdir[80];
};

static void cwd_tree_make(struct cwd_tree *t)
{
	snprintf(t->top, sizeof(t->top), "/tmp/sbx-unit-cwd.XXXXXX");
	assert_non_null(mkdtemp(t->top));
	snprintf(t->home, sizeof(t->home), "%s/home", t->top);
	snprintf(t->proj, sizeof(t->proj), "%s/proj", t->home);
	snprintf(t->dotdir, sizeof(t->dotdir), "%s/.config", t->home);
	assert_int_equal(mkdir(t->home, 0700), 0);
	assert_int_equal(mkdir(t->proj, 0700), 0);
	assert_int_equal(mkdir(t->dotdir, 0700), 0);
	setenv("HOME", t->home, 1);
}

static void cwd_tree_remove(struct cwd_tree *t, const char *back)
{
	assert_int_equal(chdir(back), 0);
	setenv("PWD", back, 1);
	setenv("HOME", TEST_HOME, 1);
	rmdir(t->proj);
	rmdir(t->dotdir);
	rmdir(t->home);
	rmdir(t->top);
}

/* parse_in(f, DIR, ARGS...): parse with DIR as the cwd (and $PWD). */
#define parse_in(f, dir, ...)                         \
	({                                            \
		int _r;                               \
		assert_int_equal(chdir(dir), 0);      \
		setenv("PWD", (dir), 1);              \
		_r = parse(f, ##__VA_ARGS__);         \
		assert_int_equal(chdir((f)->cwd), 0); \
		setenv("PWD", (f)->cwd, 1);           \
		_r;                                   \
	})

static void test_default_cwd_rule(void **state)
{
	struct fixture *f = *state;
	struct cwd_tree t;

	cwd_tree_make(&t);
	/* A project below $HOME: shared read-write. */
	assert_parses(parse_in(f, t.proj));
	/* Bound from the directory sbx runs in, not from its path. */
	assert_true(must_find_op(&f->c, OP_BIND, t.proj)->flags & BIND_CWD);
	assert_false(f->c.cwd_refused);
	/* $HOME, an ancestor of it, a dot-directory of it: not shared; started in $HOME. */
	assert_parses(parse_in(f, t.home));
	assert_true(find_op(&f->c, OP_BIND, t.home) < 0);
	assert_true(f->c.cwd_refused);
	assert_parses(parse_in(f, t.top));
	assert_true(find_op(&f->c, OP_BIND, t.top) < 0);
	assert_true(f->c.cwd_refused);
	assert_parses(parse_in(f, t.dotdir));
	assert_true(find_op(&f->c, OP_BIND, t.dotdir) < 0);
	assert_true(f->c.cwd_refused);
	/* --bind-cwd on the command line shares it anyway, once. */
	assert_parses(parse_in(f, t.home, "--bind-cwd"));
	assert_int_equal(count_ops(&f->c, OP_BIND, t.home), 1);
	assert_false(f->c.cwd_refused);
	/* So does a bind of it by hand; --bare binds nothing by itself. */
	assert_parses(parse_in(f, t.home, "--bind", t.home, t.home));
	assert_false(f->c.cwd_refused);
	assert_parses(parse_in(f, t.proj, "--bare", "true"));
	assert_true(find_op(&f->c, OP_BIND, t.proj) < 0);
	assert_false(f->c.cwd_refused);
	/* /tmp itself: refused. */
	assert_parses(parse_in(f, "/tmp"));
	assert_true(find_op(&f->c, OP_BIND, "/tmp") < 0);
	assert_true(f->c.cwd_refused);
	cwd_tree_remove(&t, f->cwd);
}

/* A profile planted in the user's directory under a built-in name is read only when asked
 * for with --profile NAME; -v and --dry-run name the file read. */
static void test_user_profile_shadowing_builtin(void **state)
{
	struct fixture *f = *state;
	struct cwd_tree t;
	char dir[128], path[160];
	FILE *pf;

	cwd_tree_make(&t);
	snprintf(dir, sizeof(dir), "%s/sbx", t.dotdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/sbx/profiles", t.dotdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/default.profile", dir);
	assert_non_null(pf = fopen(path, "w"));
	fprintf(pf, "seccomp none\nbind %s %s\n", t.home, t.home);
	fclose(pf);
	setenv("XDG_CONFIG_HOME", t.dotdir, 1);

	/* Plain sbx, and the built-in profiles that include default: the built-in one. */
	assert_parses(parse_in(f, t.proj));
	assert_false(f->c.seccomp_disabled);
	assert_true(find_op(&f->c, OP_BIND, t.home) < 0);
	assert_non_null(f->c.profiles_used);
	assert_non_null(strstr(f->c.profiles_used[0], "built-in profile default (not "));
	assert_parses(parse_in(f, t.proj, "--profile", "build"));
	assert_false(f->c.seccomp_disabled);
	/* Asked for by name: the user's. */
	assert_parses(parse_in(f, t.proj, "--profile", "default"));
	assert_true(f->c.seccomp_disabled);
	assert_string_equal(f->c.profiles_used[0], path);

	setenv("XDG_CONFIG_HOME", "/nonexistent/sbx-unit-test", 1);
	unlink(path);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/sbx", t.dotdir);
	rmdir(dir);
	cwd_tree_remove(&t, f->cwd);
}

static void test_default_root_cwd_not_bound(void **state)
{
	struct fixture *f = *state;
	int r;

	/* "/" would hand the whole host over, writable. */
	assert_int_equal(chdir("/"), 0);
	r = parse(f);
	assert_int_equal(chdir(f->cwd), 0);
	assert_parses(r);
	assert_string_equal(f->c.cwd, "/");
	assert_true(find_op(&f->c, OP_BIND, "/") < 0);
}

/* ---- user mount options: on top of the profile, in the order given ------------------- */

static void test_user_ops_follow_profile_in_order(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();
	const struct sbx_op *ops;

	assert_parses(parse(f, "--bind", "/a", "/b", "--tmpfs", "/x", "--symlink", "t", "/l"));
	assert_int_equal(f->c.n_ops, base + 3);
	ops = &f->c.ops[base];
	assert_int_equal(ops[0].type, OP_BIND);
	assert_string_equal(ops[0].src, "/a");
	assert_string_equal(ops[0].dest, "/b");
	assert_int_equal(ops[0].flags, 0);
	assert_int_equal(ops[1].type, OP_TMPFS);
	assert_string_equal(ops[1].dest, "/x");
	assert_false(ops[1].has_perms);
	assert_int_equal(ops[1].size, 0);
	assert_int_equal(ops[2].type, OP_SYMLINK);
	assert_string_equal(ops[2].src, "t");
	assert_string_equal(ops[2].dest, "/l");
	/* The profile is still first. */
	assert_true(find_op(&f->c, OP_PROC, "/proc") < (ssize_t)base);
}

static void test_bind_flags(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();
	const struct sbx_op *ops;

	assert_parses(parse(f, "--bind", "s1", "/d1", "--bind-try", "s2", "/d2", "--ro-bind", "s3",
			    "/d3", "--ro-bind-try", "s4", "/d4", "--dev-bind", "s5", "/d5",
			    "--dev-bind-try", "s6", "/d6"));
	assert_int_equal(f->c.n_ops, base + 6);
	ops = &f->c.ops[base];
	for (int i = 0; i < 6; i++)
		assert_int_equal(ops[i].type, OP_BIND);
	assert_int_equal(ops[0].flags, 0);
	assert_int_equal(ops[1].flags, BIND_TRY);
	assert_int_equal(ops[2].flags, BIND_READONLY);
	assert_int_equal(ops[3].flags, BIND_READONLY | BIND_TRY);
	assert_int_equal(ops[4].flags, BIND_DEVICES);
	assert_int_equal(ops[5].flags, BIND_DEVICES | BIND_TRY);
	assert_string_equal(ops[3].src, "s4");
	assert_string_equal(ops[5].dest, "/d6");
}

static void test_dest_ops(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();
	const struct sbx_op *ops;

	assert_parses(parse(f, "--remount-ro", "/r", "--proc", "/p", "--dev", "/dv", "--mqueue",
			    "/mq", "--dir", "/dd", "--chmod", "0700", "/dd", "--file", "5", "/f",
			    "--bind-data", "6", "/bd", "--ro-bind-data", "7", "/rbd"));
	assert_int_equal(f->c.n_ops, base + 9);
	ops = &f->c.ops[base];
	assert_int_equal(ops[0].type, OP_REMOUNT_RO);
	assert_int_equal(ops[1].type, OP_PROC);
	assert_string_equal(ops[1].dest, "/p");
	assert_int_equal(ops[2].type, OP_DEV);
	assert_int_equal(ops[3].type, OP_MQUEUE);
	assert_int_equal(ops[4].type, OP_DIR);
	assert_int_equal(ops[5].type, OP_CHMOD);
	assert_true(ops[5].has_perms);
	assert_int_equal(ops[5].perms, 0700);
	assert_int_equal(ops[6].type, OP_FILE);
	assert_int_equal(ops[6].fd, 5);
	assert_int_equal(ops[7].type, OP_BIND_DATA);
	assert_int_equal(ops[7].fd, 6);
	assert_false(ops[7].flags & BIND_READONLY);
	assert_int_equal(ops[8].type, OP_BIND_DATA);
	assert_int_equal(ops[8].fd, 7);
	assert_true(ops[8].flags & BIND_READONLY);
}

static void test_bind_fd(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();

	assert_parses(parse(f, "--bind-fd", "4", "/w", "--ro-bind-fd", "5", "/r"));
	assert_int_equal(f->c.n_ops, base + 2);
	assert_int_equal(f->c.ops[base].type, OP_BIND_FD);
	assert_int_equal(f->c.ops[base].fd, 4);
	assert_false(f->c.ops[base].flags & BIND_READONLY);
	assert_int_equal(f->c.ops[base + 1].fd, 5);
	assert_true(f->c.ops[base + 1].flags & BIND_READONLY);
}

static void test_empty_destination_rejected(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--tmpfs", ""), "--tmpfs");
}

/* ---- --perms and --size -------------------------------------------------------------- */

static void test_perms_and_size_attach_to_next_op(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();
	const struct sbx_op *ops;

	assert_parses(parse(f, "--perms", "0700", "--tmpfs", "/a", "--tmpfs", "/b", "--size", "1M",
			    "--tmpfs", "/c", "--perms", "755", "--dir", "/d", "--perms", "0600",
			    "--size", "2K", "--tmpfs", "/e"));
	assert_int_equal(f->c.n_ops, base + 5);
	ops = &f->c.ops[base];
	assert_true(ops[0].has_perms);
	assert_int_equal(ops[0].perms, 0700);
	assert_int_equal(ops[0].size, 0);
	/* Consumed by /a: nothing left for /b. */
	assert_false(ops[1].has_perms);
	assert_int_equal(ops[1].size, 0);
	assert_false(ops[2].has_perms);
	assert_int_equal(ops[2].size, 1 << 20);
	assert_int_equal(ops[3].type, OP_DIR);
	assert_true(ops[3].has_perms);
	assert_int_equal(ops[3].perms, 0755);
	assert_true(ops[4].has_perms);
	assert_int_equal(ops[4].perms, 0600);
	assert_int_equal(ops[4].size, 2048);
}

static void test_perms_for_file_ops(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();

	assert_parses(parse(f, "--perms", "0640", "--file", "3", "/f", "--perms", "0444",
			    "--ro-bind-data", "4", "/g"));
	assert_int_equal(f->c.ops[base].perms, 0640);
	assert_true(f->c.ops[base].has_perms);
	assert_int_equal(f->c.ops[base + 1].perms, 0444);
	assert_true(f->c.ops[base + 1].has_perms);
}

static void test_perms_rejected_without_target(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--perms", "0755", "--bind", "/a", "/b"), "--perms");
	assert_rejected(parse(f, "--perms", "0755", "--symlink", "a", "/b"), "--perms");
	assert_rejected(parse(f, "--perms", "0755", "--proc", "/proc"), "--perms");
	assert_rejected(parse(f, "--perms", "0755"), "--perms");
	assert_rejected(parse(f, "--perms", "0755", "--", "true"), "--perms");
	assert_rejected(parse(f, "--perms", "0799", "--dir", "/d"), "0799");
}

static void test_size_rejected_without_tmpfs(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--size", "1M", "--dir", "/d"), "--size");
	assert_rejected(parse(f, "--size", "1M", "--bind", "/a", "/b"), "--size");
	assert_rejected(parse(f, "--size", "1M"), "--size");
	assert_rejected(parse(f, "--size", "0", "--tmpfs", "/t"), "--size");
	assert_rejected(parse(f, "--size", "5Q", "--tmpfs", "/t"), "5Q");
}

/* ---- network ------------------------------------------------------------------------- */

static void test_share_net_forms(void **state)
{
	static const char *const forms[][2] = {
		{ "--share-net", NULL },
		{ "--net=host", NULL },
		{ "--net", "host" },
	};

	for (size_t i = 0; i < ELEMENTSOF(forms); i++) {
		struct fixture *f = *state;
		char *argv[] = { "sbx", (char *)forms[i][0], (char *)forms[i][1], NULL };
		int argc = forms[i][1] ? 3 : 2;

		config_free(&f->c);
		config_init(&f->c);
		assert_parses(cli_parse(argc, argv, &f->c, &f->action));
		assert_int_equal(f->c.clone_flags & CLONE_NEWNET, 0);
		assert_int_equal(f->c.net, NET_HOST);
		/* Everything else stays unshared. */
		assert_int_equal(f->c.clone_flags & ALL_NS, ALL_NS & ~CLONE_NEWNET);
	}
}

static void test_net_none(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--net=none"));
	assert_int_equal(f->c.clone_flags & CLONE_NEWNET, CLONE_NEWNET);
	assert_int_equal(f->c.net, NET_NONE);
}

static void test_net_last_one_wins(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--share-net", "--net", "none"));
	assert_int_equal(f->c.net, NET_NONE);
	assert_int_equal(f->c.clone_flags & CLONE_NEWNET, CLONE_NEWNET);
	assert_parses(parse(f, "--net=none", "--share-net"));
	assert_int_equal(f->c.net, NET_HOST);
	assert_int_equal(f->c.clone_flags & CLONE_NEWNET, 0);
}

static void test_fallback_modes(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "true"));
	assert_int_equal(f->c.fallback, SBX_FALLBACK_NONE);
	assert_parses(parse(f, "--fallback=landlock", "true"));
	assert_int_equal(f->c.fallback, SBX_FALLBACK_LANDLOCK);
	assert_parses(parse(f, "--fallback=landlock", "--fallback", "none", "true"));
	assert_int_equal(f->c.fallback, SBX_FALLBACK_NONE);
	assert_rejected(parse(f, "--fallback=bwrap", "true"), "expected none or landlock");
	/* Landlock is all that confines the command there; in either order. */
	assert_rejected(parse(f, "--fallback=landlock", "--landlock=off", "true"),
			"--landlock=off");
	assert_rejected(parse(f, "--landlock=off", "--fallback=landlock", "true"),
			"--landlock=off");
	assert_rejected(parse(f, "--fallback=landlock", "--name", "fb", "true"), "--name");
}

static void test_net_bogus_rejected(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--net=bogus"), "bogus");
	assert_rejected(parse(f, "--net=bogus"), "--net");
	assert_rejected(parse(f, "--net", "bogus"), "bogus");
	assert_rejected(parse(f, "--net="), "--net");
}

/* ---- --bare and bwrap ---------------------------------------------------------------- */

static void test_bare(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--bare"));
	assert_true(f->c.bare);
	assert_int_equal(f->c.clone_flags, CLONE_NEWUSER | CLONE_NEWNS);
	assert_int_equal(f->c.n_ops, 0);
	assert_int_equal(f->c.net, NET_HOST);
	assert_null(f->c.hostname);
	assert_false(env_has(&f->c, "container=sbx"));
	assert_string_equal(f->c.argv[0], "/bin/sh");
}

/* The default filter refuses nested user namespaces and sbx's terminal rules apply unless
 * asked otherwise. */
static void test_filter_choices(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f));
	assert_false(f->c.allow_userns);
	assert_false(f->c.allow_tiocsti);
	assert_parses(parse(f, "--allow-userns", "--allow-tiocsti", "--seccomp", "none"));
	assert_true(f->c.allow_userns);
	assert_true(f->c.allow_tiocsti);
	assert_true(f->c.seccomp_disabled);
}

static void test_bare_ops_are_only_the_users(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--bare", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
			    "true"));
	assert_int_equal(f->c.n_ops, 3);
	assert_int_equal(f->c.ops[0].type, OP_BIND);
	assert_int_equal(f->c.ops[0].flags, BIND_READONLY);
	assert_int_equal(f->c.ops[1].type, OP_PROC);
	assert_int_equal(f->c.ops[2].type, OP_DEV);
	assert_int_equal(strv_length(f->c.argv), 1);
	assert_string_equal(f->c.argv[0], "true");
}

static void test_invoked_as_bwrap_is_bare(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse_as(f, "bwrap", "--ro-bind", "/", "/", "true"));
	assert_true(f->c.bare);
	assert_int_equal(f->c.clone_flags, CLONE_NEWUSER | CLONE_NEWNS);
	assert_int_equal(f->c.n_ops, 1);
	assert_parses(parse_as(f, "/usr/local/bin/bwrap"));
	assert_true(f->c.bare);
	assert_int_equal(f->c.n_ops, 0);
	/* Only the name bwrap, not a name containing it. */
	assert_parses(parse_as(f, "/usr/bin/bwrap-not"));
	assert_false(f->c.bare);
}

static void test_bare_unshare_all(void **state)
{
	struct fixture *f = *state;
	unsigned long want = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;

	assert_parses(parse(f, "--bare", "--unshare-all"));
	assert_int_equal(f->c.clone_flags & want, want);
	assert_int_equal(f->c.clone_flags & (CLONE_NEWUSER | CLONE_NEWNS),
			 CLONE_NEWUSER | CLONE_NEWNS);
	assert_int_equal(f->c.net, NET_NONE);
	assert_int_equal(f->c.n_ops, 0);
	/* bubblewrap's --unshare-all: cgroup only "if possible". */
	assert_true(f->c.unshare_cgroup_try);
}

static void test_bare_single_unshares(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--bare", "--unshare-pid", "--unshare-uts"));
	assert_int_equal(f->c.clone_flags,
			 CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS);
	assert_parses(parse(f, "--bare", "--unshare-all", "--share-net"));
	assert_int_equal(f->c.clone_flags & CLONE_NEWNET, 0);
	assert_int_equal(f->c.clone_flags & CLONE_NEWPID, CLONE_NEWPID);
	assert_int_equal(f->c.net, NET_HOST);
}

static void test_bare_hostname_needs_uts(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--bare", "--hostname", "h"), "--unshare-uts");
	assert_parses(parse(f, "--bare", "--unshare-uts", "--hostname", "h"));
	assert_string_equal(f->c.hostname, "h");
}

/* ---- identity ------------------------------------------------------------------------ */

static void test_uid_gid_root(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--uid", "1234", "--gid", "5678"));
	assert_int_equal(f->c.uid, 1234);
	assert_int_equal(f->c.gid, 5678);
	assert_int_equal(f->c.caller_uid, getuid());
	assert_parses(parse(f, "--uid", "1234", "--root"));
	assert_int_equal(f->c.uid, 0);
	assert_int_equal(f->c.gid, 0);
	assert_parses(parse(f, "--root", "--gid", "7"));
	assert_int_equal(f->c.uid, 0);
	assert_int_equal(f->c.gid, 7);
	assert_rejected(parse(f, "--uid", "-1"), "--uid");
	assert_rejected(parse(f, "--gid", "4294967295"), "4294967295");
}

static void test_hostname(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--hostname", "box1"));
	assert_string_equal(f->c.hostname, "box1");
	assert_rejected(parse(f, "--hostname", ""), "--hostname");
}

/* ---- environment --------------------------------------------------------------------- */

static void test_setenv_unsetenv(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--setenv", "A", "1", "--setenv", "B", "x=y", "--setenv", "A", "2",
			    "--unsetenv", "SBX_UNIT_VAR", "--unsetenv", "NOT_SET_ANYWHERE"));
	assert_true(env_has(&f->c, "A=2"));
	assert_int_equal(env_count(&f->c, "A"), 1);
	assert_true(env_has(&f->c, "B=x=y"));
	assert_int_equal(env_count(&f->c, "SBX_UNIT_VAR"), 0);
	assert_true(env_has(&f->c, "HOME=" TEST_HOME));
}

static void test_setenv_then_unsetenv_order(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--setenv", "A", "1", "--unsetenv", "A"));
	assert_int_equal(env_count(&f->c, "A"), 0);
	assert_parses(parse(f, "--unsetenv", "SBX_UNIT_VAR", "--setenv", "SBX_UNIT_VAR", "back"));
	assert_true(env_has(&f->c, "SBX_UNIT_VAR=back"));
}

static void test_clearenv_keeps_pwd_and_later_setenv(void **state)
{
	struct fixture *f = *state;
	char *pwd = xasprintf("PWD=%s", f->cwd);

	assert_parses(parse(f, "--setenv", "EARLY", "1", "--clearenv", "--setenv", "LATE", "2"));
	assert_true(env_has(&f->c, pwd));
	assert_true(env_has(&f->c, "LATE=2"));
	assert_int_equal(env_count(&f->c, "EARLY"), 0);
	assert_int_equal(env_count(&f->c, "SBX_UNIT_VAR"), 0);
	assert_int_equal(env_count(&f->c, "HOME"), 0);
	/* Nothing else from the host; whether container=sbx survives is the design's call. */
	for (size_t i = 0; f->c.env[i]; i++)
		if (!streq(f->c.env[i], pwd) && !streq(f->c.env[i], "LATE=2") &&
		    !streq(f->c.env[i], "container=sbx"))
			fail_msg("--clearenv left %s", f->c.env[i]);
	free(pwd);
}

static void test_setenv_bad_name_rejected(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--setenv", "A=B", "1"), "A=B");
	assert_rejected(parse(f, "--setenv", "", "1"), "--setenv");
}

/* ---- rejected command lines ---------------------------------------------------------- */

static void test_unknown_option(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--bogus"), "--bogus");
	assert_rejected(parse(f, "--tmpfs", "/x", "--no-such-thing", "true"), "--no-such-thing");
	assert_rejected(parse(f, "-x"), "-x");
	/* Only one-argument options take --opt=value. */
	assert_rejected(parse(f, "--bind=/a", "/b"), "--bind=/a");
	assert_rejected(parse(f, "--bare=1"), "--bare=1");
}

static void test_missing_argument(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--hostname"), "--hostname");
	assert_rejected(parse(f, "--bind", "/a"), "--bind");
	assert_rejected(parse(f, "--tmpfs"), "--tmpfs");
	assert_rejected(parse(f, "--overlay", "a", "b"), "--overlay");
	assert_rejected(parse(f, "--setenv", "A"), "--setenv");
	/* An option's argument may look like an option and still count as one. */
	assert_parses(parse(f, "--hostname", "--bind"));
	assert_string_equal(f->c.hostname, "--bind");
}

/* ---- where the command starts -------------------------------------------------------- */

static void test_double_dash_ends_options(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();

	assert_parses(parse(f, "--tmpfs", "/x", "--", "--bind", "a", "b"));
	assert_int_equal(f->c.n_ops, base + 1);
	assert_int_equal(strv_length(f->c.argv), 3);
	assert_string_equal(f->c.argv[0], "--bind");
	assert_string_equal(f->c.argv[1], "a");
	assert_string_equal(f->c.argv[2], "b");
}

static void test_double_dash_alone_runs_default(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--"));
	assert_int_equal(strv_length(f->c.argv), 1);
	assert_string_equal(f->c.argv[0], "/bin/sh");
}

static void test_first_non_option_starts_command(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();

	assert_parses(parse(f, "--tmpfs", "/x", "echo", "--bind", "a", "b", "--", "--version"));
	assert_int_equal(f->action, CLI_RUN);
	assert_int_equal(f->c.n_ops, base + 1);
	assert_int_equal(strv_length(f->c.argv), 6);
	assert_string_equal(f->c.argv[0], "echo");
	assert_string_equal(f->c.argv[1], "--bind");
	assert_string_equal(f->c.argv[4], "--");
	assert_string_equal(f->c.argv[5], "--version");
}

static void test_dash_is_a_command(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "-", "x"));
	assert_int_equal(strv_length(f->c.argv), 2);
	assert_string_equal(f->c.argv[0], "-");
}

/* ---- process options ----------------------------------------------------------------- */

static void test_timeout_and_rlimits(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--timeout", "30s", "--rlimit", "NOFILE=1024", "--rlimit=CORE=0:0",
			    "true"));
	assert_int_equal(f->c.timeout_usec, 30000000ULL);
	assert_int_equal(f->c.n_rlimits, 2);
	assert_int_equal(f->c.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(f->c.rlimits[0].lim.rlim_cur, 1024);
	assert_true(f->c.rlimits[0].soft_only);
	assert_int_equal(f->c.rlimits[1].resource, RLIMIT_CORE);
	assert_int_equal(f->c.rlimits[1].lim.rlim_max, 0);
	assert_false(f->c.rlimits[1].soft_only);
	assert_parses(parse(f, "--timeout=500ms"));
	assert_int_equal(f->c.timeout_usec, 500000ULL);
	assert_rejected(parse(f, "--timeout", "0"), "--timeout");
	assert_rejected(parse(f, "--timeout", "soon"), "soon");
	assert_rejected(parse(f, "--rlimit", "BOGUS=1"), "BOGUS");
	assert_rejected(parse(f, "--rlimit", "NOFILE=64:32"), "--rlimit");
}

static void test_process_flags(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--die-with-parent", "--new-session", "--as-pid-1", "--chdir",
			    "/work", "--argv0", "renamed", "--disable-userns",
			    "--assert-userns-disabled", "--subids", "--lock-file", "/l1",
			    "--lock-file", "/l2", "cmd"));
	assert_true(f->c.die_with_parent);
	assert_true(f->c.new_session);
	assert_true(f->c.as_pid_1);
	assert_true(f->c.disable_userns);
	assert_true(f->c.assert_userns_disabled);
	assert_true(f->c.subids);
	assert_string_equal(f->c.chdir, "/work");
	assert_string_equal(f->c.argv0, "renamed");
	assert_string_equal(f->c.argv[0], "cmd");
	assert_int_equal(strv_length(f->c.lock_files), 2);
	assert_string_equal(f->c.lock_files[1], "/l2");
}

static void test_defaults_are_off(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f));
	assert_false(f->c.die_with_parent);
	assert_false(f->c.new_session);
	assert_false(f->c.as_pid_1);
	assert_int_equal(f->c.timeout_usec, 0);
	assert_int_equal(f->c.n_rlimits, 0);
	assert_int_equal(f->c.info_fd, -1);
	assert_int_equal(f->c.json_status_fd, -1);
	assert_int_equal(f->c.sync_fd, -1);
	assert_int_equal(f->c.block_fd, -1);
	assert_int_equal(f->c.userns_block_fd, -1);
	assert_int_equal(f->c.seccomp_fd, -1);
	assert_false(f->c.seccomp_disabled);
	assert_int_equal(f->c.caps_keep, 0);
	assert_null(f->c.chdir);
}

static void test_fd_options(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--info-fd", "10", "--json-status-fd", "11", "--sync-fd", "12",
			    "--block-fd", "13", "--userns-block-fd=14"));
	assert_int_equal(f->c.info_fd, 10);
	assert_int_equal(f->c.json_status_fd, 11);
	assert_int_equal(f->c.sync_fd, 12);
	assert_int_equal(f->c.block_fd, 13);
	assert_int_equal(f->c.userns_block_fd, 14);
	assert_rejected(parse(f, "--info-fd", "x"), "--info-fd");
}

static void test_as_pid_1_needs_pid_namespace(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--bare", "--as-pid-1", "true"), "--as-pid-1");
	assert_parses(parse(f, "--bare", "--unshare-pid", "--as-pid-1", "true"));
	assert_true(f->c.as_pid_1);
	assert_parses(parse(f, "--as-pid-1", "true"));
	assert_true(f->c.as_pid_1);
}

static void test_caps(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--cap-add", "CAP_NET_ADMIN", "--cap-add", "sys_chroot"));
	assert_int_equal(f->c.caps_keep, (1ULL << 12) | (1ULL << 18));
	assert_parses(parse(f, "--cap-add", "ALL", "--cap-drop", "CAP_SYS_ADMIN"));
	assert_int_equal(f->c.caps_keep & (1ULL << 21), 0);
	assert_int_equal(f->c.caps_keep & (1ULL << 0), 1ULL << 0);
	assert_rejected(parse(f, "--cap-add", "CAP_BOGUS"), "--cap-add");
}

static void test_seccomp_options(void **state)
{
	struct fixture *f = *state;

	assert_parses(
		parse(f, "--seccomp", "9", "--add-seccomp-fd", "10", "--add-seccomp-fd", "11"));
	assert_int_equal(f->c.seccomp_fd, 9);
	assert_false(f->c.seccomp_disabled);
	assert_int_equal(f->c.n_add_seccomp_fds, 2);
	assert_int_equal(f->c.add_seccomp_fds[0], 10);
	assert_int_equal(f->c.add_seccomp_fds[1], 11);
	assert_parses(parse(f, "--seccomp", "none"));
	assert_true(f->c.seccomp_disabled);
	assert_int_equal(f->c.seccomp_fd, -1);
	assert_rejected(parse(f, "--seccomp", "some"), "--seccomp");
}

static void test_overlays(void **state)
{
	struct fixture *f = *state;
	size_t base = profile_op_count();
	const struct sbx_op *ops;

	assert_parses(parse(f, "--overlay-src", "/l1", "--overlay-src", "/l2", "--tmp-overlay",
			    "/t", "--overlay-src", "/l3", "--overlay", "/rw", "/work", "/o",
			    "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "/r"));
	assert_int_equal(f->c.n_ops, base + 3);
	ops = &f->c.ops[base];
	assert_int_equal(ops[0].type, OP_OVERLAY);
	assert_int_equal(ops[0].overlay, OVERLAY_TMP);
	assert_int_equal(strv_length(ops[0].overlay_srcs), 2);
	assert_string_equal(ops[0].overlay_srcs[0], "/l1");
	assert_string_equal(ops[0].overlay_srcs[1], "/l2");
	assert_int_equal(ops[1].overlay, OVERLAY_RW);
	assert_string_equal(ops[1].src, "/rw");
	assert_string_equal(ops[1].workdir, "/work");
	assert_string_equal(ops[1].dest, "/o");
	assert_int_equal(strv_length(ops[1].overlay_srcs), 1);
	assert_int_equal(ops[2].overlay, OVERLAY_RO);
	assert_int_equal(strv_length(ops[2].overlay_srcs), 2);
}

static void test_overlay_needs_sources(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--tmp-overlay", "/t"), "--tmp-overlay");
	assert_rejected(parse(f, "--overlay-src", "/a", "--ro-overlay", "/r"), "--ro-overlay");
}

/* ---- actions ------------------------------------------------------------------------- */

static void test_actions(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--help"));
	assert_int_equal(f->action, CLI_HELP);
	assert_parses(parse(f, "-h"));
	assert_int_equal(f->action, CLI_HELP);
	assert_parses(parse(f, "--version"));
	assert_int_equal(f->action, CLI_VERSION);
	assert_parses(parse(f, "--print-options"));
	assert_int_equal(f->action, CLI_PRINT_OPTIONS);
	assert_non_null(cli_version());
	assert_true(cli_version()[0] >= '0' && cli_version()[0] <= '9');
}

static void test_help_is_not_a_command(void **state)
{
	struct fixture *f = *state;

	/* After the command starts, --help is the command's. */
	assert_parses(parse(f, "ls", "--help"));
	assert_int_equal(f->action, CLI_RUN);
	assert_string_equal(f->c.argv[1], "--help");
}

/* ---- --args FD ----------------------------------------------------------------------- */

static int args_pipe(const char *data, size_t len)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		fail_msg("pipe: %s", strerror(errno));
	assert_int_equal(write(p[1], data, len), (ssize_t)len);
	close(p[1]);
	return p[0];
}

static void test_args_fd(void **state)
{
	static const char data[] = "--hostname\0fromfd\0--tmpfs\0/fromfd\0--setenv\0K\0v v";
	struct fixture *f = *state;
	size_t base = profile_op_count();
	int fd = args_pipe(data, sizeof(data)); /* the last NUL included */
	char fdstr[16];

	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	assert_parses(parse(f, "--tmpfs", "/before", "--args", fdstr, "--dir", "/after", "true"));
	assert_string_equal(f->c.hostname, "fromfd");
	assert_true(env_has(&f->c, "K=v v"));
	assert_int_equal(f->c.n_ops, base + 3);
	assert_string_equal(f->c.ops[base].dest, "/before");
	assert_string_equal(f->c.ops[base + 1].dest, "/fromfd");
	assert_string_equal(f->c.ops[base + 2].dest, "/after");
	assert_int_equal(strv_length(f->c.argv), 1);
	assert_string_equal(f->c.argv[0], "true");
	/* Read and closed. */
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void test_args_fd_without_final_nul(void **state)
{
	static const char data[] = "--hostname\0nonul";
	struct fixture *f = *state;
	int fd = args_pipe(data, sizeof(data) - 1);
	char fdstr[16];

	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	assert_parses(parse(f, "--args", fdstr));
	assert_string_equal(f->c.hostname, "nonul");
}

static void test_args_fd_rejections(void **state)
{
	static const char cmd[] = "--tmpfs\0/x\0echo\0hi";
	static const char bad[] = "--tmpfs\0/x\0--bogus-in-fd";
	struct fixture *f = *state;
	char fdstr[16];

	snprintf(fdstr, sizeof(fdstr), "%d", args_pipe(cmd, sizeof(cmd)));
	assert_rejected(parse(f, "--args", fdstr), "--args");
	snprintf(fdstr, sizeof(fdstr), "%d", args_pipe(bad, sizeof(bad)));
	assert_rejected(parse(f, "--args", fdstr), "--bogus-in-fd");
	assert_rejected(parse(f, "--args", "notanfd"), "--args");
}

/* ---- profiles ------------------------------------------------------------------------ */

/* A profile file with the given text; its path goes to path (PATH_MAX bytes). */
static void write_profile(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/sbx-unit-XXXXXX.profile");
	fd = mkstemps(path, 8);
	if (fd < 0)
		fail_msg("mkstemps: %s", strerror(errno));
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_profile_builtin(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--profile", "build"));
	assert_true(f->c.new_session);
	assert_true(f->c.die_with_parent);
	assert_int_equal(f->c.net, NET_NONE);
	/* build includes default */
	must_find_op(&f->c, OP_PROC, "/proc");
	must_find_op(&f->c, OP_TMPFS, "/tmp");
	assert_parses(parse(f));
	assert_false(f->c.new_session);
	assert_rejected(parse(f, "--profile", "no-such-profile"), "no-such-profile");
}

static void test_profile_file(void **state)
{
	struct fixture *f = *state;
	char path[64];
	size_t n;

	write_profile(path, "# a test profile\n"
			    "include default\n"
			    "\n"
			    "hostname from-profile\n"
			    "perms 0750\n"
			    "tmpfs /from-profile\n"
			    "setenv GREETING \"hello world\"\n"
			    "share-net\n");
	assert_parses(parse(f, "--profile", path, "--tmpfs", "/from-cli", "true"));
	assert_string_equal(f->c.hostname, "from-profile");
	assert_true(env_has(&f->c, "GREETING=hello world"));
	assert_int_equal(f->c.net, NET_HOST);
	n = f->c.n_ops;
	assert_string_equal(f->c.ops[n - 1].dest, "/from-cli");
	assert_string_equal(f->c.ops[n - 2].dest, "/from-profile");
	assert_int_equal(f->c.ops[n - 2].perms, 0750);
	must_find_op(&f->c, OP_PROC, "/proc");
	/* Applied once, before the command line. */
	assert_int_equal(count_ops(&f->c, OP_TMPFS, "/from-profile"), 1);
	assert_int_equal(count_ops(&f->c, OP_PROC, "/proc"), 1);
	/* The command line comes last. */
	assert_parses(parse(f, "--profile", path, "--hostname", "from-cli", "--net", "none"));
	assert_string_equal(f->c.hostname, "from-cli");
	assert_int_equal(f->c.net, NET_NONE);
	unlink(path);
}

static void test_profile_errors_name_file_and_line(void **state)
{
	struct fixture *f = *state;
	char path[64], where[80];

	write_profile(path, "include default\nhostname ok\nno-such-option 1\n");
	snprintf(where, sizeof(where), "%s:3", path);
	assert_rejected(parse(f, "--profile", path), where);
	assert_rejected(parse(f, "--profile", path), "no-such-option");
	unlink(path);

	write_profile(path, "--tmpfs /x\n");
	assert_rejected(parse(f, "--profile", path), "dashes");
	unlink(path);

	write_profile(path, "bind /only-one\n");
	assert_rejected(parse(f, "--profile", path), "bind");
	unlink(path);

	/* An action has no place in a profile. */
	write_profile(path, "help\n");
	assert_rejected(parse(f, "--profile", path), "help");
	unlink(path);
}

/* ---- more actions, named sandboxes, cgroup limits ------------------------------------ */

static void test_more_actions(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--dry-run"));
	assert_int_equal(f->action, CLI_DRY_RUN);
	assert_parses(parse(f, "--check"));
	assert_int_equal(f->action, CLI_CHECK);
	assert_parses(parse(f, "--list", "--json"));
	assert_int_equal(f->action, CLI_LIST);
	assert_true(f->c.json);
	assert_parses(parse(f, "--seccomp-export", "/tmp/filter.bpf"));
	assert_int_equal(f->action, CLI_SECCOMP_EXPORT);
	assert_string_equal(f->c.seccomp_export, "/tmp/filter.bpf");
}

static void test_enter_and_stop(void **state)
{
	struct fixture *f = *state;

	assert_parses(parse(f, "--enter", "box1"));
	assert_int_equal(f->action, CLI_ENTER);
	assert_string_equal(f->c.target, "box1");
	assert_int_equal(strv_length(f->c.argv), 1);
	assert_string_equal(f->c.argv[0], "/bin/unit-test-shell");
	assert_parses(parse(f, "--enter", "box1", "--", "ls", "-l"));
	assert_int_equal(strv_length(f->c.argv), 2);
	assert_string_equal(f->c.argv[0], "ls");

	assert_parses(parse(f, "--stop", "box2", "--signal", "KILL", "--grace", "10s"));
	assert_int_equal(f->action, CLI_STOP);
	assert_string_equal(f->c.target, "box2");
	assert_int_equal(f->c.stop_signal, SIGKILL);
	assert_int_equal(f->c.stop_grace_usec, 10000000ULL);
	assert_parses(parse(f, "--stop", "box2", "--signal", "SIGINT"));
	assert_int_equal(f->c.stop_signal, SIGINT);
	assert_parses(parse(f, "--stop", "box2", "--signal", "15"));
	assert_int_equal(f->c.stop_signal, 15);
	assert_rejected(parse(f, "--stop", "box2", "--signal", "NOPE"), "NOPE");

	assert_parses(parse(f, "--name", "web-1", "true"));
	assert_string_equal(f->c.name, "web-1");
	assert_rejected(parse(f, "--name", "a/b", "true"), "a/b");
}

static void test_limits(void **state)
{
	struct fixture *f = *state;
	const struct sbx_limits *l = &f->c.limits;

	assert_parses(parse(f));
	assert_true(l->memory == LIMIT_UNSET);
	assert_true(l->pids == LIMIT_UNSET);
	assert_false(config_has_limits(&f->c));

	assert_parses(parse(f, "--memory", "512M", "--memory-swap", "0", "--cpus", "1.5",
			    "--cpu-weight", "200", "--io-weight=50", "--pids", "100", "--cgroup",
			    "direct", "--slice", "sbx.slice", "true"));
	assert_int_equal(l->memory, 512ULL << 20);
	assert_int_equal(l->memory_swap, 0);
	assert_int_equal(l->cpu_quota_usec, 1500000);
	assert_int_equal(l->cpu_weight, 200);
	assert_int_equal(l->io_weight, 50);
	assert_int_equal(l->pids, 100);
	assert_int_equal(f->c.cgroup, CGROUP_DIRECT);
	assert_string_equal(f->c.slice, "sbx.slice");
	assert_true(config_has_limits(&f->c));

	assert_rejected(parse(f, "--cpu-weight", "0"), "--cpu-weight");
	assert_rejected(parse(f, "--cgroup", "cgroupfs"), "cgroupfs");
	assert_rejected(parse(f, "--slice", "sbx"), "--slice");
	assert_rejected(parse(f, "--cgroup", "none", "--memory", "1G"), "--cgroup=none");
}

/* ---- --dry-run's output read back (tests/fuzz: fuzz_cli, fuzz_profile) ---------------- */

/* What --dry-run prints for the last parse. */
static char *dry_run_text(const struct fixture *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	profile_print(m, &f->c);
	assert_int_equal(fclose(m), 0);
	return text;
}

/* Whether text has a line that starts with prefix. */
static bool has_line(const char *text, const char *prefix)
{
	for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* Found by fuzz_cli: the command's words went raw into the "# command:" comment, so a
 * newline in one started a profile line of its own: the printed profile, read back, bound
 * the host's / writable. A comment shows control characters escaped. */
static void test_dry_run_comment_holds_no_profile_line(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *text = NULL;

	assert_parses(parse(f, "--dry-run", "--", "sh", "-c", "true\nbind / /host\r\n#"));
	text = dry_run_text(f);
	assert_false(has_line(text, "bind / /host"));
	assert_true(has_line(text, "# command: sh -c true\\nbind / /host\\r\\n#\n"));
}

/* Found by fuzz_cli: a value holding a newline (or a carriage return, a blank outside
 * quotes) was printed as is, so the printed profile split it, and its rest became lines
 * of their own (a destination "/x\n--unshare-all"). Such values read back whole. */
static void test_dry_run_values_with_line_breaks_read_back(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *text = NULL;
	char path[64];

	assert_parses(parse(f, "--dry-run", "--setenv", "V", "one\nbind / /host\rtwo", "--tmpfs",
			    "/x\ntmpfs /y", "true"));
	text = dry_run_text(f);
	assert_false(has_line(text, "bind / /host"));
	assert_false(has_line(text, "tmpfs /y"));
	write_profile(path, text);
	assert_parses(parse(f, "--profile", path, "--dry-run"));
	unlink(path);
	assert_true(env_has(&f->c, "V=one\nbind / /host\rtwo"));
	must_find_op(&f->c, OP_TMPFS, "/x\ntmpfs /y");
	assert_int_equal(find_op(&f->c, OP_TMPFS, "/y"), -1);
}

/* Text after its header of comment lines (print_header): what a profile read back must give
 * again. */
static const char *after_header(const char *text)
{
	while (text[0] == '#' && strchr(text, '\n'))
		text = strchr(text, '\n') + 1;
	return text;
}

/* The printer spells each option as the table does (dryrun.c looks the words up in it), so
 * a profile holding every kind of line it writes reads back to the same profile. */
static void test_dry_run_of_every_kind_of_line_reads_back(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *text = NULL, *again = NULL;
	char path[64];
	static const char *const lines[] = {
		"net host\n",
		"hostname box\n",
		"uid 5\n",
		"gid 7\n",
		"ro-bind-try /nonexistent /d\n",
		"dev-bind /dev /e\n",
		"bind-fd 3 /g\n",
		"ro-bind-fd 3 /h\n",
		"remount-ro /usr\n",
		"mqueue /mq\n",
		"perms 0755\ndir /dir\n",
		"size 4096\ntmpfs /t\n",
		"symlink \"a b\" /l\n",
		"perms 0600\nfile 3 /f\n",
		"ro-bind-data 3 /rbd\n",
		"chmod 0700 /x\n",
		"fallback landlock\n",
		"overlay-src /a\noverlay-src /b\nro-overlay /r\n",
		"overlay-src /a\ntmp-overlay /o\n",
		"chdir /tmp\n",
		"lock-file /lk\n",
		"setenv A 1\nunsetenv B\nclearenv\n",
		"argv0 prog\n",
		"die-with-parent\nnew-session\nno-pty\n",
		"timeout 30000000us\n",
		"rlimit NOFILE=1024:2048\n",
		"cap-add net_admin\n",
		"seccomp none\n",
		"allow-tiocsti\n",
		"memory 1048576\nmemory-swap 0\n",
		"cpus 1.500000\n",
		"cpu-weight 50\nio-weight 60\npids 100\n",
		"cgroup systemd\nslice sbx.slice\n",
	};

	assert_parses(
		parse(f, "--dry-run", "--net", "host", "--hostname", "box", "--uid", "5", "--gid",
		      "7", "--ro-bind-try", "/nonexistent", "/d", "--dev-bind", "/dev", "/e",
		      "--bind-fd", "3", "/g", "--ro-bind-fd", "3", "/h", "--remount-ro", "/usr",
		      "--mqueue", "/mq", "--perms", "0755", "--dir", "/dir", "--size", "4K",
		      "--tmpfs", "/t", "--symlink", "a b", "/l", "--perms", "0600", "--file", "3",
		      "/f", "--ro-bind-data", "3", "/rbd", "--chmod", "0700", "/x", "--overlay-src",
		      "/a", "--overlay-src", "/b", "--ro-overlay", "/r", "--overlay-src", "/a",
		      "--tmp-overlay", "/o", "--chdir", "/tmp", "--lock-file", "/lk", "--setenv",
		      "A", "1", "--unsetenv", "B", "--clearenv", "--argv0", "prog",
		      "--die-with-parent", "--new-session", "--no-pty", "--timeout", "30s",
		      "--rlimit", "NOFILE=1024:2048", "--cap-add", "CAP_NET_ADMIN", "--seccomp",
		      "none", "--allow-tiocsti", "--memory", "1M", "--memory-swap", "0", "--cpus",
		      "1.5", "--cpu-weight", "50", "--io-weight", "60", "--pids", "100", "--cgroup",
		      "systemd", "--slice", "sbx.slice", "--fallback", "landlock", "true"));
	text = dry_run_text(f);
	for (size_t i = 0; i < ELEMENTSOF(lines); i++)
		if (!strstr(text, lines[i]))
			fail_msg("--dry-run lacks \"%s\":\n%s", lines[i], text);
	write_profile(path, text);
	assert_parses(parse(f, "--profile", path, "--dry-run"));
	unlink(path);
	again = dry_run_text(f);
	assert_string_equal(after_header(again), after_header(text));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_default_command_is_sh),
		T(test_dry_run_comment_holds_no_profile_line),
		T(test_dry_run_values_with_line_breaks_read_back),
		T(test_dry_run_of_every_kind_of_line_reads_back),
		T(test_default_namespaces),
		T(test_default_environment),
		T(test_default_profile_ops),
		T(test_default_root_cwd_not_bound),
		T(test_default_cwd_rule),
		T(test_user_profile_shadowing_builtin),
		T(test_user_ops_follow_profile_in_order),
		T(test_bind_flags),
		T(test_dest_ops),
		T(test_bind_fd),
		T(test_empty_destination_rejected),
		T(test_perms_and_size_attach_to_next_op),
		T(test_perms_for_file_ops),
		T(test_perms_rejected_without_target),
		T(test_size_rejected_without_tmpfs),
		T(test_share_net_forms),
		T(test_net_none),
		T(test_net_last_one_wins),
		T(test_net_bogus_rejected),
		T(test_fallback_modes),
		T(test_bare),
		T(test_filter_choices),
		T(test_bare_ops_are_only_the_users),
		T(test_invoked_as_bwrap_is_bare),
		T(test_bare_unshare_all),
		T(test_bare_single_unshares),
		T(test_bare_hostname_needs_uts),
		T(test_uid_gid_root),
		T(test_hostname),
		T(test_setenv_unsetenv),
		T(test_setenv_then_unsetenv_order),
		T(test_clearenv_keeps_pwd_and_later_setenv),
		T(test_setenv_bad_name_rejected),
		T(test_unknown_option),
		T(test_missing_argument),
		T(test_double_dash_ends_options),
		T(test_double_dash_alone_runs_default),
		T(test_first_non_option_starts_command),
		T(test_dash_is_a_command),
		T(test_timeout_and_rlimits),
		T(test_process_flags),
		T(test_defaults_are_off),
		T(test_fd_options),
		T(test_as_pid_1_needs_pid_namespace),
		T(test_caps),
		T(test_seccomp_options),
		T(test_overlays),
		T(test_overlay_needs_sources),
		T(test_actions),
		T(test_help_is_not_a_command),
		T(test_args_fd),
		T(test_args_fd_without_final_nul),
		T(test_args_fd_rejections),
		T(test_profile_builtin),
		T(test_profile_file),
		T(test_profile_errors_name_file_and_line),
		T(test_more_actions),
		T(test_enter_and_stop),
		T(test_limits),
	};
#undef T

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
