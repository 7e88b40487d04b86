/* SPDX-License-Identifier: MIT */
#pragma once
#include <signal.h>

#include "base/config.h"
#include "run/proto.h"
#include "run/pty.h"

struct seccomp_set;

/* A failure record on the error pipe, "CODE:MESSAGE" ending with a NUL (run/proto.h). */
void init_report(int err_fd, int code, const char *msg);

/* SBX_FORWARDED_SIGNALS and SIGCHLD (DESIGN.md, section 2). */
void init_forwarded_signals(sigset_t *set);

/* Replaces the calling process with the command, on the sandbox's pty when pty is given
 * and used (pty_attach_child), confined by the Landlock ruleset landlock_fd (-1: none)
 * and under filters, loaded last before the execve; reports a failure on err_fd and exits
 * 125/126/127. Never returns. */
__attribute__((noreturn)) void init_exec_command(const struct sbx_config *c,
						 const struct seccomp_set *filters, int landlock_fd,
						 const struct sbx_pty *pty, int err_fd,
						 const sigset_t *orig_mask);

/* PID 1 of the sandbox, first part: starts the command (vfork-style) and returns its pid;
 * early: the signals that were pending before it existed. Exits 125 on failure. */
pid_t init_spawn_command(const struct sbx_config *c, const struct seccomp_set *filters,
			 int landlock_fd, const struct sbx_pty *pty, int err_fd,
			 const sigset_t *orig_mask, sigset_t *ret_early);

/* Then: forwards signals to cmd, reaps orphans, and exits with the command's status (or
 * says it was killed for memory). Never returns. sbx's PID 1 program (src/run/pid1) does the
 * same where it can be exec'd. */
__attribute__((noreturn)) void init_wait(const struct sbx_config *c, pid_t cmd, sigset_t *early,
					 int err_fd, int memory_events_fd);
