/* SPDX-License-Identifier: MIT */
/* The systemd backend: a transient scope of the user manager, started over D-Bus
 * (StartTransientUnit) with the limits as its properties; and joining such a scope later
 * (--enter). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "base/dl.h"
#include "base/log.h"
#include "limits/cgroup_backend.h"

#define JOB_TIMEOUT_USEC (30ULL * 1000000ULL)

/* libsystemd is loaded only when a sandbox needs a scope: linking it would cost every
 * sandbox start the loading of libsystemd and its dependencies; most starts have no
 * limits. */

struct sdbus {
	void *dl;
	int (*open_user)(sd_bus **);
	sd_bus *(*flush_close_unref)(sd_bus *);
	int (*new_method_call)(sd_bus *, sd_bus_message **, const char *, const char *,
			       const char *, const char *);
	int (*append)(sd_bus_message *, const char *, ...);
	int (*open_container)(sd_bus_message *, char, const char *);
	int (*close_container)(sd_bus_message *);
	int (*call)(sd_bus *, sd_bus_message *, uint64_t, sd_bus_error *, sd_bus_message **);
	int (*read)(sd_bus_message *, const char *, ...);
	sd_bus_message *(*message_unref)(sd_bus_message *);
	void (*error_free)(sd_bus_error *);
	int (*match_signal)(sd_bus *, sd_bus_slot **, const char *, const char *, const char *,
			    const char *, sd_bus_message_handler_t, void *);
	int (*process)(sd_bus *, sd_bus_message **);
	int (*wait)(sd_bus *, uint64_t);
	sd_bus_slot *(*slot_unref)(sd_bus_slot *);
};

static const struct dl_sym sdbus_syms[] = {
	DL_SYM(struct sdbus, open_user, "sd_bus_open_user"),
	DL_SYM(struct sdbus, flush_close_unref, "sd_bus_flush_close_unref"),
	DL_SYM(struct sdbus, new_method_call, "sd_bus_message_new_method_call"),
	DL_SYM(struct sdbus, append, "sd_bus_message_append"),
	DL_SYM(struct sdbus, open_container, "sd_bus_message_open_container"),
	DL_SYM(struct sdbus, close_container, "sd_bus_message_close_container"),
	DL_SYM(struct sdbus, call, "sd_bus_call"),
	DL_SYM(struct sdbus, read, "sd_bus_message_read"),
	DL_SYM(struct sdbus, message_unref, "sd_bus_message_unref"),
	DL_SYM(struct sdbus, error_free, "sd_bus_error_free"),
	DL_SYM(struct sdbus, match_signal, "sd_bus_match_signal"),
	DL_SYM(struct sdbus, process, "sd_bus_process"),
	DL_SYM(struct sdbus, wait, "sd_bus_wait"),
	DL_SYM(struct sdbus, slot_unref, "sd_bus_slot_unref"),
};

static int sdbus_load(struct sdbus *b)
{
	int r = dl_load(b, "libsystemd.so.0", "libsystemd0", sdbus_syms, ELEMENTSOF(sdbus_syms));

	return r < 0 ? sbx_err_wrap(r, "cgroup") : 0;
}

/* Properties a systemd too old to know them may go without; the limits never. */
static const char *const optional_props[] = { "CollectMode", "Description" };

struct props {
	const struct sbx_config *c;
	pid_t pid;
	unsigned skip; /* bit i: optional_props[i] refused by this systemd */
};

static bool skipped(const struct props *p, const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(optional_props); i++)
		if ((p->skip & (1u << i)) && streq(optional_props[i], name))
			return true;
	return false;
}

static int append_u64(struct sdbus *b, sd_bus_message *m, const char *name, uint64_t v)
{
	if (v == LIMIT_UNSET)
		return 0;
	return b->append(m, "(sv)", name, "t", v);
}

