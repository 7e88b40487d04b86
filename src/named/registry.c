/* SPDX-License-Identifier: MIT */
#include "named/registry.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <pwd.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/fault.h"

/* Every name sbx ever creates in an entry directory: nothing else is ever removed. */
static const char *const entry_files[] = { "ctl", "info", "info.tmp", "lock" };

int registry_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.' || name[0] == '-' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return sbx_errx("invalid sandbox name '%s' (1 to 64 of A-Z a-z 0-9 _ . -)", name);
	return 0;
}

/* name in at, which must be a real directory (not followed through a symlink), ours and
 * private: anything else could be a trap laid by someone else, or by a sandbox that was
 * given a tree the registry lives in. */
static int open_private_dir(int at, const char *name, const char *path, bool create, int *ret)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (create && mkdirat(at, name, 0700) < 0 && errno != EEXIST)
		return sbx_err(errno, "registry: create %s", path);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return sbx_errx("registry %s: not a directory (a symlink?); refusing to use it",
				path);
	if (fd < 0)
		return sbx_err(errno, "registry %s", path);
	if (fstat(fd, &st) < 0)
		return sbx_err(errno, "registry %s", path);
	if (st.st_uid != getuid() || (st.st_mode & 077))
		return sbx_errx("registry %s: not a private directory owned by you (mode 0700); "
				"refusing to use it",
				path);
	*ret = TAKE_FD(fd);
	return 0;
}

/* A file of an entry: regular, ours, and with no other name (a hard link planted to
 * make two entries share a lock). */
static int check_file(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return sbx_err(errno, "registry %s", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != getuid() || st.st_nlink != 1)
		return sbx_errx("registry %s: not a plain file of yours; refusing to use it", path);
	return 0;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : NULL;
}

/* $XDG_RUNTIME_DIR when it is a directory of ours that nobody else can write; without
 * one, ~/.local/state (created as needed), never /tmp. */
static int open_base(char **ret_path, int *ret_fd)
{
	const char *rt = getenv("XDG_RUNTIME_DIR"), *home;
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (rt && rt[0] == '/') {
		fd = open(rt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0)
			return sbx_err(errno, "XDG_RUNTIME_DIR %s", rt);
		if (st.st_uid != getuid() || (st.st_mode & 022))
			return sbx_errx(
				"XDG_RUNTIME_DIR %s: not a directory of yours that only you "
				"can write; refusing to keep named sandboxes there",
				rt);
		*ret_path = xasprintf("%s/sbx", rt);
		*ret_fd = TAKE_FD(fd);
		return 0;
	}
	if (!(home = home_dir()))
		return sbx_errx("registry: neither XDG_RUNTIME_DIR nor a home directory is set");
	fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "registry: home directory %s", home);
	for (const char *part = ".local\0state\0"; *part; part += strlen(part) + 1) {
		int next;
		if (mkdirat(fd, part, 0700) < 0 && errno != EEXIST)
			return sbx_err(errno, "registry: create %s/.../%s", home, part);
		if ((next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return sbx_err(errno, "registry: %s/.../%s", home, part);
		close(fd);
		fd = next;
	}
	{
		_cleanup_free_ char *path = xasprintf("%s/.local/state/sbx", home);
		_cleanup_close_ int sbx = -1;
		int r = open_private_dir(fd, "sbx", path, true, &sbx);
		if (r < 0)
			return r;
		*ret_path = xasprintf("%s/run", path);
		*ret_fd = TAKE_FD(sbx);
	}
	return 0;
}

static int open_root(char **ret_path, int *ret_fd)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int base = -1;
	int r;

	if ((r = open_base(&path, &base)) < 0)
		return r;
	/* the last part of path is the directory to open in base */
	if ((r = open_private_dir(base, strrchr(path, '/') + 1, path, true, ret_fd)) < 0)
		return r;
	*ret_path = TAKE_PTR(path);
	return 0;
}

