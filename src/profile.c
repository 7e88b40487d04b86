/* SPDX-License-Identifier: MIT */
#include "profile.h"

#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void add(struct sbx_config *p, enum sbx_op_type t, const char *src, const char *dest,
		unsigned flags)
{
	config_add_op(p, t, src, dest)->flags = flags;
}

/* Debian and Fedora make /bin, /lib... symlinks into /usr: recreating the link is one
 * symlink(2) instead of a bind mount, and keeps the layout the programs expect. */
static void add_host_dir(struct sbx_config *p, const char *path)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			return;
		target[n] = '\0';
		add(p, OP_SYMLINK, target, path, 0);
	} else if (S_ISDIR(st.st_mode)) {
		add(p, OP_BIND, path, path, BIND_READONLY | BIND_TRY);
	}
}

static bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int profile_default(struct sbx_config *c)
{
	static const char *const host_dirs[] = { "/usr",   "/bin",   "/sbin",	"/lib",
						 "/lib32", "/lib64", "/libx32", "/etc",
						 "/opt" };
	struct sbx_config p = { 0 };
	const char *home = getenv("HOME");

	for (size_t i = 0; i < ELEMENTSOF(host_dirs); i++)
		add_host_dir(&p, host_dirs[i]);
	add(&p, OP_PROC, NULL, "/proc", 0);
	add(&p, OP_DEV, NULL, "/dev", 0);
	add(&p, OP_SYSFS, NULL, "/sys", 0);
	config_add_op(&p, OP_TMPFS, NULL, "/tmp")->perms = 01777;
	p.ops[p.n_ops - 1].has_perms = true;
	add(&p, OP_TMPFS, NULL, "/run", 0);
	if (home && home[0] == '/' && !streq(home, "/")) {
		struct sbx_op *op = config_add_op(&p, OP_TMPFS, NULL, home);
		op->perms = 0700;
		op->has_perms = true;
	}
	/* The cwd is the one writable host path; "/" would hand over the whole host. */
	if (c->cwd && !streq(c->cwd, "/") && !path_is_under(c->cwd, "/proc") &&
	    !path_is_under(c->cwd, "/sys") && !path_is_under(c->cwd, "/dev"))
		add(&p, OP_BIND, c->cwd, c->cwd, 0);

	config_prepend_ops(c, p.ops, p.n_ops);
	free(p.ops);
	return 0;
}
