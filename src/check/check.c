/* SPDX-License-Identifier: MIT */
#include "check/check.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <pwd.h>
#include <sched.h>
#include <linux/seccomp.h>

#include "run/pid1.h"
#include "seccomp/seccomp.h"
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/util.h"
#include "limits/cgroup.h"
#include "setup/userns.h"

/* Ordered by severity: the run's exit status follows the worst line. */
enum check_state {
	CHECK_OK,
	CHECK_WARN,
	CHECK_MISSING,
};

/* A line's detail or fix, built piece by piece; what does not fit is cut. */
struct text {
	char s[1024];
	size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->s) - t->len ? (size_t)n : sizeof(t->s) - t->len - 1;
}

static enum check_state say(FILE *out, enum check_state st, const char *item,
			    const struct text *detail, const struct text *fix)
{
	static const char *const words[] = { "ok", "warn", "missing" };

	fprintf(out, "%-8s%s: %s", words[st], item, detail->s);
	if (st != CHECK_OK)
		fprintf(out, "; fix: %s", fix->s);
	fputc('\n', out);
	return st;
}

/* A number under /proc/sys; -ENOENT where this kernel has no such knob. */
static int read_sysctl(const char *name, long *ret)
{
	_cleanup_close_ int fd = -1;
	char path[128], buf[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read_all(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	*ret = strtol(buf, NULL, 10);
	return 0;
}

/* ---- probes: namespaces entered with unshare(2) cannot be left, so each probe runs in a
 * child that reports over a pipe and is reaped before the line is printed. ------------- */

struct probe {
	int err;
	char step[80]; /* the step that failed; empty when all worked */
};

/* 0 in the child, which reports on *fd; the child's pid in the parent, which reads *fd. */
static pid_t probe_fork(int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	close(p[pid == 0 ? 0 : 1]);
	*fd = p[pid == 0 ? 1 : 0];
	return pid;
}

/* _exit: the parent's stdio buffers, copied by fork, must not be flushed twice. */
static _Noreturn void probe_exit(int fd, const char *step, int err)
{
	struct probe p = { .err = err };

	snprintf(p.step, sizeof(p.step), "%s", step ? step : "");
	(void)write_all(fd, &p, sizeof(p));
	_exit(0);
}

static void probe_wait(pid_t pid, int fd, struct probe *p)
{
	ssize_t n = read_all(fd, p, sizeof(*p));
	int status = 0;

	close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*p)) {
		p->err = EIO;
		snprintf(p->step, sizeof(p->step), "probe process (%s %d)",
			 WIFSIGNALED(status) ? "killed by signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	p->step[sizeof(p->step) - 1] = '\0';
}

static void probe_failed_to_start(struct probe *p, pid_t r)
{
	p->err = (int)-r;
	snprintf(p->step, sizeof(p->step), "fork");
}

/* In a probe child: a user namespace with the caller mapped to itself, as sbx makes it.
 * Returns the step that failed, with *err, or NULL. */
static const char *enter_userns(uid_t uid, gid_t gid, int *err)
{
	char map[64];
	int r;

	if (unshare(CLONE_NEWUSER) < 0) {
		*err = errno;
		return "unshare(CLONE_NEWUSER)";
	}
	/* Without CAP_SETGID outside, gid_map is writable only once setgroups is denied
	 * (user_namespaces(7)). */
	if ((r = write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny")) < 0) {
		*err = -r;
		return "write /proc/self/setgroups";
	}
	snprintf(map, sizeof(map), "%u %u 1\n", uid, uid);
	if ((r = write_file_at(AT_FDCWD, "/proc/self/uid_map", map)) < 0) {
		*err = -r;
		return "write /proc/self/uid_map";
	}
	snprintf(map, sizeof(map), "%u %u 1\n", gid, gid);
	if ((r = write_file_at(AT_FDCWD, "/proc/self/gid_map", map)) < 0) {
		*err = -r;
		return "write /proc/self/gid_map";
	}
	return NULL;
}

/* Runs work in a probe child inside a user namespace of its own; the child's verdict
 * (the failed step and its errno, or none) lands in p. */
static void probe_in_userns(struct probe *p, const char *(*work)(int *err))
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	const char *step;
	int fd = -1, err = 0;
	pid_t pid = probe_fork(&fd);

	if (pid < 0)
		return probe_failed_to_start(p, pid);
	if (pid == 0) {
		step = enter_userns(uid, gid, &err);
		if (!step)
			step = work(&err);
		probe_exit(fd, step, err);
	}
	probe_wait(pid, fd, p);
}

/* The namespaces a default sandbox creates inside its user namespace; an AppArmor
 * restriction lets unshare(CLONE_NEWUSER) succeed and fails here instead. */
static const char *unshare_the_rest(int *err)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP) < 0) {
		*err = errno;
		return "unshare(mount, pid, uts, ipc, net, cgroup)";
	}
	return NULL;
}

