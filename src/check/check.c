/* SPDX-License-Identifier: MIT */
/* sbx --check: the items in order, and the form of their lines. */
#include "check/check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"
#include "check/check_items.h"

void check_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->s) - t->len ? (size_t)n : sizeof(t->s) - t->len - 1;
}

enum check_state check_say(FILE *out, enum check_state st, const char *item,
			   const struct text *detail, const struct text *fix)
{
	static const char *const words[] = { "ok", "warn", "missing" };

	fprintf(out, "%-8s%s: %s", words[st], item, detail->s);
	if (st != CHECK_OK)
		fprintf(out, "; fix: %s", fix->s);
	fputc('\n', out);
	return st;
}

int check_read_number(const char *path, long *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[32], *end;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_all(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	errno = 0;
	*ret = strtol(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static enum check_state worse(enum check_state a, enum check_state b)
{
	return a > b ? a : b;
}

int check_run(FILE *out)
{
	enum check_state st = CHECK_OK;
	enum check_state userns = check_userns(out);

	st = worse(st, userns);
	st = worse(st, check_apparmor(out, userns == CHECK_OK));
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
