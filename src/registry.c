/* SPDX-License-Identifier: MIT */
#include "registry.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int registry_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.' || name[0] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return sbx_errx("invalid sandbox name '%s' (1 to 64 of A-Z a-z 0-9 _ . -)", name);
	return 0;
}

/* The directory must be ours and private: anything else could be a trap laid by someone
 * else on a shared /tmp. */
static int verify_dir(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return sbx_err(errno, "registry %s", path);
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077))
		return sbx_errx("registry %s: not a private directory owned by you (mode 0700); "
				"refusing to use it",
				path);
	return 0;
}

static int ensure_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return sbx_err(errno, "registry: create %s", path);
	return verify_dir(path);
}

static int registry_root(char **ret)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *base = NULL;
	int r;

	if (rt && rt[0] == '/') {
		base = xstrdup(rt);
	} else {
		/* No runtime dir (no login session): a private directory in /tmp. */
		base = xasprintf("/tmp/sbx-%u", getuid());
		if ((r = ensure_dir(base)) < 0)
			return r;
	}
	*ret = xasprintf("%s/sbx", base);
	return ensure_dir(*ret);
}

static int entry_dir(const char *name, char **ret)
{
	_cleanup_free_ char *root = NULL;
	int r;

	if ((r = registry_valid_name(name)) < 0 || (r = registry_root(&root)) < 0)
		return r;
	*ret = xasprintf("%s/%s", root, name);
	return 0;
}

static void remove_files(const char *dir)
{
	static const char *const files[] = { "info", "info.tmp", "lock" };

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* Locks dir/lock exclusively without waiting; -EBUSY while a live sbx holds it. The lock
 * is checked to still be the file at the path, or a concurrent remover could have
 * unlinked it under us. */
static int lock_entry(const char *dir, int *ret_fd)
{
	_cleanup_free_ char *path = xasprintf("%s/lock", dir);

	for (int tries = 0; tries < 5; tries++) {
		_cleanup_close_ int fd =
			open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
		struct stat a, b;
		if (fd < 0)
			return sbx_err(errno, "registry: open %s", path);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			return errno == EWOULDBLOCK ? -EBUSY
						    : sbx_err(errno, "registry: lock %s", path);
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			*ret_fd = TAKE_FD(fd);
			return 0;
		}
	}
	return sbx_errx("registry: %s keeps changing", path);
}

int registry_claim(const char *name, char **ret_dir)
{
	_cleanup_free_ char *dir = NULL;
	int fd, r;

	if ((r = entry_dir(name, &dir)) < 0)
		return r;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return sbx_err(errno, "registry: create %s", dir);
	if ((r = verify_dir(dir)) < 0)
		return r;
	r = lock_entry(dir, &fd);
	if (r == -EBUSY)
		return sbx_errx("a sandbox named '%s' is already running (see sbx --list)", name);
	if (r < 0)
		return r;
	/* Whatever is left from an earlier sbx that died without cleaning up is stale. */
	{
		_cleanup_free_ char *info = xasprintf("%s/info", dir);
		unlink(info);
	}
	*ret_dir = TAKE_PTR(dir);
	return fd;
}

static int read_starttime(pid_t pid, unsigned long long *ret, pid_t *ret_ppid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/stat", pid), *buf = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *p;
	int ppid;

	if (fd < 0 || read_fd_all(fd, &buf, NULL) < 0)
		return -ESRCH;
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	if (sscanf(p + 2,
		   "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
		   "%*d %llu",
		   &ppid, ret) != 2)
		return -EIO;
	if (ret_ppid)
		*ret_ppid = ppid;
	return 0;
}

