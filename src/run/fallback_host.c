/* SPDX-License-Identifier: MIT */
/* The host's side of --fallback=landlock (run/fallback_host.h): the rules, the TMPDIR. */
#include "run/fallback_host.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

/* --dev's minimal /dev, less what would reach the host's processes: /dev/pts holds the
 * caller's other terminals, /dev/shm the shared memory of the caller's programs. ptmx
 * makes a new pty; its peer comes from TIOCGPTPEER, without /dev/pts. */
static const char *const dev_files[] = { "/dev/null",	 "/dev/zero", "/dev/full", "/dev/random",
					 "/dev/urandom", "/dev/tty",  "/dev/ptmx" };

static enum landlock_access bind_access(unsigned flags)
{
	if (flags & BIND_READONLY)
		return LANDLOCK_READ;
	return (flags & BIND_DEVICES) ? LANDLOCK_DEV : LANDLOCK_WRITE;
}

static void add_op(const struct sbx_op *op, struct landlock_rules *r)
{
	switch (op->type) {
	case OP_BIND:
		/* The cwd as the parent holds it (sources.c binds "." too), not a path that
		 * may have been renamed since the cwd rule looked at it. */
		if (op->src)
			landlock_rules_add(r, (op->flags & BIND_CWD) ? "." : op->src,
					   bind_access(op->flags));
		break;
	case OP_BIND_FD: {
		char path[32];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", op->fd);
		landlock_rules_add(r, path, bind_access(op->flags));
		break;
	}
	case OP_PROC:
		landlock_rules_add(r, "/proc", LANDLOCK_READ);
		break;
	case OP_SYSFS:
		landlock_rules_add(r, "/sys", LANDLOCK_READ);
		break;
	case OP_DEV:
		for (size_t i = 0; i < ELEMENTSOF(dev_files); i++)
			landlock_rules_add(r, dev_files[i], LANDLOCK_DEV);
		break;
	default:
		/* Made inside the sandbox (a tmpfs, a directory, data, an overlay), or a
		 * change of what a bind gives, which Landlock cannot take back. */
		break;
	}
}

/* What a bind of a host path grants beneath its destination; -1 for any other op. */
static int host_access(const struct sbx_op *op)
{
	if ((op->type == OP_BIND && op->src) || op->type == OP_BIND_FD)
		return (int)bind_access(op->flags);
	return -1;
}

/* Whether op, mounted beneath a bind that grants access, takes away in the sandbox what
 * the bind's rule still grants the command here: Landlock only adds access, so a read-only
 * bind, a --remount-ro or anything that hides the host's files (a tmpfs, data, another
 * source) cannot be kept beneath it. */
static bool narrows(const struct sbx_op *op, int access)
{
	switch (op->type) {
	case OP_BIND:
		return host_access(op) < access || !op->src || !streq(op->src, op->dest);
	case OP_REMOUNT_RO:
		return access >= LANDLOCK_WRITE;
	case OP_DIR:
	case OP_SYMLINK:
	case OP_CHMOD:
	case OP_FILE:
		return false; /* made in the bind: on the host, as here */
	default:
		return true;
	}
}

/* A later op beneath (or on) a bind of the host's: earlier ones the bind hides anyway. */
static int check_nesting(const struct sbx_config *c)
{
	for (size_t j = 0; j < c->n_ops; j++) {
		int access = host_access(&c->ops[j]);
		for (size_t i = j + 1; access >= 0 && i < c->n_ops; i++) {
			const struct sbx_op *op = &c->ops[i];
			if (op->dest && path_in(op->dest, c->ops[j].dest) && narrows(op, access))
				return sbx_errx(
					"--fallback=landlock cannot keep the mount on %s: it "
					"lies beneath the bind on %s, whose access Landlock "
					"cannot take back there",
					op->dest, c->ops[j].dest);
		}
	}
	return 0;
}

int fallback_host_rules(const struct sbx_config *c, const char *tmpdir, struct landlock_rules *r)
{
	int ret = check_nesting(c);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < c->n_ops; i++)
		add_op(&c->ops[i], r);
	landlock_rules_add(r, tmpdir, LANDLOCK_WRITE);
	landlock_rules_add_ports(c, r);
	return 0;
}

bool fallback_host_has_cwd(const struct sbx_config *c)
{
	for (size_t i = 0; c->cwd && !c->cwd_refused && i < c->n_ops; i++)
		if (c->ops[i].type == OP_BIND && c->ops[i].src && path_in(c->cwd, c->ops[i].src))
			return true;
	return false;
}

int fallback_tmpdir_make(char **ret)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *path;

	/* The caller's own tmpfs, where nobody else can look; else the shared /tmp, where
	 * mkdtemp's 0700 keeps others out. */
	if (!base || base[0] != '/' || stat(base, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || access(base, W_OK) < 0)
		base = "/tmp";
	path = xasprintf("%s/sbx-fallback-XXXXXX", base);
	if (!mkdtemp(path)) {
		int r = sbx_err(errno, "--fallback: make a temporary directory in %s", base);
		free(path);
		return r;
	}
	*ret = path;
	return 0;
}

/* A directory of ours made searchable and writable again (the command may have taken
 * that away with chmod, which Landlock does not govern), opened without following a
 * symlink; -1 where it is not a directory. */
static int open_dir(int dfd, const char *name)
{
	_cleanup_close_ int p = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char proc[32];

	if (p < 0)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", p);
	(void)chmod(proc, 0700);
	return openat(p, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void remove_beneath(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		closep(&fd);
		return;
	}
	while ((e = readdir(d))) {
		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		if (unlinkat(dfd, e->d_name, 0) == 0 || errno != EISDIR)
			continue;
		_cleanup_close_ int sub = open_dir(dfd, e->d_name);
		if (sub >= 0)
			remove_beneath(sub);
		(void)unlinkat(dfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

void fallback_tmpdir_remove(const char *path)
{
	_cleanup_close_ int fd = -1;

	if (!path)
		return;
	fd = open_dir(AT_FDCWD, path);
	if (fd >= 0)
		remove_beneath(fd);
	if (rmdir(path) < 0 && errno != ENOENT)
		log_warn("--fallback: could not remove %s: %m", path);
}
