/* SPDX-License-Identifier: MIT */
#pragma once
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _p = (p); \
		(p) = NULL;             \
		_p;                     \
	})
#define TAKE_FD(fd)             \
	({                      \
		int _fd = (fd); \
		(fd) = -1;      \
		_fd;            \
	})
#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define streq(a, b) (strcmp((a), (b)) == 0)

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Also callable by hand: the fd becomes -1, so a second call does nothing. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* Allocation failure is not a condition sbx can report usefully; abort like systemd's xmalloc. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* NULL-terminated string vectors. */
size_t strv_length(char *const *v);
void strv_push(char ***v, char *s); /* takes ownership of s */
void strv_free(char **v);
void strv_freep(char ***v);
char **strv_copy(char *const *v);
/* In an environment list (NAME=VALUE strings): the index of NAME, or -1; its value or NULL. */
ssize_t env_find(char **env, const char *name);
const char *env_value(char **env, const char *name);
/* Sets NAME=VALUE in *env, replacing an entry of that name. */
void env_set(char ***env, const char *name, const char *value);

/* Value parsers: pure, return 0 or -EINVAL with a message naming the option and value. */
int parse_size(const char *opt, const char *s, uint64_t *ret);
int parse_duration(const char *opt, const char *s, uint64_t *ret_usec);
int parse_id(const char *opt, const char *s, uint32_t *ret);
int parse_fd(const char *opt, const char *s, int *ret);
int parse_mode(const char *opt, const char *s, mode_t *ret);
struct sbx_rlimit {
	int resource;
	struct rlimit lim;
	bool soft_only; /* NAME=SOFT: hard limit left as it is */
};
int parse_rlimit(const char *opt, const char *s, struct sbx_rlimit *ret);
const char *rlimit_name(int resource);
/* "1.5" CPUs → 1500000 µs of CPU time per second. */
int parse_cpus(const char *opt, const char *s, uint64_t *ret_usec_per_sec);
/* An integer in [min, max]. */
int parse_range(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *ret);

/* fd helpers: EINTR-safe loops. */
int write_all(int fd, const void *buf, size_t n);
ssize_t read_all(int fd, void *buf, size_t n);
int write_file_at(int dirfd, const char *path, const char *content);
/* Reads all of fd into a malloc'd NUL-terminated buffer. */
int read_fd_all(int fd, char **ret, size_t *ret_len);

/* Paths. path_in: PATH is DIR or lies below it (both absolute and normalized). */
bool path_in(const char *path, const char *dir);
/* The executable NAME in the absolute directories of $PATH (a relative entry would make
 * the result depend on the cwd at launch), or NULL. The one search sbx and --check use. */
char *path_search(const char *name);
/* The first symlink on the way to PATH (absolute, or relative to the cwd) that a sandbox
 * could have planted: any, except those owned by root when the caller is not root (the
 * system's own layout, /bin -> usr/bin, which no rootless sandbox can create). Returns 1
 * with *ret_link (PATH up to the link) and *ret_target (what it holds), else 0. */
int path_find_symlink(const char *path, char **ret_link, char **ret_target);