static void probe_userns(struct probe *p)
{
	probe_in_userns(p, unshare_the_rest);
}

/* In a probe child inside its user namespace: an overlay with a tmpfs upper layer, as
 * --tmp-overlay makes. A mount namespace owned by an unprivileged user namespace receives
 * the host's shared mounts as slaves (mount_namespaces(7)), so the scratch tmpfs on /tmp
 * never shows outside and goes away with the child. */
static const char *mount_overlay(int *err)
{
	static const char *const dirs[] = { "/tmp/l", "/tmp/u", "/tmp/w" };
	_cleanup_close_ int fs = -1;

	if (unshare(CLONE_NEWNS) < 0) {
		*err = errno;
		return "unshare(CLONE_NEWNS)";
	}
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) {
		*err = errno;
		return "mount a scratch tmpfs on /tmp";
	}
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (mkdir(dirs[i], 0700) < 0) {
			*err = errno;
			return "mkdir in the scratch tmpfs";
		}
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0) {
		*err = errno;
		return "fsopen(overlay)";
	}
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", dirs[0], 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", dirs[1], 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", dirs[2], 0) < 0) {
		*err = errno;
		return "overlay layer options";
	}
	(void)fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		*err = errno;
		return "mount overlay";
	}
	return NULL;
}

static void probe_overlay(struct probe *p)
{
	probe_in_userns(p, mount_overlay);
}

/* ---- user namespaces ---------------------------------------------------------------- */

/* Whether this process runs inside a user namespace (a sandbox or container): the
 * initial one maps all of 0-4294967294 onto itself. */
static bool nested_userns(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	return f && (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 ||
		     outside != 0 || count != 4294967295UL);
}

static void apparmor_fix(struct text *f)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		n = (ssize_t)strlen(strcpy(exe, "/usr/local/bin/sbx"));
	exe[n] = '\0';
	add(f,
	    "as root, give sbx an AppArmor profile that allows user namespaces: `printf "
	    "'abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile sbx %s flags=(unconfined) "
	    "{\\n  userns,\\n}\\n' > /etc/apparmor.d/sbx && apparmor_parser -r "
	    "/etc/apparmor.d/sbx`, or allow them to every program: `sysctl -w "
	    "kernel.apparmor_restrict_unprivileged_userns=0`",
	    exe);
}

/* Names the knob that explains a failed probe, and its fix; a negative value is a knob
 * this kernel does not have. */
static void userns_cause(struct text *d, struct text *f, long max, long clone, long aa, int err)
{
	if (max == 0 && nested_userns()) {
		add(d, " (user.max_user_namespaces=0 in the user namespace this process runs in)");
		add(f, "run sbx outside this sandbox or container, which forbids nested user "
		       "namespaces (as sbx --disable-userns does)");
	} else if (max == 0) {
		add(d, " (user.max_user_namespaces=0)");
		add(f, "as root, `sysctl -w user.max_user_namespaces=15000` and keep it in "
		       "/etc/sysctl.d/");
	} else if (clone == 0) {
		add(d, " (kernel.unprivileged_userns_clone=0)");
		add(f, "as root, `sysctl -w kernel.unprivileged_userns_clone=1` and keep it in "
		       "/etc/sysctl.d/");
	} else if (aa > 0) {
		add(d, " (kernel.apparmor_restrict_unprivileged_userns=%ld)", aa);
		apparmor_fix(f);
	} else if (err == ENOSPC || err == EUSERS) {
		add(d, " (user.max_user_namespaces=%ld reached, or nested 32 deep)", max);
		add(f, "end other sandboxes or containers, or raise user.max_user_namespaces");
	} else {
		add(d, " (no sysctl explains it: a container's seccomp policy or a chroot may "
		       "forbid user namespaces)");
		add(f, "run sbx outside this container, or let the container create user "
		       "namespaces (e.g. podman/docker --security-opt seccomp=unconfined)");
	}
}