int registry_publish(const char *dir, const struct sbx_config *c, pid_t supervisor, pid_t init)
{
	_cleanup_free_ char *tmp = xasprintf("%s/info.tmp", dir), *path = xasprintf("%s/info", dir);
	_cleanup_fclose_ FILE *f = NULL;
	unsigned long long start = 0;
	const struct sbx_limits *l = &c->limits;
	int fd;

	read_starttime(init, &start, NULL);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return sbx_err(errno, "registry: write %s", tmp);
	fprintf(f, "supervisor=%d\ninit=%d\nstarttime=%llu\nstarted=%lld\n", supervisor, init,
		start, (long long)time(NULL));
	fprintf(f, "cwd=%s\ncaps=%llx\nseccomp=%s\ndisable_userns=%d\n",
		c->chdir ? c->chdir : (c->cwd ? c->cwd : "/"), (unsigned long long)c->caps_keep,
		c->seccomp_disabled ? "none" : "default", c->disable_userns);
	fprintf(f, "allow_userns=%d\nallow_tiocsti=%d\n", c->allow_userns, c->allow_tiocsti);
	/* --enter compiles the same profile again (from the caller's view of the file). */
	if (c->seccomp_profile_prog) {
		_cleanup_free_ char *abs = realpath(c->seccomp_profile, NULL);
		fprintf(f, "seccomp_profile=%s\n", abs ? abs : c->seccomp_profile);
	}
	fputs("command=", f);
	for (size_t i = 0; c->argv && c->argv[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", c->argv[i]);
	fputs("\nlimits=", f);
	if (l->memory != LIMIT_UNSET)
		fprintf(f, "memory=%llu ", (unsigned long long)l->memory);
	if (l->cpu_quota_usec != LIMIT_UNSET)
		fprintf(f, "cpus=%llu.%02llu ", (unsigned long long)(l->cpu_quota_usec / 1000000),
			(unsigned long long)(l->cpu_quota_usec % 1000000 / 10000));
	if (l->pids != LIMIT_UNSET)
		fprintf(f, "pids=%llu ", (unsigned long long)l->pids);
	fputc('\n', f);
	if (fflush(f) != 0 || rename(tmp, path) < 0)
		return sbx_err(errno, "registry: write %s", path);
	return 0;
}

void registry_remove(const char *dir, int lock_fd)
{
	if (!dir)
		return;
	remove_files(dir);
	if (lock_fd >= 0)
		close(lock_fd);
}

void registry_entry_free(struct registry_entry *e)
{
	free(e->name);
	free(e->dir);
	free(e->command);
	free(e->limits);
	free(e->cwd);
	free(e->seccomp_profile);
	*e = (struct registry_entry){ 0 };
}

static void parse_info(char *text, struct registry_entry *e)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		if (streq(line, "supervisor"))
			e->supervisor = atoi(eq);
		else if (streq(line, "init"))
			e->init = atoi(eq);
		else if (streq(line, "starttime"))
			e->starttime = strtoull(eq, NULL, 10);
		else if (streq(line, "started"))
			e->started = strtoll(eq, NULL, 10);
		else if (streq(line, "command"))
			e->command = xstrdup(eq);
		else if (streq(line, "limits"))
			e->limits = xstrdup(eq);
		else if (streq(line, "cwd"))
			e->cwd = xstrdup(eq);
		else if (streq(line, "caps"))
			e->caps = strtoull(eq, NULL, 16);
		else if (streq(line, "seccomp"))
			e->seccomp_disabled = streq(eq, "none");
		else if (streq(line, "seccomp_profile"))
			e->seccomp_profile = xstrdup(eq);
		else if (streq(line, "disable_userns"))
			e->disable_userns = atoi(eq) != 0;
		else if (streq(line, "allow_userns"))
			e->allow_userns = atoi(eq) != 0;
		else if (streq(line, "allow_tiocsti"))
			e->allow_tiocsti = atoi(eq) != 0;
	}
}

/* Whether pid holds a flock on the file open as fd, by /proc/locks: the lock, not the
 * files beside it, says which process owns the entry. */
static bool holds_lock(pid_t pid, int fd)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/locks", "re");
	struct stat st;
	char line[256];

	if (!f || fstat(fd, &st) < 0)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		int lpid;
		char type[16];
		if (sscanf(line, "%*[^:]: %15s %*s %*s %d %x:%x:%llu", type, &lpid, &maj, &min,
			   &ino) != 5)
			continue;
		if (streq(type, "FLOCK") && lpid == pid && ino == st.st_ino &&
		    (dev_t)makedev(maj, min) == st.st_dev)
			return true;
	}
	return false;
}

