/* SPDX-License-Identifier: MIT */
/* What the cgroup backends share: the one reader of /proc/PID/cgroup, the hierarchy's
 * root and the controllers the limits need; and the choice of a backend (--cgroup). The
 * backends are cgroup_systemd.c and cgroup_direct.c. */
#include "limits/cgroup.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "base/log.h"
#include "base/fault.h"
#include "limits/cgroup_backend.h"

bool cgroup_wanted(const struct sbx_config *c)
{
	if (c->cgroup == CGROUP_SYSTEMD || c->cgroup == CGROUP_DIRECT)
		return true;
	if (c->cgroup == CGROUP_NONE)
		return false;
	return config_has_limits(c) || c->slice;
}

const char *const cgroup_controllers[CGROUP_NCONTROLLERS] = { "memory", "cpu", "pids", "io" };

unsigned cgroup_controllers_needed(const struct sbx_limits *l)
{
	unsigned need = 0;

	if (l->memory != LIMIT_UNSET || l->memory_swap != LIMIT_UNSET)
		need |= 1u << 0;
	if (l->cpu_quota_usec != LIMIT_UNSET || l->cpu_weight != LIMIT_UNSET)
		need |= 1u << 1;
	if (l->pids != LIMIT_UNSET)
		need |= 1u << 2;
	if (l->io_weight != LIMIT_UNSET)
		need |= 1u << 3;
	return need;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

unsigned cgroup_controllers_in(const char *list)
{
	unsigned mask = 0;

	for (size_t i = 0; i < CGROUP_NCONTROLLERS; i++)
		if (has_word(list, cgroup_controllers[i]))
			mask |= 1u << i;
	return mask;
}

bool cgroup_is_v2(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_v2_mounted(void)
{
	if (!cgroup_is_v2(CGROUP_ROOT))
		return sbx_errx(
			"cgroup: %s is not a cgroup v2 hierarchy (a cgroup v1 or hybrid host "
			"cannot apply limits; see: sbx --check)",
			CGROUP_ROOT);
	return 0;
}

char *cgroup_dir(const char *cg)
{
	return xasprintf("%s%s", CGROUP_ROOT, streq(cg, "/") ? "" : cg);
}

int cgroup_read_path(int fd, char **ret)
{
	char buf[4096], *line;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return sbx_err(errno, "cgroup: read /proc/self/cgroup");
	buf[n] = '\0';
	for (line = buf; line && strncmp(line, "0::", 3) != 0;)
		if ((line = strchr(line, '\n')))
			line++;
	if (!line)
		return sbx_errx(
			"cgroup: this process is in no cgroup v2 hierarchy (cgroup v1 only?)");
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	*ret = xstrdup(line);
	return 0;
}

int cgroup_proc_path(const char *proc_file, char **ret)
{
	_cleanup_close_ int fd = open(proc_file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return sbx_err(errno, "cgroup: open %s", proc_file);
	return cgroup_read_path(fd, ret);
}

/* Every backend, systemd first as --cgroup auto prefers it. */
static const struct cgroup_backend *const backends[] = { &cgroup_systemd_backend,
							 &cgroup_direct_backend };

/* The backend --cgroup names, or that placed a sandbox; NULL for none. */
static const struct cgroup_backend *backend_of(enum sbx_cgroup_mode mode)
{
	for (size_t i = 0; i < ELEMENTSOF(backends); i++)
		if (backends[i]->mode == mode)
			return backends[i];
	return NULL;
}

static bool any_backend_present(void)
{
	for (size_t i = 0; i < ELEMENTSOF(backends); i++)
		if (backends[i]->present())
			return true;
	return false;
}

bool cgroup_needs_placing(const struct sbx_config *c)
{
	if (!cgroup_wanted(c))
		return false;
	/* --cgroup try where neither backend can exist goes without limits anyway; knowing it
	 * before the clone lets the sandbox start the quick way (plan/start.c). */
	if (c->cgroup == CGROUP_TRY && !any_backend_present()) {
		log_debug("--cgroup try: running without the limits: no user manager, no cgroup "
			  "v2 hierarchy");
		return false;
	}
	return true;
}

static int place_auto(const struct sbx_config *c, pid_t pid, struct cgroup_run *run)
{
	int r;

	if (cgroup_systemd_backend.present()) {
		r = cgroup_systemd_backend.place(c, pid, run);
		if (r != -ENOTCONN)
			return r;
		/* An address that leads nowhere (a stale session): try the direct way. */
		log_debug("%s", sbx_errmsg());
	}
	r = cgroup_direct_backend.place(c, pid, run);
	if (r < 0)
		return sbx_errx("limits need a cgroup: no systemd user manager on D-Bus "
				"($DBUS_SESSION_BUS_ADDRESS, $XDG_RUNTIME_DIR/bus), and the direct "
				"backend failed: %s",
				sbx_errmsg());
	return r;
}

int cgroup_place(const struct sbx_config *c, pid_t pid, struct cgroup_run *run)
{
	int r;

	*run = (struct cgroup_run){ .backend = CGROUP_NONE };
	FAULT_POINT("cgroup place");
	switch (c->cgroup) {
	case CGROUP_NONE:
		return 0;
	case CGROUP_SYSTEMD:
	case CGROUP_DIRECT:
		return backend_of(c->cgroup)->place(c, pid, run);
	case CGROUP_AUTO:
		return place_auto(c, pid, run);
	case CGROUP_TRY:
		break;
	}
	/* Limits a profile sets by default (build): worth having where a backend exists,
	 * no reason to refuse the sandbox where none does. */
	r = place_auto(c, pid, run);
	if (r < 0) {
		log_debug("--cgroup try: running without the limits: %s", sbx_errmsg());
		cgroup_release(run);
		*run = (struct cgroup_run){ .backend = CGROUP_NONE };
	}
	return 0;
}

void cgroup_placed(struct cgroup_run *run)
{
	const struct cgroup_backend *b = backend_of(run->backend);

	if (b && b->placed)
		b->placed(run);
}

void cgroup_release(struct cgroup_run *run)
{
	const struct cgroup_backend *b = backend_of(run->backend);

	cgroup_placed(run);
	if (b && b->release)
		b->release(run);
	free(run->dir);
	free(run->unit);
	free(run->parent);
	free(run->leaf);
	free(run->enabled);
	*run = (struct cgroup_run){ 0 };
}

int cgroup_open_memory_events(void)
{
	_cleanup_close_ int root = open(CGROUP_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int self = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

	return cgroup_open_memory_events_at(root, self);
}

int cgroup_open_memory_events_at(int root_fd, int self_fd)
{
	_cleanup_free_ char *own = NULL, *path = NULL;
	const char *rel;

	if (root_fd < 0 || self_fd < 0 || cgroup_read_path(self_fd, &own) < 0)
		return -1;
	for (rel = own; *rel == '/'; rel++)
		;
	path = xasprintf("%s%smemory.events", rel, *rel ? "/" : "");
	return openat(root_fd, path, O_RDONLY | O_CLOEXEC);
}

long cgroup_oom_kills(int fd)
{
	char buf[512], *p;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "oom_kill ");
	return p ? strtol(p + 9, NULL, 10) : 0;
}