static enum check_state check_userns(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	long max = -1, clone = -1, aa = -1;
	struct probe p;

	(void)read_sysctl("user/max_user_namespaces", &max);
	(void)read_sysctl("kernel/unprivileged_userns_clone", &clone);
	(void)read_sysctl("kernel/apparmor_restrict_unprivileged_userns", &aa);
	probe_userns(&p);
	if (p.step[0]) {
		add(&d, "%s: %s", p.step, strerror(p.err));
		userns_cause(&d, &f, max, clone, aa, p.err);
		return say(out, CHECK_MISSING, "user namespaces", &d, &f);
	}
	add(&d,
	    "a user namespace with an id map, and mount, pid, uts, ipc, net and cgroup "
	    "namespaces in it, can be created (user.max_user_namespaces=%ld",
	    max);
	if (clone >= 0)
		add(&d, ", kernel.unprivileged_userns_clone=%ld", clone);
	if (aa > 0)
		add(&d,
		    ", kernel.apparmor_restrict_unprivileged_userns=%ld, which a profile "
		    "lifts for this binary",
		    aa);
	add(&d, ")");
	return say(out, CHECK_OK, "user namespaces", &d, &f);
}

/* The "Seccomp_filters:" count of /proc/self/status: filters a container put on us. */
static long seccomp_filters(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp_filters:", 16) == 0)
			return strtol(line + 16, NULL, 10);
	return -1;
}

static void overlay_fix(struct text *f, const struct probe *p)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (strstr(p->step, "CLONE_NEWUSER") || strstr(p->step, "_map") ||
	    strstr(p->step, "setgroups")) {
		add(f, "make user namespaces work first (see the user namespaces line)");
		return;
	}
	if (p->err == EPERM && seccomp_filters() > 0) {
		add(f,
		    "this process runs under a seccomp filter that may forbid mounting (inside a "
		    "sandbox or container?): run sbx outside it");
		return;
	}
	if (uname(&u) == 0)
		(void)sscanf(u.release, "%u.%u", &major, &minor);
	if (major > 5 || (major == 5 && minor >= 11))
		add(f, "as root, `modprobe overlay` (overlayfs may be missing from this kernel)");
	else
		add(f,
		    "Linux 5.11 or later mounts overlayfs in user namespaces (this is %s); "
		    "until then, do without the overlay options",
		    u.release);
}

static enum check_state check_overlay(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	struct probe p;

	probe_overlay(&p);
	if (!p.step[0]) {
		add(&d, "an overlay with a tmpfs upper layer mounts in a user namespace (for "
			"--overlay, --tmp-overlay, --ro-overlay)");
		return say(out, CHECK_OK, "overlayfs in user namespaces", &d, &f);
	}
	add(&d, "%s: %s (--overlay, --tmp-overlay and --ro-overlay will fail)", p.step,
	    strerror(p.err));
	overlay_fix(&f, &p);
	return say(out, CHECK_WARN, "overlayfs in user namespaces", &d, &f);
}

/* ---- --subids: newuidmap/newgidmap and /etc/subuid, /etc/subgid ------------------------ */

/* Finds TOOL as --subids does (userns_helper_path); *privileged tells whether it can map
 * ranges at all, being setuid root or carrying file capabilities. */
static int find_helper(const char *tool, char *path, size_t n, bool *privileged)
{
	_cleanup_free_ char *found = userns_helper_path(tool);
	struct stat st;

	if (!found || stat(found, &st) < 0)
		return -ENOENT;
	snprintf(path, n, "%s", found);
	*privileged = ((st.st_mode & S_ISUID) && st.st_uid == 0) ||
		      getxattr(found, "security.capability", NULL, 0) > 0;
	return 0;
}

