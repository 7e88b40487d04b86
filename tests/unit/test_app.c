/* SPDX-License-Identifier: MIT */
/* The per-app pieces of cli_parse: --home-persist (its directory resolved after the whole
 * command line, made and checked only for a run) and --socket (planned into plain ops and
 * setenv), on fake sockets in a temporary runtime directory. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "base/config.h"
#include "base/log.h"
#include "cli/profile.h"
#include "base/util.h"

#define TEST_HOME "/home/sbx-unit-test"

struct fixture {
	struct sbx_config c;
	enum cli_action action;
	char tmp[64];
	char *data; /* XDG_DATA_HOME */
	char *rt;   /* XDG_RUNTIME_DIR */
	int sock_fds[4];
	size_t n_socks;
};

static int setup(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	snprintf(f->tmp, sizeof(f->tmp), "/tmp/sbx-unit-app.XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	f->data = xasprintf("%s/data", f->tmp);
	f->rt = xasprintf("%s/rt", f->tmp);
	if (mkdir(f->rt, 0700) < 0)
		return -1;
	setenv("HOME", TEST_HOME, 1);
	setenv("XDG_DATA_HOME", f->data, 1);
	setenv("XDG_RUNTIME_DIR", f->rt, 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent/sbx-unit-test", 1);
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");
	unsetenv("XAUTHORITY");
	config_init(&f->c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", f->tmp);

	for (size_t i = 0; i < f->n_socks; i++)
		close(f->sock_fds[i]);
	config_free(&f->c);
	if (system(cmd) != 0)
		return -1;
	free(f->data);
	free(f->rt);
	free(f);
	return 0;
}

#define parse(f, ...)                                                                \
	({                                                                           \
		char *_argv[] = { "sbx", ##__VA_ARGS__, NULL };                      \
		config_free(&(f)->c);                                                \
		config_init(&(f)->c);                                                \
		sbx_errx("(no message)");                                            \
		cli_parse((int)ELEMENTSOF(_argv) - 1, _argv, &(f)->c, &(f)->action); \
	})

static void assert_parses(int r)
{
	if (r != 0)
		fail_msg("cli_parse failed (%d): %s", r, sbx_errmsg());
}

static void assert_rejected(int r, const char *needle)
{
	if (r >= 0)
		fail_msg("cli_parse accepted what it should refuse (wanted a message with '%s')",
			 needle);
	if (!strstr(sbx_errmsg(), needle))
		fail_msg("message '%s' lacks '%s'", sbx_errmsg(), needle);
}

/* A bound unix socket at rt/NAME (no listener: only its existence matters here). */
static void make_socket(struct fixture *f, const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", f->rt, name);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	f->sock_fds[f->n_socks++] = fd;
}

static const struct sbx_op *last_op(const struct fixture *f)
{
	assert_true(f->c.n_ops > 0);
	return &f->c.ops[f->c.n_ops - 1];
}

static const char *env_get(const struct fixture *f, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; f->c.env && f->c.env[i]; i++)
		if (strncmp(f->c.env[i], name, n) == 0 && f->c.env[i][n] == '=')
			return f->c.env[i] + n + 1;
	return NULL;
}

static size_t count_ops(const struct fixture *f, enum sbx_op_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < f->c.n_ops; i++)
		n += f->c.ops[i].type == t;
	return n;
}

/* ---- --home-persist ------------------------------------------------------------------ */

static void test_home_persist_dry_run_resolves_without_creating(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *want = xasprintf("%s/sbx/homes/foo", f->data);
	const struct sbx_op *op;
	struct stat st;

	assert_parses(parse(f, "--home-persist", "--name", "foo", "--dry-run", "true"));
	op = last_op(f);
	assert_int_equal(op->type, OP_BIND);
	assert_true(op->flags & BIND_HOME_PERSIST);
	assert_string_equal(op->dest, TEST_HOME);
	assert_string_equal(op->src, want);
	assert_int_equal(op->fd, -1);
	assert_int_equal(stat(f->data, &st), -1);
}

static void test_home_persist_name_from_command(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *want = xasprintf("%s/sbx/homes/firefox", f->data);

	assert_parses(parse(f, "--home-persist", "--dry-run", "/usr/bin/firefox", "--new-tab"));
	assert_string_equal(last_op(f)->src, want);
}

static void test_home_persist_bad_command_name_rejected(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--home-persist", "--dry-run", "g++"), "--name");
}

static void test_home_persist_needs_home(void **state)
{
	struct fixture *f = *state;

	unsetenv("HOME");
	assert_rejected(parse(f, "--bare", "--home-persist", "--dry-run", "true"), "HOME");
	setenv("HOME", "/", 1);
	assert_rejected(parse(f, "--bare", "--home-persist", "--dry-run", "true"), "HOME");
}

static void test_home_persist_run_creates_and_opens(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *want = xasprintf("%s/sbx/homes/bar", f->data);
	const struct sbx_op *op;
	struct stat a, b;

	assert_parses(parse(f, "--home-persist", "--name", "bar", "true"));
	assert_int_equal(f->action, CLI_RUN);
	op = last_op(f);
	assert_true(op->flags & BIND_HOME_PERSIST);
	assert_string_equal(op->src, want);
	assert_true(op->fd >= 0);
	assert_int_equal(stat(want, &a), 0);
	assert_int_equal(fstat(op->fd, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	assert_int_equal(a.st_mode & 07777, 0700);
	assert_int_equal(a.st_uid, getuid());
	close(op->fd);
}

static void test_home_persist_symlink_refused(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *homes = xasprintf("%s/sbx/homes", f->data);
	_cleanup_free_ char *link = xasprintf("%s/evil", homes);
	_cleanup_free_ char *cmd =
		xasprintf("mkdir -p -m 0700 '%s' '%s/sbx' '%s'", f->data, f->data, homes);

	assert_int_equal(system(cmd), 0);
	assert_int_equal(symlink(f->tmp, link), 0);
	assert_rejected(parse(f, "--home-persist", "--name", "evil", "true"), "symbolic link");
}

static void test_home_persist_printed_as_option(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *comment =
		xasprintf("# $HOME: %s/sbx/homes/pr\nhome-persist\n", f->data);
	size_t len;
	FILE *m;

	assert_parses(parse(f, "--home-persist", "--name", "pr", "--dry-run", "true"));
	m = open_memstream(&text, &len);
	assert_non_null(m);
	profile_print(m, &f->c);
	fclose(m);
	assert_non_null(strstr(text, comment));
}

/* ---- --socket ------------------------------------------------------------------------ */

static void test_socket_wayland_plain_ops(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *sock = xasprintf("%s/wayland-7", f->rt);
	_cleanup_free_ char *env_op = xasprintf("setenv=XDG_RUNTIME_DIR=%s", f->rt);
	const struct sbx_op *dir, *bind;
	bool found = false;

	make_socket(f, "wayland-7");
	setenv("WAYLAND_DISPLAY", "wayland-7", 1);
	assert_parses(parse(f, "--socket", "wayland", "true"));
	dir = &f->c.ops[f->c.n_ops - 2];
	bind = last_op(f);
	assert_int_equal(dir->type, OP_DIR);
	assert_string_equal(dir->dest, f->rt);
	assert_true(dir->has_perms);
	assert_int_equal(dir->perms, 0700);
	assert_int_equal(bind->type, OP_BIND);
	assert_int_equal(bind->flags, BIND_READONLY);
	assert_string_equal(bind->src, sock);
	assert_string_equal(bind->dest, sock);
	assert_string_equal(env_get(f, "XDG_RUNTIME_DIR"), f->rt);
	assert_string_equal(env_get(f, "WAYLAND_DISPLAY"), "wayland-7");
	for (size_t i = 0; f->c.env_ops && f->c.env_ops[i]; i++)
		found |= streq(f->c.env_ops[i], env_op);
	assert_true(found);
}

static void test_socket_twice_one_runtime_dir(void **state)
{
	struct fixture *f = *state;
	size_t dirs_before;

	make_socket(f, "wayland-0");
	make_socket(f, "pipewire-0");
	assert_parses(parse(f, "true"));
	dirs_before = count_ops(f, OP_DIR);
	assert_parses(parse(f, "--socket", "wayland", "--socket", "pipewire", "true"));
	assert_int_equal(count_ops(f, OP_DIR), dirs_before + 1);
	assert_string_equal(env_get(f, "WAYLAND_DISPLAY"), "wayland-0");
}

static void test_socket_pulseaudio_sets_pulse_server(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *dir = xasprintf("%s/pulse", f->rt);
	_cleanup_free_ char *want = xasprintf("unix:%s/pulse/native", f->rt);

	assert_int_equal(mkdir(dir, 0700), 0);
	make_socket(f, "pulse/native");
	assert_parses(parse(f, "--socket", "pulseaudio", "true"));
	assert_string_equal(env_get(f, "PULSE_SERVER"), want);
}

static void test_socket_missing_names_path_and_variables(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *path = xasprintf("%s/wayland-9", f->rt);

	setenv("WAYLAND_DISPLAY", "wayland-9", 1);
	assert_rejected(parse(f, "--socket", "wayland", "true"), path);
	assert_rejected(parse(f, "--socket", "wayland", "true"),
			"$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY");
	assert_rejected(parse(f, "--socket", "pipewire", "true"), "pipewire-0");
}

static void test_socket_not_a_socket_refused(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *path = xasprintf("%s/pipewire-0", f->rt);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	close(fd);
	assert_rejected(parse(f, "--socket", "pipewire", "true"), "not a socket");
}

static void test_socket_x11_needs_local_display(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--socket", "x11", "true"), "DISPLAY is unset");
	setenv("DISPLAY", "remote:0", 1);
	assert_rejected(parse(f, "--socket", "x11", "true"), "only a local display");
	setenv("DISPLAY", ":0x", 1);
	assert_rejected(parse(f, "--socket", "x11", "true"), "only a local display");
	setenv("DISPLAY", ":4242.1", 1);
	assert_rejected(parse(f, "--socket", "x11", "true"), "/tmp/.X11-unix/X4242");
}

static void test_socket_unknown_kind(void **state)
{
	struct fixture *f = *state;

	assert_rejected(parse(f, "--socket", "dbus", "true"),
			"wayland, x11, pulseaudio or pipewire");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_home_persist_dry_run_resolves_without_creating),
		T(test_home_persist_name_from_command),
		T(test_home_persist_bad_command_name_rejected),
		T(test_home_persist_needs_home),
		T(test_home_persist_run_creates_and_opens),
		T(test_home_persist_symlink_refused),
		T(test_home_persist_printed_as_option),
		T(test_socket_wayland_plain_ops),
		T(test_socket_twice_one_runtime_dir),
		T(test_socket_pulseaudio_sets_pulse_server),
		T(test_socket_missing_names_path_and_variables),
		T(test_socket_not_a_socket_refused),
		T(test_socket_x11_needs_local_display),
		T(test_socket_unknown_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
