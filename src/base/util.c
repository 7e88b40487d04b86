/* SPDX-License-Identifier: MIT */
#include "base/util.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/log.h"

void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	return p;
}

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void strv_push(char ***v, char *s)
{
	size_t n = strv_length(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void strv_freep(char ***v)
{
	strv_free(*v);
}

char **strv_copy(char *const *v)
{
	char **r = xmalloc((strv_length(v) + 1) * sizeof(char *));

	for (size_t i = 0; v && v[i]; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

/* strtoull accepts leading spaces and a minus sign; a size or id never has either. */
static int parse_u64(const char *s, uint64_t *ret, char **end)
{
	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, end, 10);
	if (errno)
		return -errno;
	*ret = v;
	return 0;
}

int parse_size(const char *opt, const char *s, uint64_t *ret)
{
	static const struct {
		const char *suffix;
		uint64_t factor;
	} units[] = {
		{ "", 1 },
		{ "B", 1 },
		{ "K", 1ULL << 10 },
		{ "KB", 1ULL << 10 },
		{ "KiB", 1ULL << 10 },
		{ "M", 1ULL << 20 },
		{ "MB", 1ULL << 20 },
		{ "MiB", 1ULL << 20 },
		{ "G", 1ULL << 30 },
		{ "GB", 1ULL << 30 },
		{ "GiB", 1ULL << 30 },
		{ "T", 1ULL << 40 },
		{ "TB", 1ULL << 40 },
		{ "TiB", 1ULL << 40 },
	};
	uint64_t v;
	char *end;

	if (parse_u64(s, &v, &end) < 0)
		return sbx_errx(
			"%s: invalid size '%s' (expected a number with optional K, M, G or T)", opt,
			s ? s : "");
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		if (strcasecmp(end, units[i].suffix) != 0)
			continue;
		if (v > UINT64_MAX / units[i].factor)
			return sbx_errx("%s: size '%s' is too large", opt, s);
		*ret = v * units[i].factor;
		return 0;
	}
	return sbx_errx("%s: invalid size '%s': unknown unit '%s' (use K, M, G or T)", opt, s, end);
}

int parse_duration(const char *opt, const char *s, uint64_t *ret_usec)
{
	static const struct {
		const char *suffix;
		uint64_t usec;
	} units[] = {
		{ "", 1000000ULL },	{ "s", 1000000ULL },	{ "sec", 1000000ULL },
		{ "ms", 1000ULL },	{ "us", 1ULL },		{ "m", 60000000ULL },
		{ "min", 60000000ULL }, { "h", 3600000000ULL }, { "d", 86400000000ULL },
	};
	uint64_t v;
	char *end;

	if (parse_u64(s, &v, &end) < 0)
		return sbx_errx("%s: invalid duration '%s' (expected e.g. 30s, 500ms, 2m, 1h)", opt,
				s ? s : "");
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (v > UINT64_MAX / units[i].usec)
			return sbx_errx("%s: duration '%s' is too large", opt, s);
		if (v == 0)
			return sbx_errx("%s: duration must be greater than zero", opt);
		*ret_usec = v * units[i].usec;
		return 0;
	}
	return sbx_errx("%s: invalid duration '%s': unknown unit '%s' (use ms, s, m, h or d)", opt,
			s, end);
}

int parse_id(const char *opt, const char *s, uint32_t *ret)
{
	uint64_t v;
	char *end;

	/* (uid_t)-1 is the "no change" value of the set*id calls: never a real id. */
	if (parse_u64(s, &v, &end) < 0 || *end || v >= UINT32_MAX)
		return sbx_errx("%s: invalid id '%s' (expected a number from 0 to 4294967294)", opt,
				s ? s : "");
	*ret = (uint32_t)v;
	return 0;
}

int parse_fd(const char *opt, const char *s, int *ret)
{
	uint64_t v;
	char *end;

	if (parse_u64(s, &v, &end) < 0 || *end || v > INT_MAX)
		return sbx_errx("%s: invalid file descriptor '%s'", opt, s ? s : "");
	*ret = (int)v;
	return 0;
}

int parse_mode(const char *opt, const char *s, mode_t *ret)
{
	char *end;
	unsigned long v;

	if (!s || !*s || strspn(s, "01234567") != strlen(s))
		return sbx_errx("%s: invalid mode '%s' (expected octal, e.g. 0755)", opt,
				s ? s : "");
	v = strtoul(s, &end, 8);
	if (v > 07777)
		return sbx_errx("%s: invalid mode '%s' (larger than 07777)", opt, s);
	*ret = (mode_t)v;
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "AS", RLIMIT_AS },
	{ "CORE", RLIMIT_CORE },
	{ "CPU", RLIMIT_CPU },
	{ "DATA", RLIMIT_DATA },
	{ "FSIZE", RLIMIT_FSIZE },
	{ "LOCKS", RLIMIT_LOCKS },
	{ "MEMLOCK", RLIMIT_MEMLOCK },
	{ "MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "NICE", RLIMIT_NICE },
	{ "NOFILE", RLIMIT_NOFILE },
	{ "NPROC", RLIMIT_NPROC },
	{ "RSS", RLIMIT_RSS },
	{ "RTPRIO", RLIMIT_RTPRIO },
	{ "RTTIME", RLIMIT_RTTIME },
	{ "SIGPENDING", RLIMIT_SIGPENDING },
	{ "STACK", RLIMIT_STACK },
};

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ELEMENTSOF(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return "?";
}

static int parse_rlim_value(const char *s, rlim_t *ret)
{
	uint64_t v;
	char *end;

	if (streq(s, "infinity") || streq(s, "unlimited")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (parse_u64(s, &v, &end) < 0 || *end || v >= RLIM_INFINITY)
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_rlimit(const char *opt, const char *s, struct sbx_rlimit *ret)
{
	_cleanup_free_ char *copy = xstrdup(s ? s : "");
	char *eq = strchr(copy, '='), *colon;
	struct sbx_rlimit r = { .resource = -1 };

	if (!eq)
		return sbx_errx(
			"%s: invalid limit '%s' (expected NAME=SOFT[:HARD], e.g. NOFILE=1024)", opt,
			copy);
	*eq = '\0';
	for (size_t i = 0; i < ELEMENTSOF(rlimits); i++) {
		const char *n = rlimits[i].name;
		if (strcasecmp(copy, n) == 0 ||
		    (strncasecmp(copy, "RLIMIT_", 7) == 0 && strcasecmp(copy + 7, n) == 0))
			r.resource = rlimits[i].resource;
	}
	if (r.resource < 0)
		return sbx_errx("%s: unknown resource limit '%s' (known: NOFILE, NPROC, CORE, AS, "
				"CPU, DATA, FSIZE, MEMLOCK, STACK, ...)",
				opt, copy);
	colon = strchr(eq + 1, ':');
	if (colon)
		*colon = '\0';
	if (parse_rlim_value(eq + 1, &r.lim.rlim_cur) < 0 ||
	    (colon && parse_rlim_value(colon + 1, &r.lim.rlim_max) < 0))
		return sbx_errx("%s: invalid value in '%s' (expected a number or 'infinity')", opt,
				s);
	if (!colon) {
		r.lim.rlim_max = r.lim.rlim_cur;
		r.soft_only = true;
	}
	if (r.lim.rlim_cur > r.lim.rlim_max)
		return sbx_errx("%s: soft limit above hard limit in '%s'", opt, s);
	*ret = r;
	return 0;
}

int parse_cpus(const char *opt, const char *s, uint64_t *ret_usec_per_sec)
{
	uint64_t whole, frac = 0, scale = 1000000;
	char *end;

	if (parse_u64(s, &whole, &end) < 0 || whole > 4096)
		return sbx_errx("%s: invalid CPU count '%s' (expected e.g. 0.5, 1, 2.25)", opt,
				s ? s : "");
	if (*end == '.') {
		const char *p = end + 1;
		if (!isdigit((unsigned char)*p))
			return sbx_errx("%s: invalid CPU count '%s'", opt, s);
		for (; isdigit((unsigned char)*p); p++) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
			if (scale == 0)
				return sbx_errx("%s: '%s' has more than 6 decimals", opt, s);
		}
		end = (char *)p;
	}
	if (*end)
		return sbx_errx("%s: invalid CPU count '%s'", opt, s);
	/* systemd's CPUQuota granularity is 1% (10 ms per second) */
	if (whole * 1000000 + frac < 10000)
		return sbx_errx("%s: '%s' is below the smallest quota, 0.01", opt, s);
	*ret_usec_per_sec = whole * 1000000 + frac;
	return 0;
}

int parse_range(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	uint64_t v;
	char *end;

	if (parse_u64(s, &v, &end) < 0 || *end || v < min || v > max)
		return sbx_errx("%s: invalid value '%s' (expected a number from %llu to %llu)", opt,
				s ? s : "", (unsigned long long)min, (unsigned long long)max);
	*ret = v;
	return 0;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, p + got, n - got);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

int write_file_at(int dirfd, const char *path, const char *content)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0)
		return sbx_err(errno, "open %s", path);
	r = write_all(fd, content, strlen(content));
	if (r < 0)
		return sbx_err(-r, "write %s", path);
	return 0;
}

