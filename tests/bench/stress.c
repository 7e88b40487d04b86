/* SPDX-License-Identifier: MIT */
/* stress: sbx at scale (make stress; tests/bench/stress.sh starts it as an unprivileged
 * user). Three phases, each between two leak snapshots of the caller:
 *   seq    N sandboxes in sequence (sbx [EXTRA] true): failures, time per run;
 *   alive  N sandboxes alive at once (sh -c 'echo up I; read x' on a pipe this process
 *          holds): every one confirmed up, then all released at once and reaped;
 *   named  N named sandboxes, then W worker processes interleaving --list, --enter and
 *          --stop on them: each worker's own names must be listed, entered and stopped;
 *          entering another worker's name may also find it stopped, the documented
 *          "no running sandbox named" (exit 125), or have its command stopped with the
 *          sandbox (143, 137); anything else is a failure.
 * A leak snapshot counts this process's fds and mounts, processes still alive under it
 * (it is a child subreaper, so anything that outlives its sbx comes back here), entries in
 * the registry directory and lines of sbx --list, and when asked cgroups under a directory
 * and scopes by a command. The machine's MemAvailable is sampled every 20 ms.
 * Prints a markdown table on stdout; exits 1 on any failure or leak, 2 on a limit that
 * makes the numbers unreachable (the reason on stderr and in the table).
 * Env: SBX, STRESS_SEQ, STRESS_ALIVE, STRESS_NAMED, STRESS_WORKERS, STRESS_EXTRA (options
 * for every sandbox, space-separated), STRESS_CGROUP_DIR, STRESS_SCOPES_CMD. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *sbx;
static char *extra[32];
static int n_extra;
static int exit_code;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : def;
}

static long read_long_file(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* ---- memory sampler ---------------------------------------------------------------- */

static atomic_long mem_min_kb, mem_total_kb;
static atomic_bool sampler_stop;

/* Kept open, so that the sampler thread never shows up in a count of the fds. */
static int meminfo_fd = -1;

static long mem_available_kb(void)
{
	char buf[4096], *p;
	ssize_t n = pread(meminfo_fd, buf, sizeof(buf) - 1, 0);
	long v = -1;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "MemTotal:")))
		mem_total_kb = strtol(p + 9, NULL, 10);
	if ((p = strstr(buf, "MemAvailable:")))
		v = strtol(p + 13, NULL, 10);
	return v;
}

static void *sampler(void *arg)
{
	(void)arg;
	while (!sampler_stop) {
		long v = mem_available_kb();
		if (v >= 0 && v < mem_min_kb)
			mem_min_kb = v;
		usleep(20000);
	}
	return NULL;
}

/* ---- what outlives its sbx ------------------------------------------------------------ */

/* The processes this one started (and waits for itself), by pid; anything else that is
 * its child was reparented here (PR_SET_CHILD_SUBREAPER): it outlived the sbx that made
 * it. A subreaper has to reap those, or they pile up as zombies of the user. */
static unsigned char *ours;
static long pid_limit;
static atomic_int orphans;

static void mark_ours(pid_t pid, bool on)
{
	if (pid > 0 && pid < pid_limit) {
		if (on)
			ours[pid / 8] |= (unsigned char)(1u << (pid % 8));
		else
			ours[pid / 8] &= (unsigned char)~(1u << (pid % 8));
	}
}

static bool is_ours(pid_t pid)
{
	return pid > 0 && pid < pid_limit && (ours[pid / 8] >> (pid % 8)) & 1;
}

static void reap_orphans(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[300];
		FILE *f;
		int pid;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children", de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (fscanf(f, "%d", &pid) == 1)
			if (!is_ours(pid) && waitpid(pid, NULL, WNOHANG) == pid)
				orphans++;
		fclose(f);
	}
	closedir(d);
}

/* ---- leak snapshot ------------------------------------------------------------------ */