static enum check_state check_helpers(FILE *out)
{
	static const char *const tools[] = { "newuidmap", "newgidmap" };
	static const char *const caps[] = { "cap_setuid", "cap_setgid" };
	struct text d = { 0 }, f = { 0 };
	enum check_state st = CHECK_OK;
	char path[64];

	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		bool privileged = false;
		if (find_helper(tools[i], path, sizeof(path), &privileged) < 0) {
			add(&d, "%s%s not found in /usr/bin /bin /usr/sbin /sbin",
			    d.len ? "; " : "", tools[i]);
			if (st == CHECK_OK)
				add(&f, "as root, `apt-get install uidmap` (Fedora, Arch: "
					"shadow-utils)");
			st = CHECK_WARN;
		} else if (!privileged) {
			add(&d, "%s%s is neither setuid root nor has file capabilities",
			    d.len ? "; " : "", path);
			add(&f, "%sas root, `chmod u+s %s` or `setcap %s+ep %s`", f.len ? "; " : "",
			    path, caps[i], path);
			st = CHECK_WARN;
		} else {
			add(&d, "%s%s", d.len ? ", " : "", path);
		}
	}
	add(&d, st == CHECK_OK ? " can map id ranges (for --subids)" : " (--subids will fail)");
	return say(out, st, "newuidmap/newgidmap", &d, &f);
}

static enum check_state check_subids(FILE *out)
{
	struct passwd *pw = getpwuid(getuid());
	const char *name = pw ? pw->pw_name : NULL;
	struct text d = { 0 }, f = { 0 };
	struct subid_range u, g;
	unsigned long end = 0, next;
	bool u_found, g_found;
	char who[64];

	if (name)
		snprintf(who, sizeof(who), "%s", name);
	else
		snprintf(who, sizeof(who), "%u", getuid());
	/* As --subids reads them (setup/userns.c). */
	u_found = userns_subid_lookup("/etc/subuid", getuid(), &u, &end) > 0;
	g_found = userns_subid_lookup("/etc/subgid", getuid(), &g, &end) > 0;
	if (u_found && g_found) {
		add(&d,
		    "%s has uids %lu-%lu in /etc/subuid and gids %lu-%lu in /etc/subgid (for "
		    "--subids)",
		    who, u.start, u.start + u.count - 1, g.start, g.start + g.count - 1);
		return say(out, CHECK_OK, "subordinate ids", &d, &f);
	}
	add(&d, "no range for %s in%s%s (--subids will fail)", who, u_found ? "" : " /etc/subuid",
	    g_found ? "" : " /etc/subgid");
	/* A range above every existing one cannot overlap another user's. */
	next = end;
	if (next < 100000)
		next = 100000;
	add(&f, "as root, `usermod");
	if (!u_found)
		add(&f, " --add-subuids %lu-%lu", next, next + 65535);
	if (!g_found)
		add(&f, " --add-subgids %lu-%lu", next, next + 65535);
	add(&f, " %s`", who);
	return say(out, CHECK_WARN, "subordinate ids", &d, &f);
}

/* ---- cgroup v2 and delegation ---------------------------------------------------------- */

/* The controllers sbx's limits need: --memory, --cpus/--cpu-weight, --pids, --io-weight. */
static const char *const wanted[] = { "memory", "cpu", "pids", "io" };
#define ALL_WANTED ((1u << ELEMENTSOF(wanted)) - 1)

/* The wanted controllers listed in DIR/cgroup.controllers, as bits of wanted[]. */
static unsigned controllers(const char *dir)
{
	_cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", dir);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char word[64];
	unsigned mask = 0;

	while (f && fscanf(f, "%63s", word) == 1)
		for (size_t i = 0; i < ELEMENTSOF(wanted); i++)
			if (streq(word, wanted[i]))
				mask |= 1u << i;
	return mask;
}

