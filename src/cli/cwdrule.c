/* SPDX-License-Identifier: MIT */
#include "cli/cwdrule.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* Shared by every user and program on the host: the X11 and other sockets live there.
 * A subdirectory the caller owns is theirs alone, so `cd /tmp/build && sbx make` works. */
static const char *const shared_tmp[] = { "/tmp", "/var/tmp", "/dev/shm" };

/* The system's own trees: a caller who owns them (root) must not hand them to a sandbox
 * by standing in them. Other users do not own them anyway. */
static const char *const system_dirs[] = { "/usr",   "/etc",	"/bin",	 "/sbin", "/lib", "/lib32",
					   "/lib64", "/libx32", "/boot", "/opt",  "/var" };

static bool is_shared_tmp(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(shared_tmp); i++)
		if (streq(path, shared_tmp[i]))
			return true;
	return false;
}

static bool is_system(const char *path)
{
	/* A directory of the caller's own below /var/tmp is like one below /tmp. */
	if (path_in(path, "/var/tmp"))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++)
		if (path_in(path, system_dirs[i]))
			return true;
	return false;
}

enum cwd_verdict cwd_rule(const struct cwd_facts *f)
{
	const char *c = f->cwd;

	if (streq(c, "/"))
		return CWD_ROOT;
	if (is_shared_tmp(c))
		return CWD_SHARED_TMP;
	/* The sandbox gets its own /proc, /sys and /dev; below /dev/shm, a directory of the
	 * caller's is like one below /tmp. */
	if (path_in(c, "/proc") || path_in(c, "/sys") ||
	    (path_in(c, "/dev") && !path_in(c, "/dev/shm")))
		return CWD_KERNEL_FS;
	if (f->home && !streq(f->home, "/")) {
		size_t n = strlen(f->home);
		if (streq(c, f->home))
			return CWD_HOME;
		if (path_in(f->home, c))
			return CWD_HOME_ANCESTOR;
		/* ~/.ssh, ~/.config (sbx's own profiles), ~/.local/bin on $PATH... */
		if (path_in(c, f->home) && c[n + 1] == '.')
			return CWD_HOME_DOTDIR;
	}
	/* The session bus and the display sockets; a directory that holds it exposes it too. */
	if (f->runtime_dir && (path_in(c, f->runtime_dir) || path_in(f->runtime_dir, c)))
		return CWD_RUNTIME_DIR;
	if (path_in(c, "/run"))
		return CWD_RUN;
	if (is_system(c))
		return CWD_SYSTEM;
	if (f->owner != f->caller)
		return CWD_NOT_OWNED;
	/* An earlier sandbox that could write here may have planted `build -> $HOME`. */
	if (f->link)
		return CWD_SYMLINK;
	return CWD_SHARE;
}

void cwd_rule_reason(enum cwd_verdict v, const struct cwd_facts *f, char *buf, size_t size)
{
	const char *c = f->cwd;

	switch (v) {
	case CWD_SHARE:
		snprintf(buf, size, "safe to share");
		break;
	case CWD_ROOT:
		snprintf(buf, size, "it is /");
		break;
	case CWD_KERNEL_FS:
		snprintf(buf, size, "it lies in /proc, /sys or /dev");
		break;
	case CWD_HOME:
		snprintf(buf, size, "it is $HOME");
		break;
	case CWD_HOME_ANCESTOR:
		snprintf(buf, size, "it contains $HOME (%s)", f->home);
		break;
	case CWD_HOME_DOTDIR: {
		size_t n = strlen(f->home) + 1;
		int dot = (int)strcspn(c + n, "/");
		snprintf(buf, size, "it %s the dot-directory ~/%.*s of $HOME",
			 c[n + (size_t)dot] ? "lies in" : "is", dot, c + n);
		break;
	}
	case CWD_RUNTIME_DIR:
		snprintf(buf, size, "it %s $XDG_RUNTIME_DIR (%s), where the session's sockets are",
			 streq(c, f->runtime_dir)     ? "is"
			 : path_in(c, f->runtime_dir) ? "lies in"
						      : "contains",
			 f->runtime_dir);
		break;
	case CWD_RUN:
		snprintf(buf, size, "it %s /run, where system services keep their sockets",
			 streq(c, "/run") ? "is" : "lies in");
		break;
	case CWD_SYSTEM:
		snprintf(buf, size, "it lies in the system's own files");
		break;
	case CWD_SHARED_TMP:
		snprintf(buf, size, "it is %s itself, open to every user and program", c);
		break;
	case CWD_NOT_OWNED:
		snprintf(buf, size, "it belongs to uid %u, not to you (uid %u)", (unsigned)f->owner,
			 (unsigned)f->caller);
		break;
	case CWD_SYMLINK:
		snprintf(buf, size, "$PWD reaches it through the symlink %s -> %s", f->link,
			 f->link_target);
		break;
	}
}

/* $HOME and $XDG_RUNTIME_DIR as the kernel spells them, to compare with getcwd()'s
 * answer: /home may be a link to /var/home. */
static char *resolve_env(const char *name)
{
	const char *v = getenv(name);
	char *r;

	if (!v || v[0] != '/')
		return NULL;
	r = realpath(v, NULL);
	return r ? r : xstrdup(v);
}

enum cwd_verdict cwdrule_check(const char *cwd, char **ret_reason)
{
	_cleanup_free_ char *home = resolve_env("HOME"),
			    *runtime_dir = resolve_env("XDG_RUNTIME_DIR");
	_cleanup_free_ char *link = NULL, *target = NULL;
	const char *pwd = getenv("PWD");
	struct cwd_facts f = { .cwd = cwd,
			       .home = home,
			       .runtime_dir = runtime_dir,
			       .caller = getuid() };
	struct stat st = { 0 }, pst;
	enum cwd_verdict v;
	char reason[PATH_MAX * 2 + 128];

	/* The directory sbx runs in, not its path, which may have changed since getcwd(); that
	 * directory is what bind-cwd binds (BIND_CWD). Unreadable: not ours to share. */
	f.owner = stat(".", &st) == 0 ? st.st_uid : (uid_t)-1;
	/* The shell's $PWD names the path the user typed; when it leads to the cwd through a
	 * symlink, the user may not know where they are. A stale $PWD says nothing. */
	if (pwd && pwd[0] == '/' && !streq(pwd, cwd) && stat(pwd, &pst) == 0 &&
	    pst.st_dev == st.st_dev && pst.st_ino == st.st_ino &&
	    path_find_symlink(pwd, &link, &target) > 0) {
		f.link = link;
		f.link_target = target;
	}
	v = cwd_rule(&f);
	if (v != CWD_SHARE) {
		cwd_rule_reason(v, &f, reason, sizeof(reason));
		*ret_reason = xstrdup(reason);
	}
	return v;
}