struct snapshot {
	int fds, mounts, procs, zombies, registry, listed, cgroups, scopes, orphans;
	double settle_s;
};

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Directories below path, recursively (cgroups left behind). */
static int count_cgroups(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char sub[4096];
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		n += 1 + count_cgroups(sub);
	}
	closedir(d);
	return n;
}

/* pid's parent and state from /proc/PID/stat; false when it is gone. */
static bool proc_stat(pid_t pid, pid_t *ppid, char *state)
{
	char path[64], buf[1024], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && sscanf(p + 2, "%c %d", state, ppid) == 2;
}

/* Processes below this one (children, and what was reparented to it), and the zombies
 * among them; with sum_rss, their summed VmRSS in kB. */
static int count_descendants(int *zombies, long *sum_rss)
{
	static pid_t pids[1 << 17], parents[1 << 17];
	static bool mine[1 << 17];
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0, found = 0;
	bool grew = true;

	*zombies = 0;
	if (sum_rss)
		*sum_rss = 0;
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < (1 << 17)) {
		pid_t pid = atoi(de->d_name), ppid;
		char state;
		if (pid <= 0 || !proc_stat(pid, &ppid, &state))
			continue;
		pids[n] = pid;
		parents[n] = ppid;
		mine[n] = false;
		n++;
	}
	closedir(d);
	while (grew) {
		grew = false;
		for (int i = 0; i < n; i++) {
			if (mine[i])
				continue;
			bool below = parents[i] == getpid();
			for (int j = 0; !below && j < n; j++)
				below = mine[j] && pids[j] == parents[i];
			if (below)
				mine[i] = grew = true;
		}
	}
	for (int i = 0; i < n; i++) {
		pid_t ppid;
		char state = '?';
		if (!mine[i])
			continue;
		found++;
		if (proc_stat(pids[i], &ppid, &state) && state == 'Z')
			(*zombies)++;
		if (sum_rss) {
			char path[64], line[128];
			FILE *f;
			long kb;
			snprintf(path, sizeof(path), "/proc/%d/status", pids[i]);
			if (!(f = fopen(path, "re")))
				continue;
			while (fgets(line, sizeof(line), f))
				if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
					*sum_rss += kb;
			fclose(f);
		}
	}
	return found;
}

static int run_capture(char *const argv[], char *out, size_t outlen, int *status);

static int count_listed(void)
{
	static char out[1 << 20];
	char *argv[] = { (char *)sbx, "--list", NULL };
	int status, n = 0;

	if (run_capture(argv, out, sizeof(out), &status) < 0 || status != 0)
		return -1;
	for (char *p = out; *p; p++)
		n += *p == '\n';
	return n > 0 ? n - 1 : 0; /* the header */
}

static char registry_dir[4096];

static void snapshot_once(struct snapshot *s)
{
	const char *cg = getenv("STRESS_CGROUP_DIR"), *scopes = getenv("STRESS_SCOPES_CMD");

	reap_orphans();
	s->procs = count_descendants(&s->zombies, NULL);
	s->orphans = orphans;
	s->fds = count_dir("/proc/self/fd") - 1; /* the one reading it */
	s->mounts = count_lines("/proc/self/mountinfo");
	s->registry = count_dir(registry_dir);
	if (s->registry < 0)
		s->registry = 0; /* not created yet */
	s->listed = count_listed();
	s->cgroups = cg && *cg ? count_cgroups(cg) : -1;
	s->scopes = -1;
	if (scopes && *scopes) {
		FILE *p = popen(scopes, "re");
		if (p) {
			if (fscanf(p, "%d", &s->scopes) != 1)
				s->scopes = -1;
			pclose(p);
		}
	}
}

/* Something still there: more than before, or any process under the caller. */
static bool above(const struct snapshot *a, const struct snapshot *b)
{
	return a->procs > 0 || a->fds > b->fds || a->mounts > b->mounts ||
	       a->registry > b->registry || a->listed > b->listed || a->listed < 0 ||
	       a->cgroups > b->cgroups || a->scopes > b->scopes;
}