static int user_ns_is_ours(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/ns/user", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	uid_t owner;

	if (fd < 0 || ioctl(fd, NS_GET_OWNER_UID, &owner) < 0)
		return -errno;
	return owner == getuid() ? 0 : -EPERM;
}

/* Reads and verifies an entry; a stale one is removed and reported as absent. */
static int load_entry(const char *dir, const char *name, struct registry_entry *e)
{
	_cleanup_free_ char *lockp = xasprintf("%s/lock", dir), *infop = xasprintf("%s/info", dir);
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int lock = open(lockp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int info = -1;
	unsigned long long start = 0;
	pid_t ppid = 0;

	*e = (struct registry_entry){ 0 };
	if (lock < 0)
		return -ENOENT;
	if (flock(lock, LOCK_SH | LOCK_NB) == 0) {
		/* Nobody holds it: the sbx that made the entry is gone. */
		remove_files(dir);
		return -ENOENT;
	}
	info = open(infop, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (info < 0 || read_fd_all(info, &text, NULL) < 0)
		return -EAGAIN; /* still starting */
	parse_info(text, e);
	e->name = xstrdup(name);
	e->dir = xstrdup(dir);
	if (e->init <= 0 || e->supervisor <= 0 || read_starttime(e->init, &start, &ppid) < 0 ||
	    start != e->starttime || ppid != e->supervisor || !holds_lock(e->supervisor, lock) ||
	    user_ns_is_ours(e->init) < 0) {
		log_debug("registry %s: init %d start %llu/%llu ppid %d/%d lock %d userns %d", dir,
			  e->init, start, e->starttime, ppid, e->supervisor,
			  holds_lock(e->supervisor, lock), user_ns_is_ours(e->init));
		registry_entry_free(e);
		return sbx_errx("registry entry %s does not match a running sandbox; not using it",
				dir);
	}
	return 0;
}

int registry_lookup(const char *name, struct registry_entry *e)
{
	_cleanup_free_ char *dir = NULL;
	int r;

	if ((r = entry_dir(name, &dir)) < 0)
		return r;
	r = load_entry(dir, name, e);
	if (r == -ENOENT || r == -EAGAIN)
		return sbx_errx("no running sandbox named '%s' (see sbx --list)", name);
	return r;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

int registry_list(FILE *f, bool json)
{
	_cleanup_free_ char *root = NULL;
	DIR *d;
	struct dirent *de;
	bool first = true;
	int r;

	if ((r = registry_root(&root)) < 0)
		return r;
	if (!(d = opendir(root)))
		return sbx_err(errno, "registry: open %s", root);
	if (json)
		fputs("[", f);
	else
		fprintf(f, "%-20s %8s %9s  %-30s %s\n", "NAME", "PID", "UPTIME", "COMMAND",
			"LIMITS");
	while ((de = readdir(d))) {
		_cleanup_free_ char *dir = NULL;
		struct registry_entry e;
		long long up;
		if (de->d_name[0] == '.' || registry_valid_name(de->d_name) < 0)
			continue;
		dir = xasprintf("%s/%s", root, de->d_name);
		if (load_entry(dir, de->d_name, &e) < 0)
			continue;
		up = (long long)time(NULL) - e.started;
		if (json) {
			fprintf(f, "%s\n  {\"name\": ", first ? "" : ",");
			json_string(f, e.name);
			fprintf(f,
				", \"pid\": %d, \"supervisor\": %d, \"uptime\": %lld, "
				"\"command\": ",
				e.init, e.supervisor, up);
			json_string(f, e.command);
			fputs(", \"limits\": ", f);
			json_string(f, e.limits);
			fputs("}", f);
		} else {
			fprintf(f, "%-20s %8d %8llds  %-30s %s\n", e.name, e.init, up,
				e.command ? e.command : "", e.limits ? e.limits : "");
		}
		first = false;
		registry_entry_free(&e);
	}
	closedir(d);
	if (json)
		fputs(first ? "]\n" : "\n]\n", f);
	return 0;
}