static void add_controllers(struct text *t, unsigned mask)
{
	size_t start = t->len;

	for (size_t i = 0; i < ELEMENTSOF(wanted); i++)
		if (mask & (1u << i))
			add(t, "%s%s", t->len > start ? " " : "", wanted[i]);
	if (t->len == start)
		add(t, "none of memory cpu pids io");
}

/* This process's cgroup v2 path, as a directory under CGROUP_ROOT; NULL when it is in no
 * v2 hierarchy. */
static char *own_cgroup_dir(void)
{
	_cleanup_free_ char *cg = NULL;

	if (cgroup_proc_path("/proc/self/cgroup", &cg) < 0)
		return NULL;
	return xasprintf("%s%s", CGROUP_ROOT, streq(cg, "/") ? "" : cg);
}

/* DIR as /proc/self/cgroup names it. */
static const char *own_name(const char *dir)
{
	const char *rel = dir + strlen(CGROUP_ROOT);

	return *rel ? rel : "/";
}

static bool is_cgroup2(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static enum check_state cgroup_not_unified(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	struct statfs sfs;

	if (statfs(CGROUP_ROOT, &sfs) < 0) {
		add(&d, "nothing mounted at %s (%s)", CGROUP_ROOT, strerror(errno));
	} else if (is_cgroup2(CGROUP_ROOT "/unified")) {
		add(&d,
		    "hybrid hierarchy: %s holds cgroup v1, and the cgroup v2 at %s/unified has ",
		    CGROUP_ROOT, CGROUP_ROOT);
		add_controllers(&d, controllers(CGROUP_ROOT "/unified"));
	} else {
		add(&d, "cgroup v1 only: %s is not a cgroup v2 hierarchy", CGROUP_ROOT);
	}
	add(&d, "; limits (--memory, --cpus, --pids, --io-weight) will fail");
	add(&f,
	    "boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line (the "
	    "default since systemd 247), so that %s is cgroup v2",
	    CGROUP_ROOT);
	return say(out, CHECK_WARN, "cgroup v2", &d, &f);
}

/* A cgroup the direct backend can use: sbx may create children and enable controllers. */
static bool cgroup_writable(const char *dir)
{
	_cleanup_free_ char *ctl = xasprintf("%s/cgroup.subtree_control", dir);

	return access(dir, W_OK) == 0 && access(ctl, W_OK) == 0;
}

/* The limits reach a cgroup in two ways (DESIGN.md "cgroup v2 backends"): a scope under
 * the systemd user manager, whose cgroup holds what user@.service is delegated, or a
 * child of our own cgroup when that is writable. */
static enum check_state check_cgroup(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	_cleanup_free_ char *own = NULL, *manager = NULL;
	unsigned have = 0, mask;
	struct stat st;

	if (!is_cgroup2(CGROUP_ROOT))
		return cgroup_not_unified(out);
	add(&d, "unified hierarchy");
	manager = xasprintf("%s/user.slice/user-%u.slice/user@%u.service", CGROUP_ROOT, getuid(),
			    getuid());
	if (stat(manager, &st) == 0) {
		have = controllers(manager);
		add(&d, "; user@%u.service has ", getuid());
		add_controllers(&d, have);
	} else {
		add(&d, "; no user@%u.service (no systemd user manager)", getuid());
	}
	own = own_cgroup_dir();
	if (own && cgroup_writable(own)) {
		mask = controllers(own);
		have |= mask;
		add(&d, "; own cgroup %s is writable, has ", own_name(own));
		add_controllers(&d, mask);
	} else if (own) {
		add(&d, "; own cgroup %s is not delegated", own_name(own));
	}
	if (have == ALL_WANTED)
		return say(out, CHECK_OK, "cgroup v2", &d, &f);
	add(&d, "; limits needing ");
	add_controllers(&d, ALL_WANTED & ~have);
	add(&d, " will fail");
	add(&f, "as root, create /etc/systemd/system/user@.service.d/delegate.conf with "
		"`[Service]` and `Delegate=cpu cpuset io memory pids`, run `systemctl "
		"daemon-reload`, and log in again");
	if (stat(manager, &st) < 0)
		add(&f, " (a systemd user manager runs with dbus-user-session, or with `loginctl "
			"enable-linger`)");
	return say(out, CHECK_WARN, "cgroup v2", &d, &f);
}

/* ---- the systemd user manager on D-Bus --------------------------------------------- */

/* D-Bus address values escape bytes as %XX (the D-Bus specification, "Server Addresses"). */
static void unescape(const char *s, size_t n, char *out, size_t outn)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outn; i++) {
		char hex[3] = { 0 };
		if (s[i] == '%' && i + 2 < n) {
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* 0 when something listens on the unix socket PATH (in the abstract namespace if asked). */
static int connect_unix(const char *path, bool abstract)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	size_t n = strlen(path);
	socklen_t len;

	if (n + 1 + abstract > sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path + abstract, path, n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + n + !abstract);
	/* Non-blocking: a bus whose backlog is full answers EAGAIN at once, not later. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/* Tries each unix:path= or unix:abstract= address of a D-Bus address list, in order, as
 * sd-bus does; the first that connects wins. */
static int connect_bus(const char *addrs)
{
	int r = -EAFNOSUPPORT;

	for (const char *a = addrs; *a;) {
		size_t n = strcspn(a, ";");
		char value[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
		if (strncmp(a, "unix:", 5) == 0)
			for (const char *kv = a + 5; kv < a + n;) {
				size_t kn = strcspn(kv, ",;");
				bool path = strncmp(kv, "path=", 5) == 0;
				bool abstract = strncmp(kv, "abstract=", 9) == 0;
				if (path || abstract) {
					size_t skip = path ? 5 : 9;
					unescape(kv + skip, kn - skip, value, sizeof(value));
					r = connect_unix(value, abstract);
					if (r == 0)
						return 0;
				}
				kv += kn + (kv[kn] == ',');
			}
		a += n + (a[n] == ';');
	}
	return r;
}

static void bus_fix(struct text *f)
{
	struct passwd *pw = getpwuid(getuid());

	add(f,
	    "as root, `apt-get install dbus-user-session` and log in again; for a user "
	    "without a login session, `loginctl enable-linger %s` (limits can also use a "
	    "delegated cgroup with --cgroup=direct)",
	    pw ? pw->pw_name : "$USER");
}

static enum check_state check_user_bus(FILE *out)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt = getenv("XDG_RUNTIME_DIR");
	struct text d = { 0 }, f = { 0 };
	_cleanup_free_ char *path = NULL;
	int r;

	/* The same choice as sd_bus_open_user(): the variable first, then the runtime dir. */
	if (addr && *addr) {
		r = connect_bus(addr);
		add(&d, "$DBUS_SESSION_BUS_ADDRESS=%s", addr);
	} else if (rt && *rt) {
		path = xasprintf("%s/bus", rt);
		r = connect_unix(path, false);
		add(&d, "$XDG_RUNTIME_DIR/bus=%s", path);
	} else {
		add(&d, "neither $DBUS_SESSION_BUS_ADDRESS nor $XDG_RUNTIME_DIR is set (no login "
			"session); limits through systemd (--cgroup=systemd) will fail");
		bus_fix(&f);
		return say(out, CHECK_WARN, "systemd user bus", &d, &f);
	}
	if (r == 0) {
		add(&d, " accepts connections (limits go through it to the systemd user manager)");
		return say(out, CHECK_OK, "systemd user bus", &d, &f);
	}
	add(&d, ": %s; limits through systemd (--cgroup=systemd) will fail", strerror(-r));
	bus_fix(&f);
	return say(out, CHECK_WARN, "systemd user bus", &d, &f);
}

/* ---- kernel features ---------------------------------------------------------------- */

static enum check_state check_seccomp(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	long filters;

	/* A NULL program fails with EFAULT where filter mode exists, EINVAL where it does
	 * not, and installs nothing either way. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 ||
	    (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 && errno != EFAULT)) {
		add(&d, "no seccomp filter mode: %s; the default sandbox installs a filter",
		    strerror(errno));
		add(&f, "a kernel with CONFIG_SECCOMP_FILTER=y (every distribution kernel has it), "
			"or run with --seccomp none");
		return say(out, CHECK_MISSING, "seccomp", &d, &f);
	}
	add(&d,
	    "filter mode available (the default filter was compiled by libseccomp %s when "
	    "sbx was built)",
	    seccomp_built_with());
	filters = seccomp_filters();
	if (filters > 0)
		add(&d, "; this process already runs under %ld filter%s (a container's?)", filters,
		    filters == 1 ? "" : "s");
	return say(out, CHECK_OK, "seccomp", &d, &f);
}

static enum check_state check_landlock(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi > 0) {
		add(&d, "ABI %ld (informational: sbx does not use Landlock yet)", abi);
		return say(out, CHECK_OK, "landlock", &d, &f);
	}
	add(&d, "not available: %s (informational: sbx does not use Landlock yet)",
	    errno == ENOSYS	  ? "not built into this kernel"
	    : errno == EOPNOTSUPP ? "built in but not enabled at boot"
				  : strerror(errno));
	add(&f, "Linux 5.13 or later with CONFIG_SECURITY_LANDLOCK=y and landlock in the lsm= "
		"boot parameter");
	return say(out, CHECK_WARN, "landlock", &d, &f);
}

/* The helpers as netuser.c finds them (path_search), so that --check says what a run does. */
static enum check_state check_pasta(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	_cleanup_free_ char *pasta = path_search("pasta"), *slirp = path_search("slirp4netns");

	if (pasta) {
		add(&d, "%s (for --net=pasta and --net=auto)", pasta);
		if (slirp)
			add(&d, "; also %s (for --net=slirp4netns)", slirp);
		return say(out, CHECK_OK, "pasta", &d, &f);
	}
	add(&d, "not in $PATH (--net=pasta, user-mode networking, will fail)");
	if (slirp)
		add(&d, "; %s is there, for --net=slirp4netns and --net=auto", slirp);
	add(&f, "as root, `apt-get install passt` (Fedora, Arch: passt)");
	return say(out, CHECK_WARN, "pasta", &d, &f);
}

static enum check_state worse(enum check_state a, enum check_state b)
{
	return a > b ? a : b;
}

/* Runs sbx's PID 1 program with no role: it exits 125 at once where it can run at all. */
static int run_pid1_probe(int fd)
{
	char *argv[] = { (char *)"sbx", NULL }, *envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static enum check_state check_pid1(FILE *out)
{
	static const char *const item = "small PID 1";
	struct text d = { 0 }, f = { 0 };
	_cleanup_close_ int fd = pid1_open();
	int r;

	if (fd == -ENOEXEC) {
		add(&d, "not built for this architecture; sbx's own init serves as PID 1 and "
			"supervisor (a slower start, ~1.5 MB more per sandbox)");
		return say(out, CHECK_OK, item, &d, &f);
	}
	r = fd < 0 ? fd : run_pid1_probe(fd);
	if (r != 125) {
		add(&d,
		    "sbx's PID 1 program cannot be run from a memfd here (%s); sbx's own init "
		    "serves instead (a slower start, ~1.5 MB more per sandbox)",
		    r < 0 ? strerror(-r) : "it did not start");
		add(&f, "allow executable memfds: sysctl vm.memfd_noexec=0 (2 forbids them), or "
			"the security module's rule that refuses them");
		return say(out, CHECK_WARN, item, &d, &f);
	}
	add(&d, "sbx's PID 1 and supervisor program runs from a sealed memfd");
	return say(out, CHECK_OK, item, &d, &f);
}

int check_run(FILE *out)
{
	enum check_state st = CHECK_OK;

	st = worse(st, check_userns(out));
	st = worse(st, check_overlay(out));
	st = worse(st, check_helpers(out));
	st = worse(st, check_subids(out));
	st = worse(st, check_cgroup(out));
	st = worse(st, check_user_bus(out));
	st = worse(st, check_seccomp(out));
	st = worse(st, check_landlock(out));
	st = worse(st, check_pasta(out));
	st = worse(st, check_pid1(out));
	fflush(out);
	return st == CHECK_MISSING ? 1 : 0;
}
