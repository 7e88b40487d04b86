/* SPDX-License-Identifier: MIT */
#pragma once
/* What the items of sbx --check share (check.c prints them in order); internal to
 * src/check/. */
#include <stdbool.h>
#include <stdio.h>

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

void check_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the line "STATE   ITEM: DETAIL[; fix: FIX]" and returns st. */
enum check_state check_say(FILE *out, enum check_state st, const char *item,
			   const struct text *detail, const struct text *fix);

/* The number a /proc/sys file holds; -ENOENT where the knob does not exist, -EINVAL where
 * the file holds no number. */
int check_read_number(const char *path, long *ret);

/* The "Seccomp_filters:" count of /proc/self/status: filters a container put on us. */
long check_seccomp_filters(void);

/* The items, one line each. */
enum check_state check_userns(FILE *out);		    /* check_userns.c */
enum check_state check_overlay(FILE *out);		    /* check_userns.c */
enum check_state check_apparmor(FILE *out, bool userns_ok); /* check_apparmor.c */
enum check_state check_helpers(FILE *out);		    /* check_subids.c */
enum check_state check_subids(FILE *out);		    /* check_subids.c */
enum check_state check_cgroup(FILE *out);		    /* check_limits.c */
enum check_state check_user_bus(FILE *out);		    /* check_limits.c */
enum check_state check_seccomp(FILE *out);		    /* check_kernel.c */
enum check_state check_landlock(FILE *out);		    /* check_kernel.c */
enum check_state check_pid1(FILE *out);			    /* check_kernel.c */
enum check_state check_pasta(FILE *out);		    /* check_net.c */

/* check_apparmor.c: the line for the restriction read from path (tests pass their own
 * file), given whether the user namespaces line said ok; and the fix for a restriction,
 * which the user namespaces line gives too. */
#define CHECK_APPARMOR_SYSCTL "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
enum check_state check_apparmor_at(FILE *out, const char *path, bool userns_ok);
void check_apparmor_fix(struct text *f);