int read_fd_all(int fd, char **ret, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = xmalloc(cap);

	for (;;) {
		ssize_t k;
		if (len + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		k = read(fd, buf + len, cap - len - 1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

char *path_search(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = NULL;
		struct stat st;
		if (dir[0] != '/')
			continue;
		p = xasprintf("%s/%s", dir, name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return TAKE_PTR(p);
	}
	return NULL;
}

bool path_in(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (streq(dir, "/"))
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int path_find_symlink(const char *path, char **ret_link, char **ret_target)
{
	_cleanup_free_ char *prefix = xstrdup(path);
	uid_t caller = getuid();

	if (!path[0])
		return 0;
	for (size_t i = 1;; i++) {
		char target[PATH_MAX];
		struct stat st;
		ssize_t n;
		char saved = path[i];

		if (saved != '/' && saved != '\0')
			continue;
		prefix[i] = '\0';
		/* A missing component ends the walk: nothing behind it can redirect. */
		if (lstat(prefix, &st) < 0)
			return 0;
		if (S_ISLNK(st.st_mode) && (st.st_uid != 0 || caller == 0)) {
			n = readlink(prefix, target, sizeof(target) - 1);
			if (n < 0)
				return 0;
			target[n] = '\0';
			*ret_link = TAKE_PTR(prefix);
			*ret_target = xstrdup(target);
			return 1;
		}
		if (saved == '\0')
			return 0;
		prefix[i] = saved;
	}
}

ssize_t env_find(char **env, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return (ssize_t)i;
	return -1;
}

const char *env_value(char **env, const char *name)
{
	ssize_t i = env_find(env, name);

	return i < 0 ? NULL : env[i] + strlen(name) + 1;
}

void env_set(char ***env, const char *name, const char *value)
{
	ssize_t i = env_find(*env, name);
	char *kv = xasprintf("%s=%s", name, value);

	if (i >= 0) {
		free((*env)[i]);
		(*env)[i] = kv;
	} else {
		strv_push(env, kv);
	}
}