/* Only the names sbx makes, and the directory only if that leaves it empty. */
static void remove_entry(int root_fd, int dir_fd, const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(entry_files); i++)
		unlinkat(dir_fd, entry_files[i], 0);
	unlinkat(root_fd, name, AT_REMOVEDIR);
}

/* Locks dir/lock exclusively without waiting; -EBUSY while a live sbx holds it. The lock
 * is checked to still be the file at the path, or a concurrent remover could have
 * unlinked it under us. */
static int lock_entry(int dir_fd, const char *path, int *ret_fd)
{
	for (int tries = 0; tries < 5; tries++) {
		_cleanup_close_ int fd =
			openat(dir_fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
			       0600);
		struct stat a, b;
		int r;
		if (fd < 0 && errno == ENOENT)
			return -ENOENT; /* the directory itself went (a --list took it as stale) */
		if (fd < 0)
			return sbx_err(errno, "registry: open %s/lock", path);
		if ((r = check_file(fd, path)) < 0)
			return r;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			return errno == EWOULDBLOCK ? -EBUSY
						    : sbx_err(errno, "registry: lock %s", path);
		if (fstat(fd, &a) == 0 && fstatat(dir_fd, "lock", &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			*ret_fd = TAKE_FD(fd);
			return 0;
		}
	}
	return sbx_errx("registry: %s/lock keeps changing", path);
}

int registry_claim(const char *name, struct registry *reg)
{
	_cleanup_free_ char *root = NULL;
	int r;

	if ((r = registry_valid_name(name)) < 0 || (r = open_root(&root, &reg->root_fd)) < 0)
		return r;
	reg->path = xasprintf("%s/%s", root, name);
	/* Between our open of the lock and our flock, a --list may find it unlocked, take the
	 * entry for a stale one and remove it, directory included: then claim it anew. */
	for (int tries = 0; tries < 5; tries++) {
		if ((r = open_private_dir(reg->root_fd, name, reg->path, true, &reg->dir_fd)) < 0)
			return r;
		r = lock_entry(reg->dir_fd, reg->path, &reg->lock_fd);
		if (r != -ENOENT)
			break;
		close(TAKE_FD(reg->dir_fd));
	}
	/* Not locked, and not someone else's: the directory made above goes again (only if
	 * empty, as it is unless a live entry's lock file is in it). */
	if (r < 0 && r != -EBUSY)
		unlinkat(reg->root_fd, name, AT_REMOVEDIR);
	if (r == -ENOENT)
		return sbx_errx("registry: %s keeps disappearing", reg->path);
	if (r == -EBUSY)
		return sbx_errx("a sandbox named '%s' is already running (see sbx --list)", name);
	if (r < 0)
		return r;
	reg->name = xstrdup(name);
	if ((r = fault_point("registry claim")) < 0)
		return r;
	/* Whatever is left from an earlier sbx that died without cleaning up is stale. */
	for (size_t i = 0; i < ELEMENTSOF(entry_files); i++)
		if (!streq(entry_files[i], "lock"))
			unlinkat(reg->dir_fd, entry_files[i], 0);
	return 0;
}

int registry_parse_stat(const char *buf, unsigned long long *ret, pid_t *ret_ppid)
{
	const char *p;
	int ppid;

	/* The command name may hold spaces and parentheses: fields start after the last ')'
	 * and its space (p[1], so that p + 2 is never past the string's end). */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' ||
	    sscanf(p + 2,
		   "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
		   "%*d %llu",
		   &ppid, ret) != 2)
		return -EINVAL;
	if (ret_ppid)
		*ret_ppid = ppid;
	return 0;
}

static int read_starttime(pid_t pid, unsigned long long *ret, pid_t *ret_ppid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/stat", pid), *buf = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return sbx_err(errno, "open %s", path);
	if (read_fd_all(fd, &buf, NULL) < 0)
		return sbx_err(errno, "read %s", path);
	if (registry_parse_stat(buf, ret, ret_ppid) < 0)
		return sbx_errx("%s: unexpected format", path);
	return 0;
}

