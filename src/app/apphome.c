/* SPDX-License-Identifier: MIT */
/* --home-persist: each app keeps its own $HOME on the host, in
 * $XDG_DATA_HOME/sbx/homes/NAME, and sees nothing of the user's real one. */
#include "app/apphome.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "named/registry.h"

int apphome_add(struct sbx_config *c)
{
	const char *home = getenv("HOME");

	if (!home || home[0] != '/' || streq(home, "/"))
		return sbx_errx("--home-persist: HOME must be an absolute path other than / (it is "
				"%s%s%s)",
				home ? "'" : "", home ? home : "unset", home ? "'" : "");
	config_add_op(c, OP_BIND, NULL, home)->flags = BIND_HOME_PERSIST;
	return 0;
}

static int home_name(const struct sbx_config *c, const char **ret)
{
	const char *name, *slash;

	if (c->name) { /* checked by --name already */
		*ret = c->name;
		return 0;
	}
	name = c->argv && c->argv[0] ? c->argv[0] : "";
	slash = strrchr(name, '/');
	if (slash)
		name = slash + 1;
	if (registry_valid_name(name) < 0)
		return sbx_errx(
			"--home-persist: the command's name '%s' is not a valid sandbox name "
			"(1 to 64 of A-Z a-z 0-9 _ . -, not starting with . or -); name the "
			"home with --name",
			name);
	*ret = name;
	return 0;
}

static int data_dir(char **ret)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	/* The XDG base directory spec: a relative XDG_DATA_HOME is invalid, to be ignored. */
	if (xdg && xdg[0] == '/')
		*ret = xstrdup(xdg);
	else if (home && home[0] == '/')
		*ret = xasprintf("%s/.local/share", home);
	else
		return sbx_errx(
			"--home-persist: neither XDG_DATA_HOME nor HOME is an absolute path");
	return 0;
}

/* The user's data directory, made like mkdir -p where missing (0700, as the XDG spec asks
 * of new ones). It may be a symlink: where it lies is the user's choice, not a trap. */
static int open_base(const char *path, int *ret_fd)
{
	_cleanup_free_ char *p = xstrdup(path);
	int fd;

	for (char *s = p + 1;; s++) {
		char saved = *s;
		if (saved != '/' && saved != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return sbx_err(errno, "--home-persist: create %s", p);
		*s = saved;
		if (!saved)
			break;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "--home-persist: open %s", path);
	*ret_fd = fd;
	return 0;
}

/* NAME below dirfd, made 0700 when missing; then opened without following a symlink and
 * checked to be a directory of ours that nobody else may write to. What is bound at $HOME
 * is this fd, so the directory checked is the directory used. */
static int open_private(int dirfd, const char *name, const char *path, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return sbx_err(errno, "--home-persist: create %s", path);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return sbx_errx("--home-persist: %s is a symbolic link; refusing to use it",
					path);
		return sbx_err(e, "--home-persist: open %s", path);
	}
	if (fstat(fd, &st) < 0)
		return sbx_err(errno, "--home-persist: stat %s", path);
	if (st.st_uid != getuid() || (st.st_mode & 022))
		return sbx_errx("--home-persist: %s is not a directory owned by you and writable "
				"only by you; refusing to use it",
				path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int open_home(const char *base, const char *name, const char *path, int *ret_fd)
{
	_cleanup_close_ int base_fd = -1, sbx_fd = -1, homes_fd = -1;
	_cleanup_free_ char *sbx_path = xasprintf("%s/sbx", base);
	_cleanup_free_ char *homes_path = xasprintf("%s/sbx/homes", base);
	int r;

	if ((r = open_base(base, &base_fd)) < 0 ||
	    (r = open_private(base_fd, "sbx", sbx_path, &sbx_fd)) < 0 ||
	    (r = open_private(sbx_fd, "homes", homes_path, &homes_fd)) < 0)
		return r;
	return open_private(homes_fd, name, path, ret_fd);
}

int apphome_resolve(struct sbx_config *c, bool create)
{
	_cleanup_free_ char *base = NULL;
	const char *name = NULL;
	int r;

	for (size_t i = 0; i < c->n_ops; i++) {
		struct sbx_op *op = &c->ops[i];
		if (!(op->flags & BIND_HOME_PERSIST))
			continue;
		if (!base && ((r = home_name(c, &name)) < 0 || (r = data_dir(&base)) < 0))
			return r;
		free(op->src);
		op->src = xasprintf("%s/sbx/homes/%s", base, name);
		if (!create)
			continue;
		if ((r = open_home(base, name, op->src, &op->fd)) < 0)
			return r;
	}
	return 0;
}

int apphome_reopen(const struct sbx_op *op)
{
	_cleanup_close_ int fd = -1, checked = op->fd;
	struct stat want, got;

	/* Without a checked directory (no apphome_resolve) there is nothing to bind. */
	if (!op->src || checked < 0)
		return sbx_errx("--home-persist on %s: the home directory was not checked",
				op->dest);
	fd = open(op->src, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "--home-persist: open %s", op->src);
	if (fstat(fd, &got) < 0 || fstat(checked, &want) < 0)
		return sbx_err(errno, "--home-persist: stat %s", op->src);
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
		return sbx_errx("--home-persist: %s was replaced after it was checked; refusing to "
				"use it",
				op->src);
	return TAKE_FD(fd);
}
