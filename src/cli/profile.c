/* SPDX-License-Identifier: MIT */
#include "cli/profile.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

static const struct {
	const char *name;
	const char *text;
} builtin[] = {
#include "profiles.inc"
};

const char *const *profile_builtin_names(void)
{
	static const char *names[ELEMENTSOF(builtin) + 1];

	for (size_t i = 0; i < ELEMENTSOF(builtin); i++)
		names[i] = builtin[i].name;
	return names;
}

static int read_file(const char *path, char **ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	r = read_fd_all(fd, ret, NULL);
	return r;
}

static bool valid_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/');
}

static bool is_builtin(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(builtin); i++)
		if (streq(builtin[i].name, name))
			return true;
	return false;
}

int profile_find(const char *name, bool user_may_shadow, char **ret_text, char **ret_origin)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *user = NULL, *shadowed = NULL;
	const char *dirs[2];
	int r;

	if (strchr(name, '/')) {
		r = read_file(name, ret_text);
		if (r < 0)
			return sbx_err(-r, "profile %s", name);
		*ret_origin = xstrdup(name);
		return 0;
	}
	if (!valid_name(name))
		return sbx_errx("invalid profile name '%s'", name);
	if (xdg && xdg[0] == '/')
		user = xasprintf("%s/sbx/profiles", xdg);
	else if (home && home[0] == '/')
		user = xasprintf("%s/.config/sbx/profiles", home);
	dirs[0] = user;
	dirs[1] = "/etc/sbx/profiles";
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *path = NULL;
		if (!dirs[i])
			continue;
		struct stat st;
		path = xasprintf("%s/%s.profile", dirs[i], name);
		/* A search directory we cannot enter (HOME of another user after su) holds
		 * nothing for us; a profile that is there but unreadable is an error. */
		if (stat(path, &st) < 0)
			continue;
		/* Whatever a sandbox may write (a cwd under ~/.config, --bind $HOME) must not
		 * change what a plain `sbx` or an include of a built-in profile gives; only
		 * root writes /etc/sbx/profiles. */
		if (dirs[i] == user && !user_may_shadow && is_builtin(name)) {
			shadowed = TAKE_PTR(path);
			continue;
		}
		r = read_file(path, ret_text);
		if (r < 0)
			return sbx_err(-r, "profile %s", path);
		*ret_origin = TAKE_PTR(path);
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(builtin); i++)
		if (streq(builtin[i].name, name)) {
			*ret_text = xstrdup(builtin[i].text);
			if (shadowed)
				*ret_origin =
					xasprintf("built-in profile %s (not %s: read only with "
						  "--profile %s)",
						  name, shadowed, name);
			else
				*ret_origin = xasprintf("built-in profile %s", name);
			return 0;
		}
	return sbx_errx("profile '%s' not found (searched %s%s/etc/sbx/profiles and the built-in "
			"ones: default, build, shell, app)",
			name, user ? user : "", user ? ", " : "");
}

/* Debian and Fedora make /bin, /lib... symlinks into /usr: recreating the link is one
 * symlink(2) instead of a bind mount, and keeps the layout the programs expect. */
void profile_ro_bind_host(struct sbx_config *c, const char *path)
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
		config_add_op(c, OP_SYMLINK, target, path);
	} else {
		config_add_op(c, OP_BIND, path, path)->flags = BIND_READONLY | BIND_TRY;
	}
}

void profile_bind_cwd(struct sbx_config *c)
{
	/* The cwd is the one writable host path; "/" would hand over the whole host. */
	if (c->cwd && !streq(c->cwd, "/") && !path_in(c->cwd, "/proc") &&
	    !path_in(c->cwd, "/sys") && !path_in(c->cwd, "/dev"))
		config_add_op(c, OP_BIND, c->cwd, c->cwd)->flags = BIND_CWD;
}

void profile_tmpfs_home(struct sbx_config *c)
{
	const char *home = getenv("HOME");
	struct sbx_op *op;

	if (!home || home[0] != '/' || streq(home, "/"))
		return;
	op = config_add_op(c, OP_TMPFS, NULL, home);
	op->perms = 0700;
	op->has_perms = true;
}