static void write_info(FILE *f, const struct sbx_config *c, pid_t supervisor, pid_t init,
		       unsigned long long start)
{
	const struct sbx_limits *l = &c->limits;

	fprintf(f, "supervisor=%d\ninit=%d\nstarttime=%llu\nstarted=%lld\ncommand=", supervisor,
		init, start, (long long)time(NULL));
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
}

int registry_publish(struct registry *reg, const struct sbx_config *c, pid_t supervisor, pid_t init)
{
	_cleanup_fclose_ FILE *f = NULL;
	unsigned long long start = 0;
	int fd, r;

	if ((r = read_starttime(init, &start, NULL)) < 0)
		return r;
	/* O_EXCL on a fresh name: never write through a link someone left there. */
	unlinkat(reg->dir_fd, "info.tmp", 0);
	fd = openat(reg->dir_fd, "info.tmp",
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		r = sbx_err(errno, "registry: write %s/info.tmp", reg->path);
		if (fd >= 0)
			close(fd);
		return r;
	}
	write_info(f, c, supervisor, init, start);
	if ((r = fault_point("registry write")) < 0)
		return r;
	if (fflush(f) != 0 || renameat(reg->dir_fd, "info.tmp", reg->dir_fd, "info") < 0)
		return sbx_err(errno, "registry: write %s/info", reg->path);
	return fault_point("registry published");
}

void registry_remove(struct registry *reg)
{
	if (reg->dir_fd >= 0 && reg->lock_fd >= 0)
		remove_entry(reg->root_fd, reg->dir_fd, reg->name);
	for (int *fd = &reg->root_fd; fd <= &reg->lock_fd; fd++)
		if (*fd >= 0)
			close(*fd);
	free(reg->name);
	free(reg->path);
	*reg = (struct registry)REGISTRY_INIT;
}

/* The entry name in root, if a live sandbox holds it: its directory and lock. A stale
 * entry (nobody holds the lock) that passed every check is ours, and removed. */
static int open_live(int root_fd, const char *root, const char *name, int *ret_dir, int *ret_lock)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, name);
	_cleanup_close_ int dir = -1, lock = -1;
	int r;

	if ((r = open_private_dir(root_fd, name, path, false, &dir)) < 0)
		return r;
	lock = openat(dir, "lock", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (lock < 0 && errno == ENOENT)
		return -ENOENT; /* being set up or taken down */
	if (lock < 0)
		return sbx_err(errno, "registry %s/lock", path);
	if ((r = check_file(lock, path)) < 0)
		return r;
	if (flock(lock, LOCK_SH | LOCK_NB) == 0) {
		/* Nobody holds it: the sbx that made the entry is gone. */
		remove_entry(root_fd, dir, name);
		return -ENOENT;
	}
	*ret_dir = TAKE_FD(dir);
	if (ret_lock)
		*ret_lock = TAKE_FD(lock);
	return 0;
}

int registry_open(const char *name, int *ret_dir_fd)
{
	_cleanup_free_ char *root = NULL;
	_cleanup_close_ int root_fd = -1;
	int r;

	if ((r = registry_valid_name(name)) < 0 || (r = open_root(&root, &root_fd)) < 0)
		return r;
	r = open_live(root_fd, root, name, ret_dir_fd, NULL);
	if (r == -ENOENT)
		return sbx_errx("no running sandbox named '%s' (see sbx --list)", name);
	return r;
}

