/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* One message per failure: the function that knows the context records it with
 * sbx_err() and returns -errno; callers pass the number up; main() prints once. */
int sbx_err(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure with no errno behind it (bad input): returns -EINVAL. */
int sbx_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Context for the failure r already recorded: "CONTEXT: previous message", and r itself
 * returned, so that the cause's errno survives the wrap (crun's crun_error_wrap). */
int sbx_err_wrap(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sbx_errmsg(void);

void log_set_level_prefix(bool on);
bool log_level_prefix(void);
/* Invoked as bwrap: messages begin "bwrap: ", as bubblewrap's. */
bool log_as_bwrap(void);
void log_set_verbose(int level);
/* -v: each setup step's duration on stderr. trace_start() returns 0 when not tracing. */
uint64_t trace_start(void);
void trace_end(const char *step, uint64_t start);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