static int append_props(struct sdbus *b, sd_bus_message *m, const struct props *p)
{
	const struct sbx_config *c = p->c;
	const struct sbx_limits *l = &c->limits;
	_cleanup_free_ char *desc = xasprintf("sbx sandbox: %s", c->argv[0]);
	int r;

	if ((r = b->open_container(m, 'a', "(sv)")) < 0)
		return r;
	if (!skipped(p, "Description") && (r = b->append(m, "(sv)", "Description", "s", desc)) < 0)
		return r;
	if ((r = b->append(m, "(sv)", "PIDs", "au", 1, (uint32_t)p->pid)) < 0)
		return r;
	/* Delegate: the sandbox may manage the subtree below its scope (cgroup namespace). */
	if ((r = b->append(m, "(sv)", "Delegate", "b", 1)) < 0)
		return r;
	if (!skipped(p, "CollectMode") &&
	    (r = b->append(m, "(sv)", "CollectMode", "s", "inactive-or-failed")) < 0)
		return r;
	if (c->slice && (r = b->append(m, "(sv)", "Slice", "s", c->slice)) < 0)
		return r;
	if ((r = append_u64(b, m, "MemoryMax", l->memory)) < 0 ||
	    (r = append_u64(b, m, "MemorySwapMax", l->memory_swap)) < 0 ||
	    (r = append_u64(b, m, "CPUQuotaPerSecUSec", l->cpu_quota_usec)) < 0 ||
	    (r = append_u64(b, m, "CPUWeight", l->cpu_weight)) < 0 ||
	    (r = append_u64(b, m, "IOWeight", l->io_weight)) < 0 ||
	    (r = append_u64(b, m, "TasksMax", l->pids)) < 0)
		return r;
	return b->close_container(m);
}

struct job_wait {
	struct sdbus *b;
	const char *job;
	char *result;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct job_wait *w = userdata;
	const char *path = NULL, *unit = NULL, *result = NULL;
	uint32_t id;

	(void)err;
	if (w->b->read(m, "uoss", &id, &path, &unit, &result) < 0 || !path)
		return 0;
	if (w->job && streq(path, w->job) && !w->result)
		w->result = xstrdup(result);
	return 0;
}

static char *unit_name(const struct sbx_config *c, pid_t pid)
{
	const char *cmd = strrchr(c->argv[0], '/');
	char name[48];
	size_t n = 0;

	cmd = cmd ? cmd + 1 : c->argv[0];
	for (; *cmd && n < sizeof(name) - 1; cmd++)
		name[n++] = (strchr("-_.:", *cmd) || (*cmd >= 'a' && *cmd <= 'z') ||
			     (*cmd >= 'A' && *cmd <= 'Z') || (*cmd >= '0' && *cmd <= '9'))
				    ? *cmd
				    : '_';
	name[n] = '\0';
	return xasprintf("sbx-%s-%d.scope", n ? name : "cmd", pid);
}

static int start_unit(struct sdbus *b, sd_bus *bus, const char *unit, struct props *p,
		      sd_bus_error *err, sd_bus_message **reply)
{
	sd_bus_message *m = NULL;
	int r = b->new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				   "org.freedesktop.systemd1.Manager", "StartTransientUnit");

	if (r >= 0)
		r = b->append(m, "ss", unit, "fail");
	if (r >= 0)
		r = append_props(b, m, p);
	if (r >= 0)
		r = b->append(m, "a(sa(sv))", 0);
	if (r < 0) {
		if (m)
			b->message_unref(m);
		return sbx_err(-r, "cgroup: build the StartTransientUnit call");
	}
	r = b->call(bus, m, 0, err, reply);
	b->message_unref(m);
	return r;
}

/* "Cannot set property Foo, or unknown property." → index of Foo in optional_props. */
static int refused_optional(const sd_bus_error *e)
{
	for (size_t i = 0; e->message && i < ELEMENTSOF(optional_props); i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "property %s,", optional_props[i]);
		if (strstr(e->message, needle))
			return (int)i;
	}
	return -1;
}

/* systemd accepts a limit whose controller the user manager was not given (Debian
 * delegates cpu, memory and pids, not io) and applies nothing: the scope's own
 * cgroup.controllers says what really holds. */
static int check_controllers(const struct sbx_config *c, pid_t pid, const char *unit)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/cgroup", pid), *cg = NULL, *file = NULL,
			    *have = NULL;
	_cleanup_close_ int fd = -1;
	unsigned missing;
	int r;

	/* Elsewhere (a hybrid host with its v1 controllers) there is nothing to read. */
	if (cgroup_v2_mounted() < 0)
		return 0;
	if ((r = cgroup_proc_path(path, &cg)) < 0)
		return sbx_err_wrap(r, "cgroup: %s: cannot find the scope's cgroup", unit);
	file = xasprintf("%s%s/cgroup.controllers", CGROUP_ROOT, cg);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_fd_all(fd, &have, NULL) < 0)
		return sbx_err(errno, "cgroup: read %s", file);
	missing = cgroup_controllers_needed(&c->limits) & ~cgroup_controllers_in(have);
	for (size_t i = 0; i < CGROUP_NCONTROLLERS; i++)
		if (missing & (1u << i))
			return sbx_errx(
				"cgroup: the %s controller is not delegated to your systemd "
				"user manager, so %s cannot hold the limit; fix: as root, "
				"/etc/systemd/system/user@.service.d/delegate.conf with "
				"[Service] Delegate=cpu cpuset io memory pids, then "
				"systemctl daemon-reload and log in again (see: sbx --check)",
				cgroup_controllers[i], unit);
	return 0;
}