bool registry_ended(int dir_fd, int timeout_ms)
{
	_cleanup_close_ int lock =
		openat(dir_fd, "lock", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	for (int waited = 0;; waited += 10) {
		/* Gone from the directory, or free: its supervisor has let go. */
		if (lock < 0 || flock(lock, LOCK_SH | LOCK_NB) == 0)
			return true;
		if (waited >= timeout_ms)
			return false;
		usleep(10000);
	}
}

/* ---- --list ------------------------------------------------------------------------ */

void registry_info_free(struct registry_info *l)
{
	free(l->command);
	free(l->limits);
}

void registry_parse_info(char *text, struct registry_info *l)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		if (streq(line, "supervisor"))
			l->supervisor = atoi(eq);
		else if (streq(line, "init"))
			l->init = atoi(eq);
		else if (streq(line, "starttime"))
			l->starttime = strtoull(eq, NULL, 10);
		else if (streq(line, "started"))
			l->started = strtoll(eq, NULL, 10);
		else if (streq(line, "command") && !l->command)
			l->command = xstrdup(eq);
		else if (streq(line, "limits") && !l->limits)
			l->limits = xstrdup(eq);
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

static bool user_ns_is_ours(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/ns/user", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	uid_t owner;

	return fd >= 0 && ioctl(fd, NS_GET_OWNER_UID, &owner) == 0 && owner == getuid();
}

/* What the info file says, shown only if the kernel agrees: init is the supervisor's
 * child with the recorded start time, the supervisor holds the entry's lock, and init's
 * user namespace is the user's. */
static int read_listing(int dir, int lock, struct registry_info *l)
{
	_cleanup_close_ int info = openat(dir, "info", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *text = NULL;
	unsigned long long start = 0;
	pid_t ppid = 0;

	*l = (struct registry_info){ 0 };
	if (info < 0 || check_file(info, "info") < 0 || read_fd_all(info, &text, NULL) < 0)
		return -EAGAIN; /* still starting */
	registry_parse_info(text, l);
	if (l->init <= 0 || l->supervisor <= 0 || read_starttime(l->init, &start, &ppid) < 0 ||
	    start != l->starttime || ppid != l->supervisor || !holds_lock(l->supervisor, lock) ||
	    !user_ns_is_ours(l->init)) {
		registry_info_free(l);
		return -ESRCH;
	}
	return 0;
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

static void print_listing(FILE *f, const char *name, const struct registry_info *l, bool json,
			  bool first)
{
	long long up = (long long)time(NULL) - l->started;

	if (!json) {
		fprintf(f, "%-20s %8d %8llds  %-30s %s\n", name, l->init, up,
			l->command ? l->command : "", l->limits ? l->limits : "");
		return;
	}
	fprintf(f, "%s\n  {\"name\": ", first ? "" : ",");
	json_string(f, name);
	fprintf(f, ", \"pid\": %d, \"supervisor\": %d, \"uptime\": %lld, \"command\": ", l->init,
		l->supervisor, up);
	json_string(f, l->command);
	fputs(", \"limits\": ", f);
	json_string(f, l->limits);
	fputs("}", f);
}

int registry_list(FILE *f, bool json)
{
	_cleanup_free_ char *root = NULL;
	_cleanup_close_ int root_fd = -1;
	DIR *d;
	struct dirent *de;
	bool first = true;
	int r;

	if ((r = open_root(&root, &root_fd)) < 0)
		return r;
	if (!(d = fdopendir(dup(root_fd))))
		return sbx_err(errno, "registry: open %s", root);
	if (json)
		fputs("[", f);
	else
		fprintf(f, "%-20s %8s %9s  %-30s %s\n", "NAME", "PID", "UPTIME", "COMMAND",
			"LIMITS");
	while ((de = readdir(d))) {
		_cleanup_close_ int dir = -1, lock = -1;
		struct registry_info l;
		if (de->d_name[0] == '.' || registry_valid_name(de->d_name) < 0)
			continue;
		if (open_live(root_fd, root, de->d_name, &dir, &lock) < 0) {
			log_debug("%s", sbx_errmsg());
			continue;
		}
		if (read_listing(dir, lock, &l) < 0)
			continue;
		print_listing(f, de->d_name, &l, json, first);
		first = false;
		registry_info_free(&l);
	}
	closedir(d);
	if (json)
		fputs(first ? "]\n" : "\n]\n", f);
	if (fflush(f) != 0 || ferror(f))
		return sbx_err(errno ? errno : EIO, "--list: write");
	return 0;
}