/* With before: what goes a moment after its sandbox (a helper exiting, a scope the user
 * manager collects, 100 at once in an emulated guest) is not a leak; a leak is what is
 * still there after STRESS_SETTLE_S seconds (default 10). */
static void snapshot(struct snapshot *s, const struct snapshot *before)
{
	double t0 = now_ms(), limit = 1000.0 * (double)env_long("STRESS_SETTLE_S", 10);

	snapshot_once(s);
	while (before && above(s, before) && now_ms() - t0 < limit) {
		usleep(200000);
		snapshot_once(s);
	}
	s->settle_s = (now_ms() - t0) / 1000;
}

/* ---- spawning ----------------------------------------------------------------------- */

/* argv of sbx with the extra options, then the rest. */
static char **sbx_argv(char **rest)
{
	static char *v[64];
	int n = 0;

	v[n++] = (char *)sbx;
	for (int i = 0; i < n_extra; i++)
		v[n++] = extra[i];
	while (*rest && n < 63)
		v[n++] = *rest++;
	v[n] = NULL;
	return v;
}

static pid_t spawn(char *const argv[], int in, int out, const char *err_path)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r;

	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err_path ? err_path : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		errno = r;
		return -1;
	}
	mark_ours(pid, true);
	return pid;
}

static int wait_for(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	mark_ours(pid, false);
	return status;
}