struct cgroup_bus {
	struct sdbus b;
	sd_bus *bus;
	sd_bus_slot *slot;
};

static void bus_close(struct sdbus *b, sd_bus *bus, sd_bus_slot *slot)
{
	if (slot)
		b->slot_unref(slot);
	if (bus)
		b->flush_close_unref(bus);
	dl_unload(b);
}

static void cgroup_bus_freep(struct cgroup_bus **cb)
{
	if (*cb) {
		bus_close(&(*cb)->b, (*cb)->bus, (*cb)->slot);
		free(*cb);
	}
}

static void job_wait_done(struct job_wait *w)
{
	free(w->result);
}

/* Loads libsystemd, connects to the user manager and subscribes to JobRemoved: before the
 * start, or the job may end before we listen. -ENOTCONN (message set) where there is no
 * user manager to reach, so that --cgroup auto may try the direct backend. */
static int bus_connect(struct cgroup_bus *cb, struct job_wait *w)
{
	uint64_t t0 = trace_start();
	int r = sdbus_load(&cb->b);

	if (r < 0)
		return r;
	trace_end("cgroup: load libsystemd", t0);
	t0 = trace_start();
	r = cb->b.open_user(&cb->bus);
	trace_end("cgroup: connect to the user bus", t0);
	if (r < 0) {
		sbx_errx("cgroup: cannot reach the systemd user manager on D-Bus: %s (install "
			 "dbus-user-session; log in or `loginctl enable-linger`; see: sbx --check)",
			 r == -ENOMEDIUM ? "no session bus address" : strerror(-r));
		return -ENOTCONN;
	}
	r = cb->b.match_signal(cb->bus, &cb->slot, "org.freedesktop.systemd1",
			       "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
			       "JobRemoved", on_job_removed, w);
	return r < 0 ? sbx_err(-r, "cgroup: subscribe to systemd's JobRemoved") : 0;
}

/* StartTransientUnit, again without each optional property this systemd does not know;
 * the job's object path into *ret_job. */
static int start_job(struct cgroup_bus *cb, const char *unit, struct props *p, char **ret_job)
{
	sd_bus_message *reply = NULL;
	const char *job = NULL;
	int r;

	for (;;) {
		sd_bus_error err = SD_BUS_ERROR_NULL;
		int opt;
		r = start_unit(&cb->b, cb->bus, unit, p, &err, &reply);
		if (r >= 0)
			break;
		opt = refused_optional(&err);
		if (opt < 0 || (p->skip & (1u << opt))) {
			r = sbx_errx("cgroup: systemd refused to start %s: %s", unit,
				     err.message ? err.message : strerror(-r));
			cb->b.error_free(&err);
			return r;
		}
		log_warn("systemd does not know %s; starting %s without it", optional_props[opt],
			 unit);
		p->skip |= 1u << opt;
		cb->b.error_free(&err);
	}
	r = cb->b.read(reply, "o", &job);
	if (r >= 0)
		*ret_job = xstrdup(job);
	cb->b.message_unref(reply);
	return r < 0 ? sbx_err(-r, "cgroup: read the job of %s", unit) : 0;
}

/* Until JobRemoved names w->job, within JOB_TIMEOUT_USEC; its result must be "done". */
static int wait_job(struct cgroup_bus *cb, struct job_wait *w, const char *unit)
{
	while (!w->result) {
		int r = cb->b.process(cb->bus, NULL);
		if (r > 0)
			continue;
		if (r == 0)
			r = cb->b.wait(cb->bus, JOB_TIMEOUT_USEC);
		if (r < 0)
			return sbx_err(-r, "cgroup: waiting for %s", unit);
		if (r == 0)
			return sbx_errx("cgroup: systemd did not finish starting %s in time", unit);
	}
	if (!streq(w->result, "done"))
		return sbx_errx("cgroup: starting %s failed: job result '%s'", unit, w->result);
	return 0;
}

