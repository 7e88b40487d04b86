/* SPDX-License-Identifier: MIT */
#include "setup/userns.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/fault.h"

/* /proc could be anything the caller's mount namespace put there; maps are written only
 * through a directory that really is procfs. name: a pid, or "self". */
static int open_proc_dir(const char *name)
{
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sfs;
	int fd;

	if (proc < 0)
		return sbx_err(errno, "open /proc");
	if (fstatfs(proc, &sfs) < 0)
		return sbx_err(errno, "statfs /proc");
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return sbx_errx(
			"/proc is not a procfs mount; refusing to write id maps through it");
	fd = openat(proc, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "open /proc/%s", name);
	return fd;
}

static int write_map(int dirfd, const char *file, const char *content)
{
	int r = fault_point("id map");

	if (r == 0)
		r = write_file_at(dirfd, file, content);
	if (r == -EPERM)
		return sbx_errx("%s: %s (unprivileged user namespaces may be restricted on this "
				"host; see: sbx --check)",
				file, sbx_errmsg());
	return r;
}

int userns_subid_lookup(const char *file, uid_t uid, struct subid_range *ret,
			unsigned long *ret_end)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	struct passwd *pw = getpwuid(uid);
	char line[512], uidstr[16];
	bool found = false;

	if (!f)
		return -errno;
	snprintf(uidstr, sizeof(uidstr), "%u", uid);
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *name = strtok_r(line, ":", &save),
		     *start = strtok_r(NULL, ":", &save), *count = strtok_r(NULL, ":\n", &save);
		unsigned long s, n;
		if (!name || !start || !count)
			continue;
		s = strtoul(start, NULL, 10);
		n = strtoul(count, NULL, 10);
		if (ret_end && s + n > *ret_end)
			*ret_end = s + n;
		if (found || n == 0 || (!streq(name, uidstr) && !(pw && streq(name, pw->pw_name))))
			continue;
		*ret = (struct subid_range){ .start = s, .count = n };
		found = true;
	}
	return found;
}

static int find_subids(const char *file, uid_t uid, struct subid_range *ret)
{
	struct passwd *pw = getpwuid(uid);
	char uidstr[16];
	int r = userns_subid_lookup(file, uid, ret, NULL);

	if (r > 0)
		return 0;
	if (r < 0)
		return sbx_err(-r, "--subids: %s", file);
	snprintf(uidstr, sizeof(uidstr), "%u", uid);
	return sbx_errx("--subids: no range for %s in %s (add one with usermod --add-subuids; see: "
			"sbx --check)",
			pw ? pw->pw_name : uidstr, file);
}

/* Maps inside id `inner` to the caller and fills the rest of [0, count] from the
 * subordinate range, around `inner`, so every id below count+1 is mapped once. */
static char **subid_args(const char *tool, pid_t pid, unsigned long inner, unsigned long outer,
			 const struct subid_range *r)
{
	char **v = NULL;

	strv_push(&v, xstrdup(tool));
	strv_push(&v, xasprintf("%d", pid));
	strv_push(&v, xasprintf("%lu", inner));
	strv_push(&v, xasprintf("%lu", outer));
	strv_push(&v, xstrdup("1"));
	if (inner < r->count) {
		if (inner > 0) {
			strv_push(&v, xstrdup("0"));
			strv_push(&v, xasprintf("%lu", r->start));
			strv_push(&v, xasprintf("%lu", inner));
		}
		strv_push(&v, xasprintf("%lu", inner + 1));
		strv_push(&v, xasprintf("%lu", r->start + inner));
		strv_push(&v, xasprintf("%lu", r->count - inner));
	} else {
		strv_push(&v, xstrdup("0"));
		strv_push(&v, xasprintf("%lu", r->start));
		strv_push(&v, xasprintf("%lu", r->count));
	}
	return v;
}

/* Only the system's directories, never $PATH: the helpers are setuid, and a copy the user
 * placed earlier in $PATH would be an unprivileged one that fails. */
#define HELPER_DIRS(X) X("/usr/bin") X("/bin") X("/usr/sbin") X("/sbin")
#define HELPER_DIR_SLASH(d) d "/",
#define HELPER_DIR_TEXT(d) " " d
/* Past the first list entry's leading blank. */
const char *const userns_helper_dirs_text = &(HELPER_DIRS(HELPER_DIR_TEXT))[1];

char *userns_helper_path(const char *tool)
{
	static const char *const dirs[] = { HELPER_DIRS(HELPER_DIR_SLASH) };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *path = xasprintf("%s%s", dirs[i], tool);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			return TAKE_PTR(path);
	}
	return NULL;
}

static int run_helper(char **argv)
{
	_cleanup_free_ char *path = userns_helper_path(argv[0]);
	pid_t pid;
	int status;

	if (!path)
		return sbx_errx("--subids: %s not found (install the uidmap package)", argv[0]);
	pid = fork();
	if (pid < 0)
		return sbx_err(errno, "fork %s", argv[0]);
	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sbx_err(errno, "wait %s", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sbx_errx("--subids: %s failed (status %d)", argv[0],
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

static int write_subid_maps(const struct sbx_config *c, pid_t pid)
{
	struct subid_range ur, gr;
	_cleanup_strv_free_ char **uargs = NULL;
	_cleanup_strv_free_ char **gargs = NULL;
	int r;

	if ((r = find_subids("/etc/subuid", c->caller_uid, &ur)) < 0 ||
	    (r = find_subids("/etc/subgid", c->caller_uid, &gr)) < 0)
		return r;
	uargs = subid_args("newuidmap", pid, c->uid, c->caller_uid, &ur);
	gargs = subid_args("newgidmap", pid, c->gid, c->caller_gid, &gr);
	if ((r = run_helper(uargs)) < 0)
		return r;
	return run_helper(gargs);
}

static int write_single_maps(const struct sbx_config *c, const char *proc_name)
{
	_cleanup_close_ int dir = open_proc_dir(proc_name);
	char map[64];
	int r;

	if (dir < 0)
		return dir;
	/* Without CAP_SETGID in the parent namespace, gid_map may only be written once
	 * setgroups is denied (user_namespaces(7)). */
	if ((r = write_map(dir, "setgroups", "deny")) < 0)
		return r;
	snprintf(map, sizeof(map), "%u %u 1\n", c->uid, c->caller_uid);
	if ((r = write_map(dir, "uid_map", map)) < 0)
		return r;
	snprintf(map, sizeof(map), "%u %u 1\n", c->gid, c->caller_gid);
	return write_map(dir, "gid_map", map);
}

int userns_write_maps(const struct sbx_config *c, pid_t pid)
{
	char name[32];

	if (c->subids)
		return write_subid_maps(c, pid);
	snprintf(name, sizeof(name), "%d", pid);
	return write_single_maps(c, name);
}

bool userns_self_mappable(const struct sbx_config *c)
{
	return !c->subids;
}

int userns_write_own_maps(const struct sbx_config *c)
{
	/* "self": our pid in the caller's /proc, not the 1 we are in our own namespace */
	return write_single_maps(c, "self");
}