/* Runs argv, its stdout into out (NUL-terminated), stderr to the same. */
static int run_capture(char *const argv[], char *out, size_t outlen, int *status)
{
	int p[2];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = spawn(argv, -1, p[1], NULL);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	while ((n = read(p[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	out[len] = '\0';
	*status = wait_for(pid);
	return 0;
}

/* The first lines of a failure's stderr, once per distinct message. */
static void note_failure(const char *phase, const char *what, const char *err_path, int status)
{
	static char seen[16][256];
	static int n_seen;
	char msg[256] = "";
	FILE *f = err_path ? fopen(err_path, "re") : NULL;

	if (f) {
		if (!fgets(msg, sizeof(msg), f))
			msg[0] = '\0';
		fclose(f);
	}
	msg[strcspn(msg, "\n")] = '\0';
	for (int i = 0; i < n_seen; i++)
		if (strcmp(seen[i], msg) == 0)
			return;
	if (n_seen < 16)
		snprintf(seen[n_seen++], sizeof(seen[0]), "%s", msg);
	fprintf(stderr, "stress: %s: %s: %s (%s %d)\n", phase, what, msg[0] ? msg : "(no message)",
		status >= 0 && WIFSIGNALED(status) ? "signal" : "status",
		status < 0	      ? -1
		: WIFSIGNALED(status) ? WTERMSIG(status)
				      : WEXITSTATUS(status));
}

/* ---- statistics --------------------------------------------------------------------- */

struct times {
	double *ms;
	int n, cap;
};

static void times_add(struct times *t, double ms)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->ms = realloc(t->ms, (size_t)t->cap * sizeof(double));
	}
	t->ms[t->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* "mean / p50 / p99 / max" in ms */
static const char *times_str(struct times *t, char *buf, size_t len)
{
	double sum = 0;

	if (t->n == 0)
		return snprintf(buf, len, "–"), buf;
	qsort(t->ms, (size_t)t->n, sizeof(double), cmp_double);
	for (int i = 0; i < t->n; i++)
		sum += t->ms[i];
	snprintf(buf, len, "%.1f / %.1f / %.1f / %.1f", sum / t->n, t->ms[t->n / 2],
		 t->ms[(int)(t->n * 0.99)], t->ms[t->n - 1]);
	return buf;
}

/* ---- the table ---------------------------------------------------------------------- */

struct phase {
	const char *name, *what;
	int runs, failures;
	struct times start; /* time per start */
	char extra_timing[256];
	struct snapshot before, after;
	long mem_base_kb, mem_min_kb, mem_after_kb, rss_kb;
	double seconds;
	bool limited; /* not run: a limit, in note */
	char note[512];
};

static void phase_begin(struct phase *p)
{
	snapshot(&p->before, NULL);
	p->mem_base_kb = mem_available_kb();
	mem_min_kb = p->mem_base_kb;
	p->seconds = now_ms();
	fprintf(stderr, "stress: %s: %s...\n", p->name, p->what);
}

static int leak(int before, int after)
{
	return before < 0 || after < 0 ? 0 : after - before;
}

static void phase_end(struct phase *p)
{
	p->seconds = (now_ms() - p->seconds) / 1000;
	p->mem_min_kb = mem_min_kb;
	snapshot(&p->after, &p->before);
	p->mem_after_kb = mem_available_kb();
	if (p->failures || leak(p->before.fds, p->after.fds) ||
	    leak(p->before.mounts, p->after.mounts) || p->after.procs ||
	    leak(p->before.registry, p->after.registry) ||
	    leak(p->before.listed, p->after.listed) || p->after.listed < 0 ||
	    leak(p->before.cgroups, p->after.cgroups) || leak(p->before.scopes, p->after.scopes))
		exit_code = exit_code ? exit_code : 1;
	fprintf(stderr, "stress: %s: %d runs, %d failures, %.0f s\n", p->name, p->runs, p->failures,
		p->seconds);
}

static const char *leak_cell(int before, int after, char *buf, size_t len)
{
	if (before < 0 || after < 0)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%d (%d → %d)", after - before, before, after);
	return buf;
}

static void print_table(struct phase *ph, int n)
{
	char a[128], b[128];

	printf("| phase | runs | failures | time per start ms: mean / p50 / p99 / max | "
	       "wall s | MemAvailable MB: before / min / after | RSS of sandboxes MB |\n");
	printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (int i = 0; i < n; i++) {
		struct phase *p = &ph[i];
		if (p->limited) {
			printf("| %s | – | not run | %s | | | |\n", p->name, p->note);
			continue;
		}
		printf("| %s | %d | %d | %s%s | %.0f | %ld / %ld / %ld | %s |\n", p->name, p->runs,
		       p->failures, times_str(&p->start, a, sizeof(a)), p->extra_timing, p->seconds,
		       p->mem_base_kb / 1024, p->mem_min_kb / 1024, p->mem_after_kb / 1024,
		       p->rss_kb ? (snprintf(b, sizeof(b), "%ld", p->rss_kb / 1024), b) : "–");
	}
	printf("\nLeaks after each phase (after − before; the counts in brackets). The caller is "
	       "a child subreaper: processes left are those still under it after the phase, once "
	       "the counts settled (up to STRESS_SETTLE_S, settled after s); "
	       "outlived their sbx counts those reparented to it that it reaped (sbx's PID 1 is "
	       "ended by PR_SET_PDEATHSIG after sbx returned, by design: no leak, but a "
	       "subreaper that reaps only its own children collects them as zombies):\n\n");
	printf("| phase | caller's fds | caller's mounts | processes left (zombies) | "
	       "outlived their sbx, reaped | registry entries | --list lines | cgroups | "
	       "scopes | settled after s |\n");
	printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (int i = 0; i < n; i++) {
		struct phase *p = &ph[i];
		char c[5][64];
		if (p->limited)
			continue;
		printf("| %s | %s | %s | %d (%d) | %d | %s | %s | %s | %s | %.1f |\n", p->name,
		       leak_cell(p->before.fds, p->after.fds, c[0], 64),
		       leak_cell(p->before.mounts, p->after.mounts, c[1], 64), p->after.procs,
		       p->after.zombies, p->after.orphans - p->before.orphans,
		       leak_cell(p->before.registry, p->after.registry, c[2], 64),
		       leak_cell(p->before.listed, p->after.listed, c[3], 64),
		       leak_cell(p->before.cgroups, p->after.cgroups, c[4], 64),
		       leak_cell(p->before.scopes, p->after.scopes, a, sizeof(a)),
		       p->after.settle_s);
	}
	for (int i = 0; i < n; i++)
		if (!ph[i].limited && ph[i].note[0])
			printf("\n%s: %s\n", ph[i].name, ph[i].note);
}

/* ---- limits ------------------------------------------------------------------------- */

/* Whether the kernel and the rlimits let this user have `sandboxes` at once, each of
 * `procs` processes; if not, the reason in why. */
static bool limits_allow(int sandboxes, int procs, char *why, size_t len)
{
	static const char *const ns[] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup" };
	struct rlimit rl;
	long need = (long)sandboxes * procs + 200, v;
	char path[128];

	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < need) {
		snprintf(why, len,
			 "RLIMIT_NPROC (ulimit -u) is %ld, %d sandboxes need about %ld processes "
			 "of this user (raise it: prlimit --nproc, /etc/security/limits.conf)",
			 (long)rl.rlim_cur, sandboxes, need);
		return false;
	}
	if ((v = read_long_file("/proc/sys/kernel/pid_max")) > 0 && v < need) {
		snprintf(why, len, "kernel.pid_max is %ld, %d sandboxes need about %ld pids", v,
			 sandboxes, need);
		return false;
	}
	if ((v = read_long_file("/proc/sys/kernel/threads-max")) > 0 && v < need) {
		snprintf(why, len, "kernel.threads-max is %ld, %d sandboxes need about %ld", v,
			 sandboxes, need);
		return false;
	}
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", ns[i]);
		if ((v = read_long_file(path)) >= 0 && v < sandboxes + 50) {
			snprintf(why, len,
				 "user.max_%s_namespaces is %ld, %d sandboxes need %d (as root: "
				 "sysctl user.max_%s_namespaces=%d)",
				 ns[i], v, sandboxes, sandboxes + 50, ns[i], 2 * sandboxes + 100);
			return false;
		}
	}
	return true;
}

/* ---- phases ------------------------------------------------------------------------- */

static void phase_seq(struct phase *p, int n)
{
	char *rest[] = { "true", NULL };
	char **argv = sbx_argv(rest);

	phase_begin(p);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		pid_t pid = spawn(argv, -1, -1, "stress-err.txt");
		int status = pid < 0 ? -1 : wait_for(pid);
		times_add(&p->start, now_ms() - t0);
		p->runs++;
		if (status != 0) {
			p->failures++;
			note_failure(p->name, pid < 0 ? "spawn" : "sbx true", "stress-err.txt",
				     status);
		}
		if ((i + 1) % 20 == 0)
			reap_orphans();
		if ((i + 1) % 1000 == 0)
			fprintf(stderr, "stress: seq: %d/%d\n", i + 1, n);
	}
	phase_end(p);
}

/* Starts n sandboxes running sh -c 'echo up I; read x; exit 0' (named stress-I when
 * named), stdin on the read end of a pipe whose write end is returned in release; waits
 * until every one said "up" (time per start: from spawn to that line). */
static void start_many(struct phase *p, int n, bool named, pid_t *pids, int *release)
{
	int in[2], up[2], seen = 0;
	double *t0 = calloc((size_t)n, sizeof(double)), deadline;
	bool *is_up = calloc((size_t)n, sizeof(bool));
	char buf[4096], name[32], idx[16];
	size_t have = 0;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(up, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("stress: pipe");
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		char *rest[] = {
			"--name", name, "sh", "-c", "echo up $0; read x; exit 0", idx, NULL
		};
		snprintf(name, sizeof(name), "stress-%d", i);
		snprintf(idx, sizeof(idx), "%d", i);
		t0[i] = now_ms();
		pids[i] = spawn(sbx_argv(named ? rest : rest + 2), in[0], up[1], "stress-err.txt");
		p->runs++;
		if (pids[i] < 0) {
			p->failures++;
			note_failure(p->name, "spawn", NULL, -1);
		}
	}
	close(in[0]);
	close(up[1]);
	deadline = now_ms() + 120000 + 100.0 * n;
	while (seen < n && now_ms() < deadline) {
		struct pollfd pfd = { .fd = up[0], .events = POLLIN };
		ssize_t r;
		char *nl, *line;
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		r = read(up[0], buf + have, sizeof(buf) - 1 - have);
		if (r == 0)
			break; /* every sandbox gone */
		if (r < 0)
			continue;
		have += (size_t)r;
		buf[have] = '\0';
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			int i;
			*nl = '\0';
			if (sscanf(line, "up %d", &i) == 1 && i >= 0 && i < n && !is_up[i]) {
				is_up[i] = true;
				times_add(&p->start, now_ms() - t0[i]);
				seen++;
			}
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
	}
	close(up[0]);
	if (seen < n) {
		int first = -1;
		for (int i = 0; i < n && first < 0; i++)
			if (!is_up[i])
				first = i;
		fprintf(stderr, "stress: %s: %d of %d sandboxes never came up (first: %d)\n",
			p->name, n - seen, n, first);
		p->failures += n - seen;
		note_failure(p->name, "start", "stress-err.txt", -1);
	}
	*release = in[1];
	free(t0);
	free(is_up);
}

static void phase_alive(struct phase *p, int n)
{
	pid_t *pids = calloc((size_t)n, sizeof(pid_t));
	int release, zombies, bad = 0, procs;

	phase_begin(p);
	start_many(p, n, false, pids, &release);
	procs = count_descendants(&zombies, &p->rss_kb);
	snprintf(p->note, sizeof(p->note), "%d processes under the caller with all up", procs);
	close(release); /* every read x sees EOF */
	for (int i = 0; i < n; i++) {
		if (pids[i] > 0 && wait_for(pids[i]) != 0)
			bad++;
		if (i % 50 == 0)
			reap_orphans();
	}
	if (bad) {
		fprintf(stderr, "stress: alive: %d sandboxes did not exit 0 when released\n", bad);
		p->failures += bad;
	}
	free(pids);
	phase_end(p);
}

/* What a worker reports per operation. */
enum op {
	OP_LIST,
	OP_ENTER_OWN,
	OP_ENTER_OTHER,
	OP_STOP,
	OP_MAX
};
static const char *const op_names[] = { "--list", "--enter own", "--enter other", "--stop" };
struct op_record {
	int op, outcome; /* 0 ok, 1 documented miss (not running), 2 failure */
	double ms;
};

static int op_run(char **argv, const char *err_path, char *out, size_t outlen, double *ms)
{
	double t0 = now_ms();
	int status = -1;

	if (out) {
		if (run_capture(argv, out, outlen, &status) < 0)
			status = -1;
	} else {
		pid_t pid = spawn(argv, -1, -1, err_path);
		status = pid < 0 ? -1 : wait_for(pid);
	}
	*ms = now_ms() - t0;
	return status;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void report(int fd, int op, int outcome, double ms)
{
	struct op_record r = { op, outcome, ms };

	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
}

/* Worker w of nw over n names: for each of its own names (i % nw == w), in order: --list
 * (its own live names must be there), --enter of another name (may have been stopped:
 * then the documented refusal), --enter of its own, --stop of its own. */
static void worker(int w, int nw, int n, int fd)
{
	static char out[1 << 20];
	char err[64], name[32], other[32], needle[48];
	char *list[] = { (char *)sbx, "--list", NULL };
	unsigned seed = (unsigned)w * 7919u + 17u;

	snprintf(err, sizeof(err), "stress-err.%d.txt", w);
	for (int i = w; i < n; i += nw) {
		char *enter[] = { (char *)sbx, "--enter", name, "true", NULL };
		char *enter_other[] = { (char *)sbx, "--enter", other, "true", NULL };
		char *stop[] = { (char *)sbx, "--stop", name, NULL };
		double ms;
		int st, missing = 0;

		st = op_run(list, NULL, out, sizeof(out), &ms);
		for (int j = i; j < n; j += nw) {
			snprintf(needle, sizeof(needle), "\nstress-%d ", j);
			missing += !strstr(out, needle);
		}
		if (st != 0 || missing)
			fprintf(stderr,
				"stress: named: worker %d: --list: status %d, %d live names of its "
				"own missing\n",
				w, st, missing);
		report(fd, OP_LIST, st != 0 || missing ? 2 : 0, ms);

		seed = seed * 1103515245u + 12345u;
		snprintf(other, sizeof(other), "stress-%u", (seed >> 8) % (unsigned)n);
		st = op_run(enter_other, err, NULL, 0, &ms);
		/* Stopped meanwhile: refused as not running (125), or the command was stopped
		 * with the sandbox (143, 137). */
		if (st != 0 &&
		    !(WIFEXITED(st) &&
		      ((WEXITSTATUS(st) == 125 && file_has(err, "no running sandbox named")) ||
		       WEXITSTATUS(st) == 143 || WEXITSTATUS(st) == 137))) {
			note_failure("named", "--enter (another worker's name)", err, st);
			report(fd, OP_ENTER_OTHER, 2, ms);
		} else {
			report(fd, OP_ENTER_OTHER, st == 0 ? 0 : 1, ms);
		}

		snprintf(name, sizeof(name), "stress-%d", i);
		st = op_run(enter, err, NULL, 0, &ms);
		if (st != 0)
			note_failure("named", "--enter (own, live)", err, st);
		report(fd, OP_ENTER_OWN, st != 0 ? 2 : 0, ms);

		st = op_run(stop, err, NULL, 0, &ms);
		if (st != 0)
			note_failure("named", "--stop", err, st);
		report(fd, OP_STOP, st != 0 ? 2 : 0, ms);
	}
}

static void phase_named(struct phase *p, int n, int nw)
{
	pid_t *pids = calloc((size_t)n, sizeof(pid_t)), *wpids = calloc((size_t)nw, sizeof(pid_t));
	struct times t[OP_MAX] = { 0 };
	int release, rec[2], counts[OP_MAX][3] = { 0 }, bad = 0;
	struct op_record r;
	char a[128];
	size_t len = 0;

	phase_begin(p);
	start_many(p, n, true, pids, &release);
	if (pipe2(rec, O_CLOEXEC) < 0) {
		perror("stress: pipe");
		exit(1);
	}
	for (int w = 0; w < nw; w++)
		if ((wpids[w] = fork()) > 0)
			mark_ours(wpids[w], true);
		else if (wpids[w] == 0) {
			close(rec[0]);
			worker(w, nw, n, rec[1]);
			_exit(0);
		}
	close(rec[1]);
	while (read(rec[0], &r, sizeof(r)) == sizeof(r)) {
		counts[r.op][r.outcome]++;
		times_add(&t[r.op], r.ms);
		reap_orphans();
	}
	close(rec[0]);
	for (int w = 0; w < nw; w++)
		if (wait_for(wpids[w]) != 0)
			p->failures++;
	close(release);
	/* Stopped: SIGTERM reached the command (143), or SIGKILL after the grace (137). */
	for (int i = 0; i < n; i++) {
		int st = pids[i] > 0 ? wait_for(pids[i]) : 0;
		if (pids[i] > 0 &&
		    !(WIFEXITED(st) && (WEXITSTATUS(st) == 143 || WEXITSTATUS(st) == 137)))
			bad++;
	}
	if (bad) {
		fprintf(stderr,
			"stress: named: %d sandboxes did not end with 143/137 after --stop\n", bad);
		p->failures += bad;
	}
	for (int o = 0; o < OP_MAX; o++) {
		p->failures += counts[o][2];
		p->runs += counts[o][0] + counts[o][1] + counts[o][2];
		times_str(&t[o], a, sizeof(a));
		len += (size_t)snprintf(p->note + len, sizeof(p->note) - len,
					"%s%s: %d ok, %d not running, %d failed, ms %s",
					o ? "; " : "", op_names[o], counts[o][0], counts[o][1],
					counts[o][2], a);
	}
	snprintf(p->extra_timing, sizeof(p->extra_timing), " (starts; the %d operations below)",
		 counts[0][0] + counts[0][2] + counts[1][0] + counts[1][2] + counts[2][0] +
			 counts[2][1] + counts[2][2] + counts[3][0] + counts[3][2]);
	free(pids);
	free(wpids);
	phase_end(p);
}

int main(void)
{
	int n_seq = (int)env_long("STRESS_SEQ", 10000),
	    n_alive = (int)env_long("STRESS_ALIVE", 1000),
	    n_named = (int)env_long("STRESS_NAMED", 200),
	    n_workers = (int)env_long("STRESS_WORKERS", 6);
	struct phase ph[3] = {
		{ .name = "seq", .what = "sandboxes in sequence" },
		{ .name = "alive", .what = "sandboxes alive at once" },
		{ .name = "named", .what = "named sandboxes, --list/--enter/--stop from workers" },
	};
	const char *rt = getenv("XDG_RUNTIME_DIR"), *ex = getenv("STRESS_EXTRA");
	pthread_t th;
	static char exbuf[512];

	sbx = getenv("SBX");
	if (!sbx || !rt) {
		fprintf(stderr, "stress: SBX and XDG_RUNTIME_DIR must be set\n");
		return 2;
	}
	if (ex) {
		snprintf(exbuf, sizeof(exbuf), "%s", ex);
		for (char *t = strtok(exbuf, " "); t && n_extra < 31; t = strtok(NULL, " "))
			extra[n_extra++] = t;
	}
	snprintf(registry_dir, sizeof(registry_dir), "%s/sbx", rt);
	/* Whatever outlives its sbx is reparented here, and counted. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("stress: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	meminfo_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	pid_limit = read_long_file("/proc/sys/kernel/pid_max");
	if (pid_limit <= 0 || pid_limit > (1L << 22))
		pid_limit = 1L << 22;
	ours = calloc((size_t)pid_limit / 8 + 1, 1);
	/* What the first sandbox of a session creates for good (the user manager's app.slice)
	 * is no leak: one sandbox before the first snapshot. */
	{
		char *rest[] = { "true", NULL };
		pid_t pid = spawn(sbx_argv(rest), -1, -1, "stress-err.txt");
		if (pid < 0 || wait_for(pid) != 0) {
			note_failure("warm-up", "sbx true", "stress-err.txt", -1);
			return 1;
		}
	}
	mem_min_kb = mem_available_kb();
	pthread_create(&th, NULL, sampler, NULL);

	if (n_seq > 0)
		phase_seq(&ph[0], n_seq);
	else
		ph[0].limited = true, snprintf(ph[0].note, sizeof(ph[0].note), "STRESS_SEQ=0");
	if (n_alive > 0 && limits_allow(n_alive, 3, ph[1].note, sizeof(ph[1].note)))
		phase_alive(&ph[1], n_alive);
	else
		ph[1].limited = true;
	if (n_named > 0 && limits_allow(n_named, 4, ph[2].note, sizeof(ph[2].note)))
		phase_named(&ph[2], n_named, n_workers);
	else
		ph[2].limited = true;
	sampler_stop = true;
	pthread_join(th, NULL);
	for (int i = 1; i < 3; i++)
		if (ph[i].limited && (i == 1 ? n_alive : n_named) > 0) {
			fprintf(stderr, "stress: %s: not run: %s\n", ph[i].name, ph[i].note);
			exit_code = exit_code ? exit_code : 2;
		}
	printf("MemTotal %ld MB.\n\n", mem_total_kb / 1024);
	print_table(ph, 3);
	return exit_code;
}
