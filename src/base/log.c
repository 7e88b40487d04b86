/* SPDX-License-Identifier: MIT */
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char last_error[1024];
static bool level_prefix;
static int verbose;

/* Formats into a scratch buffer first: a message may quote the previous one. */
int sbx_err(int errnum, const char *fmt, ...)
{
	char tmp[sizeof(last_error)];
	va_list ap;
	size_t n;

	if (errnum <= 0)
		errnum = EIO;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	snprintf(tmp + n, sizeof(tmp) - n, ": %s", strerror(errnum));
	memcpy(last_error, tmp, sizeof(tmp));
	return -errnum;
}

int sbx_errx(const char *fmt, ...)
{
	char tmp[sizeof(last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(last_error, tmp, sizeof(tmp));
	return -EINVAL;
}

int sbx_err_wrap(int r, const char *fmt, ...)
{
	char tmp[2 * sizeof(last_error)];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	if (n < sizeof(last_error))
		snprintf(tmp + n, sizeof(tmp) - n, ": %s", sbx_errmsg());
	tmp[sizeof(last_error) - 1] = '\0';
	memcpy(last_error, tmp, sizeof(last_error));
	return r < 0 ? r : -EIO;
}

const char *sbx_errmsg(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void log_set_level_prefix(bool on)
{
	level_prefix = on;
}

bool log_level_prefix(void)
{
	return level_prefix;
}

void log_set_verbose(int level)
{
	verbose = level;
}

/* Invoked as bwrap, sbx speaks as bubblewrap, whose clients (and test suite) look for its
 * "bwrap: " prefix; bubblewrap's warnings carry no tag but --level-prefix's "<4>". */
bool log_as_bwrap(void)
{
	return strcmp(program_invocation_short_name, "bwrap") == 0;
}

static void log_v(const char *level, const char *tag, const char *fmt, va_list ap)
{
	bool bwrap = log_as_bwrap();
	char buf[1200];
	int n;

	/* One write(2) per line, so lines from the two sbx processes never interleave. */
	n = snprintf(buf, sizeof(buf), "%s%s: %s", level_prefix ? level : "",
		     bwrap ? "bwrap" : "sbx", bwrap ? "" : tag);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	strcat(buf, "\n");
	fputs(buf, stderr);
	fflush(stderr);
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t trace_start(void)
{
	return verbose ? now_usec() : 0;
}

void trace_end(const char *step, uint64_t start)
{
	if (verbose && start)
		log_debug("[%d] %s: %llu us", getpid(), step,
			  (unsigned long long)(now_usec() - start));
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v("<3>", "", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v("<4>", "warning: ", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	log_v("<7>", "", fmt, ap);
	va_end(ap);
}
