/* SPDX-License-Identifier: MIT */
/* Compiled to nothing without SBX_FAULT_INJECTION (fault.h). */
#ifdef SBX_FAULT_INJECTION
#include "base/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

/* SBX_FAULT is one of:
 *   fail:NAME[:N]     the Nth pass (default 1) of point NAME fails with EIO
 *   kill:NAME[:N]     the process at that pass dies of SIGKILL
 *   trace:FILE        each pass appended to FILE as "NAME N" (N counts passes of NAME in
 *                     the process and those it forked from, so a fail/kill can name it)
 *   random:SEED:PERMILLE[:fail|kill]
 *                     each pass fails or dies with that probability, decided by a hash of
 *                     SEED, NAME and N: a seed reproduces its run */
enum fault_mode {
	FAULT_OFF,
	FAULT_FAIL,
	FAULT_KILL,
	FAULT_TRACE,
	FAULT_RANDOM
};

static struct {
	enum fault_mode mode;
	char name[64];
	unsigned long n;
	int trace_fd;
	unsigned long seed, permille;
	enum fault_mode random_action; /* FAULT_OFF: either */
	struct {
		const char *name;
		unsigned long count;
	} seen[64];
} f = { .trace_fd = -1 };

static bool parse(char *spec)
{
	char *arg = strchr(spec, ':'), *rest;

	if (!arg)
		return false;
	*arg++ = '\0';
	if (streq(spec, "fail") || streq(spec, "kill")) {
		f.mode = streq(spec, "fail") ? FAULT_FAIL : FAULT_KILL;
		rest = strchr(arg, ':');
		if (rest)
			*rest++ = '\0';
		snprintf(f.name, sizeof(f.name), "%s", arg);
		f.n = rest ? strtoul(rest, NULL, 10) : 1;
		return f.n > 0;
	}
	if (streq(spec, "trace")) {
		/* Far above the fds a caller passes on purpose (--sync-fd 3 and the like). */
		int fd = open(arg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		f.trace_fd = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 900);
		if (fd >= 0)
			close(fd);
		f.mode = FAULT_TRACE;
		return f.trace_fd >= 0;
	}
	if (streq(spec, "random")) {
		f.mode = FAULT_RANDOM;
		f.seed = strtoul(arg, &rest, 10);
		if (*rest != ':')
			return false;
		f.permille = strtoul(rest + 1, &rest, 10);
		if (*rest == ':')
			f.random_action = streq(rest + 1, "fail") ? FAULT_FAIL : FAULT_KILL;
		return true;
	}
	return false;
}

void fault_setup(void)
{
	const char *v = getenv("SBX_FAULT");
	_cleanup_free_ char *spec = v ? strdup(v) : NULL;

	if (!v)
		return;
	unsetenv("SBX_FAULT");
	/* A test that names no valid fault would pass for the wrong reason. */
	if (!spec || !parse(spec)) {
		fprintf(stderr, "sbx: SBX_FAULT: not understood\n");
		_exit(125);
	}
}

static unsigned long count(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(f.seen) / sizeof(f.seen[0]) && f.seen[i].name; i++)
		if (streq(f.seen[i].name, name))
			return ++f.seen[i].count;
	if (i == sizeof(f.seen) / sizeof(f.seen[0]))
		return 0;
	f.seen[i].name = name;
	return f.seen[i].count = 1;
}

/* FNV-1a over the seed, the name and the pass */
static unsigned long hash(const char *name, unsigned long n)
{
	unsigned long h = 1469598103934665603UL ^ f.seed;

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211UL;
	h = (h ^ n) * 1099511628211UL;
	return h ^ (h >> 29);
}

static int act(enum fault_mode how, const char *name, unsigned long n)
{
	if (how == FAULT_KILL) {
		kill(getpid(), SIGKILL);
		/* The init of a PID namespace ignores even SIGKILL sent from inside it; a
		 * trap is a death by signal the kernel forces on it, at the same point. */
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		__builtin_trap();
	}
	return sbx_err(EIO, "fault injected at %s #%lu", name, n);
}

int fault_hit(const char *name)
{
	unsigned long n, h;
	char line[96];
	int len;

	if (f.mode == FAULT_OFF)
		return 0;
	n = count(name);
	switch (f.mode) {
	case FAULT_TRACE:
		len = snprintf(line, sizeof(line), "%s %lu\n", name, n);
		(void)!write(f.trace_fd, line, (size_t)len);
		return 0;
	case FAULT_FAIL:
	case FAULT_KILL:
		if (n != f.n || !streq(name, f.name))
			return 0;
		return act(f.mode, name, n);
	case FAULT_RANDOM:
		h = hash(name, n);
		if (h % 1000 >= f.permille)
			return 0;
		if (f.random_action != FAULT_OFF)
			return act(f.random_action, name, n);
		return act((h >> 20) & 1 ? FAULT_KILL : FAULT_FAIL, name, n);
	default:
		return 0;
	}
}
#endif
