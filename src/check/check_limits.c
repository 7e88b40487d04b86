/* SPDX-License-Identifier: MIT */
/* sbx --check: what limits need, a cgroup v2 hierarchy with the controllers delegated,
 * and the systemd user manager on D-Bus. */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/util.h"
#include "check/check_items.h"
#include "limits/cgroup.h"

/* ---- cgroup v2 and delegation ---------------------------------------------------------- */

/* The controllers limits need (cgroup_controllers) listed in DIR/cgroup.controllers. */
static unsigned controllers(const char *dir)
{
	_cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", dir), *list = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read_fd_all(fd, &list, NULL) < 0)
		return 0;
	return cgroup_controllers_in(list);
}

static void add_controllers(struct text *t, unsigned mask)
{
	size_t start = t->len;

	for (size_t i = 0; i < CGROUP_NCONTROLLERS; i++)
		if (mask & (1u << i))
			check_add(t, "%s%s", t->len > start ? " " : "", cgroup_controllers[i]);
	if (t->len > start)
		return;
	check_add(t, "none of");
	for (size_t i = 0; i < CGROUP_NCONTROLLERS; i++)
		check_add(t, " %s", cgroup_controllers[i]);
}

/* This process's cgroup v2 path, as a directory under CGROUP_ROOT; NULL when it is in no
 * v2 hierarchy. */
static char *own_cgroup_dir(void)
{
	_cleanup_free_ char *cg = NULL;

	if (cgroup_proc_path("/proc/self/cgroup", &cg) < 0)
		return NULL;
	return cgroup_dir(cg);
}

/* DIR as /proc/self/cgroup names it. */
static const char *own_name(const char *dir)
{
	const char *rel = dir + strlen(CGROUP_ROOT);

	return *rel ? rel : "/";
}

static enum check_state cgroup_not_unified(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	struct statfs sfs;

	if (statfs(CGROUP_ROOT, &sfs) < 0) {
		check_add(&d, "nothing mounted at %s (%s)", CGROUP_ROOT, strerror(errno));
	} else if (cgroup_is_v2(CGROUP_ROOT "/unified")) {
		check_add(&d,
			  "hybrid hierarchy: %s holds cgroup v1, and the cgroup v2 at %s/unified "
			  "has ",
			  CGROUP_ROOT, CGROUP_ROOT);
		add_controllers(&d, controllers(CGROUP_ROOT "/unified"));
	} else {
		check_add(&d, "cgroup v1 only: %s is not a cgroup v2 hierarchy", CGROUP_ROOT);
	}
	check_add(&d, "; limits (--memory, --cpus, --pids, --io-weight) will fail");
	check_add(&f,
		  "boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line (the "
		  "default since systemd 247), so that %s is cgroup v2",
		  CGROUP_ROOT);
	return check_say(out, CHECK_WARN, "cgroup v2", &d, &f);
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
enum check_state check_cgroup(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	_cleanup_free_ char *own = NULL, *manager = NULL;
	unsigned have = 0, mask;
	struct stat st;

	if (!cgroup_is_v2(CGROUP_ROOT))
		return cgroup_not_unified(out);
	check_add(&d, "unified hierarchy");
	manager = xasprintf("%s/user.slice/user-%u.slice/user@%u.service", CGROUP_ROOT, getuid(),
			    getuid());
	if (stat(manager, &st) == 0) {
		have = controllers(manager);
		check_add(&d, "; user@%u.service has ", getuid());
		add_controllers(&d, have);
	} else {
		check_add(&d, "; no user@%u.service (no systemd user manager)", getuid());
	}
	own = own_cgroup_dir();
	if (own && cgroup_writable(own)) {
		mask = controllers(own);
		have |= mask;
		check_add(&d, "; own cgroup %s is writable, has ", own_name(own));
		add_controllers(&d, mask);
	} else if (own) {
		check_add(&d, "; own cgroup %s is not delegated", own_name(own));
	}
	if (have == CGROUP_ALL_CONTROLLERS)
		return check_say(out, CHECK_OK, "cgroup v2", &d, &f);
	check_add(&d, "; limits needing ");
	add_controllers(&d, CGROUP_ALL_CONTROLLERS & ~have);
	check_add(&d, " will fail");
	check_add(&f, "as root, create /etc/systemd/system/user@.service.d/delegate.conf with "
		      "`[Service]` and `Delegate=cpu cpuset io memory pids`, run `systemctl "
		      "daemon-reload`, and log in again");
	if (stat(manager, &st) < 0)
		check_add(&f,
			  " (a systemd user manager runs with dbus-user-session, or with `loginctl "
			  "enable-linger`)");
	return check_say(out, CHECK_WARN, "cgroup v2", &d, &f);
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

	check_add(f,
		  "as root, `apt-get install dbus-user-session` and log in again; for a user "
		  "without a login session, `loginctl enable-linger %s` (limits can also use a "
		  "delegated cgroup with --cgroup=direct)",
		  pw ? pw->pw_name : "$USER");
}

enum check_state check_user_bus(FILE *out)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt = getenv("XDG_RUNTIME_DIR");
	struct text d = { 0 }, f = { 0 };
	_cleanup_free_ char *path = NULL;
	int r;

	/* The same choice as sd_bus_open_user(): the variable first, then the runtime dir. */
	if (addr && *addr) {
		r = connect_bus(addr);
		check_add(&d, "$DBUS_SESSION_BUS_ADDRESS=%s", addr);
	} else if (rt && *rt) {
		path = xasprintf("%s/bus", rt);
		r = connect_unix(path, false);
		check_add(&d, "$XDG_RUNTIME_DIR/bus=%s", path);
	} else {
		check_add(&d,
			  "neither $DBUS_SESSION_BUS_ADDRESS nor $XDG_RUNTIME_DIR is set (no login "
			  "session); limits through systemd (--cgroup=systemd) will fail");
		bus_fix(&f);
		return check_say(out, CHECK_WARN, "systemd user bus", &d, &f);
	}
	if (r == 0) {
		check_add(
			&d,
			" accepts connections (limits go through it to the systemd user manager)");
		return check_say(out, CHECK_OK, "systemd user bus", &d, &f);
	}
	check_add(&d, ": %s; limits through systemd (--cgroup=systemd) will fail", strerror(-r));
	bus_fix(&f);
	return check_say(out, CHECK_WARN, "systemd user bus", &d, &f);
}