static int place_systemd(const struct sbx_config *c, pid_t pid, struct cgroup_run *run)
{
	__attribute__((cleanup(cgroup_bus_freep))) struct cgroup_bus *cb = xmalloc(sizeof(*cb));
	struct props p = { .c = c, .pid = pid };
	__attribute__((cleanup(job_wait_done))) struct job_wait w = { .b = &cb->b };
	_cleanup_free_ char *unit = unit_name(c, pid), *job = NULL;
	uint64_t t0;
	int r;

	*cb = (struct cgroup_bus){ 0 };
	if ((r = bus_connect(cb, &w)) < 0)
		return r;
	t0 = trace_start();
	if ((r = start_job(cb, unit, &p, &job)) < 0)
		return r;
	w.job = job;
	trace_end("cgroup: StartTransientUnit", t0);
	t0 = trace_start();
	if ((r = wait_job(cb, &w, unit)) < 0)
		return r;
	trace_end("cgroup: JobRemoved", t0);
	run->backend = CGROUP_SYSTEMD;
	run->unit = TAKE_PTR(unit);
	if ((r = check_controllers(c, pid, run->unit)) < 0)
		return r;
	/* Closed by cgroup_placed once the child goes on: not on its way. */
	run->bus = TAKE_PTR(cb);
	return 0;
}

static void systemd_placed(struct cgroup_run *run)
{
	if (!run->bus)
		return;
	bus_close(&run->bus->b, run->bus->bus, run->bus->slot);
	free(run->bus);
	run->bus = NULL;
}

static bool user_manager_reachable(void)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char path[4096];

	if (addr && *addr)
		return true;
	if (!rt)
		return false;
	snprintf(path, sizeof(path), "%s/bus", rt);
	return access(path, F_OK) == 0;
}

const struct cgroup_backend cgroup_systemd_backend = {
	.mode = CGROUP_SYSTEMD,
	.present = user_manager_reachable,
	.place = place_systemd,
	.placed = systemd_placed,
};

/* ---- joining a running sandbox's scope (--enter) --------------------------------------- */

int cgroup_attach_self(const char *cg)
{
	_cleanup_free_ char *unit = NULL, *now = NULL;
	const char *sub = "", *p, *slash;
	struct sdbus b = { 0 };
	sd_bus *bus = NULL;
	sd_bus_message *m = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	int r;

	/* The unit is the last component that is a scope (sbx's are; a --cgroup-writable
	 * sandbox may have moved its PID 1 further down, into what AttachProcessesToUnit
	 * calls the subcgroup). */
	for (p = cg; (slash = strchr(p, '/')); p = slash + 1) {
		size_t n = (size_t)(strchrnul(slash + 1, '/') - (slash + 1));
		if (n > 6 && strncmp(slash + 1 + n - 6, ".scope", 6) == 0) {
			free(unit);
			unit = strndup(slash + 1, n);
			sub = slash + 1 + n;
		}
	}
	if (!unit)
		return sbx_errx("the sandbox's cgroup %s: not a scope of the systemd user manager, "
				"and not one this process may move into",
				cg);
	if ((r = sdbus_load(&b)) < 0)
		return r;
	r = b.open_user(&bus);
	if (r >= 0)
		r = b.new_method_call(bus, &m, "org.freedesktop.systemd1",
				      "/org/freedesktop/systemd1",
				      "org.freedesktop.systemd1.Manager", "AttachProcessesToUnit");
	if (r >= 0)
		r = b.append(m, "ssau", unit, sub, 1, (uint32_t)getpid());
	if (r >= 0)
		r = b.call(bus, m, 0, &err, NULL);
	if (r < 0)
		r = sbx_errx("join the sandbox's scope %s through the systemd user manager: %s",
			     unit, err.message ? err.message : strerror(-r));
	if (m)
		b.message_unref(m);
	b.error_free(&err);
	bus_close(&b, bus, NULL);
	if (r < 0)
		return r;
	/* The user manager may hand the move on to the system manager (it may not move us out
	 * of a login session itself) and answer before it is done: the kernel has the last
	 * word, within the job timeout. */
	for (int i = 0; i < 3000; i++) {
		_cleanup_close_ int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (r = cgroup_read_path(fd, &now)) < 0)
			return fd < 0 ? sbx_err(errno, "open /proc/self/cgroup") : r;
		if (streq(now, cg))
			return 0;
		free(TAKE_PTR(now));
		usleep(10000);
	}
	return sbx_errx("the systemd user manager did not move this process into %s", cg);
}
